"""What the browse site reads from the store besides the projection and the gap cells: every
fact of the nodes that get pages, English labels, the statistics of the regions with a page, and
the checks of the gap claims; and the names the pages give the predicates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import URIRef

from policygraph.namespaces import bcp47_case, shorten
from policygraph.queries import run_query
from policygraph.reports.language import LABEL_TAGS, N_, Language, scheme_labels
from policygraph.store.base import GraphStore

__all__ = [
    "FACTS",
    "HIDDEN",
    "LABELS",
    "PREDICATES",
    "FactNames",
    "claim_checks",
    "observations",
    "other_names",
]

PREDICATES = {
    "skos:prefLabel": N_("name"),
    "skos:altLabel": N_("also written"),
    "skos:hiddenLabel": N_("as printed"),
    "skos:notation": N_("code"),
    "dcterms:title": N_("title"),
    "dcterms:source": N_("source"),
    "pg:locator": N_("locator"),
    "pg:qualityNote": N_("quality note"),
    "pg:conflictingValue": N_("conflicting value in the source"),
    "pg:confidence": N_("confidence"),
    "eli:id_local": N_("document number"),
    "pg:year": N_("year"),
    "eli:date_document": N_("date"),
    "pg:tier": N_("tier"),
    "pg:domain": N_("risk domain"),
    "pg:targetGroup": N_("target group"),
    "eli:type_document": N_("document type"),
    "pg:specificity": N_("specificity"),
    "pg:level": N_("level"),
    "pg:divisionType": N_("division type"),
    "pg:titularGroup": N_("titular group"),
    "pg:mainMinority": N_("main minority"),
    "pg:claimKind": N_("kind of claim"),
    "rdfs:comment": N_("claim"),
    "pg:quote": N_("the source's words"),
    "pg:startYear": N_("start year"),
    "pg:targetYear": N_("target year"),
    "pg:coverageStatus": N_("coverage"),
    "dcterms:identifier": N_("identifier"),
    "skos:broader": N_("parent"),
    "eli:jurisdiction": N_("jurisdiction"),
    "eli:passed_by": N_("issued by"),
    "eli:ensures_implementation_of": N_("implements"),
    "eli:relevant_for": N_("followed in"),
    "org:subOrganizationOf": N_("part of"),
    "dcterms:spatial": N_("based in"),
    "pg:operatesIn": N_("operates in"),
    "pg:establishedBy": N_("established by"),
    "pg:administeredBy": N_("administered by"),
    "pg:aboutRegion": N_("about"),
    "dcterms:coverage": N_("about the group"),
    # Terms of other vocabularies the ontology uses but does not declare, so has no label of:
    # named here as the rest, where the pg: terms not above are named by the ontology's labels.
    "skos:broaderTransitive": N_("all regions above"),
    "eli:first_date_entry_in_force": N_("in force from"),
}
HIDDEN = {"rdf:type", "skos:inScheme"}

FACTS = """
PREFIX pg: <https://w3id.org/policygraph/def#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?class { pg:Region pg:PolicyDocument org:FormalOrganization pg:Programme pg:GapClaim }
  ?s a ?class ; ?p ?o .
}
"""
LABELS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?c ?label WHERE {
  { ?c skos:prefLabel ?label } UNION { ?c dcterms:title ?label }
  FILTER(LANGMATCHES(LANG(?label), "en"))
}
"""

_PROPERTY_LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?p ?label WHERE {
  VALUES ?type { owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }
  ?p a ?type .
  { ?p rdfs:label ?label } UNION { ?p skos:prefLabel ?label }
  FILTER(LANGMATCHES(LANG(?label), "#tag"))
}"""


@dataclass(frozen=True)
class FactNames:
    """What the facts table calls a predicate: the project's word for it (:data:`PREDICATES`,
    translated by the catalogue), else the ontology's label in the page's language, else its
    CURIE. Either way the CURIE stays beside it (a hover title), for precision."""

    lang: Language = field(default_factory=Language)
    #: CURIE → the ontology's English label (the name the ``.json`` twin keys a row by).
    english: Mapping[str, str] = field(default_factory=dict)
    #: CURIE → the ontology's label in the page's language.
    shown: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, store: GraphStore, lang: Language) -> FactNames:
        def labels(tag: str) -> dict[str, str]:
            rows = sorted(store.select(_PROPERTY_LABELS.replace("#tag", tag)))
            found: dict[str, str] = {}
            for predicate, label in rows:
                found.setdefault(shorten(predicate), str(label))
            return found

        english = labels(LABEL_TAGS["en"])
        shown = labels(LABEL_TAGS[lang.code]) if lang.zh else english
        return cls(lang, english, shown)

    def name(self, curie: str) -> str:
        """The row's name in English: a message id of the catalogue, or the ontology's label."""
        return PREDICATES.get(curie) or self.english.get(curie, curie)

    def label(self, curie: str) -> str:
        """The row's name as the page shows it."""
        if curie in PREDICATES:
            return self.lang._(PREDICATES[curie])
        return self.shown.get(curie) or self.english.get(curie, curie)


def other_names(facts: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """A region's other names, for the line under its heading: the spellings sources use
    (``skos:altLabel``: 肃北, "Su Bei Mongolian Autonomous County") and then its hidden labels
    (``skos:hiddenLabel``: names as a table printed them, toneless pinyin such as "su bei"),
    each with its language tag, as ``data/aliases.csv`` and the national aliases give them."""
    names = [
        {
            "text": str(obj),
            "lang": bcp47_case(getattr(obj, "language", None) or ""),
            "hidden": predicate == "skos:hiddenLabel",
        }
        for predicate, obj in facts
        if predicate in ("skos:altLabel", "skos:hiddenLabel")
    ]
    return sorted(names, key=lambda n: (n["hidden"], n["lang"], n["text"]))


_OBSERVATIONS = """
PREFIX pg: <https://w3id.org/policygraph/def#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
PREFIX sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#>
SELECT DISTINCT ?region ?indicator ?year ?value ?unit ?mult ?locator WHERE {
  VALUES ?region { #regions }
  ?o sdmx-dimension:refArea ?region ; pg:indicator ?indicator ; pg:year ?year ;
     sdmx-measure:obsValue ?value ; sdmx-attribute:unitMeasure ?unit ; pg:locator ?locator .
  OPTIONAL { ?o sdmx-attribute:unitMult ?mult }
}"""


def observations(
    store: GraphStore, regions: set[str], lang: Language | None = None
) -> dict[str, list[dict[str, str]]]:
    """The statistics of ``regions``: those with a page. Asking for the census of all 2,800
    counties and converting each value took 1.7 s of a national site's 12. In Chinese the
    indicator and the unit are named by their ``zh-Hans`` labels (the slug where none)."""
    values = " ".join(URIRef(r).n3() for r in sorted(regions))
    query = _OBSERVATIONS.replace("#regions", values)
    found: dict[str, list[dict[str, str]]] = {}
    for region, indicator, year, value, unit, mult, locator in store.select(query):
        found.setdefault(str(region), []).append(
            {
                "indicator": str(indicator).rsplit("/", 1)[-1],
                "year": str(year),
                "value": str(value),
                "unit": str(unit).rsplit("/", 1)[-1],
                "unit_mult": str(mult or "0"),
                "locator": str(locator),
            }
        )
    for rows in found.values():
        rows.sort(key=lambda r: (r["indicator"], r["year"]))
    if lang is not None and lang.zh:
        tag = LABEL_TAGS[lang.code]
        indicators = scheme_labels(store, "indicator", tag)
        units = scheme_labels(store, "unit", tag)
        for rows in found.values():
            for row in rows:
                row["indicator"] = indicators.get(row["indicator"], row["indicator"])
                row["unit"] = units.get(row["unit"], row["unit"])
    return found


def claim_checks(store: GraphStore) -> dict[str, list[dict[str, Any]]]:
    """Claim IRI → each region × tier it is about, the verdict, and the document that
    contradicts it (its IRI; a link once the page is known)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for row in run_query(store, "gaps/claims").dicts():
        found.setdefault(str(row["claim"]), []).append(
            {
                "code": str(row["code"]),
                "region": str(row["label"]),
                "tier": str(row["tier"]).rsplit("/", 1)[-1],
                "verdict": str(row["verdict"]),
                "counterexample": str(row["counterexample"] or ""),
            }
        )
    return found
