"""Date-aware legal references: a document may not cite a text before it was adopted, nor one already replaced,
whether through `law('id')` or in plain words ("2016/679", "loi du 30 juillet 2018")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from cgu.model import Document, Organism
from cgu.rules.registry import Finding, rule
from cgu.rules.values.legal_texts import BY_ID, LegalText, citations

SOURCE = "Dates d'adoption et d'application publiées au JOUE, au Journal officiel et au Moniteur belge"


Problem = Callable[[dt.date, LegalText, str], str | None]
"""What is wrong with citing a text in a document of that version date and language, or None."""


def _title(legal: LegalText, language: str) -> str:
    """The text's title as a clause in `language` cites it (the French one when none is registered in `language`)."""
    return legal.title_in(language) or legal.title


def _citing(documents: Sequence[Document], problem: Problem) -> Iterable[Finding]:
    """A finding for each citation whose text `problem` finds out of its time at the document's version date, the
    texts named in the document's language."""
    for document in documents:
        for article in document.articles:
            places = dict(article.cited_at)
            for legal, words in citations(article):
                if (wrong := problem(document.version, legal, document.language)) is not None:
                    yield Finding(
                        legal.id,
                        places.get(legal.id, article.source),
                        f"the {document.kind} dated {document.version.isoformat()} cites, in clause {article.id!r}, "
                        f"« {words} » ({_title(legal, document.language)}): {wrong}",
                        (f"{document.kind}.{article.id}",),
                    )


def _not_adopted(version: dt.date, legal: LegalText, language: str) -> str | None:
    if version >= legal.adopted:
        return None
    return (
        f"adopted only on {legal.adopted.isoformat()}; cite the law in force at the version date, "
        "or date the document when the text was written"
    )


def _not_applicable(version: dt.date, legal: LegalText, language: str) -> str | None:
    if not legal.adopted <= version < legal.applicable:
        return None
    return f"applicable only from {legal.applicable.isoformat()}; say from when it applies, or cite the text in force"


def _superseded(version: dt.date, legal: LegalText, language: str) -> str | None:
    if legal.superseded_on is None or version < legal.superseded_on:
        return None
    replacement = _title(BY_ID[legal.superseded_by], language) if legal.superseded_by else "another text"
    return f"replaced on {legal.superseded_on.isoformat()} by the {replacement}; cite that instead"


@rule(
    "legal-text-date",
    "error",
    SOURCE,
    "A document does not cite a text adopted after its version date (an anachronism), by `law()` or in plain words.",
)
def cited_before_it_existed(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    return _citing(documents, _not_adopted)


@rule(
    "legal-text-applicable",
    "warning",
    SOURCE,
    "A document citing a text adopted but not yet applicable at its version date says so.",
)
def cited_before_applicable(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    return _citing(documents, _not_applicable)


@rule(
    "legal-text-superseded",
    "error",
    SOURCE,
    "A document does not cite a text already replaced at its version date (it cites the one that replaced it).",
)
def cited_after_superseded(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    return _citing(documents, _superseded)
