"""The organism file schema: what each key holds, so that a typo or a wrong type is caught with its line."""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from collections.abc import Callable
from pathlib import PurePosixPath
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
RELEASE: Spec = {
    "version": DATE,
    "effective": DATE,
    "material": FLAG,
    "summary": TEXT,
    "sha256": TEXT,
    "prior": TEXT,
    "withdrawn": {"on": DATE, "reason": TEXT},
}
DOCUMENT: Spec = {"title": TEXT, "version": DATE, "effective": DATE, "clauses": [TEXT], "releases": [RELEASE]}

ORGANISM: Spec = {
    "id": TEXT,
    "extends": TEXT,
    "abstract": FLAG,
    "country": TEXT,
    "language": TEXT,
    "languages": [TEXT],
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
    "jurisdiction": {"law": TEXT, "courts": TEXT, "mediation": TEXT, "consumers": FLAG},
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
    "roles": [{"party": TEXT, "role": TEXT, "processing": TEXT}],
    "sources": FREE,
    "sources_required": [TEXT],
    "extra": FREE,
    "documents": {kind: DOCUMENT for kind in DOCUMENT_KINDS},
}

REQUIRED: tuple[str, ...] = ("country", "identity", "identity.name", "documents")
"""Keys every built (non-abstract) organism must have once `extends` is resolved."""
REQUIRED_IN_DOCUMENT: tuple[str, ...] = ("title", "version", "effective", "clauses")

PARTY_ROLES = ("controller", "joint_controller", "processor", "publisher", "host", "insurer")
"""What a party is, for a processing or for the site: GDPR art. 4 and 26, LCEN art. 6, the insurer that guarantees."""
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
    _check_cookies(data, add)
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
            add(path, f"'{path}' {date_problem(value)}")


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
    _check_sources(data, add)
    for index, item in enumerate(_items(data.get("roles"))):
        role = item.get("role") if isinstance(item, dict) else None
        if isinstance(role, str) and role not in PARTY_ROLES:
            add(f"roles.{index}.role", f"a party's role must be one of {', '.join(PARTY_ROLES)}, not {role!r}")
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
            if "prior" in release and (reason := prior_problem(release["prior"])):
                add(f"{where}.prior", reason)
            if "withdrawn" in release:
                _check_withdrawal(kind, index, release["withdrawn"], r_version, add)
        _check_priors_first(kind, _items(spec.get("releases")), add)
        for index, clause in enumerate(_items(spec.get("clauses"))):
            if isinstance(clause, str) and not ID_PATTERN.match(clause):
                add(
                    f"documents.{kind}.clauses.{index}",
                    f"clause id must be lower-case letters, digits and hyphens, not {clause!r}",
                )


def _check_withdrawal(
    kind: str, index: int, withdrawn: Any, version: dt.date | None, add: Callable[[str, str], None]
) -> None:
    """A withdrawal says from when (`on`, not before the release's own date) and why (`reason`, in words)."""
    where = f"documents.{kind}.releases.{index}.withdrawn"
    if not isinstance(withdrawn, dict):
        if withdrawn is None:
            add(
                where,
                f"release {index + 1} of '{kind}' is withdrawn without saying when nor why: write "
                "'withdrawn: {on: YYYY-MM-DD, reason: \"...\"}'",
            )
        return  # a wrong type is reported by the schema
    on = as_date(withdrawn.get("on"))
    if withdrawn.get("on") is None:
        add(where, f"release {index + 1} of '{kind}' is withdrawn without the day: add 'on: YYYY-MM-DD'")
    elif on is not None and version is not None and on < version:
        add(f"{where}.on", f"withdrawal date {on} is before the release's version date {version}")
    reason = withdrawn.get("reason")
    if reason is None or (isinstance(reason, str) and not reason.strip()):
        add(
            where if reason is None else f"{where}.reason",
            f"release {index + 1} of '{kind}' is withdrawn without a reason: say in 'reason' why members must no "
            "longer rely on it",
        )


PRIOR_SUFFIX = ".md"


def prior_path(declared_in: str, written: str) -> str:
    """The project-relative path of a prior file, `written` relative to the folder of the file declaring it."""
    return (PurePosixPath(declared_in).parent / written).as_posix()


def prior_problem(written: object) -> str | None:
    """Why a `prior:` value cannot name a prior file (None when it can): a relative `.md` path that stays in the
    organism's folder."""
    if not isinstance(written, str) or not written.strip():
        return "prior must be the path of a Markdown file, relative to the organism file's folder"
    path = PurePosixPath(written)
    if path.is_absolute() or ".." in path.parts or "\\" in written:
        return f"prior {written!r} must be a path inside the organism's folder (no '..', not absolute)"
    if path.suffix != PRIOR_SUFFIX:
        return f"prior {written!r} must be a Markdown file ending in {PRIOR_SUFFIX}"
    return None


def _check_priors_first(kind: str, releases: list[Any], add: Callable[[str, str], None]) -> None:
    """Prior releases (texts published before cgu) come before every release composed from the clauses."""
    dated = sorted(
        (as_date(r.get("version")), index, "prior" in r)
        for index, r in enumerate(releases)
        if isinstance(r, dict) and as_date(r.get("version"))
    )
    composed = next(((version, index) for version, index, prior in dated if not prior), None)
    for version, index, prior in dated:
        if prior and composed is not None and version is not None and composed[0] is not None and version > composed[0]:
            add(
                f"documents.{kind}.releases.{index}.prior",
                f"prior release {version} of '{kind}' comes after release {composed[0]}, composed from the clauses: "
                "a prior release is a text published before cgu, so it must be older than every other release",
            )


COOKIE_FIELDS: dict[str, str] = {
    "name": "its name as the browser shows it",
    "provider": "who sets it",
    "purpose": "what it is used for",
    "category": f"its category, one of {', '.join(COOKIE_CATEGORIES)}",
    "duration": 'how long it is kept, e.g. duration: "13 mois"',
    "consent": "consent: true if it needs the visitor's consent, else false",
}
"""What the cookie table of every document shows, so a cookie without one is an error in the organism file, not in
the clause that prints the table."""


def _check_cookies(data: dict[str, Any], add: Callable[[str, str], None]) -> None:
    cookies = _items(data.get("cookies"))
    if len(cookies) > MAX_LIST:
        return  # reported once, as too long: not once per cookie
    for index, cookie in enumerate(cookies):
        if not isinstance(cookie, dict):
            continue  # reported by `_check`
        name = cookie.get("name")
        shown = f"cookie {name!r}" if isinstance(name, str) and name else f"cookie {index + 1}"
        for key, what in COOKIE_FIELDS.items():
            if cookie.get(key) is None:
                add(f"cookies.{index}", f"{shown} has no '{key}': add {what}")


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def date_problem(value: Any) -> str:
    """Why a value is not a date, naming the part that is wrong ("month 13"), for the writer to fix that part."""
    written = str(value).strip() if isinstance(value, str) else None
    parts = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", written) if written is not None else None
    if parts is None:
        return f"must be a date written YYYY-MM-DD, not {value!r}"
    year, month, day = (int(part) for part in parts.groups())
    if year == 0:
        return f"is not a date: in {written!r} the year is 0000; write the year in four digits (YYYY-MM-DD)"
    if not 1 <= month <= 12:
        return f"is not a date: in {written!r} the month is {parts[2]}; months go from 01 to 12 (YYYY-MM-DD)"
    days = calendar.monthrange(year, month)[1]
    return (
        f"is not a date: in {written!r} the day is {parts[3]}; {MONTHS[month - 1]} {year} has {days} days (YYYY-MM-DD)"
    )


SOURCE_KEYS = ("document", "date", "url", "note")
"""What a fact's source may say: the document it comes from, its date, its address, a note ("confirmed by the DPO")."""


def _check_sources(data: dict[str, Any], add: Callable[[str, str], None]) -> None:
    """`sources:` maps a fact's dotted key to where it comes from: a text, or a mapping of SOURCE_KEYS."""
    sources = data.get("sources")
    if sources is None:
        return
    if not isinstance(sources, dict):
        add("sources", f"'sources' must be a mapping of fact keys to their source, not {_kind(sources)}")
        return
    for key, source in sources.items():
        where = f"sources.{key}"
        if not isinstance(key, str) or _get(data, key) is None:
            add(
                where,
                f"'sources' names {key!r}, which is no fact of this organism: write the key as 'cgu vars' shows it",
            )
        elif isinstance(source, dict):
            for part, value in source.items():
                if part not in SOURCE_KEYS:
                    add(where, f"a source says {', '.join(SOURCE_KEYS)}, not {part!r} (in the source of {key})")
                elif part == "date" and as_date(value) is None:
                    add(where, f"the date of the source of {key} {date_problem(value)}")
                elif part != "date" and not isinstance(value, str):
                    add(where, f"the {part} of the source of {key} must be text, not {_kind(value)}")
        elif not isinstance(source, str) or not source.strip():
            add(where, f"the source of {key} must be a text or a mapping of {', '.join(SOURCE_KEYS)}")
    for index, key in enumerate(_items(data.get("sources_required"))):
        if isinstance(key, str) and key not in ORGANISM:
            add(f"sources_required.{index}", f"'sources_required' lists {key!r}, which is no key of an organism")


def source_of(data: dict[str, Any], key: str) -> str | None:
    """Where the fact `key` (or a key above it) comes from, in words; None when no source is written."""
    sources = data.get("sources")
    if not isinstance(sources, dict):
        return None
    parts = key.split(".")
    for end in range(len(parts), 0, -1):
        source = sources.get(".".join(parts[:end]))
        if isinstance(source, str) and source.strip():
            return source.strip()
        if isinstance(source, dict) and source:
            return ", ".join(str(source[part]) for part in SOURCE_KEYS if source.get(part) not in (None, ""))
    return None


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
