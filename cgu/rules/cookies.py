"""Cookies and trackers.

The CNIL guidelines and recommendation of 17 September 2020 (deliberations 2020-091 and 2020-092).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from cgu.compose.markers import question_of, shown
from cgu.model import Document, Organism
from cgu.rules.registry import Finding, rule
from cgu.rules.values.durations import parse_duration

CNIL = "CNIL, délibérations n° 2020-091 et 2020-092 du 17 septembre 2020"
FIELDS = ("name", "provider", "purpose", "category", "duration")


def _cookies(organism: Organism) -> list[tuple[int, dict]]:
    return list(enumerate(organism.data.get("cookies") or []))


@rule("cookie-fields", "error", CNIL, "Every cookie has a name, provider, purpose, category and duration.")
def fields(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for index, cookie in _cookies(organism):
        missing = [f for f in FIELDS if not cookie.get(f)]
        if missing:
            yield Finding(
                str(cookie.get("name", index)),
                organism.where(f"cookies.{index}"),
                f"cookie {cookie.get('name', index)!r} lacks {', '.join(missing)}",
            )


@rule("cookie-duration", "error", CNIL, "Cookie durations are written in a form people and tools can read.")
def duration(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for index, cookie in _cookies(organism):
        try:
            parse_duration(str(cookie.get("duration", "")))
        except ValueError as exc:
            yield Finding(str(cookie.get("name")), organism.where(f"cookies.{index}.duration"), str(exc))


@rule("cookie-max-lifetime", "error", CNIL, "Audience and advertising trackers live at most 13 months.")
def max_lifetime(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for index, cookie in _cookies(organism):
        if cookie.get("category") in ("audience", "advertising"):
            try:
                if not parse_duration(str(cookie.get("duration", ""))).at_most(13):
                    yield Finding(
                        str(cookie.get("name")),
                        organism.where(f"cookies.{index}.duration"),
                        f"{cookie.get('category')} cookie {cookie.get('name')!r} lives {cookie.get('duration')}, "
                        "over 13 months",
                    )
            except ValueError:
                pass  # reported by cookie-duration


@rule("cookie-consent-retention", "error", CNIL, "The record of a consent choice is kept at most 6 months.")
def consent_retention(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    if not organism.data.get("cookies"):
        return
    value = (organism.data.get("cookie_settings") or {}).get("consent_retention")
    if value is None:
        yield Finding(
            "cookie_settings.consent_retention",
            organism.where("cookies"),
            "say how long the consent choice is kept (cookie_settings.consent_retention)",
        )
        return
    try:
        if not parse_duration(value).at_most(6):
            yield Finding(
                "cookie_settings.consent_retention",
                organism.where("cookie_settings.consent_retention"),
                f"the consent choice is kept {value}, over 6 months",
            )
    except ValueError as exc:
        yield Finding(
            "cookie_settings.consent_retention", organism.where("cookie_settings.consent_retention"), str(exc)
        )


@rule(
    "cookie-consent",
    "error",
    "Loi n° 78-17, art. 82 ; " + CNIL,
    "Strictly necessary cookies need no consent; every other one does.",
)
def consent(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for index, cookie in _cookies(organism):
        category = cookie.get("category")
        if not category:
            continue  # reported by cookie-fields
        necessary = category == "necessary"
        if bool(cookie.get("consent")) != necessary:
            continue
        if "consent" in cookie:
            wanted = "consent: false (strictly necessary)" if necessary else "consent: true"
            yield Finding(
                str(cookie.get("name")),
                organism.where(f"cookies.{index}.consent"),
                f"cookie {cookie.get('name')!r} of category {category} should have {wanted}",
            )
        elif (
            not necessary
        ):  # an absent flag reads as false: the table would say "non requis" and the banner leave it out
            yield Finding(
                str(cookie.get("name")),
                organism.where(f"cookies.{index}"),
                f"cookie {cookie.get('name')!r} of category {category} should have consent: true "
                "(without it the cookie table says no consent is needed and the banner leaves it out)",
            )


@rule("cookie-in-table", "error", CNIL, "Every cookie of the inventory appears in a table of the rendered documents.")
def in_table(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    if {d.kind for d in documents} != set(organism.documents):
        return  # a partial build composes some documents only; the table may be in another (the CGU points to it)
    cells = table_cells(documents)
    for index, cookie in _cookies(organism):
        name = str(cookie.get("name") or "")
        if (question := question_of(name)) is not None:
            name = shown(question)  # a name left to be completed is listed as it prints
        if name and not any(cell == name or re.match(re.escape(name) + r"[\s(,;]", cell) for cell in cells):
            yield Finding(
                name,
                organism.where(f"cookies.{index}"),
                f"cookie {name!r} is in the inventory but no document lists it in a cookie table "
                "(add the cookies clause)",
            )


def table_cells(documents: Sequence[Document]) -> set[str]:
    """The text of every cell of every Markdown table row in the documents, escapes and inline markup removed."""
    cells = set()
    for document in documents:
        for article in document.articles:
            for line in article.markdown.splitlines():
                if line.lstrip().startswith("|"):
                    for cell in re.split(r"(?<!\\)\|", line.strip().strip("|")):
                        cells.add(re.sub(r"\\(.)", r"\1", cell).replace("`", "").replace("**", "").strip())
    return cells
