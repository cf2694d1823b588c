"""What an import would change in the gap report, before anything is written: the data
directory is copied with the new files into a temporary directory, built there, and the status
of every region × tier cell is compared with the current store's.

:func:`diff_statuses` is the one place that compares two reports; a general ``gaps --compare``
can take its place.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from policygraph.gaps import GapReport, find_gaps
from policygraph.pipeline import Inputs, open_store
from policygraph.progress import Progress

__all__ = ["LEVELS", "StatusChange", "diff_statuses", "preview"]

LEVELS = ("national", "provincial", "prefectural", "county")


@dataclass(frozen=True, order=True)
class StatusChange:
    """A cell whose status an import changes, with the documents newly its evidence or
    fall-back (IRIs)."""

    tier: str
    #: The risk domain of a region × tier × domain cell; "" for a region × tier cell.
    domain: str
    code: str
    label: str
    before: str
    after: str
    documents: tuple[str, ...] = ()


def diff_statuses(before: GapReport, after: GapReport, domain: str = "") -> list[StatusChange]:
    """The cells whose status differs between two reports (of cells of ``domain``, if given);
    a cell in ``after`` only counts as ``none`` before."""
    old = {(g.code, g.tier): g for g in before.gaps}
    changes = []
    for gap in after.gaps:
        was = old.get((gap.code, gap.tier))
        status = was.status if was is not None else "none"
        if status == gap.status:
            continue
        # What gives the new status: a region's own documents, else those it falls back on.
        now = gap.evidence if gap.status in ("own", "general-only") else gap.fallback
        known = {d.iri for d in (*was.evidence, *was.fallback)} if was is not None else set()
        new = tuple(sorted({d.iri for d in now} - known))
        changes.append(StatusChange(gap.tier, domain, gap.code, gap.label, status, gap.status, new))
    return sorted(changes)


def _reports(
    spec: str, inputs: Inputs, domains: list[str], progress: Progress | None
) -> list[GapReport]:
    with open_store(spec, inputs, progress=progress) as store:
        return [
            find_gaps(store, level=LEVELS, domain=domain or None, every_cell=True)
            for domain in ("", *domains)
        ]


def preview(
    spec: str,
    inputs: Inputs,
    files: dict[str, str],
    *,
    domains: list[str],
    progress: Progress | None = None,
) -> list[StatusChange]:
    """The cells whose status changes when ``files`` are written into ``inputs.data``: the
    region × tier cells, and the region × tier × domain cells of ``domains`` (those of the
    new documents: no other domain's cells can change)."""
    before = _reports(spec, inputs, domains, progress)
    with tempfile.TemporaryDirectory(prefix="policygraph-import-") as scratch:
        data = Path(scratch) / "data"
        data.mkdir()
        for path in inputs.data.iterdir():
            if path.is_file():
                shutil.copy2(path, data / path.name)
            elif path.name == "national" and inputs.national:
                (data / "national").symlink_to(path.resolve(), target_is_directory=True)
        for name, text in files.items():
            (data / name).write_text(text, encoding="utf-8")
        trial = Inputs(data, inputs.ontology, inputs.national)
        after = _reports(f"oxigraph:{Path(scratch) / 'store'}", trial, domains, progress)
    changes = []
    for domain, old, new in zip(("", *domains), before, after, strict=True):
        changes += diff_statuses(old, new, domain)
    return changes
