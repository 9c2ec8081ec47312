"""The organism file schema: what each key holds, so that a typo or a wrong type is caught with its line."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from typing import Any

from cgu.model import COUNTRIES, DOCUMENT_KINDS, Problem, SourceLocation

ID_PATTERN = re.compile(r"\A[a-z0-9][a-z0-9-]{0,79}\Z")  # \Z: "$" would accept a trailing line break
"""Organism and clause ids: lower-case words and hyphens, so an id can never name a path."""

Spec = Any
"""A schema node: a type name (str), a dict of keys, a one-item list (list of such), or FREE."""

TEXT, FLAG, NUMBER, DATE, FREE = "text", "yes/no", "whole number", "date", "anything"

ADDRESS: Spec = {"street": TEXT, "complement": TEXT, "postal_code": TEXT, "city": TEXT, "country": TEXT, "po_box": TEXT}
CONTACT: Spec = {
    "name": TEXT,
    "article": TEXT,
    "gender": TEXT,
    "legal_form": TEXT,
    "address": ADDRESS,
    "phone": TEXT,
    "email": TEXT,
    "website": TEXT,
    "web_form": TEXT,
    "certification": TEXT,
    "siren": TEXT,
    "rcs": TEXT,
    "capital": TEXT,
    "bce": TEXT,
}
RELEASE: Spec = {"version": DATE, "effective": DATE, "material": FLAG, "summary": TEXT, "sha256": TEXT}
DOCUMENT: Spec = {"title": TEXT, "version": DATE, "effective": DATE, "clauses": [TEXT], "releases": [RELEASE]}

ORGANISM: Spec = {
    "id": TEXT,
    "extends": TEXT,
    "abstract": FLAG,
    "country": TEXT,
    "language": TEXT,
    "identity": {
        "name": TEXT,
        "article": TEXT,
        "gender": TEXT,
        "insurer": FLAG,
        "short_name": TEXT,
        "legal_form": TEXT,
        "siren": TEXT,
        "siret": TEXT,
        "rcs": TEXT,
        "rnm": TEXT,
        "bce": TEXT,
        "vat": TEXT,
        "capital": TEXT,
        "regulator": TEXT,
        "group": TEXT,
        "address": ADDRESS,
        "phone": TEXT,
        "fax": TEXT,
        "email": TEXT,
        "website": TEXT,
        "publication_director": TEXT,
        "editor": TEXT,
        "registration": TEXT,
    },
    "host": CONTACT,
    "health_data_host": CONTACT,
    "dpo": CONTACT,
    "rights": {
        "email": TEXT,
        "address": ADDRESS,
        "web_form": TEXT,
        "phone": TEXT,
        "response_delay": TEXT,
        "proof_of_identity": FLAG,
    },
    "authority": CONTACT,
    "jurisdiction": {"law": TEXT, "courts": TEXT, "mediation": TEXT},
    "notice_days": NUMBER,
    "services": [{"name": TEXT, "description": TEXT, "url": TEXT, "audience": TEXT}],
    "sites": [{"name": TEXT, "url": TEXT, "audience": TEXT, "description": TEXT}],
    "cookies": [
        {
            "name": TEXT,
            "provider": TEXT,
            "purpose": TEXT,
            "category": TEXT,
            "duration": TEXT,
            "consent": FLAG,
            "domain": TEXT,
        }
    ],
    "cookie_settings": {"consent_retention": TEXT, "manager": TEXT, "audience_max": TEXT},
    "processing": [
        {
            "purpose": TEXT,
            "legal_basis": TEXT,
            "legitimate_interest": TEXT,
            "data": [TEXT],
            "recipients": [TEXT],
            "retention": TEXT,
            "mandatory": TEXT,
            "source": TEXT,
        }
    ],
    "recipients": [TEXT],
    "transfers": [{"country": TEXT, "recipient": TEXT, "safeguard": TEXT}],
    "retention": [{"data": TEXT, "duration": TEXT, "start": TEXT}],
    "health_data": {"processed": FLAG, "legal_ground": TEXT},
    "automated_decisions": TEXT,
    "theme": {"name": TEXT, "color": TEXT, "logo": TEXT},
    "waivers": [{"rule": TEXT, "target": TEXT, "justification": TEXT}],
    "extra": FREE,
    "documents": {kind: DOCUMENT for kind in DOCUMENT_KINDS},
}

REQUIRED: tuple[str, ...] = ("country", "identity", "identity.name", "documents")
"""Keys every built (non-abstract) organism must have once `extends` is resolved."""
REQUIRED_IN_DOCUMENT: tuple[str, ...] = ("title", "version", "effective", "clauses")

LEGAL_BASES = ("consent", "contract", "legal_obligation", "vital_interest", "public_interest", "legitimate_interest")
COOKIE_CATEGORIES = ("necessary", "functional", "audience", "advertising", "social")
MAX_LIST = 1000
"""No real inventory comes near: 1,000 cookies or purposes would make an unreadable document."""
COLOR = re.compile(r"\A#[0-9a-fA-F]{6}\Z")
MAX_NOTICE_DAYS = 3650
"""Ten years: any longer notice is a typo (and past dates' arithmetic would overflow)."""


def validate(
    data: dict[str, Any], where: Callable[[str], SourceLocation], organism: str, abstract: bool
) -> list[Problem]:
    """Every schema violation in an organism's merged data, each at the line that holds it."""
    problems: list[Problem] = []

    def add(path: str, message: str) -> None:
        problems.append(Problem(where(path), message, organism))

    _check(data, ORGANISM, "", add)
    documents: dict[str, Any] = data["documents"] if isinstance(data.get("documents"), dict) else {}
    for kind, spec in documents.items():
        if kind in DOCUMENT_KINDS and spec is None:
            add(
                f"documents.{kind}",
                f"document '{kind}' is empty: give its title, version, effective date and clauses, or remove it",
            )
    if not abstract:
        for key in REQUIRED:
            parent = key.rsplit(".", 1)[0] if "." in key else ""
            if _get(data, key) is None and (
                not parent or isinstance(_get(data, parent), dict)
            ):  # a wrong parent is reported once
                add(parent, f"missing required key '{key}'")
        for kind, spec in documents.items():
            if kind not in DOCUMENT_KINDS:
                continue  # reported as an unknown key
            if isinstance(spec, dict) and spec.get("clauses") == []:
                add(f"documents.{kind}.clauses", f"document '{kind}' has no clauses: list the clause ids it is made of")
            for key in REQUIRED_IN_DOCUMENT:
                if key in ("version", "effective") and isinstance(spec, dict) and spec.get("releases"):
                    continue  # the dates of the newest release
                if isinstance(spec, dict) and spec.get(key) is None:
                    add(f"documents.{kind}", f"document '{kind}' is missing '{key}'")
    _check_values(data, add)
    return problems


def _check(value: Any, spec: Spec, path: str, add: Callable[[str, str], None]) -> None:
    if spec == FREE or value is None:
        return
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            add(path, f"'{path}' must be a mapping of keys, not {_kind(value)}")
            return
        for key, item in value.items():
            sub = f"{path}.{key}" if path else key
            if key not in spec:
                close = difflib.get_close_matches(key, list(spec), n=1)
                hint = (
                    f"; did you mean '{close[0]}'?"
                    if close
                    else ("" if path else "; put organism-specific facts under 'extra'")
                )
                add(sub, f"unknown key '{sub}'{hint}")
                continue
            _check(item, spec[key], sub, add)
    elif isinstance(spec, list):
        if not isinstance(value, list):
            add(path, f"'{path}' must be a list, not {_kind(value)}")
            return
        if len(value) > MAX_LIST:
            add(
                path,
                f"'{path}' has {len(value)} entries, over the limit of {MAX_LIST}; a document cannot present that many",
            )
            return
        for index, item in enumerate(value):
            _check(item, spec[0], f"{path}.{index}", add)
    elif spec == TEXT and not isinstance(value, str):
        hint = " (write it in quotes so YAML keeps it as written)" if isinstance(value, (int, float, dt.date)) else ""
        add(path, f"'{path}' must be text, not {_kind(value)}{hint}")
    elif spec == FLAG and not isinstance(value, bool):
        add(path, f"'{path}' must be true or false, not {_kind(value)}")
    elif spec == NUMBER and (isinstance(value, bool) or not isinstance(value, int)):
        add(path, f"'{path}' must be a whole number, not {_kind(value)}")
    elif spec == DATE:
        if as_date(value) is None:
            add(path, f"'{path}' must be a date written YYYY-MM-DD, not {value!r}")


def _check_values(data: dict[str, Any], add: Callable[[str, str], None]) -> None:
    country = data.get("country")
    if isinstance(country, str) and country not in COUNTRIES:
        add("country", f"country must be one of {', '.join(COUNTRIES)}, not {country!r}")
    for key in ("id", "extends"):
        value = data.get(key)
        if isinstance(value, str) and not ID_PATTERN.match(value):
            add(key, f"'{key}' must be an id of lower-case letters, digits and hyphens, not {value!r}")
    notice = data.get("notice_days")
    if isinstance(notice, int) and not isinstance(notice, bool) and not 0 <= notice <= MAX_NOTICE_DAYS:
        add("notice_days", f"'notice_days' must be between 0 and {MAX_NOTICE_DAYS} days, not {notice}")
    for index, item in enumerate(_items(data.get("processing"))):
        basis = item.get("legal_basis") if isinstance(item, dict) else None
        if isinstance(basis, str) and basis not in LEGAL_BASES:
            add(
                f"processing.{index}.legal_basis", f"legal basis must be one of {', '.join(LEGAL_BASES)}, not {basis!r}"
            )
    for index, item in enumerate(_items(data.get("cookies"))):
        category = item.get("category") if isinstance(item, dict) else None
        if isinstance(category, str) and category not in COOKIE_CATEGORIES:
            add(
                f"cookies.{index}.category",
                f"cookie category must be one of {', '.join(COOKIE_CATEGORIES)}, not {category!r}",
            )
    color = (data.get("theme") or {}).get("color") if isinstance(data.get("theme"), dict) else None
    if isinstance(color, str) and not COLOR.match(color):
        add("theme.color", f"theme colour must be written #rrggbb, not {color!r}")
    for kind, spec in (data["documents"] if isinstance(data.get("documents"), dict) else {}).items():
        if not isinstance(spec, dict):
            continue
        version, effective = as_date(spec.get("version")), as_date(spec.get("effective"))
        if version and effective and effective < version:
            add(f"documents.{kind}.effective", f"effective date {effective} is before the version date {version}")
        seen: set[dt.date] = set()
        for index, release in enumerate(_items(spec.get("releases"))):
            if not isinstance(release, dict):
                continue
            where = f"documents.{kind}.releases.{index}"
            r_version, r_effective = as_date(release.get("version")), as_date(release.get("effective"))
            for key in ("version", "effective", "summary"):
                if release.get(key) is None:
                    add(where, f"release {index + 1} of '{kind}' is missing '{key}'")
            if r_version and r_effective and r_effective < r_version:
                add(
                    f"{where}.effective",
                    f"effective date {r_effective} is before the release's version date {r_version}",
                )
            if r_version in seen:
                add(f"{where}.version", f"two releases of '{kind}' have the version date {r_version}")
            if r_version:
                seen.add(r_version)
        for index, clause in enumerate(_items(spec.get("clauses"))):
            if isinstance(clause, str) and not ID_PATTERN.match(clause):
                add(
                    f"documents.{kind}.clauses.{index}",
                    f"clause id must be lower-case letters, digits and hyphens, not {clause!r}",
                )


def _items(value: Any) -> list[Any]:
    """A list as written, or nothing (a value of the wrong type is reported by `_check`)."""
    return value if isinstance(value, list) else []


def as_date(value: Any) -> dt.date | None:
    """A date from YAML: a real date, or text written YYYY-MM-DD; None when it is not a valid date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _get(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"the flag {value!r}".lower()
    if isinstance(value, (dict,)):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"{value!r}"
