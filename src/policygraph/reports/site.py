"""The static browse site: a page per region, document, body, programme, claim and named query.

Every page has links both ways (what it points to and what points to it), its source and
locator, its quality notes, a small graph view, and a ``.json`` twin with the same data. Region
pages add the gap status by tier with its evidence and fall-backs; claim pages add whether the
graph agrees. Output is deterministic: the same data writes byte-identical files.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef

from policygraph.gaps import TIERS, find_gaps
from policygraph.namespaces import BASE, bcp47_case, shorten
from policygraph.progress import Progress
from policygraph.queries import library, run_query
from policygraph.reports import viz
from policygraph.reports.gapreport import to_html as gap_report_html
from policygraph.reports.network import KINDS, neighbourhood, page_path, project
from policygraph.reports.templates import environment
from policygraph.reports.views import write_view
from policygraph.store.base import GraphStore
from policygraph.wording import count

__all__ = ["write_site"]

ASSETS = "assets/"
PREDICATES = {
    "skos:prefLabel": "name",
    "skos:altLabel": "also written",
    "skos:hiddenLabel": "as printed",
    "skos:notation": "code",
    "dcterms:title": "title",
    "dcterms:source": "source",
    "pg:locator": "locator",
    "pg:qualityNote": "quality note",
    "pg:conflictingValue": "conflicting value in the source",
    "pg:confidence": "confidence",
    "eli:id_local": "document number",
    "pg:year": "year",
    "eli:date_document": "date",
    "pg:tier": "tier",
    "pg:domain": "risk domain",
    "pg:targetGroup": "target group",
    "eli:type_document": "document type",
    "pg:specificity": "specificity",
    "pg:level": "level",
    "pg:divisionType": "division type",
    "pg:titularGroup": "titular group",
    "pg:mainMinority": "main minority",
    "pg:claimKind": "kind of claim",
    "rdfs:comment": "claim",
    "pg:quote": "the source's words",
    "pg:startYear": "start year",
    "pg:targetYear": "target year",
    "pg:coverageStatus": "coverage",
    "dcterms:identifier": "identifier",
    "skos:broader": "parent",
    "eli:jurisdiction": "jurisdiction",
    "eli:passed_by": "issued by",
    "eli:ensures_implementation_of": "implements",
    "eli:relevant_for": "followed in",
    "org:subOrganizationOf": "part of",
    "dcterms:spatial": "based in",
    "pg:operatesIn": "operates in",
    "pg:establishedBy": "established by",
    "pg:administeredBy": "administered by",
    "pg:aboutRegion": "about",
    "dcterms:coverage": "about the group",
}
HIDDEN = {"rdf:type", "skos:inScheme"}

_FACTS = """
PREFIX pg: <https://w3id.org/policygraph/def#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?class { pg:Region pg:PolicyDocument org:FormalOrganization pg:Programme pg:GapClaim }
  ?s a ?class ; ?p ?o .
}
"""
_LABELS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?c ?label WHERE {
  { ?c skos:prefLabel ?label } UNION { ?c dcterms:title ?label }
  FILTER(LANGMATCHES(LANG(?label), "en"))
}
"""


class _Site:
    def __init__(self, store: GraphStore, out: Path, *, every_page: bool) -> None:
        self.store = store
        self.out = out
        self.graph = project(store, every_page=every_page)
        #: The nodes that get a page: those with a url (see network.project).
        self.pages = {n for n, url in self.graph.nodes(data="url") if url}
        self.labels = {str(c): str(label) for c, label in store.select(_LABELS)}
        self.facts: dict[str, list[tuple[str, Any]]] = {}
        for s, p, o in store.select(_FACTS):
            self.facts.setdefault(str(s), []).append((shorten(p), o))
        self.env = environment()

    # -- values ------------------------------------------------------------------------------
    def value(self, term: Any, root: str) -> dict[str, str]:
        """A fact's object as text, with a link when it is a page of the site."""
        if isinstance(term, URIRef):
            iri = str(term)
            if iri in self.pages:
                node = self.graph.nodes[iri]
                return {"text": node["label"], "href": root + node["url"], "iri": iri}
            if iri in self.graph:
                return {"text": self.graph.nodes[iri]["label"], "iri": iri}
            return {"text": self.labels.get(iri, shorten(iri)), "iri": iri}
        if isinstance(term, Literal) and term.language:
            return {"text": str(term), "lang": bcp47_case(term.language)}
        return {"text": str(term)}

    def fact_rows(self, iri: str, root: str) -> list[dict[str, Any]]:
        grouped: dict[str, list[dict[str, str]]] = {}
        for predicate, obj in self.facts.get(iri, []):
            if predicate in HIDDEN:
                continue
            name = PREDICATES.get(predicate, predicate)
            grouped.setdefault(name, []).append(self.value(obj, root))
        order = list(dict.fromkeys(PREDICATES.values()))

        def by_text(value: dict[str, str]) -> tuple[str, str]:
            return value.get("lang", ""), value["text"]

        names = sorted(grouped, key=lambda n: (order.index(n) if n in order else 99, n))
        return [{"name": n, "values": sorted(grouped[n], key=by_text)} for n in names]

    def links(self, iri: str, root: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
        out = [
            {"relation": rel, **self.value(URIRef(end), root)}
            for _, end, rel in self.graph.out_edges(iri, data="relation")
        ]
        into = [
            {"relation": rel, **self.value(URIRef(start), root)}
            for start, _, rel in self.graph.in_edges(iri, data="relation")
        ]

        def key(e: dict[str, str]) -> tuple[str, str]:
            return (e["relation"], e["text"])

        return sorted(out, key=key), sorted(into, key=key)

    # -- pages -------------------------------------------------------------------------------
    def write(self, path: str, template: str, data: dict[str, Any], **extra: Any) -> None:
        depth = path.count("/")
        root = "../" * depth
        html = self.env.get_template(template).render(root=root, page=data, **extra)
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        twin = target.with_suffix(".json")
        twin.write_text(
            json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n", "utf-8"
        )

    def node_page(self, iri: str, extra: dict[str, Any]) -> None:
        node = self.graph.nodes[iri]
        path = node["url"]
        root = "../" * path.count("/")
        links_out, links_in = self.links(iri, root)
        local = neighbourhood(self.graph, iri, 1)
        data = {
            "iri": iri,
            "kind": node["kind"],
            "label": node["label"],
            "title": node["title"],
            "source": node["source"].removeprefix(BASE + "id/source/"),
            "locator": node["locator"],
            "facts": self.fact_rows(iri, root),
            "links_out": links_out,
            "links_in": links_in,
            **extra,
        }
        graph = viz.network_data(local, link_prefix=root)
        self.write(path, "site/node.html.j2", data, graph=graph, assets=root + ASSETS)


def _gap_sections(store: GraphStore) -> dict[str, list[dict[str, Any]]]:
    sections: dict[str, list[dict[str, Any]]] = {}
    for level in ("county", "prefectural", "provincial", "national"):
        for gap in find_gaps(store, level=level).gaps:
            cell = asdict(gap)
            for doc in (*cell["evidence"], *cell["fallback"]):
                doc["url"] = page_path("document", doc["iri"])
            sections.setdefault(gap.region, []).append(
                {k: cell[k] for k in ("tier", "status", "surveyed", "evidence", "fallback")}
            )
    for cells in sections.values():
        cells.sort(key=lambda c: TIERS.index(c["tier"]))
    return sections


def _observations(store: GraphStore) -> dict[str, list[dict[str, str]]]:
    query = """
    PREFIX pg: <https://w3id.org/policygraph/def#>
    PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
    PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
    PREFIX sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#>
    SELECT DISTINCT ?region ?indicator ?year ?value ?unit ?mult ?locator WHERE {
      ?o sdmx-dimension:refArea ?region ; pg:indicator ?indicator ; pg:year ?year ;
         sdmx-measure:obsValue ?value ; sdmx-attribute:unitMeasure ?unit ; pg:locator ?locator .
      OPTIONAL { ?o sdmx-attribute:unitMult ?mult }
    }"""
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
    return found


def _claim_checks(store: GraphStore) -> dict[str, list[dict[str, str]]]:
    found: dict[str, list[dict[str, str]]] = {}
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


def write_site(
    store: GraphStore,
    out: Path,
    *,
    every_page: bool = False,
    overview: bool | None = None,
    progress: Progress | None = None,
) -> int:
    """Write the browse site into ``out``; returns the number of HTML pages written.

    A region gets a page when a source studies it (see :func:`network.project`), or every
    region with ``every_page``. With ``overview``, ``gaps.html`` summarises the nation by
    province and lists the surveyed regions, as ``policygraph gaps`` does with national data;
    by default, when the graph holds regions no source studies. What it writes is told to
    ``progress``, part by part."""
    tell: Callable[[str, str], None] = progress.done if progress else lambda phase, what: None
    site = _Site(store, out, every_page=every_page)
    if overview is None:
        overview = not all(studied for _, studied in site.graph.nodes(data="studied"))
    for kind in KINDS:
        shutil.rmtree(out / kind, ignore_errors=True)
    shutil.rmtree(out / "query", ignore_errors=True)
    assets = out / ASSETS
    assets.mkdir(parents=True, exist_ok=True)
    for name, text in viz.vis_assets().items():
        (assets / name).write_text(text, encoding="utf-8")
    gaps = _gap_sections(store)
    observations = _observations(store)
    checks = _claim_checks(store)
    tell("reading", f"{count(len(site.pages), 'page')} to write, with their gap cells and facts")
    pages = 0
    for iri, node in sorted(site.graph.nodes(data=True)):
        if iri not in site.pages:
            continue
        extra: dict[str, Any] = {}
        if node["kind"] == "region":
            extra = {"gaps": gaps.get(iri, []), "observations": observations.get(iri, [])}
        elif node["kind"] == "claim":
            extra = {"checks": checks.get(iri, [])}
        site.node_page(iri, extra)
        pages += 1
    kinds = Counter(site.graph.nodes[iri]["kind"] for iri in site.pages)
    listed = ", ".join(count(kinds[kind], kind) for kind in KINDS if kinds[kind])
    tell("writing", f"{count(pages, 'page')} into {out} ({listed})")
    for name, query in sorted(library().items()):
        data = {
            "name": name,
            "title": query.title,
            "description": query.description,
            "params": [p.describe() for p in query.params],
            "sparql": query.text,
        }
        site.write(f"query/{name.replace('/', '-')}.html", "site/query.html.j2", data)
        pages += 1
    pages += _write_index(site, gaps)
    tell("writing", f"{count(len(library()), 'query page')} and index.html")
    write_view(store, out / "graph.html", site=out, asset_prefix=ASSETS, every_page=every_page)
    for tier in TIERS:
        write_view(
            store,
            out / f"graph-{tier}.html",
            site=out,
            tier=tier,
            asset_prefix=ASSETS,
            every_page=every_page,
        )
    pages += 1 + len(TIERS)
    tell("writing", "graph.html and " + ", ".join(f"graph-{tier}.html" for tier in TIERS))
    report = find_gaps(store, every_cell=not overview)
    (out / "gaps.html").write_text(gap_report_html(report), encoding="utf-8")
    pages += 1
    tell("writing", "gaps.html")
    return pages


def _write_index(site: _Site, gaps: dict[str, list[dict[str, Any]]]) -> int:
    entries: dict[str, list[dict[str, str]]] = {kind: [] for kind in KINDS}
    for iri, node in sorted(
        site.graph.nodes(data=True), key=lambda n: (n[1]["code"], n[1]["label"])
    ):
        if iri not in site.pages:
            continue
        statuses = {c["tier"]: c["status"] for c in gaps.get(iri, [])}
        entries[node["kind"]].append(
            {
                "label": node["label"],
                "href": node["url"],
                "code": node["code"],
                "level": node["level"],
                **{f"status_{t}": statuses.get(t, "") for t in TIERS},
            }
        )
    queries = [
        {"label": name, "title": q.title, "href": f"query/{name.replace('/', '-')}.html"}
        for name, q in sorted(library().items())
    ]
    data = {
        "counts": {kind: len(items) for kind, items in entries.items()},
        "without_page": site.graph.number_of_nodes() - len(site.pages),
        "entries": entries,
        "queries": queries,
    }
    site.write("index.html", "site/index.html.j2", data, tiers=TIERS)
    return 1
