"""SHACL shapes compiled to SPARQL and answered by Oxigraph: the build's validator.

The shapes in ``ontology/shapes.ttl`` stay the contract. pySHACL evaluates them one focus node and
one value at a time in Python, which took minutes on a national corpus (a nested ``sh:node`` check
alone costs about 1.6 ms, and every document has several); here each constraint of each shape
becomes one SPARQL query that selects the offending focus nodes and values, and Oxigraph answers it
over the whole dataset at once. The results are the ones pySHACL reports: same focus node, path,
value, severity and message (``sh:message``, with ``{?var}`` filled in for SPARQL constraints);
``tests/test_shacl.py`` checks that on the bundled data, on every shape test case and on edits that
break each constraint.

Supported, because the shapes use them: targets (``sh:targetClass``, ``sh:targetNode``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, ``sh:SPARQLTarget``); paths (an IRI, a sequence,
``sh:inversePath``); constraints ``sh:class``, ``sh:datatype``, ``sh:nodeKind``, ``sh:minCount``,
``sh:maxCount``, ``sh:pattern``, ``sh:languageIn``, ``sh:uniqueLang``, ``sh:in``, ``sh:hasValue``,
``sh:node``, ``sh:not``, ``sh:or``, ``sh:qualifiedValueShape`` with ``sh:qualifiedMinCount``,
``sh:property`` and ``sh:sparql``. A shape that uses anything else is refused with a message
naming it, rather than silently not checked.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDFS, SH, XSD
from rdflib.term import Node

from policygraph.errors import OntologyError

__all__ = ["Check", "UnsupportedShape", "compile_shapes", "run_check"]

#: Casts that tell a well-formed literal of a datatype from an ill-formed one (SHACL counts an
#: ill-formed literal as not of its datatype).
_CASTS = {XSD.date, XSD.gYear, XSD.decimal, XSD.integer, XSD.boolean, XSD.dateTime, XSD.double}

#: SHACL's instance test: rdf:type, then any number of rdfs:subClassOf.
_INSTANCE_OF = f"<{RDF.type}>/<{RDFS.subClassOf}>*"

_KNOWN = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.minCount,
    SH.maxCount,
    SH.pattern,
    SH.flags,
    SH.languageIn,
    SH.uniqueLang,
    SH["in"],
    SH.hasValue,
    SH.node,
    SH["not"],
    SH["or"],
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.property,
    SH.sparql,
    SH.path,
    SH.message,
    SH.severity,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.target,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.deactivated,
}


class UnsupportedShape(OntologyError):
    """A shape uses a SHACL feature this validator does not compile."""


@dataclass(frozen=True)
class Check:
    """One SPARQL query for one constraint: each row is a result for ``?this``."""

    shape: str
    prefixes: str
    #: The target patterns (each binds ?this to focus nodes), and what a result matches.
    focus: tuple[str, ...]
    body: str
    path: Node | None
    message: str
    severity: str
    #: Variable holding the value node, or None when the result has none (e.g. sh:minCount).
    value: str | None = None
    #: For SPARQL constraints: the message is a template over the row's variables.
    template: bool = False

    def query(self, within: Sequence[str] = ()) -> str:
        """The SPARQL; with ``within``, only for focus nodes that are subjects in those graphs."""
        union = " UNION ".join(f"{{ SELECT DISTINCT ?this WHERE {{ {p} }} }}" for p in self.focus)
        focus = union
        if within:
            # The unit's subjects first: a changed unit of a few hundred nodes is checked in
            # their time, not in that of every target of the dataset. Each is then tested
            # against the targets where they are plain patterns; a SPARQL target is joined
            # (inside EXISTS it would run once per subject). M, one CSV edit: 3.0 s with the
            # targets first and a filter after, 1.8 s joined, 0.9 s tested; 2.4 s for all.
            graphs = " ".join(f"<{g}>" for g in within)
            subjects = (
                f"{{ SELECT DISTINCT ?this WHERE {{ VALUES ?g {{ {graphs} }} "
                f"GRAPH ?g {{ ?this ?p_ ?o_ }} }} }}"
            )
            if any(part.startswith("{") for part in self.focus):
                focus = f"{subjects} {union}"
            else:
                tests = " || ".join(f"EXISTS {{ {part} }}" for part in self.focus)
                focus = f"{subjects} FILTER ({tests})"
        if self.template:
            return f"{self.prefixes}\nSELECT * WHERE {{ {focus} {{ {self.body} }} }}"
        project = f"?this {self.value}" if self.value and self.value != "?this" else "?this"
        return f"{self.prefixes}\nSELECT DISTINCT {project} WHERE {{ {focus} {self.body} }}"


def _sparql_term(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise UnsupportedShape(f"blank node {node} used as a constant in a shape")


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.fresh = itertools.count()

    def var(self) -> str:
        return f"?v{next(self.fresh)}"

    def items(self, node: Node) -> list[Node]:
        return list(Collection(self.g, node))

    # --- paths -----------------------------------------------------------------------------

    def path(self, node: Node) -> str:
        if isinstance(node, URIRef):
            return f"<{node}>"
        if (node, RDF.first, None) in self.g:
            return "/".join(self.path(step) for step in self.items(node))
        inverse = self.g.value(node, SH.inversePath)
        if inverse is not None:
            return f"^({self.path(inverse)})"
        raise UnsupportedShape(f"path {node} is neither an IRI, a sequence nor an inverse path")

    # --- value-node conditions --------------------------------------------------------------

    def bad_value(self, shape: Node, v: str) -> list[str]:
        """SPARQL expressions, one per value constraint of ``shape``, true when ``v`` fails it."""
        g = self.g
        found: list[str] = []
        for cls in g.objects(shape, SH["class"]):
            found.append(f"NOT EXISTS {{ {v} {_INSTANCE_OF} {_sparql_term(cls)} }}")
        for datatype in g.objects(shape, SH.datatype):
            test = f"!isLiteral({v}) || DATATYPE({v}) != <{datatype}>"
            if datatype in _CASTS:  # an ill-formed literal fails the cast: COALESCE makes it ""
                test += f' || DATATYPE(COALESCE(<{datatype}>(STR({v})), "")) != <{datatype}>'
            found.append(f"({test})")
        for kind in g.objects(shape, SH.nodeKind):
            tests = {
                SH.IRI: f"!isIRI({v})",
                SH.BlankNode: f"!isBlank({v})",
                SH.Literal: f"!isLiteral({v})",
                SH.BlankNodeOrIRI: f"isLiteral({v})",
                SH.IRIOrLiteral: f"isBlank({v})",
                SH.BlankNodeOrLiteral: f"isIRI({v})",
            }
            kind_test = tests.get(URIRef(str(kind)))
            if kind_test is None:
                raise UnsupportedShape(f"{shape}: sh:nodeKind {kind}")
            found.append(kind_test)
        for pattern in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            args = f"{Literal(str(pattern)).n3()}" + (
                f", {Literal(str(flags)).n3()}" if flags else ""
            )
            found.append(f"(isBlank({v}) || !REGEX(STR({v}), {args}))")
        for languages in g.objects(shape, SH.languageIn):
            tags = [str(tag) for tag in self.items(languages)]
            matches = " || ".join(f"langMatches(LANG({v}), {Literal(t).n3()})" for t in tags)
            found.append(f"(!isLiteral({v}) || !({matches or 'false'}))")
        for members in g.objects(shape, SH["in"]):
            same = " || ".join(f"sameTerm({v}, {_sparql_term(m)})" for m in self.items(members))
            found.append(f"!({same or 'false'})")
        for node_shape in g.objects(shape, SH.node):
            found.append(f"!({self.conforms(node_shape, v)})")
        for negated in g.objects(shape, SH["not"]):
            found.append(f"({self.conforms(negated, v)})")
        for alternatives in g.objects(shape, SH["or"]):
            either = " || ".join(f"({self.conforms(s, v)})" for s in self.items(alternatives))
            found.append(f"!({either or 'false'})")
        return found

    def conforms(self, shape: Node, v: str) -> str:
        """A SPARQL expression, true when ``v`` conforms to ``shape`` (sh:node, sh:not, sh:or)."""
        self.check_known(shape)
        if (shape, SH.sparql, None) in self.g:
            raise UnsupportedShape(f"{shape}: sh:sparql inside sh:node, sh:not or sh:or")
        if (shape, SH.path, None) in self.g:  # a property shape: its path starts at v
            parts = [f"NOT EXISTS {{ {p} }}" for p, _ in self.property_failures(shape, v)]
        else:
            parts = [f"!({bad})" for bad in self.bad_value(shape, v)]
            parts += [
                f"sameTerm({v}, {_sparql_term(x)})" for x in self.g.objects(shape, SH.hasValue)
            ]
        for prop in self.g.objects(shape, SH.property):
            parts += [f"NOT EXISTS {{ {p} }}" for p, _ in self.property_failures(prop, v)]
        return " && ".join(parts) or "true"

    # --- property shapes ----------------------------------------------------------------------

    def property_failures(self, shape: Node, focus: str) -> Iterator[tuple[str, str | None]]:
        """(graph pattern, value variable) pairs: a match is a result for ``focus``."""
        g = self.g
        self.check_known(shape)
        path = self.path(g.value(shape, SH.path))  # type: ignore[arg-type]
        for minimum in g.objects(shape, SH.minCount):
            n = int(str(minimum))
            if n > 0:
                vs = [self.var() for _ in range(n)]
                distinct = " && ".join(
                    f"!sameTerm({a}, {b})" for a, b in itertools.combinations(vs, 2)
                )
                body = " . ".join(f"{focus} {path} {x}" for x in vs)
                if distinct:
                    body += f" FILTER ({distinct})"
                yield f"FILTER NOT EXISTS {{ {body} }}", None
        for maximum in g.objects(shape, SH.maxCount):
            vs = [self.var() for _ in range(int(str(maximum)) + 1)]
            distinct = " && ".join(f"!sameTerm({a}, {b})" for a, b in itertools.combinations(vs, 2))
            body = " . ".join(f"{focus} {path} {x}" for x in vs)
            yield body + (f" FILTER ({distinct})" if distinct else ""), None
        for value in g.objects(shape, SH.hasValue):
            yield f"FILTER NOT EXISTS {{ {focus} {path} {_sparql_term(value)} }}", None
        for unique in g.objects(shape, SH.uniqueLang):
            if isinstance(unique, Literal) and unique.toPython() is True:
                a, b = self.var(), self.var()
                yield (
                    (
                        f"{focus} {path} {a} . {focus} {path} {b} "
                        f'FILTER (LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b})) '
                        f"&& !sameTerm({a}, {b}))"
                    ),
                    None,
                )
        for qualified in g.objects(shape, SH.qualifiedValueShape):
            least = g.value(shape, SH.qualifiedMinCount)
            if least is None or str(least) != "1" or (shape, SH.qualifiedMaxCount, None) in g:
                raise UnsupportedShape(f"{shape}: sh:qualifiedValueShape other than min count 1")
            v = self.var()
            test = self.conforms(qualified, v)
            yield f"FILTER NOT EXISTS {{ {focus} {path} {v} FILTER ({test}) }}", None
        v = self.var()
        for bad in self.bad_value(shape, v):
            yield f"{focus} {path} {v} FILTER ({bad})", v
        if (shape, SH.property, None) in g:  # its results would be about the values: not needed
            raise UnsupportedShape(f"{shape}: sh:property on a property shape")

    def check_known(self, shape: Node) -> None:
        for predicate in self.g.predicates(shape, None):
            if str(predicate).startswith(str(SH)) and predicate not in _KNOWN:
                raise UnsupportedShape(f"{shape} uses {predicate}, which policygraph cannot check")


def _prefixes(shapes: Graph, node: Node) -> str:
    lines = []
    for prefixes in shapes.objects(node, SH.prefixes):
        for declaration in shapes.objects(prefixes, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(lines)


def _message(shapes: Graph, shape: Node) -> str:
    messages = sorted(str(m) for m in shapes.objects(shape, SH.message))
    return "; ".join(messages) or "constraint not met"


def _severity(shapes: Graph, shape: Node) -> str:
    severity = shapes.value(shape, SH.severity) or SH.Violation
    return str(severity).rsplit("#", 1)[-1]


def _focus(g: Graph, shape: Node) -> tuple[str, ...] | None:
    """Graph patterns binding ?this to the shape's focus nodes (None: the shape has none)."""
    parts: list[str] = []
    for cls in g.objects(shape, SH.targetClass):
        parts.append(
            f"?this <{RDF.type}>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{cls}>"
        )
    nodes = [_sparql_term(n) for n in g.objects(shape, SH.targetNode)]
    if nodes:
        parts.append(f"VALUES ?this {{ {' '.join(nodes)} }}")
    for predicate in g.objects(shape, SH.targetSubjectsOf):
        parts.append(f"?this <{predicate}> []")
    for predicate in g.objects(shape, SH.targetObjectsOf):
        parts.append(f"[] <{predicate}> ?this")
    for target in g.objects(shape, SH.target):
        if (target, RDF.type, SH.SPARQLTarget) not in g:
            raise UnsupportedShape(f"{shape}: a target other than sh:SPARQLTarget")
        select = str(g.value(target, SH.select))
        parts.append(f"{{ {select} }}")
    return tuple(parts) or None


def compile_shapes(shapes: Graph) -> list[Check]:
    """Every constraint of every targeted shape in ``shapes``, as a SPARQL query."""
    compiler = _Compiler(shapes)
    checks: list[Check] = []
    shape_nodes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    for shape in sorted(shape_nodes, key=str):
        if (shape, SH.deactivated, Literal(True)) in shapes:
            continue
        focus = _focus(shapes, shape)
        if focus is None:
            continue
        compiler.check_known(shape)
        head = _prefixes(shapes, shape)
        for target in shapes.objects(shape, SH.target):
            head = _prefixes(shapes, target) or head
        node_message = _message(shapes, shape)
        node_severity = _severity(shapes, shape)

        def emit(
            pattern: str,
            value: str | None,
            path: Node | None,
            message: str,
            severity: str,
            shape: Node = shape,
            head: str = head,
            focus: tuple[str, ...] = focus,
        ) -> None:
            checks.append(Check(str(shape), head, focus, pattern, path, message, severity, value))

        if (shape, SH.path, None) in shapes:  # a property shape with its own target
            for pattern, value in compiler.property_failures(shape, "?this"):
                emit(pattern, value, shapes.value(shape, SH.path), node_message, node_severity)
        else:
            for bad in compiler.bad_value(shape, "?this"):
                emit(f"FILTER ({bad})", "?this", None, node_message, node_severity)
            for constant in shapes.objects(shape, SH.hasValue):
                emit(
                    f"FILTER (!sameTerm(?this, {_sparql_term(constant)}))",
                    "?this",
                    None,
                    node_message,
                    node_severity,
                )
            for prop in shapes.objects(shape, SH.property):
                path = shapes.value(prop, SH.path)
                for pattern, value in compiler.property_failures(prop, "?this"):
                    emit(pattern, value, path, _message(shapes, prop), _severity(shapes, prop))
        for constraint in shapes.objects(shape, SH.sparql):
            select = str(shapes.value(constraint, SH.select))
            head_c = _prefixes(shapes, constraint) or head
            severity = shapes.value(constraint, SH.severity)
            checks.append(
                Check(
                    str(shape),
                    head_c,
                    focus,
                    select,
                    None,
                    _message(shapes, constraint),
                    str(severity).rsplit("#", 1)[-1] if severity else node_severity,
                    "?value",
                    template=True,
                )
            )
    return checks


_TEMPLATE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Result:
    focus: ox.NamedNode | ox.BlankNode | ox.Literal
    path: Node | None
    value: ox.NamedNode | ox.BlankNode | ox.Literal | None
    message: str
    severity: str


def run_check(store: ox.Store, check: Check, within: Sequence[str] = ()) -> Iterator[Result]:
    """The results of one check over ``store``'s union of graphs (focus nodes ``within``)."""
    try:
        solutions = store.query(check.query(within), use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise OntologyError(f"shapes.ttl: the SPARQL of {check.shape} is wrong: {exc}") from None
    assert isinstance(solutions, ox.QuerySolutions)
    has_path = "path" in {v.value for v in solutions.variables}
    for row in solutions:
        focus = row["this"]
        if focus is None:
            continue
        value = row[check.value.lstrip("?")] if check.value else None
        message = check.message
        path = check.path
        if check.template:

            def fill(match: re.Match[str], row: ox.QuerySolution = row) -> str:
                bound = row[match.group(1)]
                return match.group(0) if bound is None else bound.value

            message = _TEMPLATE.sub(fill, message)
            if value is None:
                value = focus
            if has_path and row["path"] is not None:
                path = URIRef(row["path"].value)
        yield Result(focus, path, value, message, check.severity)
