"""Facts left to be completed: every `à compléter` marker of an organism's data and of its documents, listed."""

from __future__ import annotations

import re
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


INSURER_WORDING = re.compile(
    r"droits? à (?:garanties|prestations)|contrat d'assurance|médecin[- ]conseil|cotisations? d'assurance",
    re.IGNORECASE,
)
"""Words only an insurer's documents use: its guarantees, its insurance contract, its medical adviser."""


@rule(
    "role-insurer",
    "error",
    "Code de la mutualité, art. L. 111-1 ; Code des assurances, art. L. 310-1 (seul un assureur garantit)",
    "Insurer wording (guarantees, insurance contract, médecin conseil) only in the documents of an organism that "
    "insures (identity.insurer: true).",
)
def insurer_wording(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    if organism.data.get("identity", {}).get("insurer"):
        return
    for document in documents:
        for article in document.articles:
            if found := INSURER_WORDING.search(re.sub(r"\s+", " ", re.sub(r"\\(.)", r"\1", article.markdown))):
                yield Finding(
                    "identity.insurer",
                    article.source,
                    f"clause {article.id!r} of the {document.kind} speaks as an insurer (« {found.group(0)} ») but "
                    f"{organism.name} does not insure: keep that wording for insurers "
                    "({% if identity.insurer %}), or set identity.insurer: true if it does",
                    (f"{document.kind}.{article.id}",),
                )
