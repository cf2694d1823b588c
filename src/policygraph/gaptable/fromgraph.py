"""The gap table's rows made at build time from the graph and the derivation's index: regions with
their names, populations and ancestors, documents, cells, the claims' verdicts, and the tree and
provisions a status as of a year is computed from."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

import orjson

from policygraph.gaptable.schema import AUTONOMOUS, TableRows
from policygraph.regionnames import ALTERNATIVE, PREFERRED, name_key

if TYPE_CHECKING:
    from rdflib import URIRef

    from policygraph.sources.rdffile import StoreView
    from policygraph.status import Cell, Doc, Index

__all__ = ["latest_populations", "table_rows"]

#: A region key: an IRI (the build) or a code (the named query).
K = TypeVar("K")

# Reading the table (a gap report) needs neither rdflib nor the derivation: the functions that
# write it at build time import them.


def table_rows(dataset: StoreView, index: Index, cells: list[Cell], fingerprint: str) -> TableRows:
    """The table of ``cells`` (all of a build's, from ``index`` over ``dataset``)."""
    from policygraph import namespaces as ns
    from policygraph.namespaces import DCTERMS, ELI, PG, SKOS

    labels = dataset.values(SKOS.prefLabel, language="en")
    labels_zh = dataset.values(SKOS.prefLabel, language="zh-hans")  # Oxigraph's lower case
    # A document imported with a Chinese title only is listed by that title.
    titles = {
        **dataset.values(DCTERMS.title, language="zh-hans"),
        **dataset.values(DCTERMS.title, language="en"),
    }
    numbers = dataset.values(ELI.id_local)
    years = dataset.values(PG.year)
    specificity = {s: ns.slug(o) for s, o in dataset.values(PG.specificity).items()}
    division = {s: ns.slug(o) for s, o in dataset.values(PG.divisionType).items()}
    people = _populations(dataset)

    region_ids: dict[URIRef, int] = {}
    region_rows: list[tuple[object, ...]] = []
    ancestor_rows: list[tuple[int, str]] = []
    for region in sorted(index.regions, key=str):
        label, level = labels.get(region), index.level.get(region)
        if label is None or level is None:
            continue  # the queries need both
        parent = index.parent.get(region)
        parent_label = labels.get(parent) if parent is not None else None
        has_parent = parent is not None and parent in index.regions and parent_label is not None
        region_ids[region] = rid = len(region_rows)
        region_rows.append(
            (
                rid,
                str(region),
                index.regions[region],
                label,
                level,
                int(region in index.surveyed),
                int(division.get(region) in AUTONOMOUS),
                index.regions[parent] if has_parent and parent is not None else "",
                parent_label if has_parent and parent_label is not None else "",
                labels_zh.get(region, ""),
                division.get(region, ""),
                people.get(region),
            )
        )
        ancestor_rows.extend((rid, str(a)) for a in index.ancestors(region))

    holders = {d.iri: d.holder for d in index.docs}
    document_ids: dict[URIRef, int | None] = {}
    document_rows: list[tuple[object, ...]] = []

    def document(iri: URIRef) -> int | None:
        if iri in document_ids:
            return document_ids[iri]
        holder = holders.get(iri)
        title, spec = titles.get(iri), specificity.get(iri)
        found = None
        if (
            holder is not None
            and holder in index.regions
            and title is not None
            and spec is not None
            and holder in labels
            and holder in index.level
        ):
            found = len(document_rows)
            document_rows.append(
                (
                    found,
                    str(iri),
                    title,
                    numbers.get(iri, ""),
                    years.get(iri, ""),
                    spec,
                    index.regions[holder],
                    labels[holder],
                    index.level[holder],
                )
            )
        document_ids[iri] = found
        return found

    for doc in index.docs:  # every document, listed in a cell today or in some year only
        document(doc.iri)
    followed = {d.iri: d.follows for d in index.docs}
    listed: list[tuple[int, tuple[object, ...], list[int], list[tuple[int, str]]]] = []
    for found in cells:
        cell_region = region_ids.get(found.region)
        if cell_region is None:
            continue
        evidence = [i for i in map(document, found.evidence) if i is not None]
        fallback = []
        for iri in found.fallback:
            i = document(iri)
            if i is not None:
                relation = "relevant-for" if found.region in followed.get(iri, ()) else "ancestor"
                fallback.append((i, relation))
        cell = (found.tier, found.domain or "", found.status, found.rest)
        listed.append((cell_region, cell, evidence, fallback))

    # Documents numbered in IRI order and each cell's lists sorted by number: the order the
    # report shows them in, so that reading a cell sorts nothing.
    by_iri = sorted(range(len(document_rows)), key=lambda i: str(document_rows[i][1]))
    renumber = {old: new for new, old in enumerate(by_iri)}
    document_rows = [(new, *document_rows[old][1:]) for new, old in enumerate(by_iri)]
    cell_rows: list[tuple[object, ...]] = [
        (
            cell_region,
            *cell,
            orjson.dumps(sorted(renumber[i] for i in evidence)).decode(),
            orjson.dumps(sorted((renumber[i], r) for i, r in fallback)).decode(),
        )
        for cell_region, cell, evidence, fallback in listed
    ]

    claim_rows = _claims(dataset, index, labels)
    names = _names(dataset, region_ids)
    tree: list[tuple[object, ...]] = [
        (
            str(region),
            code,
            index.level.get(region, ""),
            str(index.parent.get(region, "")),
            index.start.get(region),
        )
        for region, code in sorted(index.regions.items())
    ]
    provision: list[tuple[object, ...]] = [
        (
            str(d.iri),
            renumber[i] if (i := document_ids.get(d.iri)) is not None else None,
            str(d.holder),
            int(d.dedicated),
            ";".join(sorted(d.tiers)),
            ";".join(sorted(d.domains)),
            sorted(map(str, d.follows)),
            d.start,
            d.end,
        )
        for d in index.docs
    ]
    return TableRows(
        fingerprint,
        region_rows,
        names,
        ancestor_rows,
        document_rows,
        cell_rows,
        claim_rows,
        tree,
        provision,
        tuple(index.tiers),
        tuple(index.domains),
        tuple(sorted(ns.slug(c) for c in dataset.subjects(SKOS.inScheme, ns.scheme("level")))),
    )


def _names(dataset: StoreView, region_ids: dict[URIRef, int]) -> list[tuple[int, str, str, int]]:
    """Every name of every region (:mod:`policygraph.regionnames`), with its key, each once."""
    from rdflib import Literal

    from policygraph.namespaces import SKOS

    found: dict[tuple[int, str], tuple[int, str, str, int]] = {}
    for predicate, kind in (
        (SKOS.prefLabel, PREFERRED),
        (SKOS.altLabel, ALTERNATIVE),
        (SKOS.hiddenLabel, ALTERNATIVE),
    ):
        for region, name in dataset.subject_objects(predicate):
            rid = region_ids.get(region)  # type: ignore[call-overload]
            if rid is None or not isinstance(name, Literal) or not (key := name_key(name)):
                continue
            if (rid, key) not in found or found[rid, key][3] > kind:
                found[rid, key] = (rid, key, str(name), kind)
    return sorted(found.values())


def latest_populations(
    rows: Iterable[tuple[K, str, str, str | None]],
) -> dict[K, int]:
    """(region, year, value, unit multiplier) rows → each region's value of its latest year,
    times 10**multiplier: one reduction for the gap table and for lookup/population."""
    from decimal import Decimal

    found: dict[K, tuple[str, int]] = {}
    for region, year, value, mult in rows:
        people = int(Decimal(value) * 10 ** int(mult or 0))
        if region not in found or found[region][0] < year:
            found[region] = (year, people)
    return {region: people for region, (_, people) in found.items()}


def _populations(dataset: StoreView) -> dict[URIRef, int]:
    """Region → resident population of the latest period observed (what lookup/population
    gives): computed once here, so that no report joins 16,000 census observations."""
    from rdflib import URIRef

    from policygraph.namespaces import BASE, PG, SDMX_ATTRIBUTE, SDMX_DIMENSION, SDMX_MEASURE

    resident = URIRef(f"{BASE}id/indicator/resident-population")
    observations = set(dataset.subjects(PG.indicator, resident))
    if not observations:
        return {}
    areas, years = dataset.values(SDMX_DIMENSION.refArea), dataset.values(PG.year)
    values, mults = dataset.values(SDMX_MEASURE.obsValue), dataset.values(SDMX_ATTRIBUTE.unitMult)
    rows = (
        (URIRef(area), year, value, mults.get(obs))
        for obs in map(URIRef, map(str, observations))
        if (area := areas.get(obs)) is not None
        and (year := years.get(obs)) is not None
        and (value := values.get(obs)) is not None
    )
    return latest_populations(rows)


def _claims(dataset: StoreView, index: Index, labels: dict[URIRef, str]) -> list[tuple[str, ...]]:
    """The rows of the named query ``gaps/claims``: each claim × region × tier, its verdict.

    A missing-policy claim agrees when the region has no dedicated document of its own for the
    tier whose domains meet the claim's (or general) and whose target groups meet the claim's,
    where the claim names them; it disagrees otherwise, naming the first such document. It is
    checked twice: against every document, and as of its source's year (``dcterms:date``) with
    only the documents in force then, so that a later document does not contradict it.
    """
    from rdflib import URIRef

    from policygraph import namespaces as ns
    from policygraph.namespaces import DCTERMS, PG, RDF, RDFS, SKOS

    single = {p: dataset.values(p) for p in (DCTERMS.identifier, DCTERMS.source, PG.locator)}
    kinds = {s: ns.slug(o) for s, o in dataset.values(PG.claimKind).items()}
    comments = dataset.values(RDFS.comment)
    dates = dataset.values(DCTERMS.date)
    groups_of: dict[URIRef, set[URIRef]] = {}
    for subject, group in dataset.subject_objects(PG.targetGroup):
        groups_of.setdefault(subject, set()).add(group)  # type: ignore[arg-type]
    rows: list[tuple[str, ...]] = []
    for claim in sorted(
        s for s in dataset.subjects(RDF.type, PG.GapClaim) if isinstance(s, URIRef)
    ):
        values = [single[p].get(claim) for p in single]
        kind, comment = kinds.get(claim), comments.get(claim)
        if None in values or kind is None or comment is None:
            continue  # the query's pattern needs them all
        claim_id, source, locator = (str(v) for v in values)
        date = dates.get(URIRef(source), "")
        year = date[:4] if date[:4].isdigit() else ""
        regions: set[URIRef] = set()
        for about in dataset.objects(claim, PG.aboutRegion):
            if about in index.regions:
                regions.add(about)  # type: ignore[arg-type]
            regions.update(m for m in dataset.objects(about, SKOS.member) if isinstance(m, URIRef))
        claim_tiers = {ns.slug(t) for t in dataset.objects(claim, PG.tier)}
        domains = {ns.slug(d) for d in dataset.objects(claim, PG.domain)}
        groups = groups_of.get(claim, set())
        for region in sorted(regions):  # a set: sorted, so that the table is the same each build
            code, label = index.regions.get(region), labels.get(region)
            if code is None or label is None:
                continue
            for tier in index.tiers:
                if claim_tiers and tier not in claim_tiers:
                    continue
                against = [
                    d
                    for d in index.by_holder.get(region, ())
                    if d.dedicated
                    and tier in d.tiers
                    and d.domains
                    and (not domains or d.domains & (domains | {"general"}))
                    and (not groups or groups & groups_of.get(d.iri, set()))
                ]
                then = [d for d in against if d.in_force(int(year))] if year else against
                verdict, counterexample = _verdict(kind, against)
                verdict_then, counterexample_then = _verdict(kind, then)
                rows.append(
                    (
                        code,
                        tier,
                        str(claim),
                        claim_id,
                        kind,
                        verdict,
                        locator,
                        comment,
                        counterexample,
                        year,
                        verdict_then,
                        counterexample_then,
                    )
                )
    return rows


def _verdict(kind: str, against: list[Doc]) -> tuple[str, str]:
    """A claim's verdict and counterexample, given the documents that would contradict it."""
    first = min((str(d.iri) for d in against), default="")
    if kind != "missing-policy":
        return "not-checkable", first
    return ("disagrees" if against else "agrees"), first
