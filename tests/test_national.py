"""The national backbone (data/national, read with --national): every division of China, the code
history and the 2020 census, converted from the copied upstream files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policygraph import resources
from policygraph.cli import cli
from policygraph.national.census import convert_census
from policygraph.national.divisions import convert_divisions
from policygraph.national.history import History, read_history

DATA = resources.data_dir()
NATIONAL = DATA / "national"
UPSTREAM = NATIONAL / "upstream"


def test_the_division_converter_reproduces_the_committed_tables() -> None:
    files = convert_divisions(UPSTREAM, resources.ontology_dir())
    assert set(files) == {"divisions.csv", "division-history.csv", "aliases.divisions.csv"}
    for name, text in files.items():
        assert (NATIONAL / name).read_text(encoding="utf-8") == text, name


def test_short_names_and_pinyin_are_labels_of_their_division() -> None:
    aliases = _rows(NATIONAL / "aliases.divisions.csv")
    subei = {(r["label"], r["lang"], r["kind"]) for r in aliases if r["subject"] == "region:620923"}
    assert subei == {("肃北", "zh-Hans", "alt"), ("su bei", "zh-Latn-pinyin", "hidden")}
    assert all(r["source"] == "areacity-pinyin" for r in aliases)
    # 460302 is 西沙区 in 2024, 南沙区 in the 2023 list: that list's names are not its names.
    assert not [r for r in aliases if r["subject"] == "region:460302"]
    assert len({r["subject"] for r in aliases}) > 3100


def test_the_census_converter_reproduces_the_committed_tables() -> None:
    pytest.importorskip("openpyxl")
    files, unmapped = convert_census(UPSTREAM)
    for name, text in files.items():
        assert (NATIONAL / name).read_text(encoding="utf-8") == text, name
    # Never dropped silently: every row not loaded is a quality note of the data set.
    notes = (NATIONAL / "notes.census-2020.csv").read_text(encoding="utf-8")
    assert unmapped and all(f"census row {u.line} " in notes for u in unmapped)


def test_codes_resolve_through_the_history() -> None:
    history = History.of(read_history(UPSTREAM / "areacodes" / "result.csv"))
    assert history.resolve("431121", 2020).code == "431181"  # 祁阳县 → 祁阳市, renamed
    divided = history.resolve("330104", 2020)  # 江干区, divided in 2021
    assert divided.code is None and "330102" in divided.reason and "330114" in divided.reason
    assert history.resolve("120110", 1985).record is not None  # 东郊区, the code's earlier use
    assert history.resolve("120110", 1985).record.name == "东郊区"  # type: ignore[union-attr]
    assert history.resolve("620923").code == "620923"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_curated_regions_agree_with_the_division_list() -> None:
    divisions = {r["code"]: r for r in _rows(NATIONAL / "divisions.csv")}
    for seed in _rows(DATA / "regions.csv"):
        if seed["code"] == "CN":
            continue
        listed = divisions[seed["code"]]
        for column in ("label_zh", "level", "division_type", "parent", "titular_groups"):
            assert seed[column] == listed[column], (seed["code"], column)


@pytest.fixture(scope="module")
def national_store(bundled_store: str) -> str:
    """The bundled data reads data/national by default."""
    return bundled_store


def _run(store: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--store", store, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_division_and_every_autonomous_unit_with_its_groups(national_store: str) -> None:
    query = """SELECT ?type (COUNT(DISTINCT ?r) AS ?n) (COUNT(DISTINCT ?g) AS ?grouped) WHERE {
        ?r a pg:Region ; pg:divisionType ?t ; skos:notation ?code . FILTER(?code != "CN")
        BIND(STRAFTER(STR(?t), "division-type/") AS ?type)
        OPTIONAL { ?r pg:titularGroup ?x . BIND(?r AS ?g) }
        OPTIONAL { ?r pg:qualityNote ?note . FILTER(CONTAINS(?note, "各族")) BIND(?r AS ?g) }
    } GROUP BY ?type"""
    counts = {
        row["type"]: (int(row["n"]), int(row["grouped"]))
        for row in csv.DictReader(
            io.StringIO(_run(national_store, "query", "-e", query, "--format", "csv"))
        )
    }
    assert sum(n for n, _ in counts.values()) == 3213
    assert counts["autonomous-prefecture"] == (30, 30)
    assert counts["autonomous-county"] == (117, 117)
    assert counts["autonomous-banner"] == (3, 3)


def test_autonomous_units_with_population_and_the_seed_statuses(national_store: str) -> None:
    national = list(csv.DictReader(io.StringIO(_run(
        national_store, "gaps", "--autonomous", "--tier", "commercial", "--all", "--format", "csv"
    ))))  # fmt: skip
    assert len(national) == 150
    assert all(row["population"].isdigit() for row in national)
    seed_only = ["--store", "memory", "--no-national"]
    seeded = CliRunner().invoke(
        cli, [*seed_only, "gaps", "--autonomous", "--tier", "commercial", "--format", "csv"]
    )
    bundled = {r["code"]: r for r in csv.DictReader(io.StringIO(seeded.stdout))}
    by_code = {r["code"]: r for r in national}
    assert len([c for c in bundled if c.startswith("62")]) >= 7
    for code, row in bundled.items():
        assert by_code[code]["status"] == row["status"], code
        assert by_code[code]["surveyed"] == row["surveyed"], code


def test_within_gansu_lists_every_county_level_unit(national_store: str) -> None:
    rows = list(csv.DictReader(io.StringIO(_run(
        national_store, "gaps", "--within", "620000", "--tier", "commercial", "--format", "csv"
    ))))  # fmt: skip
    assert len(rows) == 86
    surveyed = {r["code"] for r in rows if r["surveyed"] == "true"}
    assert surveyed and len(surveyed) < 86
    # A reference source (the code list, the census) names every county: it surveys none.
    assert "620102" not in surveyed


def test_a_census_file_that_is_no_spreadsheet_is_one_line(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    (tmp_path / "areacodes").mkdir()
    (tmp_path / "census").mkdir()
    (tmp_path / "areacodes" / "result.csv").write_bytes(
        (UPSTREAM / "areacodes" / "result.csv").read_bytes()
    )
    (tmp_path / "census" / "census_county_2020_v1.xlsx").write_text("not a zip")
    result = CliRunner().invoke(
        cli, ["--data", str(tmp_path), "import", "census", "--upstream", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "is not an .xlsx spreadsheet" in result.output
    assert "Traceback" not in result.output


def test_the_default_report_summarises_the_nation_and_lists_the_surveyed(
    national_store: str,
) -> None:
    text = _run(national_store, "gaps")
    assert "By province" in text and "620000 Gansu Province" in text
    assert "650000 Xinjiang Uygur Autonomous Region" in text
    listed = {line.split()[0] for line in text.splitlines() if "[surveyed]" in line}
    assert listed and all(code.startswith("62") for code in listed)
    report = json.loads(_run(national_store, "gaps", "--format", "json"))
    provinces = report["provinces"]
    assert provinces["620000"]["label"] == "Gansu Province"
    assert provinces["620000"]["regions"] == 86
    assert sum(p["regions"] for p in provinces.values()) == report["summary"]["regions"]
    assert report["summary"]["listed"] == len(listed)


def test_the_seed_alone_is_still_one_flag_away(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--store", f"oxigraph:{tmp_path / 's'}", "--no-national", "stats", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["regions_in_use"] == 36


def test_a_note_rebuilds_the_national_store_in_place(national_store: str, tmp_path: Path) -> None:
    """A rebuild after a note keeps the derived graph and rewrites only the graph the note goes
    to: the code lists and the census keep their keys (they are not cleared, reloaded and
    re-validated because some table changed). The store it gives equals one built afresh from
    the same data, quad for quad and gap report for gap report. (Built from a copy with the
    note, then rebuilt from the bundled data, so that ``national_store`` is the fresh build.)"""
    import shutil

    import pyoxigraph as ox

    from policygraph.gaps import find_gaps
    from policygraph.pipeline import Inputs, open_store
    from policygraph.reports.gapreport import to_json

    edited = tmp_path / "data"
    shutil.copytree(DATA, edited, ignore=shutil.ignore_patterns("upstream"))
    with (edited / "notes.csv").open("a", encoding="utf-8") as handle:
        handle.write("region:620923,a note added by a test,,s0,test\n")
    store = tmp_path / "store"
    spec = f"oxigraph:{store}"

    def keys() -> dict[str, str]:
        manifest = json.loads((store / "current" / "manifest.json").read_text(encoding="utf-8"))
        return {name.rsplit("/", 1)[1]: key for name, key in manifest["graphs"].items()}

    def build(*data: str) -> str:
        result = CliRunner().invoke(cli, ["--national", *data, "--store", spec, "build"])
        assert result.exit_code == 0, result.output
        return result.output

    assert "derived" in build("--data", str(edited))
    before = keys()
    assert "kept the" in build()  # from the bundled data, without the note
    after = keys()
    assert {"areacodes-2024", "areacodes-history", "census-2020"} <= set(after)
    assert {name for name in after if before.get(name) != after[name]} == {"s0"}

    def quads(spec: str) -> list[bytes]:
        db = ox.Store.read_only(str(Path(spec.removeprefix("oxigraph:")) / "current" / "db"))
        return sorted((db.dump(format=ox.RdfFormat.N_QUADS) or b"").split(b"\n"))

    assert quads(spec) == quads(national_store)
    inputs = Inputs.resolve(national=True)
    with open_store(spec, inputs) as kept, open_store(national_store, inputs) as fresh:
        assert to_json(find_gaps(kept)) == to_json(find_gaps(fresh))


def test_one_definition_of_an_autonomous_division_type() -> None:
    """The gap table, the division importer and stats (through the ontology's collection) agree
    on which division types are autonomous."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import SKOS

    from policygraph import resources
    from policygraph.gaptable import AUTONOMOUS
    from policygraph.national.divisions import AUTONOMOUS_TYPES

    scheme = Graph().parse(resources.ontology_dir() / "schemes" / "division-type.ttl")
    collection = URIRef("https://w3id.org/policygraph/id/division-type/ethnic-autonomous")
    members = {str(m).rsplit("/", 1)[1] for m in scheme.objects(collection, SKOS.member)}
    assert members == AUTONOMOUS == set(AUTONOMOUS_TYPES)
    assert len(members) == 4
