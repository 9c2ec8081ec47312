"""Identifiers and contacts.

Every SIREN, SIRET, BCE, phone, e-mail, postal code and URL of an organism's data, checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from cgu.compose.markers import question_of
from cgu.model import Document, Organism
from cgu.rules.registry import Finding, rule
from cgu.rules.values import identifiers

INSEE = "INSEE, répertoire SIRENE (clé de Luhn)"
BCE = "Banque-Carrefour des Entreprises, arrêté royal du 22 juin 2009 (modulo 97)"
NUMBERING = "Plans de numérotation : ARCEP (décision n° 2018-0881) ; IBPT"
COUNTRY_NAMES = {"france": "FR", "belgique": "BE", "belgium": "BE", "fr": "FR", "be": "BE"}


def walk(data: Any, prefix: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(dotted key, value, parent mapping) for every leaf of an organism's data."""
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, (dict, list)):
                yield from walk(value, path)
            else:
                yield path, value, data
    elif isinstance(data, list):
        for index, value in enumerate(data):
            path = f"{prefix}.{index}"
            if isinstance(value, (dict, list)):
                yield from walk(value, path)
            else:
                yield path, value, {}


def _leaves(organism: Organism) -> Iterator[tuple[str, str, Any]]:
    """Every string leaf outside `waivers` (whose justifications are prose), with its key's last part; a fact left to
    be completed is not checked here (rule `fact-to-complete` lists it)."""
    data = {k: v for k, v in organism.data.items() if k != "waivers"}
    for path, value, parent in walk(dict(data)):
        if isinstance(value, str) and value.strip() and question_of(value) is None:
            yield path, value, parent


def _key(path: str) -> str:
    return path.rsplit(".", 1)[-1].lower()


@rule(
    "id-siren",
    "error",
    INSEE,
    "SIREN (9 digits, Luhn), SIRET (14 digits, Luhn; La Poste's rule) and the SIREN in an RCS entry.",
)
def siren(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for path, value, _ in _leaves(organism):
        key = _key(path)
        problem = None
        if key == "siren":
            problem = identifiers.siren_problem(value)
        elif key == "siret":
            problem = identifiers.siret_problem(value)
        elif key == "rcs" and (number := re.search(r"\d{3}[\s.]?\d{3}[\s.]?\d{3}", value)):
            problem = identifiers.siren_problem(number.group())
        if problem:
            yield Finding(path, organism.where(path), problem)


@rule("id-bce", "error", BCE, "Belgian enterprise number (BCE/KBO): 10 digits starting with 0 or 1, modulo 97.")
def bce(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for path, value, _ in _leaves(organism):
        if _key(path) in ("bce", "kbo", "enterprise_number") and (problem := identifiers.bce_problem(value)):
            yield Finding(path, organism.where(path), problem)


@rule("contact-phone", "error", NUMBERING, "French and Belgian phone numbers (national, +33/+32 or short form).")
def phone(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for path, value, _ in _leaves(organism):
        if _key(path).endswith(("phone", "fax", "telephone", "téléphone")):
            if problem := identifiers.phone_problem(value, organism.country):
                yield Finding(path, organism.where(path), problem)


@rule("contact-email", "error", "RFC 5322 (forme usuelle)", "E-mail addresses.")
def email(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for path, value, _ in _leaves(organism):
        if _key(path).endswith(("email", "mail")) and (problem := identifiers.email_problem(value)):
            yield Finding(path, organism.where(path), problem)


@rule(
    "contact-postal-code",
    "error",
    "La Poste (codes postaux) ; bpost",
    "Postal codes: 5 digits in France, 4 in Belgium.",
)
def postal_code(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for path, value, parent in _leaves(organism):
        if _key(path) not in ("postal_code", "zip"):
            continue
        country = COUNTRY_NAMES.get(str(parent.get("country", "")).strip().lower())
        if country is None:  # an address without its country: the organism's own, or whichever the form says
            country = organism.country if path.startswith("identity.") else ("BE" if len(value.strip()) == 4 else "FR")
        if problem := identifiers.postal_code_problem(value, country):
            yield Finding(path, organism.where(path), problem)


def _urls(organism: Organism) -> Iterator[tuple[str, str]]:
    for path, value, _ in _leaves(organism):
        key = _key(path)
        if (
            key in ("website", "url", "web_form", "privacy_url")
            or key.endswith("_url")
            or re.match(r"https?://", value.strip())
        ):
            yield path, value


@rule("contact-url", "error", "RFC 3986", "Web addresses are complete (https://host.tld/...).")
def url(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for path, value in _urls(organism):
        if (found := identifiers.url_problem(value)) and found[0] == "error":
            yield Finding(path, organism.where(path), found[1])


@rule(
    "contact-url-https",
    "warning",
    "ANSSI, recommandations pour la sécurisation des sites web (HTTPS)",
    "Web addresses use https, not http.",
)
def url_https(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for path, value in _urls(organism):
        if (found := identifiers.url_problem(value)) and found[0] == "warning":
            yield Finding(path, organism.where(path), found[1])
