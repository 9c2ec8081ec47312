"""Facts left to be completed: every `à compléter` marker of an organism's data and of its documents, listed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cgu.compose.markers import markers_in_data
from cgu.model import Document, Organism
from cgu.rules.registry import Finding, rule

RELEASE_RULE = "release-fact-to-complete"
"""The error a release still holding a marker gets (raised where releases are read: cgu/release/book.py)."""


def _asks(question: str) -> str:
    return f"« {question} »" if question else "(no question: write the one to ask after 'à compléter :')"


@rule(
    "fact-to-complete",
    "warning",
    "cgu (un fait inconnu se signale, il ne s'invente pas)",
    "Every fact left to be completed ('à compléter : question'), with its question; a release holding one is refused "
    f"(`{RELEASE_RULE}`).",
)
def to_complete(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for key, question in markers_in_data(dict(organism.data)):
        yield Finding(
            key, organism.where(key), f"fact to complete, {key}: {_asks(question)}; write the fact in its place"
        )
    seen = set()
    for document in documents:
        for article in document.articles:
            for where, question in article.to_complete:
                if (where, question) not in seen:  # a clause in both documents is listed once
                    seen.add((where, question))
                    yield Finding(
                        f"{document.kind}.{article.id}",
                        where,
                        f"fact to complete in clause {article.id!r}: {_asks(question)}; write the fact in its place",
                    )
