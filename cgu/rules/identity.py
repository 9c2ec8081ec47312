"""Identifiers, contacts and consistency: what a reviewer checks by hand, checked on every value."""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator, Sequence

from cgu import identifiers
from cgu.model import Document, Organism
from cgu.rules import Finding, document_text, rule

SOURCES = "INSEE (SIREN/SIRET, Luhn) ; BCE/KBO (modulo 97) ; plans de numérotation ARCEP et IBPT"


def _walk(data: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _walk(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _walk(value, f"{prefix}.{index}")
    else:
        yield prefix, data


def _values(organism: Organism, key: str) -> Iterator[tuple[str, str]]:
    for path, value in _walk({k: v for k, v in organism.data.items() if k not in ("extra", "waivers")}):
        if path.rsplit(".", 1)[-1] == key and isinstance(value, str):
            yield path, value


@rule("id-siren", "error", SOURCES, "SIREN (9 digits, Luhn) and SIRET (14 digits).")
def siren(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for path, value in _values(organism, "siren"):
        if problem := identifiers.siren_problem(value):
            yield Finding(path, organism.where(path), problem)
    for path, value in _values(organism, "siret"):
        if problem := identifiers.siret_problem(value):
            yield Finding(path, organism.where(path), problem)


@rule("id-bce", "error", SOURCES, "Belgian enterprise number (BCE/KBO, modulo 97).")
def bce(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for path, value in _values(organism, "bce"):
        if problem := identifiers.bce_problem(value):
            yield Finding(path, organism.where(path), problem)


@rule("contact-phone", "error", SOURCES, "French and Belgian phone numbers.")
def phone(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for key in ("phone", "fax"):
        for path, value in _values(organism, key):
            if path.startswith("authority."):
                continue
            if problem := identifiers.phone_problem(value, organism.country):
                yield Finding(path, organism.where(path), problem)


@rule("contact-email", "error", "RFC 5322 (forme usuelle)", "E-mail addresses.")
def email(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for path, value in _values(organism, "email"):
        if problem := identifiers.email_problem(value):
            yield Finding(path, organism.where(path), problem)


@rule("contact-postal-code", "error", "La Poste ; bpost", "Postal codes: 5 digits in France, 4 in Belgium.")
def postal_code(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for path, value in _values(organism, "postal_code"):
        country = organism.country if not path.startswith(("host.", "authority.")) else ("BE" if len(value.strip()) == 4 else "FR")
        if problem := identifiers.postal_code_problem(value, country):
            yield Finding(path, organism.where(path), problem)


@rule("contact-url", "warning", "Bonnes pratiques ANSSI (HTTPS)", "Web addresses are valid and use https.")
def url(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for key in ("website", "url", "web_form"):
        for path, value in _values(organism, key):
            if found := identifiers.url_problem(value):
                yield Finding(path, organism.where(path), found[1])


@rule("consistency-dpo-email", "error", "RGPD art. 13.1.b", "The DPO e-mail is the same everywhere it is stated.")
def dpo_email(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    expected = (organism.data.get("dpo") or {}).get("email")
    if not expected:
        return
    for document in documents:
        for found in set(re.findall(r"[\w.+-]*dpo[\w.+-]*@[\w.-]+\.\w+", document_text(document), re.I)):
            if found.lower() != expected.lower():
                yield Finding("dpo.email", organism.documents[document.kind].location,
                              f"the {document.kind} states the DPO e-mail {found}, the organism says {expected}")


FOREIGN = {"BE": ("Code de la santé publique", "CNIL", "loi n° 78-17", "Code de la mutualité"),
           "FR": ("Autorité de protection des données", "loi du 30 juillet 2018", "Code de droit économique")}


@rule("consistency-jurisdiction", "error", "Droit applicable (FR/BE)", "A document cites the law of its organism's country, not the other's.")
def jurisdiction(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for document in documents:
        text = document_text(document)
        for reference in FOREIGN.get(organism.country, ()):
            if reference in text:
                yield Finding(reference, organism.documents[document.kind].location,
                              f"the {document.kind} of a {organism.country} organism cites {reference!r}")


@rule("unused-extra", "warning", "Bonne pratique de rédaction", "Every organism-specific fact under 'extra' appears in some document.")
def unused_extra(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    if not documents:
        return
    text = " ".join(document_text(d) for d in documents)
    for path, value in _walk(organism.data.get("extra") or {}, "extra"):
        if isinstance(value, str) and re.sub(r"\s+", " ", value) not in text:
            yield Finding(path, organism.where(path), f"'{path}' is defined but no document states it")
