"""Parameter values: checked, turned into RDF terms, refused with a message that helps.

Every value is checked before any IRI is made from it: no control character, no more than
:data:`MAX_PARAM` characters; a year is four digits, a concept a slug of its scheme, a region a
code (620923, CN), an IRI or a name (:mod:`policygraph.regionnames`: 肃北, Subei). A value the
graph does not hold is refused naming the values that would do (``no such tier; use one of
assistance, commercial, insurance``).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from policygraph import iris, regionnames
from policygraph.errors import QueryError
from policygraph.regionnames import NameSource, RegionInfo, RegionNames, resolve_name

if TYPE_CHECKING:
    from rdflib.term import Node

    from policygraph.store.base import GraphStore

__all__ = [
    "CONCEPT_KINDS",
    "KINDS",
    "MAX_PARAM",
    "ParamError",
    "as_term",
    "checked",
    "find_regions",
    "region_code",
    "region_names",
    "term",
]

#: Parameter kinds whose values are concepts of a scheme, by scheme name.
CONCEPT_KINDS = ("tier", "domain", "level", "target-group", "indicator", "claim-kind", "unit")
KINDS = (*CONCEPT_KINDS, "region", "source", "document", "year", "boolean", "iri", "text")


class ParamError(QueryError):
    """A parameter value that is refused: which query, which parameter, the value, and why.

    The message names ``--param NAME=VALUE``; a command that takes the value from an option of
    its own (``gaps --tier``) names that option instead, with :meth:`for_option`.
    """

    def __init__(self, query: str, param: str, raw: str, why: str, option: str = "") -> None:
        self.query, self.param, self.raw, self.why = query, param, raw, why
        typed = f"{option} {raw}" if option else f"--param {param}={raw}"
        super().__init__(f"{query}: {typed}: {why}" if not option else f"{typed}: {why}")

    def for_option(self, option: str) -> ParamError:
        return ParamError(self.query, self.param, self.raw, self.why, option)


#: Characters no parameter value may hold: controls (C0, DEL, C1) and the line separators. They
#: never reach a query text, not even inside a literal.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: Characters an IRI cannot hold (RFC 3987: no spaces, no ``<>"{}|\^` ``).
_NOT_IRI = re.compile('[\\s<>"{}|\\\\^`]')
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_REGION_CODE = re.compile(r"[0-9]{6}|CN")
#: The longest parameter value: an IRI or a search text, not a document.
MAX_PARAM = 2_000


def _iri(value: str, fail: Callable[[str], ParamError]) -> str:
    if not _IRI.fullmatch(value) or _NOT_IRI.search(value):
        raise fail("not a valid IRI; write e.g. https://w3id.org/policygraph/id/region/620923")
    return value


def term(store: GraphStore, query: str, name: str, kind: str, raw: str) -> Node:
    """Turn one value of parameter ``name`` (of ``kind``) of ``query`` into a validated RDF
    term, or refuse it with a :class:`ParamError` that says why and what would do."""
    return as_term(kind, checked(store, query, name, kind, raw))


def as_term(kind: str, value: str) -> Node:
    """A value :func:`checked` gave for a parameter of ``kind``, as an RDF term."""
    from rdflib import Literal, URIRef  # the terms go into a query's text: rdflib spells them

    from policygraph.namespaces import XSD

    if kind == "year":
        return Literal(value, datatype=XSD.gYear)
    if kind == "text":
        return Literal(value)
    return URIRef(value)


def checked(store: GraphStore, query: str, name: str, kind: str, raw: str) -> str:
    """One value of parameter ``name`` (of ``kind``) of ``query``, validated: a year's four
    digits, a text, or else the IRI it names (a code, a slug or a name made one); refused with
    a :class:`ParamError` that says why and what would do. Nothing of rdflib: a report from the
    gap table checks its options with this alone."""
    value = raw.strip()

    def fail(why: str) -> ParamError:
        return ParamError(query, name, raw, why)

    if len(raw) > MAX_PARAM:
        raise fail(f"longer than {MAX_PARAM:,} characters")
    bad = _CONTROL.search(raw)
    if bad:
        raise fail(f"control character U+{ord(bad.group()):04X}; remove it")
    if kind == "year":
        if not re.fullmatch(r"[12][0-9]{3}", value):
            raise fail("not a year; write four digits, e.g. 2018")
        return value
    if kind == "text":
        return value
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    if ":" in value:  # neither a code nor a slug has one
        iri = _iri(value, fail)
    elif kind == "region":
        if not _REGION_CODE.fullmatch(value):
            if not value or value.isdigit():
                raise fail("a region code is six digits (GB/T 2260), e.g. 620923, or CN")
            value = _region_name(store, value, fail)
        iri = iris.region(value)
    elif kind in (*CONCEPT_KINDS, "source"):
        if not _SLUG.fullmatch(value):
            raise fail(_no_such(store, kind))
        iri = iris.source(value) if kind == "source" else iris.concept(kind, value)
    else:
        raise fail("not a valid IRI; write the full IRI, e.g. https://w3id.org/policygraph/…")
    _check_exists(store, kind, iri, fail)
    return iri


def _check_exists(
    store: GraphStore, kind: str, iri: str, fail: Callable[[str], ParamError]
) -> None:
    """Refuse an IRI the graph does not hold as a ``kind``, saying what would do: from the gap
    table where it records the kind (a report then does not open the store at all), else with
    one ASK."""
    table = store.gap_table()
    if table is not None and kind == "region":
        if not table.holds_region(iri):
            raise fail(_no_such(store, kind))
        return
    members = table.members(kind) if table is not None else None
    if members is not None:
        if iri not in {iris.concept(kind, slug) for slug in members}:
            raise fail(_no_such(store, kind))
        return
    # The IRI is checked (no space, no <>"{}|\\^`): written between <>, as rdflib writes it.
    if kind == "region":
        check = f"<{iri}> a <{iris.PG}Region>"
    elif kind in CONCEPT_KINDS:
        check = f"<{iri}> <{iris.SKOS}inScheme> <{iris.scheme(kind)}>"
    elif kind == "source":
        check = f"<{iri}> a <{iris.PG}Source>"
    elif kind == "document":
        check = f"<{iri}> a <{iris.PG}PolicyDocument>"
    else:
        return
    if not store.query(f"ASK {{ {check} }}").askAnswer:
        raise fail(_no_such(store, kind))


#: The most valid values a message lists.
MAX_LISTED = 30


def _no_such(store: GraphStore, kind: str) -> str:
    """``no such tier; use one of assistance, commercial, insurance``: the values of the
    kind's scheme (or the sources) in the graph."""
    if kind == "region":
        return "no such region in the graph; find its code with `policygraph regions NAME`"
    if kind == "document":
        return "no such document in the graph; write its IRI"
    table = store.gap_table()
    members = table.members(kind) if table is not None else None
    if members is not None:
        values = sorted(members)
    else:
        if kind == "source":
            listing = f"SELECT ?v WHERE {{ ?v a <{iris.PG}Source> }}"
        else:
            listing = f"SELECT ?v WHERE {{ ?v <{iris.SKOS}inScheme> <{iris.scheme(kind)}> }}"
        values = sorted({iris.slug(v) for (v,) in store.select(listing)})
    if not values:
        return f"no such {kind}: the graph has none"
    shown = ", ".join(values[:MAX_LISTED]) + (", …" if len(values) > MAX_LISTED else "")
    return f"no such {kind}; use one of {shown}"


#: The names of a store without a gap table (a SPARQL endpoint), read once per store.
_NAMES: weakref.WeakKeyDictionary[GraphStore, RegionNames] = weakref.WeakKeyDictionary()


def region_names(store: GraphStore) -> NameSource:
    """Where the store's region names are looked up: its gap table (an indexed lookup per
    name), else every name read once with one SELECT."""
    table = store.gap_table()
    if table is not None:
        return table
    names = _NAMES.get(store)
    if names is None:
        names = _NAMES[store] = regionnames.from_rows(
            store.select(regionnames.NAMES_QUERY), store.select(regionnames.REGIONS_QUERY)
        )
    return names


def find_regions(store: GraphStore, text: str, *, limit: int = 20) -> list[RegionInfo]:
    """The regions whose names (Chinese, short, English, pinyin, aliases; or the code) match
    ``text``, best first: exact, prefix, substring, then close (see ``RegionNames.search``)."""
    return region_names(store).region_names().search(text, limit)


def _region_name(store: GraphStore, name: str, fail: Callable[[str], ParamError]) -> str:
    try:
        return resolve_name(region_names(store), name).code
    except ValueError as exc:  # UnknownName, AmbiguousName: the message lists the regions
        raise fail(str(exc)) from None


def region_code(store: GraphStore, value: str, *, option: str) -> str:
    """The code of the region ``value`` names (a code, or a name as ``--param`` takes it), for
    options that are not query parameters (``viz --focus``); refused as ``option``."""
    try:
        found = checked(store, option, option.lstrip("-"), "region", value)
    except ParamError as exc:
        raise exc.for_option(option) from None
    return iris.slug(found)
