"""Repetition: an article an organism's documents state twice (the CGU repeating the privacy policy's cookie notice).

Two copies of one text drift apart at the first change made to only one of them, and a member then reads two
versions of the same rule; the CGU points to the privacy policy's article instead (`ref_doc`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from cgu.model import Article, Document, Organism
from cgu.rules.registry import Finding, rule

RUN = 8
"""Words in a row that make a shared passage: fewer would count common legal phrases ("conformément à la
réglementation applicable en matière de"), more would miss a copy with a word changed every few words."""
SHARE = 0.75
"""Share of the shorter article's runs found in the other one that makes it a repetition. Measured on the shipped
content: identical articles share 97-100 % (a value or two differs), `mineurs` of the CGU and of the privacy policy
77 %, each document's own `modification` article 62 % (same plan, a different text for each document), and the
closest two articles of one document (`finalites` and `conservation`, the same purposes listed) at most 32 %."""
SHORTEST = 40
"""An article with fewer runs (a few lines, such as a reference to another article) is never a repetition."""


@functools.lru_cache(maxsize=4096)
def word_runs(markdown: str) -> frozenset[tuple[str, ...]]:
    """Every run of `RUN` words of an article's text, lower case, Markdown escapes and punctuation left out."""
    words = re.findall(r"\w+", re.sub(r"\\(.)", r"\1", markdown).lower())
    return frozenset(tuple(words[start : start + RUN]) for start in range(len(words) - RUN + 1))


def shared_share(first: Article, second: Article) -> float:
    """The share of the shorter article's runs of words that the other article holds too (0 for a short article)."""
    ones, others = word_runs(first.markdown), word_runs(second.markdown)
    shorter = min(len(ones), len(others))
    return len(ones & others) / shorter if shorter >= SHORTEST else 0.0


def _pointer(document: Document, other: Document, article: Article) -> str:
    if other is document:
        return f"keep one and point to it from the other with ref({article.id!r})"
    return f"state it once, in the {other.kind}, and point to it from the {document.kind} with " + (
        f"ref_doc({other.kind!r}, {article.id!r})"
    )


@rule(
    "repeated-article",
    "error",
    "RGPD art. 12.1 (information concise et aisément accessible) ; un texte, une version",
    f"No article repeats another article of the organism's documents ({int(SHARE * 100)} % or more of the shorter "
    f"one's runs of {RUN} words): it is written once and the other document points to it (`ref_doc`).",
)
def repeated_article(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    articles = [(document, article) for document in documents for article in document.articles]
    for index, (document, article) in enumerate(articles):
        for other, repeated in articles[index + 1 :]:
            share = shared_share(article, repeated)
            if share < SHARE:
                continue
            where = "the same document" if other is document else f"the {other.kind} document"
            yield Finding(
                f"{document.kind}.{article.id}",
                article.source,
                f"article {article.number} « {article.title} » of the {document.kind} document repeats article "
                f"{repeated.number} « {repeated.title} » of {where} ({round(share * 100)} % of its text): "
                + _pointer(document, other, repeated),
                (f"{other.kind}.{repeated.id}",),
            )
