"""What ``policygraph stats`` prints: the counts of :func:`policygraph.stats.graph_stats` as text
or JSON, in English or Chinese.

In Chinese the headings are Chinese and the levels and division types are the data's Chinese
labels; classes, graphs and prefixes stay as RDF names them. The JSON keeps its keys and values
in either language (a script reads either) and in Chinese adds the words (``lang``,
``labels``), as the gap report's JSON does.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from policygraph.reports.language import N_, Language
from policygraph.reports.language import plural_marker as n
from policygraph.reports.textwidth import ljust, rjust, width
from policygraph.stats import Stats

__all__ = ["FORMATS", "render"]

FORMATS = ("text", "json")
_QUADS = n("{n} quad", "{n} quads")
_IN_USE = n("{n} region in use below the nation", "{n} regions in use below the nation")
_FORMER = n("{n} former code", "{n} former codes")
_AUTONOMY = (N_("units"), N_("titular group"), N_("note why none"), N_("neither"))


def _section(title: str, counts: dict[str, int], label: Any = str) -> list[str]:
    shown = {label(k): v for k, v in counts.items()}
    wide = max((width(k) for k in shown), default=0)
    return ["", title, *(f"  {ljust(k, wide)}  {v:>7,}" for k, v in shown.items())]


def _autonomy(stats: Stats, lang: Language) -> list[str]:
    kinds = {kind: lang.division(kind) for kind in stats.autonomous}
    wide = max(width(k) for k in kinds.values())
    heads = [lang._(h) for h in _AUTONOMY]
    spans = [max(width(h), 5) for h in heads]
    # The title heads the kinds' column: in Chinese it is the wider of the two.
    first = max(wide + 2, width(lang._("autonomous units:")))
    wide = first - 2
    title = ljust(lang._("autonomous units:"), first)
    lines = ["", f"{title}  " + "  ".join(rjust(h, s) for h, s in zip(heads, spans, strict=True))]
    for kind, units in stats.autonomous.items():
        counts = (units.units, units.with_group, units.with_note, units.unexplained)
        cells = "  ".join(f"{c:>{s},}" for c, s in zip(counts, spans, strict=True))
        lines.append(f"  {ljust(kinds[kind], wide)}  {cells}")
    return lines


def to_text(stats: Stats, lang: Language) -> str:
    lines = [
        lang.n(*_QUADS, stats.quads),
        lang._("{in_use}, {former}").format(
            in_use=lang.n(*_IN_USE, stats.regions_in_use),
            former=lang.n(*_FORMER, stats.former_regions),
        ),
    ]
    if stats.autonomous:
        lines += _autonomy(stats, lang)
    lines += _section(lang._("by source graph:"), stats.by_graph)
    lines += _section(lang._("by class:"), stats.by_class)
    for cls, levels in stats.by_level.items():
        title = lang._("{cls} by level:").format(cls=cls)
        lines += _section(title, levels, lang.term)
    return "\n".join(lines) + "\n"


def to_json(stats: Stats, lang: Language) -> str:
    payload: dict[str, Any] = {
        "quads": stats.quads,
        "by_class": stats.by_class,
        "by_graph": stats.by_graph,
        "by_level": stats.by_level,
        "regions_in_use": stats.regions_in_use,
        "former_regions": stats.former_regions,
        "autonomous": {kind: asdict(units) for kind, units in stats.autonomous.items()},
    }
    if lang.zh:
        levels = sorted({level for counts in stats.by_level.values() for level in counts})
        payload["lang"] = lang.code
        payload["labels"] = {
            "levels": {level: lang.term(level) for level in levels},
            "division_types": {kind: lang.division(kind) for kind in stats.autonomous},
        }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def render(stats: Stats, fmt: str, lang: Language | None = None) -> str:
    return {"text": to_text, "json": to_json}[fmt](stats, lang or Language())
