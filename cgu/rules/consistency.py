"""Consistency between an organism's data and its documents.

One DPO address, its own country's law, no forgotten facts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from cgu.model import Document, Organism, SourceLocation
from cgu.rules.identity import walk
from cgu.rules.registry import Finding, document_text, rule

FOREIGN: dict[str, tuple[tuple[str, str], ...]] = {
    "BE": (
        ("Code de la santé publique", r"Code de la santé publique"),
        ("CNIL", r"\bCNIL\b"),
        ("loi n° 78-17 (Informatique et Libertés)", r"loi n° ?78-17|Informatique et Libertés"),
        ("Code de la mutualité", r"Code de la mutualité"),
        ("Code de la consommation", r"Code de la consommation"),
        ("hébergeur HDS", r"\bHDS\b"),
    ),
    "FR": (
        ("Autorité de protection des données (APD)", r"Autorité de protection des données|\bAPD\b|\bGBA\b"),
        ("loi belge du 30 juillet 2018", r"loi du 30 juillet 2018"),
        ("Code de droit économique", r"Code de droit économique"),
        ("loi belge du 6 août 1990 sur les mutualités", r"loi du 6 août 1990"),
    ),
}
"""What a document of a FR (or BE) organism should not cite: the other country's authority and laws."""
LAW_WORDS = {"FR": ("français", "france"), "BE": ("belge", "belgique")}


def _location(organism: Organism, document: Document) -> SourceLocation:
    spec = organism.documents.get(document.kind)
    return spec.location if spec else organism.location


EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
DPO_WORDS = re.compile(r"délégué|\bDPO\b|\bDPD\b|data protection officer", re.IGNORECASE)
"""Words that make a sentence about the DPO: an e-mail in such a sentence is the DPO's, unless the organism
declares it."""


def _declared_emails(organism: Organism) -> set[str]:
    return {
        str(value).lower()
        for path, value, _ in walk(dict(organism.data))
        if isinstance(value, str) and re.fullmatch(EMAIL, value.strip())
    }


@rule(
    "consistency-dpo-email",
    "error",
    "RGPD art. 13.1.b",
    "The DPO e-mail is the same everywhere the documents state one.",
)
def dpo_email(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    expected = (organism.data.get("dpo") or {}).get("email")
    if not expected:
        return
    declared = _declared_emails(organism) | {expected.lower()}
    keys = _email_keys(organism)
    by_key: dict[tuple[str, str], list[str]] = {}
    for document in documents:
        for article in document.articles:
            text = re.sub(r"\s+", " ", re.sub(r"\\(.)", r"\1", article.markdown))
            stated: set[str] = set()
            for sentence in re.split(r"(?<=[.!?;])\s+|\s#+\s", text):
                for found in re.findall(EMAIL, sentence):
                    found = found.rstrip(".")
                    named_dpo = re.search(r"(?:^|[.+-])(?:dpo|dpd)", found.split("@")[0], re.IGNORECASE)
                    if found.lower() != expected.lower() and (
                        named_dpo or DPO_WORDS.search(sentence) and found.lower() not in declared
                    ):
                        stated.add(found)
            for found in sorted(stated):
                if found.lower() in keys:  # the organism states it: the fix is in the organism file, not the clause
                    by_key.setdefault(keys[found.lower()], []).append(f"'{article.id}' ({document.kind})")
                    continue
                yield Finding(
                    "dpo.email",
                    article.source,
                    f"article {article.id!r} of the {document.kind} states the DPO e-mail {found}; "
                    f"the organism says {expected}",
                )
    for (key, value), articles in by_key.items():
        yield Finding(
            "dpo.email",
            organism.where(key),
            f"'{key}' is {value}, which {_articles(articles)} as the DPO's e-mail; 'dpo.email' "
            f"({organism.where('dpo.email')}) says {expected}: write the same address in both",
        )


def _email_keys(organism: Organism) -> dict[str, tuple[str, str]]:
    """Each e-mail address the organism declares besides the DPO's, with the first key that holds it, as written."""
    keys: dict[str, tuple[str, str]] = {}
    for path, value, _ in walk(dict(organism.data)):
        if isinstance(value, str) and re.fullmatch(EMAIL, value.strip()) and path != "dpo.email":
            keys.setdefault(value.strip().lower(), (path, value.strip()))
    return keys


def _articles(articles: list[str]) -> str:
    if len(articles) == 1:
        return f"article {articles[0]} gives"
    return f"articles {', '.join(articles[:-1])} and {articles[-1]} give"


@rule(
    "consistency-jurisdiction",
    "error",
    "RGPD art. 51 et 77 ; droit national applicable (FR : loi n° 78-17 ; BE : loi du 30 juillet 2018)",
    "A document cites its own country's authority and law, not the other country's; "
    "jurisdiction.law matches the country.",
)
def jurisdiction(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    law = str((organism.data.get("jurisdiction") or {}).get("law") or "").lower()
    other = "BE" if organism.country == "FR" else "FR"
    if law and any(w in law for w in LAW_WORDS[other]) and not any(w in law for w in LAW_WORDS[organism.country]):
        yield Finding(
            "jurisdiction.law",
            organism.where("jurisdiction.law"),
            f"a {organism.country} organism declares the law {law!r}",
        )
    for document in documents:
        for article in document.articles:
            text = re.sub(r"\s+", " ", re.sub(r"\\(.)", r"\1", article.markdown))
            for name, pattern in FOREIGN.get(organism.country, ()):
                if re.search(pattern, text):
                    yield Finding(
                        name,
                        article.source,
                        f"article {article.id!r} of the {document.kind} of a {organism.country} organism "
                        f"cites {name!r}",
                        aliases=(f"{document.kind}.{article.id}",),
                    )


@rule(
    "unused-extra",
    "warning",
    "Bonne pratique de rédaction",
    "Every organism-specific fact under 'extra' appears in some document.",
)
def unused_extra(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    if not documents:
        return
    text = " ".join(document_text(d) for d in documents)
    for path, value, _ in walk(dict(organism.data.get("extra") or {}), "extra"):
        if isinstance(value, str) and value.strip() and re.sub(r"\s+", " ", value.strip()) not in text:
            yield Finding(path, organism.where(path), f"'{path}' is defined but no document states it")
