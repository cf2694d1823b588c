"""The compiled SHACL validator reports what pySHACL, the reference implementation, reports.

Both run on the bundled data plus edits that break every kind of constraint the shapes use
(class, datatype and an ill-formed literal, counts, pattern, sh:in, sh:node, sh:not, sh:or,
qualified value shapes, unique and required languages, node kind, the Data Cube checks and both
SPARQL-targeted checks), and must list the same results: focus, path, message, severity, value.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import SH

from policygraph import resources
from policygraph.build import load_shapes
from policygraph.pipeline import build_dataset
from policygraph.shacl import UnsupportedShape, compile_shapes
from policygraph.sources.rdffile import oxigraph_quads, to_rdflib
from policygraph.validation import Violation, _new_graph, _run, _short

from .conftest import SEED

PREFIXES = """
@prefix pg: <https://w3id.org/policygraph/def#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .
@prefix sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#> .
@prefix sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix r: <https://w3id.org/policygraph/id/region/> .
@prefix id: <https://w3id.org/policygraph/id/> .
@prefix doc: <https://w3id.org/policygraph/eli/620000/2019/> .
@prefix x: <https://example.org/test/> .
@prefix tier: <https://w3id.org/policygraph/id/tier/> .
@prefix domain: <https://w3id.org/policygraph/id/domain/> .
@prefix dt: <https://w3id.org/policygraph/id/document-type/> .
@prefix spec: <https://w3id.org/policygraph/id/specificity/> .
@prefix lvl: <https://w3id.org/policygraph/id/level/> .
@prefix src: <https://w3id.org/policygraph/id/source/> .
@prefix ds: <https://w3id.org/policygraph/id/dataset/> .
@prefix unit: <https://w3id.org/policygraph/id/unit/> .
@prefix ck: <https://w3id.org/policygraph/id/claim-kind/> .
@prefix eg: <https://w3id.org/policygraph/id/ethnic-group/> .
@prefix ind: <https://w3id.org/policygraph/id/indicator/> .
"""

#: Each edit breaks at least one constraint; together they break every kind the shapes use.
EDITS = """
doc:bad-a a pg:PolicyDocument ;
    dcterms:title "no English title"@zh , "also Chinese"@zh ;    # title-en (qualified), fine
    eli:id_local "甘政办发[2019]3号" ;                              # sh:not sh:pattern (warning)
    pg:year "2019"^^xsd:gYear , "2020"^^xsd:gYear ;                # sh:maxCount
    eli:date_document "2019-13-45"^^xsd:date ;                     # ill-formed literal
    eli:jurisdiction doc:bad-b ;                                   # sh:class
    pg:tier tier:pension ;                                      # sh:in
    pg:domain tier:assistance ;                                 # sh:node (wrong scheme)
    eli:type_document "plan" ;                                     # sh:node (a literal)
    pg:specificity spec:dedicated , spec:general ;
    eli:passed_by r:620000 ;                                       # sh:class
    dcterms:source src:s0 ; pg:locator "test" .

doc:bad-b a pg:PolicyDocument ;
    dcterms:title "A plan"@en ; eli:id_local "甘政办发〔2018〕1号" ;
    pg:year "2019"^^xsd:gYear ; eli:date_document "2017-05-01"^^xsd:date ;   # both SPARQL checks
    eli:jurisdiction r:620000 ; pg:tier tier:insurance ; pg:domain domain:pension ;
    eli:type_document dt:plan ; pg:specificity spec:general ;
    dcterms:source src:s0 ; pg:locator "test" .

r:629999 a pg:Region ;
    skos:notation "62999x" ;                                       # sh:pattern
    skos:prefLabel "测试"@zh , "测验"@zh ;                            # uniqueLang, no English label
    pg:level lvl:county , lvl:national ;                 # maxCount, parent level
    pg:divisionType domain:pension ;                            # sh:node
    skos:broader pg:Region ;                                       # sh:class
    pg:titularGroup eg:hui ;
    dcterms:source src:s0 ; pg:locator "test" .

x:claim a pg:GapClaim ;
    pg:claimKind ck:missing-policy ;
    pg:aboutRegion doc:bad-b ;                                     # sh:or
    pg:tier tier:commercial ; dcterms:source r:620000 ; pg:locator "test" .

x:obs a qb:Observation ; qb:dataSet ds:s0-table2 ;
    sdmx-dimension:refArea r:623000 ; sdmx-dimension:refPeriod "2018" ;   # sh:nodeKind
    pg:indicator unit:yuan ; sdmx-measure:obsValue "many" ;            # sh:node, datatype
    sdmx-attribute:unitMeasure unit:yuan ; sdmx-attribute:unitMult 4 ;
    dcterms:source src:s0 ; pg:locator "test" .

x:dsd a qb:DataStructureDefinition ; qb:component x:component .     # no measure (IC-3)
x:component qb:dimension x:dimension ; qb:componentRequired false .
x:dimension a qb:DimensionProperty ; rdfs:range skos:Concept .      # IC-4 fine, no code list (IC-5)
x:dataset a qb:DataSet ; qb:structure x:dsd ; dcterms:source src:s0 ; pg:locator "t" .
x:obs2 a qb:Observation ; qb:dataSet x:dataset .                    # IC-11 (and many more)
"""


def run_pyshacl(data: Graph, shapes: Graph) -> list[Violation]:
    """The report of pySHACL, the reference implementation, as policygraph lists it."""
    import pyshacl

    _conforms, results, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
    )
    assert isinstance(results, Graph)
    found: list[Violation] = []
    # Top-level results only: sh:detail nests results that would otherwise be listed twice.
    for result in results.objects(None, SH.result):
        focus = results.value(result, SH.focusNode)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        found.append(
            Violation(
                focus=_short(data, focus),
                path=_short(data, results.value(result, SH.resultPath)),
                message="; ".join(messages) or "constraint not met",
                severity=str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                value=_short(data, results.value(result, SH.value)),
            )
        )
    return found


def _union(extra: str = "") -> Graph:
    dataset = build_dataset(SEED)
    graph = _new_graph()
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    if extra:  # added without its prefixes: results are shortened with policygraph's own
        graph += Graph().parse(data=PREFIXES + extra, format="turtle")
    return graph


def _compiled(graph: Graph, shapes: Graph) -> set[Violation]:
    dataset = Dataset()
    dataset.graph(URIRef("https://example.org/test/graph")).__iadd__(graph)
    store = ox.Store()
    store.bulk_extend(oxigraph_quads(dataset))
    return {violation for _focus, violation in _run(store, compile_shapes(shapes), [])}


def _sample_free(results: set[Violation]) -> set[Violation]:
    """IC-12 reports SAMPLE(?observation) as its value: any of the duplicates is right."""
    return {
        Violation(v.focus, v.path, v.message, v.severity, "" if "IC-12" in v.message else v.value)
        for v in results
    }


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(resources.ontology_dir())


def test_every_shape_compiles(shapes: Graph) -> None:
    targeted = {
        str(shape)
        for predicate in (SH.targetClass, SH.targetObjectsOf, SH.target)
        for shape in shapes.subjects(predicate, None)
    }
    checks = compile_shapes(shapes)
    assert {check.shape for check in checks} == targeted
    assert len(checks) > 100


@pytest.mark.parametrize("edits", ["", EDITS], ids=["bundled", "broken"])
def test_same_results_as_pyshacl(shapes: Graph, edits: str) -> None:
    graph = _union(edits)
    expected = _sample_free(set(run_pyshacl(graph, shapes)))
    found = _sample_free(_compiled(graph, shapes))
    assert found
    assert found == expected, (
        f"only pySHACL: {sorted(expected - found)}\nonly compiled: {sorted(found - expected)}"
    )
    if edits:  # the edits do break what they say they break
        assert len({v.message for v in expected if v.severity == "Violation"}) >= 15


def test_a_shape_with_an_unknown_feature_is_refused() -> None:
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix x: <https://example.org/> .
        x:S a sh:NodeShape ; sh:targetClass x:C ;
            sh:property [ sh:path x:p ; sh:minLength 3 ] .
        """,
        format="turtle",
    )
    with pytest.raises(UnsupportedShape, match="minLength"):
        compile_shapes(shapes)


def test_checking_one_graph_finds_what_checking_all_finds_there(shapes: Graph) -> None:
    """An edit re-validates only its own graph's subjects (``within``): the results for them are
    those of a full run, for plain targets and SPARQL targets alike."""
    edited = URIRef("https://example.org/test/edits")
    dataset = Dataset()
    dataset.graph(URIRef("https://example.org/test/bundled")).__iadd__(_union())
    dataset.graph(edited).__iadd__(Graph().parse(data=PREFIXES + EDITS, format="turtle"))
    store = ox.Store()
    store.bulk_extend(oxigraph_quads(dataset))
    checks = compile_shapes(shapes)
    mine = {s for s in dataset.graph(edited).subjects()}
    everything = {
        violation for focus, violation in _run(store, checks, []) if to_rdflib(focus) in mine
    }
    within = {violation for _focus, violation in _run(store, checks, [str(edited)])}
    assert len({v.message for v in within if v.severity == "Violation"}) >= 15
    assert within == everything
