"""The Python API for notebooks: ``policygraph.open()`` and the three questions it answers.

A thin layer over the functions the command line runs (:func:`~policygraph.pipeline.open_store`,
:func:`~policygraph.queries.run_query`, :func:`~policygraph.gaps.find_gaps`,
:func:`~policygraph.queries.find_regions`), with the same store specs, checks and messages::

    import policygraph

    with policygraph.open() as graph:
        report = graph.gaps(within="肃北")
        frame = report.to_dataframe()   # pip install 'policygraph[notebook]'

Where it puts words on what it finds, it takes ``lang="zh"`` as the command line takes
``--lang zh``: :meth:`PolicyGraph.gaps` (the tier and status in Chinese, as two more columns),
:meth:`PolicyGraph.render` (a report as ``gaps`` or ``regions`` prints it) and
:meth:`PolicyGraph.describe` (a region in one line).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Literal

from policygraph.gaps import STATUSES, TIERS, GapReport, find_gaps
from policygraph.pipeline import DEFAULT_STORE, Inputs, open_store
from policygraph.progress import Progress
from policygraph.queries import QueryResult, find_regions, library, load, parse_named, run_query
from policygraph.regionnames import RegionInfo
from policygraph.reports import gapreport, regionlist
from policygraph.reports.language import Language, language
from policygraph.store.base import GraphStore
from policygraph.timeline import Timeline, region_timeline

__all__ = ["PolicyGraph", "open"]

Lang = Literal["en", "zh"]


def _param(value: object) -> str:
    """A keyword argument as ``--param`` takes it: True → "true", 620923 → "620923"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class PolicyGraph:
    """An open store: built from the data first when it is not current, closed by ``close()``
    or at the end of a ``with`` block."""

    def __init__(self, store: GraphStore, spec: str, inputs: Inputs) -> None:
        #: The underlying :class:`~policygraph.store.base.GraphStore` (``.select(sparql)``, …).
        self.store = store
        self.spec = spec
        self.inputs = inputs
        self._languages: dict[str, Language] = {}

    def _language(self, lang: str) -> Language:
        """``lang`` with the data's labels, read once per language."""
        if lang not in self._languages:
            self._languages[lang] = language(self.store, lang, divisions=True)
        return self._languages[lang]

    def query(self, name_or_sparql: str, /, **params: object) -> QueryResult:
        """Run a named query (``"gaps/no-dedicated-policy"``, see :meth:`queries`), a ``.rq``
        file, or SPARQL text, with its parameters as keywords: ``query("lookup/indicator",
        indicator="gdp", region="623000")``. A region parameter takes a code or a name; a
        boolean one takes True. The project's prefixes need no declaration."""
        text = name_or_sparql.strip()
        if text in library() or not any(c.isspace() or c == "{" for c in text):
            named = load(text)
        else:
            named = parse_named("sparql", text)
        return run_query(self.store, named, {k: _param(v) for k, v in params.items()})

    def gaps(
        self,
        *,
        level: str | Sequence[str] = "county",
        tier: str | None = None,
        domain: str | None = None,
        within: str | None = None,
        autonomous: bool = False,
        status: str | None = None,
        every_cell: bool = True,
        sort: str = "code",
        as_of: int | None = None,
        lang: Lang = "en",
    ) -> GapReport:
        """The gap report, one :class:`~policygraph.gaps.Gap` per region × tier, filtered as
        ``policygraph gaps`` filters it (``within`` a code or a name: 肃北, Subei); ``as_of`` a
        year: the status with only the documents in force then (``gaps --as-of``). With
        ``lang="zh"``, its rows, dicts and data frame end with ``tier_label`` and
        ``status_label``, the tier and status as the data labels them in Chinese."""
        report = find_gaps(
            self.store,
            level=level,
            tier=tier,
            domain=domain,
            within=within,
            autonomous=autonomous,
            status=status,
            every_cell=every_cell,
            sort=sort,
            as_of=as_of,
        )
        if lang == "en":
            return report
        words = self._language(lang)
        return replace(report, labels={k: words.term(k) for k in (*TIERS, *STATUSES)})

    def render(
        self,
        found: GapReport | Sequence[RegionInfo],
        fmt: str = "text",
        *,
        lang: Lang = "en",
    ) -> str:
        """What the command line prints for ``found``: a :class:`GapReport` as ``policygraph
        gaps --format FMT --lang LANG`` (text, md, csv, json, html), the regions of
        :meth:`regions` as ``policygraph regions`` (text, csv, json)."""
        words = self._language(lang)
        if isinstance(found, GapReport):
            return gapreport.render(found, fmt, words)
        return regionlist.render(list(found), fmt, words)

    def describe(self, region: RegionInfo, *, lang: Lang = "en") -> str:
        """A region of :meth:`regions` in one line: ``620923 肃北蒙古族自治县 Subei Mongol
        Autonomous County (in 620900 酒泉市)``, in Chinese ``…（属 620900 酒泉市）``."""
        return regionlist.describe(region, self._language(lang))

    def timeline(self, region: str, *, domain: str | None = None) -> Timeline:
        """For each tier of ``region`` (a code or a name), the years its gap status changed and
        the documents that changed it (``policygraph timeline``)."""
        return region_timeline(self.store, region, domain=domain)

    def regions(self, text: str, *, limit: int = 20) -> list[RegionInfo]:
        """The regions whose names (Chinese, short, English, pinyin, aliases) or code match
        ``text``, best first, as ``policygraph regions`` finds them."""
        return find_regions(self.store, text, limit=limit)

    @staticmethod
    def queries() -> dict[str, str]:
        """The named queries: name → title."""
        return {name: query.title for name, query in library().items()}

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> PolicyGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        national = "with" if self.inputs.national else "without"
        return f"<PolicyGraph {self.spec} from {self.inputs.data} ({national} national data)>"


def open(
    store: str = DEFAULT_STORE,
    data: str | Path | None = None,
    national: bool | None = None,
    *,
    progress: Progress | None = None,
) -> PolicyGraph:
    """Open the store ``store`` (``oxigraph:DIR``, ``memory`` or ``sparql:URL``, as
    ``--store``), building it first from ``data`` when it is not current (the bundled data by
    default; ``national`` False: the seed alone, without the national backbone, a 2 s build
    instead of 20 s; ``progress`` a :class:`~policygraph.progress.Progress` to hear its phases).
    A :class:`PolicyGraph`; use it in a ``with`` block, or ``close()`` it."""
    inputs = Inputs.resolve(Path(data) if data is not None else None, national=national)
    return PolicyGraph(open_store(store, inputs, progress=progress), store, inputs)
