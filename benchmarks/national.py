"""Benchmark policygraph at national scale on a seeded synthetic dataset.

    python benchmarks/national.py [--documents 20000] [--seed 7] [--keep DIR]

Writes a synthetic data directory in the bundled CSV format (31 provinces, 10 prefectures each,
9 counties per prefecture: 3,131 regions, about a tenth of the counties autonomous; documents
spread over all levels with random tiers, domains and specificity), then times, each in a fresh
process as a user would run them:

- ``build``  (CSV → RDF, SHACL validation, Oxigraph store on disk), with peak memory;
- ``gaps``   (the county gap report over the whole country, JSON);
- ``gaps --within P --autonomous`` (one province);
- ``viz --within P`` (the graph view of one province);
- ``query gaps/no-dedicated-policy --param tier=commercial --param autonomous=true``.

Times come from /usr/bin/time (wall seconds, peak RSS). Nothing here runs in CI.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TIERS = ("assistance", "insurance", "commercial")
DOMAINS = ("pension", "medical", "unemployment", "work-injury", "maternity", "minimum-living")


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def generate(out: Path, documents: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    prov = ["source", "locator"]
    write_csv(
        out / "sources.csv",
        ["id", "title", "date", "confidence"],
        [
            {
                "id": "synthetic",
                "title": "Synthetic national benchmark",
                "date": "2026",
                "confidence": "stated",
            }
        ],
    )
    regions = [
        {
            "code": "CN",
            "label_en": "China",
            "label_zh": "中国",
            "level": "national",
            "division_type": "country",
            "parent": "",
            "source": "synthetic",
            "locator": "-",
        }
    ]
    counties: list[str] = []
    provinces: list[str] = []
    for p in range(31):
        pcode = f"{11 + p:02d}0000"
        provinces.append(pcode)
        regions.append(
            {
                "code": pcode,
                "label_en": f"Province {p}",
                "label_zh": f"省{p}",
                "level": "provincial",
                "division_type": "province",
                "parent": "CN",
                "source": "synthetic",
                "locator": "-",
            }
        )
        for c in range(10):
            ccode = f"{pcode[:2]}{c + 1:02d}00"
            regions.append(
                {
                    "code": ccode,
                    "label_en": f"City {p}-{c}",
                    "label_zh": f"市{p}-{c}",
                    "level": "prefectural",
                    "division_type": "prefecture-level-city",
                    "parent": pcode,
                    "source": "synthetic",
                    "locator": "-",
                }
            )
            for k in range(9):
                code = f"{ccode[:4]}{k + 21:02d}"
                autonomous = rng.random() < 0.1
                regions.append(
                    {
                        "code": code,
                        "label_en": f"County {p}-{c}-{k}",
                        "label_zh": f"县{p}-{c}-{k}",
                        "level": "county",
                        "division_type": "autonomous-county" if autonomous else "county",
                        "parent": ccode,
                        "titular_groups": "hui" if autonomous else "",
                        "source": "synthetic",
                        "locator": "-",
                    }
                )
                counties.append(code)
    write_csv(
        out / "regions.csv",
        [
            "code",
            "label_en",
            "label_zh",
            "level",
            "division_type",
            "parent",
            "titular_groups",
            *prov,
        ],
        regions,
    )
    codes = [r["code"] for r in regions]
    docs = []
    for i in range(documents):
        # Most documents are county documents, as in a real national corpus.
        holder = rng.choice(counties) if rng.random() < 0.7 else rng.choice(codes)
        year = str(rng.randint(2000, 2023))
        docs.append(
            {
                "id": f"doc-{i}",
                "title_en": f"Synthetic document {i}",
                "jurisdiction": holder,
                "year": year,
                "tiers": ";".join(sorted(rng.sample(TIERS, rng.randint(1, 2)))),
                "domains": rng.choice(DOMAINS),
                "doc_types": "notice",
                "specificity": "dedicated" if rng.random() < 0.8 else "general",
                "source": "synthetic",
                "locator": f"row {i}",
            }
        )
    write_csv(
        out / "documents.csv",
        [
            "id",
            "title_en",
            "jurisdiction",
            "year",
            "tiers",
            "domains",
            "doc_types",
            "specificity",
            *prov,
        ],
        docs,
    )
    claims = [
        {
            "source": "synthetic",
            "n": str(i + 1),
            "kind": "missing-policy",
            "regions": ";".join(rng.sample(counties, 5)),
            "tiers": "commercial",
            "comment": "No commercial tier here.",
            "quote": "basically missing",
            "locator": f"claim {i}",
        }
        for i in range(50)
    ]
    write_csv(
        out / "claims.csv",
        ["source", "n", "kind", "regions", "tiers", "comment", "quote", "locator"],
        claims,
    )
    return {"regions": len(regions), "documents": len(docs), "provinces": len(provinces)}


def timed(args: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one fresh process."""
    report = cwd / "time.txt"
    subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", "-o", str(report), *args],
        cwd=cwd,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds, kib = report.read_text().split()
    return float(seconds), int(kib) // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="Keep the generated data here.")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="policygraph-bench-"))
    data = options.keep or work / "data"
    sizes = generate(data, options.documents, options.seed)
    exe = str(Path(sys.executable).with_name("policygraph"))
    base = [exe, "--data", str(data), "--store", f"oxigraph:{work / 'store'}"]
    print(f"synthetic data: {sizes}")
    runs = [
        ("build", [*base, "build"]),
        ("gaps (all counties, json)", [*base, "gaps", "--format", "json"]),
        (
            "gaps --within 110000 --autonomous",
            [*base, "gaps", "--within", "110000", "--autonomous"],
        ),
        (
            "query no-dedicated-policy",
            [
                *base,
                "query",
                "gaps/no-dedicated-policy",
                "--param",
                "tier=commercial",
                "--param",
                "autonomous=true",
            ],
        ),
        ("viz --within 110100", [*base, "viz", "--within", "110100", "-o", str(work / "v.html")]),
    ]
    for name, args in runs:
        seconds, mib = timed(args, work)
        print(f"{name:<38} {seconds:6.2f} s  {mib:5d} MiB peak")
    if options.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
