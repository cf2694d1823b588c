"""The IRIs a gap report reads, as text: spelt here, and wrapped as rdflib's terms by
:mod:`policygraph.namespaces`, which spells every other.

A report from the build's gap table needs these spellings and nothing of rdflib, whose import
alone costs a tenth of a second in a fresh process; this module imports nothing.
"""

from __future__ import annotations

__all__ = [
    "BASE",
    "DERIVED_GRAPH",
    "PG",
    "SKOS",
    "bcp47_case",
    "concept",
    "graph",
    "region",
    "scheme",
    "slug",
    "source",
]

BASE = "https://w3id.org/policygraph/"
PG = BASE + "def#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
#: The named graph of the gap cells derived at build time.
DERIVED_GRAPH = BASE + "graph/derived"


def scheme(name: str) -> str:
    """The SKOS concept scheme ``id/{name}``, e.g. ``scheme("tier")``."""
    return f"{BASE}id/{name}"


def concept(scheme_name: str, slug: str) -> str:
    """A concept ``id/{scheme}/{slug}``, e.g. ``concept("tier", "commercial")``."""
    return f"{BASE}id/{scheme_name}/{slug}"


def region(code: str) -> str:
    return f"{BASE}id/region/{code}"


def source(slug: str) -> str:
    return f"{BASE}id/source/{slug}"


def graph(slug: str) -> str:
    return f"{BASE}graph/{slug}"


def slug(iri: object) -> str:
    """The last path segment of an instance or concept IRI: ``id/tier/commercial`` → commercial."""
    return str(iri).rsplit("/", 1)[-1]


def bcp47_case(tag: str) -> str:
    """Conventional case of a language tag (Oxigraph lower-cases them): zh-hans → zh-Hans."""
    parts = tag.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 or (len(part) == 3 and part.isdigit()):
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)
