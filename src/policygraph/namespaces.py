"""Every IRI policygraph mints or reads is spelt here, and only here, as rdflib's terms; the few a
gap report reads are spelt as text in :mod:`policygraph.iris`, which a report imports instead."""

from __future__ import annotations

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, QB, RDF, RDFS, SDO, SKOS, XSD
from rdflib.term import Node

from policygraph import iris
from policygraph.iris import bcp47_case, slug

__all__ = [
    "BASE",
    "DCTERMS",
    "DERIVED_GRAPH",
    "DERIVED_SOURCE",
    "ELI",
    "ONTOLOGY_GRAPH",
    "ORG",
    "OWL",
    "PG",
    "PREFIXES",
    "PROV",
    "QB",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SDMX_ATTRIBUTE",
    "SDMX_DIMENSION",
    "SDMX_MEASURE",
    "SKOS",
    "XSD",
    "YEAR",
    "bcp47_case",
    "body",
    "cell",
    "claim",
    "concept",
    "dataset",
    "document",
    "dsd",
    "former_region",
    "graph",
    "observation",
    "programme",
    "region",
    "region_group",
    "scheme",
    "slug",
    "source",
    "year",
]

BASE = iris.BASE
PG = Namespace(iris.PG)
ELI = Namespace("http://data.europa.eu/eli/ontology#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SCHEMA = SDO
YEAR = Namespace("http://reference.data.gov.uk/id/year/")

ONTOLOGY_GRAPH = URIRef(BASE + "graph/ontology")

#: Prefixes bound on every graph we write and prepended to every query we run.
PREFIXES: dict[str, str] = {
    "pg": str(PG),
    "eli": str(ELI),
    "org": str(ORG),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "qb": str(QB),
    "sdmx-dimension": str(SDMX_DIMENSION),
    "sdmx-measure": str(SDMX_MEASURE),
    "sdmx-attribute": str(SDMX_ATTRIBUTE),
    "schema": str(SCHEMA),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
}


def scheme(name: str) -> URIRef:
    """The SKOS concept scheme ``id/{name}``, e.g. ``scheme("tier")``."""
    return URIRef(iris.scheme(name))


def concept(scheme_name: str, slug: str) -> URIRef:
    """A concept ``id/{scheme}/{slug}``, e.g. ``concept("tier", "commercial")``."""
    return URIRef(iris.concept(scheme_name, slug))


def region(code: str) -> URIRef:
    return URIRef(iris.region(code))


def dsd(slug: str) -> URIRef:
    """A data structure definition of ontology/cube.ttl."""
    return URIRef(f"{BASE}id/dsd/{slug}")


def former_region(code: str, start: str | int) -> URIRef:
    """A code no longer in use, as the region it named from ``start`` (codes are reused: 120110
    was 东郊区 from 1981 and is 东丽区 since 1992)."""
    return URIRef(f"{BASE}id/region/{code}/{start}")


def region_group(slug: str) -> URIRef:
    return URIRef(f"{BASE}id/region-group/{slug}")


def body(slug: str) -> URIRef:
    return URIRef(f"{BASE}id/body/{slug}")


def document(jurisdiction: str, year: str | None, slug: str) -> URIRef:
    """``eli/{jurisdiction}/{year}/{slug}``; documents of unknown year sit under ``undated``."""
    return URIRef(f"{BASE}eli/{jurisdiction}/{year or 'undated'}/{slug}")


def programme(slug: str) -> URIRef:
    return URIRef(f"{BASE}id/programme/{slug}")


def claim(source_slug: str, n: int) -> URIRef:
    return URIRef(f"{BASE}id/claim/{source_slug}/{n}")


def source(slug: str) -> URIRef:
    return URIRef(iris.source(slug))


def graph(slug: str) -> URIRef:
    return URIRef(iris.graph(slug))


def dataset(slug: str) -> URIRef:
    return URIRef(f"{BASE}id/dataset/{slug}")


def observation(dataset_slug: str, region_code: str, indicator: str, period: str) -> URIRef:
    return URIRef(f"{BASE}id/obs/{dataset_slug}/{region_code}/{indicator}/{period}")


def cell(code: str, tier: str, domain: str | None = None) -> URIRef:
    """A derived gap cell: ``id/cell/{code}/{tier}``, or ``…/{tier}/{domain}``."""
    tail = f"/{domain}" if domain else ""
    return URIRef(f"{BASE}id/cell/{code}/{tier}{tail}")


#: The named graph of the gap cells derived at build time, and its source node.
DERIVED_GRAPH = URIRef(iris.DERIVED_GRAPH)
DERIVED_SOURCE = URIRef(BASE + "id/source/derived")


def year(value: str) -> URIRef:
    """The reference.data.gov.uk year used as ``sdmx-dimension:refPeriod``."""
    return YEAR[value]


#: The Data Cube structure every statistical table uses (declared in ontology/cube.ttl).
DSD = URIRef(BASE + "id/dsd/regional-indicators")


def shorten(iri: object) -> str:
    """A readable short form for messages and tables: ``pg:Region``, ``graph/s0``, ``id/tier/…``."""
    text = str(iri)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace) and "/" not in text[len(namespace) :]:
            return f"{prefix}:{text[len(namespace) :]}"
    if text.startswith(BASE):
        return text[len(BASE) :]
    return text


def normal(term: object) -> Node | None:
    """A result term in the same form whichever store produced it."""
    if isinstance(term, Literal):
        if term.language:
            tag = bcp47_case(term.language)
            return term if tag == term.language else Literal(str(term), lang=tag)
        if term.datatype == XSD.string:
            return Literal(str(term))
    return term if isinstance(term, Node) else None
