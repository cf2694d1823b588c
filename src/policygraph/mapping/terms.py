"""What the mapping reads its terms from: the slugs of the ontology's concept schemes
(:class:`Vocabulary`), and the language-tagged literal of every label it writes (:func:`lit`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal

from policygraph import namespaces as ns
from policygraph.namespaces import SKOS

__all__ = ["Vocabulary", "lit"]


@dataclass
class Vocabulary:
    """The slugs of every concept scheme, read from the ontology graph."""

    schemes: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def from_graph(cls, graph: Graph) -> Vocabulary:
        vocab = cls()
        prefix = ns.BASE + "id/"
        for concept, scheme in graph.subject_objects(SKOS.inScheme):
            name = str(scheme).removeprefix(prefix)
            if str(scheme).startswith(prefix) and str(concept).startswith(f"{scheme}/"):
                vocab.schemes.setdefault(name, set()).add(str(concept)[len(str(scheme)) + 1 :])
        return vocab

    def known(self, scheme: str) -> set[str]:
        return self.schemes.get(scheme, set())


def lit(text: str, lang: str = "en") -> Literal:
    """A label: the text as a literal in ``lang``."""
    return Literal(text, lang=lang)
