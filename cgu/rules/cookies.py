"""Cookies and trackers (CNIL guidelines and recommendation of 17 September 2020, deliberations 2020-091 and 2020-092)."""

from __future__ import annotations

from typing import Iterable, Sequence

from cgu.durations import parse_duration
from cgu.model import Document, Organism
from cgu.rules import Finding, document_text, rule

CNIL = "CNIL, délibérations n° 2020-091 et 2020-092 du 17 septembre 2020"
FIELDS = ("name", "provider", "purpose", "category", "duration")


def _cookies(organism: Organism) -> list[tuple[int, dict]]:
    return list(enumerate(organism.data.get("cookies") or []))


@rule("cookie-fields", "error", CNIL, "Every cookie has a name, provider, purpose, category and duration.")
def fields(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for index, cookie in _cookies(organism):
        missing = [f for f in FIELDS if not cookie.get(f)]
        if missing:
            yield Finding(str(cookie.get("name", index)), organism.where(f"cookies.{index}"), f"cookie {cookie.get('name', index)!r} lacks {', '.join(missing)}")


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
                    yield Finding(str(cookie.get("name")), organism.where(f"cookies.{index}.duration"),
                                  f"{cookie.get('category')} cookie {cookie.get('name')!r} lives {cookie.get('duration')}, over 13 months")
            except ValueError:
                pass  # reported by cookie-duration


@rule("cookie-consent-retention", "error", CNIL, "The record of a consent choice is kept at most 6 months.")
def consent_retention(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    if not organism.data.get("cookies"):
        return
    value = (organism.data.get("cookie_settings") or {}).get("consent_retention")
    if value is None:
        yield Finding("cookie_settings.consent_retention", organism.where("cookies"), "say how long the consent choice is kept (cookie_settings.consent_retention)")
        return
    try:
        if not parse_duration(value).at_most(6):
            yield Finding("cookie_settings.consent_retention", organism.where("cookie_settings.consent_retention"), f"the consent choice is kept {value}, over 6 months")
    except ValueError as exc:
        yield Finding("cookie_settings.consent_retention", organism.where("cookie_settings.consent_retention"), str(exc))


@rule("cookie-consent", "error", "Loi n° 78-17, art. 82 ; " + CNIL, "Strictly necessary cookies need no consent; every other one does.")
def consent(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    for index, cookie in _cookies(organism):
        necessary = cookie.get("category") == "necessary"
        if "consent" in cookie and cookie["consent"] == necessary:
            wanted = "consent: false (strictly necessary)" if necessary else "consent: true"
            yield Finding(str(cookie.get("name")), organism.where(f"cookies.{index}.consent"), f"cookie {cookie.get('name')!r} of category {cookie.get('category')} should have {wanted}")


@rule("cookie-in-table", "error", CNIL, "Every cookie of the inventory appears in the rendered documents.")
def in_table(organism: Organism, documents: Sequence[Document]) -> Iterable[Finding]:
    if not documents:
        return
    text = " ".join(document_text(d) for d in documents)
    for index, cookie in _cookies(organism):
        if cookie.get("name") and str(cookie["name"]) not in text:
            yield Finding(str(cookie["name"]), organism.where(f"cookies.{index}"), f"cookie {cookie['name']!r} is in the inventory but no document lists it (add the cookies clause)")
