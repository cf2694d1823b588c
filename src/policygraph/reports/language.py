"""The language of a report, view or page (``--lang en|zh``).

Two kinds of words, from two places:

- the names of things (regions, tiers, gap statuses) come from the data: ``skos:prefLabel`` in
  English or Chinese (``zh-Hans``), read from the store by the caller and handed in as
  :attr:`Language.names` (region code → Chinese name) and :attr:`Language.terms` (a concept's
  slug → its label);
- the words of the interface (headings, column headers, sentences) come from a GNU gettext
  message catalogue shipped in the package, ``locale/zh/LC_MESSAGES/policygraph.po``, compiled
  to ``policygraph.mo`` (``pybabel compile -d src/policygraph/locale -D policygraph``; a test
  checks the two agree). gettext because it is the standard: Python reads the ``.mo`` with the
  standard library, Jinja2's i18n extension takes the same translations, and translators'
  tools (Poedit, Weblate, Babel) read and write the ``.po``. The message ids are the English
  text, so English needs no catalogue and reads exactly as before.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from policygraph import iris
from policygraph.store.base import GraphStore

__all__ = [
    "LABEL_TAGS",
    "LANGUAGES",
    "N_",
    "Language",
    "english",
    "language",
    "plural_marker",
    "scheme_labels",
    "translations",
]

LANGUAGES = ("en", "zh")
#: The language tag of the labels each language reads from the data.
LABEL_TAGS = {"en": "en", "zh": "zh-Hans"}
_LOCALE = Path(__file__).resolve().parent.parent / "locale"


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined and translated later (a constant,
    a word chosen at run time): ``pybabel extract -k N_`` finds it."""
    return message


#: The punctuation around and between words: Chinese text takes the full-width marks, the
#: enumeration comma between the items of a list, and no space after them.
PUNCTUATION = {
    "en": {"comma": ", ", "clause": ", ", "colon": ": ", "semicolon": "; ", "stop": "."},
    "zh": {"comma": "、", "clause": "，", "colon": "：", "semicolon": "；", "stop": "。"},
}

#: Words the reports choose at run time (a verdict, a filter's name), marked for the catalogue.
RUNTIME_WORDS = (
    N_("agrees"),
    N_("disagrees"),
    N_("not-checkable"),
    N_("level"),
    N_("tier"),
    N_("domain"),
    N_("within"),
    N_("autonomous"),
    N_("status"),
    N_("listed"),
    N_("sort"),
    N_("surveyed regions"),
    N_("as_of"),
)


def plural_marker(singular: str, plural: str) -> tuple[str, str]:
    """Marks a counted phrase for the catalogue (imported as ``n``: ``pybabel -k n:1,2``)."""
    return singular, plural


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The interface words of ``lang``; English is the message ids themselves."""
    if lang == "en":
        return gettext.NullTranslations()
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    with (_LOCALE / lang / "LC_MESSAGES" / "policygraph.mo").open("rb") as mo:
        return gettext.GNUTranslations(mo)


@dataclass(frozen=True)
class Language:
    """How one report speaks: its interface words, and the data's names in its language."""

    code: str = "en"
    #: A concept's slug (``own``, ``commercial``) → its label in this language, from the data.
    terms: Mapping[str, str] = field(default_factory=dict)
    #: Region code → its Chinese name, for regions a report names only by code and English name
    #: (a parent, the holder of a fall-back document).
    names: Mapping[str, str] = field(default_factory=dict)
    #: A division type's slug (``autonomous-county``) → its label, for the reports that show
    #: division types (``regions``, ``stats``): a scheme of its own, whose slugs meet the
    #: levels' (``county`` is a level, 县级, and a division type, 县).
    divisions: Mapping[str, str] = field(default_factory=dict)
    #: A document specificity's slug (``dedicated``, ``general``) → its label: a scheme of its
    #: own, whose ``general`` meets the risk domain's.
    specificities: Mapping[str, str] = field(default_factory=dict)

    @property
    def zh(self) -> bool:
        return self.code == "zh"

    @property
    def comma(self) -> str:
        """Between the items of a list: ", " or 、."""
        return PUNCTUATION[self.code]["comma"]

    @property
    def clause(self) -> str:
        """Between the parts of a sentence or a parenthesis: ", " or ，."""
        return PUNCTUATION[self.code]["clause"]

    def parenthesis(self, text: str) -> str:
        """``text`` in brackets: " (text)" or （text）, which takes no space before it."""
        return f"（{text}）" if self.zh else f" ({text})"

    @property
    def colon(self) -> str:
        """Before what a label or a heading introduces: ": " or ：."""
        return PUNCTUATION[self.code]["colon"]

    @property
    def semicolon(self) -> str:
        """Between the items of a list that hold commas (documents, their holders): "; " or ；."""
        return PUNCTUATION[self.code]["semicolon"]

    @property
    def stop(self) -> str:
        """At the end of a sentence: "." or 。."""
        return PUNCTUATION[self.code]["stop"]

    def join(self, items: Iterable[str], english: str = ", ") -> str:
        """A list as this language writes it: ``english`` between the items ("county,
        prefecture" in a report's filters, as the option takes them), 、 in Chinese."""
        return (self.comma if self.zh else english).join(items)

    def _(self, message: str) -> str:
        """``message`` (English) in this language."""
        return translations(self.code).gettext(message)

    def n(self, singular: str, plural: str, number: int) -> str:
        """A counted phrase: ``singular``/``plural`` hold ``{n}``, given with thousands commas."""
        return translations(self.code).ngettext(singular, plural, number).format(n=f"{number:,}")

    def term(self, slug: str) -> str:
        """A tier or status as this language shows it: the slug in English (what the options
        and the JSON say), the data's label in Chinese (falling back on the slug)."""
        return self.terms.get(slug, slug) if self.zh else slug

    def division(self, slug: str) -> str:
        """A division type as this language shows it, as :meth:`term` a tier."""
        return self.divisions.get(slug, slug) if self.zh else slug

    def specificity(self, slug: str) -> str:
        """A document's specificity as this language shows it, as :meth:`term` a tier."""
        return self.specificities.get(slug, slug) if self.zh else slug

    def name(self, english: str, chinese: str = "", sep: str = "  ") -> str:
        """A region's names, the report language's first: "Subei … 肃北…" or "肃北… Subei …"."""
        pair = (chinese, english) if self.zh else (english, chinese)
        return sep.join(n for n in pair if n)

    def region(self, code: str, english: str) -> str:
        """A region named by code and English name within a sentence, with its Chinese name
        where the data has it (first in Chinese)."""
        return self.name(english, self.names.get(code, ""), sep=" ")


def english() -> Language:
    return Language()


def language(store: GraphStore, code: str = "en", *, divisions: bool = False) -> Language:
    """``code`` with the data's names in it: tier, status, level and domain labels and the
    Chinese names of the regions above the counties (English needs none: it shows the slugs and
    the English names); with ``divisions``, the labels of the division types too."""
    if code == "en":
        return Language()
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}; use one of {', '.join(LANGUAGES)}")
    from policygraph.gaps.fromqueries import concept_labels, region_labels

    tag = LABEL_TAGS[code]
    # The regions a report names by code and English name alone are parents and the holders
    # of fall-back documents: all above the counties.
    above = ("national", "provincial", "prefectural")
    types = scheme_labels(store, "division-type", tag) if divisions else {}
    return Language(
        code,
        concept_labels(store, tag),
        region_labels(store, tag, above),
        divisions=types,
        specificities=scheme_labels(store, "specificity", tag),
    )


_SCHEME_LABELS = """
SELECT ?concept ?label WHERE {{
  ?concept <{in_scheme}> <{scheme}> ; <{pref}> ?label .
  FILTER(LANGMATCHES(LANG(?label), "{tag}"))
}}
"""


def scheme_labels(store: GraphStore, name: str, tag: str) -> dict[str, str]:
    """The slug of each concept of the scheme ``id/{name}`` → its ``skos:prefLabel`` in the
    language ``tag``."""
    query = _SCHEME_LABELS.format(
        in_scheme=f"{iris.SKOS}inScheme",
        scheme=iris.scheme(name),
        pref=f"{iris.SKOS}prefLabel",
        tag=tag,
    )
    labels: dict[str, str] = {}
    for concept, label in sorted(store.select(query)):
        labels.setdefault(iris.slug(concept), str(label))
    return labels
