"""Generate the synthetic national benchmark corpus over China's real administrative divisions.

    python benchmarks/generate.py --scale S|M|L [--seed 7] --out DIR

DIR becomes a copy of the bundled data directory (every file unchanged, ``national/`` with the
division backbone and the census among them) plus one Turtle file, ``DIR/national.ttl``, which
``policygraph --national build`` loads as the named graph ``graph/national``. The regions are
the bundled ones: ``national/divisions.csv`` (every division in use on 2024-12-31, with its
level, parent, division type and English name) and ``regions.csv`` (China itself, and curated
English names, which win as in the build). The file defines no region; it refers to them by
IRI (``id/region/{code}``) and holds:

- one issuing body per region that holds a document (its people's government);
- documents spread over every level, most of them county documents, each with 1-2 tiers, risk
  domains, a type, a specificity (about 80 % dedicated), a year 2000-2024, often a number, and
  for about 30 % an ``eli:ensures_implementation_of`` link to a document of an ancestor region;
  a few prefecture documents are ``eli:relevant_for`` one of their counties. Links are reified
  as ``rdf:Statement`` with their own provenance, as the CSV build does;
- the source ``synthetic`` (stated) of the bodies and documents, and the graph's
  ``prov:wasDerivedFrom`` it.

Scales: S = Gansu (62xxxx) and China with 1,000 documents, M = the whole country with 20,000,
L = the whole country with 200,000 (about 3 million triples). Every scale reads the whole
backbone; the scale says which regions hold the generated documents.

The commercial tier is planned per region so that every gap status occurs among counties: about
30 % of regions get no commercial document of their own; a region planned ``own`` gets a dedicated
one, ``general-only`` only general ones. Some provinces (always Gansu, so that S shows it) get none,
and a few of their prefectures form barren branches without any commercial document, down to
their counties. National documents never cover the commercial tier. The bundled data still has
national dedicated commercial documents (pension, medical), so without a ``--domain`` filter every
county falls back on them; status ``none`` shows with a domain they do not cover, e.g.
``gaps --tier commercial --domain unemployment``.

The same seed gives a byte-identical file: one ``random.Random(seed)``, no set iteration, and the
Turtle is written as text (rdflib is far too slow to serialise 3 million triples).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import hashlib
import random
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

HERE = Path(__file__).resolve().parent
BUNDLED_DATA = HERE.parent / "data"
#: Every division in use, in a data directory (what ``policygraph --national`` reads).
DIVISIONS = Path("national") / "divisions.csv"
OUTPUT_NAME = "national.ttl"

BASE = "https://w3id.org/policygraph/"
GRAPH = f"{BASE}graph/national"
SOURCE = "synthetic"

TIERS = ("assistance", "insurance", "commercial")
SPECIFIC_DOMAINS = (
    "pension",
    "medical",
    "unemployment",
    "work-injury",
    "maternity",
    "elderly-care",
    "minimum-living",
)
DEDICATED_TYPES = (
    "notice",
    "opinion",
    "implementation-opinions",
    "implementation-plan",
    "measures",
    "detailed-rules",
    "regulations",
    "plan",
)
GENERAL_TYPES = ("five-year-plan", "work-report", "plan", "decision")
LEVELS = ("national", "provincial", "prefectural", "county")
#: Share of the documents (after the planned ones) held at each level: most are county documents.
LEVEL_WEIGHTS = (0.005, 0.03, 0.125, 0.84)

# Commercial-tier plans of a region.
OWN, GENERAL_ONLY, NOTHING = "own", "general-only", "nothing"
#: Provinces whose synthetic documents never cover the commercial tier; Gansu is always one, so
#: that S (Gansu alone) has barren branches and so status none.
NOTHING_PROVINCE_SHARE = 0.3
ALWAYS_NOTHING_PROVINCES = ("620000",)
#: In such a province, prefectures whose whole branch has no commercial document.
BARREN_PREFECTURE_SHARE = 0.2
#: Plans of the other prefectures and counties (own, general-only; the rest nothing), tuned so
#: that about 30 % of all regions have no commercial document of their own.
PREFECTURE_PLAN = (0.6, 0.15)
COUNTY_PLAN = (0.58, 0.15)

DEDICATED_SHARE = 0.8
IMPLEMENTS_SHARE = 0.3  # of non-national documents (a few find no older ancestor document)
RELEVANT_FOR_SHARE = 0.05  # of prefecture documents
NUMBERED_SHARE = 0.6
YEARS = (2000, 2024)


@dataclass(frozen=True)
class Scale:
    name: str
    documents: int
    provinces: tuple[str, ...]  # two-digit province prefixes in scope; () = the whole country

    def in_scope(self, code: str) -> bool:
        return code == "CN" or not self.provinces or code[:2] in self.provinces


SCALES = {
    "S": Scale("S", 1_000, ("62",)),
    "M": Scale("M", 20_000, ()),
    "L": Scale("L", 200_000, ()),
}


@dataclass
class Region:
    code: str
    name_zh: str
    label_en: str
    level: str
    division_type: str
    parent: str  # "" for CN
    children: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    index: int
    region: str
    year: int
    tiers: list[str]
    domains: list[str]
    doc_type: str
    specificity: str
    number: str = ""
    implements: int = -1  # index of the document it implements
    relevant_for: str = ""

    @property
    def iri(self) -> str:
        return f"{BASE}eli/{self.region}/{self.year}/synthetic-{self.index}"


@dataclass(frozen=True)
class Summary:
    """What one generation wrote; run.py stores it in its stamp file."""

    scale: str
    seed: int
    regions_in_scope: int  # regions that may hold a generated document
    documents: int  # generated documents
    triples: int
    bytes: int
    seconds: float
    no_commercial_share: float  # regions in scope with no commercial document of their own


# -- regions --------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise SystemExit(f"{path} not found: the bundled data directory must hold it")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def region_of(row: dict[str, str]) -> Region:
    return Region(
        code=row["code"],
        name_zh=row["label_zh"],
        label_en=row["label_en"],
        level=row["level"],
        division_type=row["division_type"],
        parent=row["parent"],
    )


def load_regions(data: Path) -> dict[str, Region]:
    """Every region of a data directory, linked as a tree: the divisions in use
    (``national/divisions.csv``) and the curated regions of ``regions.csv`` (China itself, and
    English names, which win over the derived ones as they do in the build)."""
    regions = {row["code"]: region_of(row) for row in read_csv(data / DIVISIONS)}
    for row in read_csv(data / "regions.csv"):
        if row["code"] in regions:
            regions[row["code"]].label_en = row["label_en"]
        else:
            regions[row["code"]] = region_of(row)
    for region in sorted(regions.values(), key=lambda r: r.code):
        if region.parent:
            if region.parent not in regions:
                raise SystemExit(f"region {region.code}: its parent {region.parent} is no region")
            regions[region.parent].children.append(region.code)
    return regions


def in_scope(regions: dict[str, Region], scale: Scale) -> list[Region]:
    """The regions that hold documents, national first, then by code."""
    found = [r for r in regions.values() if scale.in_scope(r.code)]
    return sorted(found, key=lambda r: (LEVELS.index(r.level), r.code))


def ancestors(regions: dict[str, Region], code: str) -> Iterator[str]:
    parent = regions[code].parent
    while parent:
        yield parent
        parent = regions[parent].parent


# -- the commercial-tier plan ---------------------------------------------------------------------


def bundled_commercial(data: Path) -> set[str]:
    """Jurisdictions of bundled documents that cover the commercial tier (not barren)."""
    with (data / "documents.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["jurisdiction"]
            for row in csv.DictReader(handle)
            if "commercial" in row["tiers"].split(";")
        }


def pick(rng: random.Random, shares: tuple[float, float]) -> str:
    draw = rng.random()
    return OWN if draw < shares[0] else GENERAL_ONLY if draw < sum(shares) else NOTHING


def plan_commercial(
    regions: dict[str, Region], scope: list[Region], rng: random.Random, covered: set[str]
) -> dict[str, str]:
    """own / general-only / nothing for the commercial tier, per region in scope."""
    plan: dict[str, str] = {}
    barren: set[str] = set()
    for region in scope:
        if region.level == "national":
            plan[region.code] = NOTHING  # so that whole branches can have nothing above them
        elif region.level == "provincial":
            nothing = (
                region.code in ALWAYS_NOTHING_PROVINCES or rng.random() < NOTHING_PROVINCE_SHARE
            )
            plan[region.code] = NOTHING if nothing else OWN
            if nothing:
                barren.update(barren_prefectures(regions, region, rng, covered))
        elif region.code in barren or region.parent in barren:
            plan[region.code] = NOTHING
        elif region.level == "prefectural":
            plan[region.code] = pick(rng, PREFECTURE_PLAN)
        else:
            plan[region.code] = pick(rng, COUNTY_PLAN)
    return plan


def barren_prefectures(
    regions: dict[str, Region], province: Region, rng: random.Random, covered: set[str]
) -> list[str]:
    """A fifth (at least one) of the prefectures of a province whose branch holds no bundled
    commercial document: they and their counties get no commercial document either."""
    eligible = [
        code
        for code in province.children
        if regions[code].level == "prefectural"
        and code not in covered
        and not covered.intersection(regions[code].children)
    ]
    if not eligible:
        return []
    return rng.sample(eligible, max(1, round(len(eligible) * BARREN_PREFECTURE_SHARE)))


# -- documents ------------------------------------------------------------------------------------


def document_for(
    index: int, region: Region, plan: str, rng: random.Random, planned: bool = False
) -> Document:
    """A random document of ``region`` that keeps to its commercial-tier plan; ``planned``: the
    one document that makes an own or general-only plan true (commercial, of that specificity)."""
    if planned:
        specificity = "dedicated" if plan == OWN else "general"
    else:
        specificity = "dedicated" if rng.random() < DEDICATED_SHARE else "general"
    tiers = rng.sample(TIERS, 1 if rng.random() < 0.6 else 2)
    if planned and "commercial" not in tiers:
        tiers = [tiers[0], "commercial"]
    commercial_allowed = plan == OWN or (plan == GENERAL_ONLY and specificity == "general")
    if not commercial_allowed and "commercial" in tiers:
        tiers.remove("commercial")
        tiers = tiers or [rng.choice(TIERS[:2])]
    year = rng.randint(*YEARS)
    return Document(
        index=index,
        region=region.code,
        year=year,
        tiers=sorted(tiers, key=TIERS.index),
        domains=domains_for(specificity, rng),
        doc_type=rng.choice(DEDICATED_TYPES if specificity == "dedicated" else GENERAL_TYPES),
        specificity=specificity,
        number=number_for(region, year, rng),
    )


def domains_for(specificity: str, rng: random.Random) -> list[str]:
    # General plans and work reports are mostly about everything (domain general), as in the
    # bundled data; dedicated documents name one or two risks.
    if specificity == "general" and rng.random() < 0.8:
        return ["general"]
    if rng.random() < 0.05:
        return ["general"]
    picked = rng.sample(SPECIFIC_DOMAINS, 1 if rng.random() < 0.85 else 2)
    return sorted(picked, key=SPECIFIC_DOMAINS.index)


ISSUER_MARKS = ("政发", "政办发", "人社发", "医保发", "民发")


def number_for(region: Region, year: int, rng: random.Random) -> str:
    """A GB/T 9704 number such as 兰政办发〔2018〕162号, in the document's year (SHACL checks)."""
    if rng.random() >= NUMBERED_SHARE:
        return ""
    head = "国" if region.code == "CN" else region.name_zh[0]
    return f"{head}{rng.choice(ISSUER_MARKS)}〔{year}〕{rng.randint(1, 300)}号"


def generate_documents(
    regions: dict[str, Region],
    scope: list[Region],
    plan: dict[str, str],
    count: int,
    rng: random.Random,
) -> list[Document]:
    docs = [
        document_for(i, region, plan[region.code], rng, planned=True)
        for i, region in enumerate(r for r in scope if plan[r.code] != NOTHING)
    ]
    if len(docs) > count:
        raise ValueError(f"{count} documents are too few: {len(docs)} regions need one")
    by_level = [[r for r in scope if r.level == level] for level in LEVELS]
    levels = [i for i, members in enumerate(by_level) if members]
    weights = [LEVEL_WEIGHTS[i] for i in levels]
    for index in range(len(docs), count):
        level = rng.choices(levels, weights)[0]
        region = rng.choice(by_level[level])
        docs.append(document_for(index, region, plan[region.code], rng))
    link_documents(regions, docs, rng)
    return docs


def link_documents(regions: dict[str, Region], docs: list[Document], rng: random.Random) -> None:
    """Implementation links up the tree (to a document of an ancestor, not newer than the
    implementing one) and a few prefecture documents relevant for one of their counties."""
    held: dict[str, list[Document]] = {}
    for doc in docs:
        held.setdefault(doc.region, []).append(doc)
    for found in held.values():
        found.sort(key=lambda d: (d.year, d.index))
    years = {code: [d.year for d in found] for code, found in held.items()}
    for doc in docs:
        if doc.region != "CN" and rng.random() < IMPLEMENTS_SHARE:
            # How many documents of each ancestor are at most as new as this one.
            older = [
                (code, bisect.bisect_right(years[code], doc.year))
                for code in ancestors(regions, doc.region)
                if code in held
            ]
            older = [(code, n) for code, n in older if n]
            if older:
                code, n = rng.choice(older)
                doc.implements = held[code][rng.randrange(n)].index
        region = regions[doc.region]
        if region.level == "prefectural" and rng.random() < RELEVANT_FOR_SHARE:
            counties = [c for c in region.children if regions[c].level == "county"]
            if counties:
                doc.relevant_for = rng.choice(counties)


# -- Turtle ---------------------------------------------------------------------------------------

PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "org": "http://www.w3.org/ns/org#",
    "pg": f"{BASE}def#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "region": f"{BASE}id/region/",
    "body": f"{BASE}id/body/",
    "source": f"{BASE}id/source/",
    "stmt": f"{BASE}id/statement/",
    "level": f"{BASE}id/level/",
    "tier": f"{BASE}id/tier/",
    "domain": f"{BASE}id/domain/",
    "doctype": f"{BASE}id/document-type/",
    "specificity": f"{BASE}id/specificity/",
    "confidence": f"{BASE}id/confidence/",
}

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def lit(text: str, lang: str = "", datatype: str = "") -> str:
    """A Turtle literal: plain, language-tagged or typed (``datatype`` a prefixed name)."""
    quoted = '"' + text.translate(_ESCAPES) + '"'
    return quoted + (f"@{lang}" if lang else f"^^{datatype}" if datatype else "")


class Turtle:
    """Subject blocks written as text to a file, counting triples as they go."""

    def __init__(self, handle: TextIO) -> None:
        self.handle = handle
        self.triples = 0
        handle.writelines(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())

    def block(self, subject: str, pairs: Iterable[tuple[str, str | list[str]]]) -> None:
        lines = []
        for predicate, objects in pairs:
            values = [objects] if isinstance(objects, str) else objects
            self.triples += len(values)
            lines.append(f"    {predicate} {', '.join(values)}")
        self.handle.write(f"\n{subject}\n" + " ;\n".join(lines) + " .\n")


def provenance(locator: str) -> list[tuple[str, str | list[str]]]:
    return [
        ("dcterms:source", f"source:{SOURCE}"),
        ("pg:locator", lit(locator)),
        ("pg:confidence", "confidence:stated"),
    ]


SYNTHETIC_DESCRIPTION = (
    "Randomly generated issuing bodies and policy documents for benchmarking policygraph at "
    "national scale; not real documents."
)
SOURCE_CLASSES = ["pg:Source", "prov:Entity", "dcterms:BibliographicResource"]


def write_sources(out: Turtle, scale: Scale, seed: int) -> None:
    # The named-graph provenance the CSV build writes for each source's graph.
    out.block(f"<{GRAPH}>", [("prov:wasDerivedFrom", f"source:{SOURCE}")])
    title = f"Synthetic national benchmark corpus, scale {scale.name}, seed {seed}"
    out.block(
        f"source:{SOURCE}",
        [
            ("a", SOURCE_CLASSES),
            ("dcterms:title", lit(title, "en")),
            ("dcterms:creator", lit("policygraph benchmarks/generate.py")),
            ("dcterms:date", lit("2026", datatype="xsd:gYear")),
            ("dcterms:description", lit(SYNTHETIC_DESCRIPTION, "en")),
            ("pg:confidence", "confidence:stated"),
        ],
    )


def body_slug(code: str) -> str:
    return f"gov-{code.lower()}"


def write_body(out: Turtle, region: Region) -> None:
    """The people's government of a region; China's is the Central People's Government."""
    if region.code == "CN":
        en, zh = "Central People's Government", "中央人民政府"
    else:
        en, zh = f"People's Government of {region.label_en}", f"{region.name_zh}人民政府"
    out.block(
        f"body:{body_slug(region.code)}",
        [
            ("a", ["pg:IssuingBody", "org:FormalOrganization"]),
            ("skos:prefLabel", [lit(en, "en"), lit(zh, "zh-Hans")]),
            ("dcterms:spatial", f"region:{region.code}"),
            ("pg:level", f"level:{region.level}"),
            *provenance(f"body of region {region.code}"),
        ],
    )


def title_of(doc: Document, region: Region) -> str:
    kind = doc.doc_type.replace("-", " ").capitalize()
    about = " and ".join(d.replace("-", " ") for d in doc.domains)
    tiers = " and ".join(doc.tiers)
    return f"{kind} on {about} ({tiers}), {region.label_en}, {doc.year} [synthetic {doc.index}]"


def write_document(out: Turtle, doc: Document, region: Region, docs: list[Document]) -> None:
    pairs: list[tuple[str, str | list[str]]] = [
        ("a", "pg:PolicyDocument"),
        ("dcterms:title", lit(title_of(doc, region), "en")),
        ("eli:jurisdiction", f"region:{doc.region}"),
        ("eli:passed_by", f"body:{body_slug(doc.region)}"),
        ("pg:level", f"level:{region.level}"),
        ("pg:year", lit(str(doc.year), datatype="xsd:gYear")),
        ("pg:tier", [f"tier:{t}" for t in doc.tiers]),
        ("pg:domain", [f"domain:{d}" for d in doc.domains]),
        ("eli:type_document", f"doctype:{doc.doc_type}"),
        ("pg:specificity", f"specificity:{doc.specificity}"),
    ]
    if doc.number:
        pairs.append(("eli:id_local", lit(doc.number)))
    if doc.implements >= 0:
        pairs.append(("eli:ensures_implementation_of", f"<{docs[doc.implements].iri}>"))
    if doc.relevant_for:
        pairs.append(("eli:relevant_for", f"region:{doc.relevant_for}"))
    pairs.extend(provenance(f"document {doc.index}"))
    out.block(f"<{doc.iri}>", pairs)


def write_statement(out: Turtle, subject: str, predicate: str, obj: str, locator: str) -> None:
    """Reify one link as the CSV build does (document-links.csv), with the same IRI."""
    full = PREFIXES["eli"] + predicate.removeprefix("eli:")
    digest = hashlib.sha1(f"{subject} {full} {obj}".encode()).hexdigest()[:16]
    out.block(
        f"stmt:{digest}",
        [
            ("a", "rdf:Statement"),
            ("rdf:subject", f"<{subject}>"),
            ("rdf:predicate", predicate),
            ("rdf:object", f"<{obj}>"),
            *provenance(locator),
        ],
    )


def write_links(out: Turtle, docs: list[Document]) -> None:
    for doc in docs:
        locator = f"document {doc.index}"
        if doc.implements >= 0:
            target = docs[doc.implements].iri
            write_statement(out, doc.iri, "eli:ensures_implementation_of", target, locator)
        if doc.relevant_for:
            region = f"{BASE}id/region/{doc.relevant_for}"
            write_statement(out, doc.iri, "eli:relevant_for", region, locator)


def write_turtle(
    path: Path, regions: dict[str, Region], docs: list[Document], scale: Scale, seed: int
) -> int:
    """Write the graph; the number of triples written."""
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        out = Turtle(handle)
        write_all(out, regions, docs, scale, seed)
    return out.triples


def write_all(
    out: Turtle, regions: dict[str, Region], docs: list[Document], scale: Scale, seed: int
) -> None:
    write_sources(out, scale, seed)
    holders = dict.fromkeys(doc.region for doc in docs)  # ordered, no set iteration
    for code in holders:
        write_body(out, regions[code])
    for doc in docs:
        write_document(out, doc, regions[doc.region], docs)
    write_links(out, docs)


# -- the data directory ---------------------------------------------------------------------------


def prepare(out: Path, bundled: Path) -> None:
    """A fresh copy of the bundled data directory; refuses to wipe anything it did not write."""
    if out.exists() and any(out.iterdir()):
        if not (out / OUTPUT_NAME).exists():
            raise SystemExit(f"{out} is not empty and holds no {OUTPUT_NAME}: not overwriting it")
        shutil.rmtree(out)
    shutil.copytree(bundled, out)


def generate(scale: Scale, seed: int, out: Path, bundled: Path = BUNDLED_DATA) -> Summary:
    started = time.perf_counter()
    rng = random.Random(seed)
    regions = load_regions(bundled)
    scope = in_scope(regions, scale)
    plan = plan_commercial(regions, scope, rng, bundled_commercial(bundled))
    docs = generate_documents(regions, scope, plan, scale.documents, rng)
    prepare(out, bundled)
    triples = write_turtle(out / OUTPUT_NAME, regions, docs, scale, seed)
    nothing = sum(1 for code in plan.values() if code == NOTHING)
    return Summary(
        scale=scale.name,
        seed=seed,
        regions_in_scope=len(scope),
        documents=len(docs),
        triples=triples,
        bytes=(out / OUTPUT_NAME).stat().st_size,
        seconds=round(time.perf_counter() - started, 2),
        no_commercial_share=round(nothing / len(plan), 3),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True, help="data directory to write")
    parser.add_argument(
        "--bundled", type=Path, default=BUNDLED_DATA, help="data directory to copy and extend"
    )
    options = parser.parse_args(argv)
    summary = generate(SCALES[options.scale], options.seed, options.out, options.bundled)
    print(
        f"{options.out / OUTPUT_NAME}: {summary.regions_in_scope:,} regions in scope, "
        f"{summary.documents:,} documents, {summary.triples:,} triples, "
        f"{summary.bytes / 2**20:.1f} MiB in "
        f"{summary.seconds:.1f} s; {summary.no_commercial_share:.0%} of the regions in scope "
        "have no commercial document of their own",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
