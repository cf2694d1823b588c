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
from importlib import resources
from pathlib import Path
from typing import Any

from rdflib import XSD, Literal, URIRef

from policygraph.gaps import TIERS, Gap, find_gaps
from policygraph.namespaces import BASE, bcp47_case, shorten
from policygraph.progress import Progress
from policygraph.reports import viz
from policygraph.reports.language import Language, language
from policygraph.reports.network import KINDS, in_language, neighbourhood, project
from policygraph.reports.overview import RegionInfo
from policygraph.reports.overview import overview as build_overview
from policygraph.reports.search import write_search
from policygraph.reports.sitecsv import page_csv
from policygraph.reports.sitefacts import (
    FACTS,
    HIDDEN,
    LABELS,
    PREDICATES,
    FactNames,
    claim_checks,
    other_names,
)
from policygraph.reports.sitefacts import observations as read_observations
from policygraph.reports.sitegaps import (
    LEVELS,
    cell_documents,
    contradictions,
    divisions,
    fallback_for,
    region_info,
    region_sections,
    row_documents,
    write_gap_page,
)
from policygraph.reports.siteindex import write_index, write_queries
from policygraph.reports.sitetime import GapYears, Listing, YearBlock, timeline_section
from policygraph.reports.templates import environment
from policygraph.reports.views import write_view
from policygraph.store.base import GraphStore
from policygraph.wording import count

__all__ = ["write_site"]

ASSETS = "assets/"
#: The site's own scripts, shipped in the package (reports/assets) and copied beside the pages.
SCRIPTS = ("search.js", "gaptable.js", "gapyears.js")


class Site:
    def __init__(
        self, store: GraphStore, out: Path, *, every_page: bool, lang: Language, served: bool
    ) -> None:
        self.store = store
        self.out = out
        self.lang = lang
        self.graph = project(store, every_page=every_page)
        in_language(self.graph, store, lang)
        #: The nodes that get a page: those with a url (see network.project).
        self.pages = {n for n, url in self.graph.nodes(data="url") if url}
        self.labels = {str(c): str(label) for c, label in store.select(LABELS)}
        if lang.zh:  # a concept (a level, a division type) by its Chinese label where it has one
            chinese = LABELS.replace('"en"', '"zh"')
            self.labels |= {str(c): str(label) for c, label in sorted(store.select(chinese))}
        self.facts: dict[str, list[tuple[str, Any]]] = {}
        for s, p, o in store.select(FACTS):
            self.facts.setdefault(str(s), []).append((shorten(p), o))
        self.fact_names = FactNames.read(store, lang)
        self.env = environment(lang.code, served=served)

    # -- values ------------------------------------------------------------------------------
    def value(self, term: Any, root: str) -> dict[str, str]:
        """A fact's object as text, with a link when it is a page of the site."""
        if isinstance(term, URIRef):
            iri = str(term)
            if iri in self.graph:
                node = self.graph.nodes[iri]
                found = {"text": node["label"], "iri": iri}
                if node.get("label_lang"):  # no name in the page's language: marked as such
                    found["lang"] = node["label_lang"]
                if iri in self.pages:
                    found["href"] = root + node["url"]
                return found
            return {"text": self.labels.get(iri, shorten(iri)), "iri": iri}
        if isinstance(term, Literal) and term.language:
            return {"text": str(term), "lang": bcp47_case(term.language)}
        if isinstance(term, Literal) and term.datatype == XSD.boolean:
            return {"text": self.lang._("yes") if term.toPython() is True else self.lang._("no")}
        return {"text": str(term)}

    def fact_rows(self, iri: str, root: str) -> list[dict[str, Any]]:
        """The facts table: a row per predicate, named in English (``name``, for the ``.json``
        twin) and in the page's language (``label``), with its CURIE."""
        grouped: dict[str, list[dict[str, str]]] = {}
        for predicate, obj in self.facts.get(iri, []):
            if predicate in HIDDEN:
                continue
            grouped.setdefault(predicate, []).append(self.value(obj, root))
        order = list(dict.fromkeys(PREDICATES.values()))
        names = self.fact_names

        def by_text(value: dict[str, str]) -> tuple[str, str]:
            return value.get("lang", ""), value["text"]

        def place(curie: str) -> tuple[int, str]:
            name = names.name(curie)
            return (order.index(name) if name in order else 99, name)

        return [
            {
                "name": names.name(curie),
                "label": names.label(curie),
                "curie": curie,
                "values": sorted(grouped[curie], key=by_text),
            }
            for curie in sorted(grouped, key=place)
        ]

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
    def write(
        self, path: str, template: str, data: dict[str, Any], csv_kind: str, **extra: Any
    ) -> None:
        """A page, its ``.json`` twin with ``data`` and the ``.csv`` beside it."""
        depth = path.count("/")
        root = "../" * depth
        html = self.env.get_template(template).render(root=root, page=data, lang=self.lang, **extra)
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        twin = target.with_suffix(".json")
        twin.write_text(
            json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n", "utf-8"
        )
        target.with_suffix(".csv").write_text(page_csv(csv_kind, data), "utf-8")

    def node_page(self, iri: str, extra: dict[str, Any], **context: Any) -> None:
        node = self.graph.nodes[iri]
        path = node["url"]
        root = "../" * path.count("/")
        links_out, links_in = self.links(iri, root)
        local = neighbourhood(self.graph, iri, 1)
        data = {
            "iri": iri,
            "kind": node["kind"],
            "label": node["label"],
            **({"label_lang": node["label_lang"]} if node.get("label_lang") else {}),
            "title": node["title"],
            "source": node["source"].removeprefix(BASE + "id/source/"),
            "locator": node["locator"],
            "facts": self.fact_rows(iri, root),
            "links_out": links_out,
            "links_in": links_in,
            **extra,
        }
        graph = viz.network_data(local, link_prefix=root, lang=self.lang)
        self.write(
            path,
            "site/node.html.j2",
            data,
            node["kind"],
            graph=graph,
            assets=root + ASSETS,
            **context,
        )

    def counterexample(self, iri: str, root: str) -> dict[str, str] | None:
        return self.value(URIRef(iri), root) if iri else None


def write_site(
    store: GraphStore,
    out: Path,
    *,
    every_page: bool = False,
    overview: bool | None = None,
    progress: Progress | None = None,
    served: bool = False,
    lang: str = "en",
) -> int:
    """Write the browse site into ``out``; returns the number of HTML pages written.

    A region gets a page when a source studies it (see :func:`network.project`), or every
    region with ``every_page``. With ``overview``, ``gaps.html`` summarises the nation by
    province and lists the surveyed regions, as ``policygraph gaps`` does with national data;
    by default, when the graph holds regions no source studies. Every region is in the
    national overview, the gap table and the search index, with or without a page. What it
    writes is told to ``progress``, part by part. ``lang`` (en, zh) is the language of the
    pages: their headings and status words, and the names of things (in Chinese, the Chinese
    name where the data has one, else the English one, marked as such). With ``served``, the
    nav of every page links the query page of ``policygraph serve`` (/query) too."""
    tell: Callable[[str, str], None] = progress.done if progress else lambda phase, what: None
    words = language(store, lang)
    site = Site(store, out, every_page=every_page, lang=words, served=served)
    if overview is None:
        overview = not all(studied for _, studied in site.graph.nodes(data="studied"))
    for kind in KINDS:
        shutil.rmtree(out / kind, ignore_errors=True)
    shutil.rmtree(out / "query", ignore_errors=True)
    _write_assets(out / ASSETS)
    cells = find_gaps(store, level=LEVELS).gaps
    regions = region_info(site.facts)
    urls = {
        data["code"]: data["url"]
        for _, data in site.graph.nodes(data=True)
        if data["kind"] == "region" and data["url"]
    }
    county = [g for g in cells if g.code in regions and regions[g.code].level == "county"]
    # The views colour regions below the nation (network.project's coverage queries).
    below_nation = [g for g in cells if g.code in regions and regions[g.code].level != "national"]
    tell("reading", f"{count(len(site.pages), 'page')} to write, with their gap cells and facts")
    years = GapYears.read(store, words)  # each region's status changes, for the year selectors
    pages = _write_nodes(site, store, cells, regions, urls, years)
    kinds = Counter(site.graph.nodes[iri]["kind"] for iri in site.pages)
    listed = ", ".join(count(kinds[kind], kind) for kind in KINDS if kinds[kind])
    tell("writing", f"{count(pages, 'page')} into {out} ({listed})")
    pages += write_queries(site)
    national = build_overview(
        county,
        regions=regions,
        populations={g.code: g.population for g in county if g.population},
        urls=urls,
        lang=words,
    )
    pages += write_index(site, cells, national)
    write_search(out, out / ASSETS, site.graph, site.facts, cells, regions, chinese=words.zh)
    tell("writing", "the query pages, index.html, the overview and the search index")
    write_view(
        store,
        out / "graph.html",
        site=out,
        asset_prefix=ASSETS,
        every_page=every_page,
        projection=site.graph,
        lang=words,
    )
    for tier in TIERS:
        write_view(
            store,
            out / f"graph-{tier}.html",
            site=out,
            tier=tier,
            asset_prefix=ASSETS,
            every_page=every_page,
            statuses={g.region: g.status for g in below_nation if g.tier == tier},
            lang=words,
        )
    pages += 1 + len(TIERS)
    tell("writing", "graph.html and " + ", ".join(f"graph-{tier}.html" for tier in TIERS))
    listing = find_gaps(store, every_cell=not overview)
    write_gap_page(
        site.env,
        out,
        listing,
        county,
        regions=regions,
        division=divisions(site.facts),
        urls=urls,
        lang=words,
        **_year_context(
            years.block(sorted({g.code for g in county})),
            lambda one: row_documents(one.evidence, one.fallback, one.rest, words),
        ),
    )
    pages += 1
    tell("writing", "gaps.html")
    return pages


def _write_assets(assets: Path) -> None:
    assets.mkdir(parents=True, exist_ok=True)
    for name, text in viz.vis_assets().items():
        (assets / name).write_text(text, encoding="utf-8")
    for name in SCRIPTS:
        text = (resources.files("policygraph.reports") / "assets" / name).read_text("utf-8")
        (assets / name).write_text(text, encoding="utf-8")


def _year_context(
    block: YearBlock | None, show: Callable[[Listing], dict[str, Any]]
) -> dict[str, Any]:
    """What a page's template takes of its year selector: the JSON block, and the listings it
    names as ``show`` gives them to the page's document cells."""
    if block is None:
        return {"years": None, "listings": []}
    return {"years": block.data, "listings": [show(one) for one in block.listings]}


def _name(info: RegionInfo, lang: Language) -> str:
    """A region as a list on a page names it: in Chinese where the page is and the data has it."""
    return info.label_zh if lang.zh and info.label_zh else info.label


def _write_nodes(
    site: Site,
    store: GraphStore,
    cells: list[Gap],
    regions: dict[str, RegionInfo],
    urls: dict[str, str],
    years: GapYears,
) -> int:
    gaps = region_sections(cells, site.pages)
    contradicted = contradictions(cells, site.pages)
    falls_back = fallback_for(cells, regions, site.lang)
    region_links = {
        code: {"label": _name(info, site.lang), "href": urls.get(code, "")}
        for code, info in regions.items()
    }
    observations = read_observations(
        store, {n for n in site.pages if site.graph.nodes[n]["kind"] == "region"}, site.lang
    )
    checks = claim_checks(store)
    table = store.gap_table()
    pages = 0
    for iri, node in sorted(site.graph.nodes(data=True)):
        if iri not in site.pages:
            continue
        root = "../" * node["url"].count("/")
        extra: dict[str, Any] = {}
        if node["kind"] == "region":
            extra = {
                "other_names": other_names(site.facts.get(iri, [])),
                "gaps": gaps.get(iri, []),
                "contradicted_by": contradicted.get(iri, []),
                "observations": observations.get(iri, []),
                "timeline": timeline_section(table, iri, root),
            }
        elif node["kind"] == "document":
            extra = {"fallback_for": falls_back.get(iri)}
        elif node["kind"] == "claim":
            extra = {
                "checks": [
                    {
                        **c,
                        "href": root + urls[c["code"]] if c["code"] in urls else "",
                        "counterexample": site.counterexample(c["counterexample"], root),
                    }
                    for c in checks.get(iri, [])
                ]
            }
        code = node.get("code", "") if node["kind"] == "region" else ""
        year_context = _year_context(
            years.block([code]), lambda one: cell_documents(one.evidence, one.fallback)
        )
        site.node_page(iri, extra, regions=region_links, **year_context)
        pages += 1
    return pages
