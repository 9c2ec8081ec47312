"""What changes with a document's language (docs/languages.md): its locale for Babel's dates and lists, the word for
"article" in headings and cross-references, and the words of the pages around the text (banners, table of contents,
footers, language switch). French keeps its own wording (cgu/compose/french.py: "1er juin 2024")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from babel.dates import format_date
from babel.lists import format_list

from cgu.compose.french import french_date, join_french

LOCALES: Mapping[str, str] = MappingProxyType({"fr": "fr_FR", "nl": "nl_BE", "de": "de_BE"})
"""The Babel locale of each language: Dutch and German as written in Belgium."""

FRENCH_GRAMMAR_FILTERS = ("de", "a", "elide", "capfirst", "pronoun", "agree")
"""Filters that make French contractions, elisions and agreements: refused in a clause in another language."""


@dataclass(frozen=True)
class Words:
    """The words a page of a document says around its text, in one language (templates read them as `words`)."""

    lang: str
    article: str
    """"Article", "Artikel": an article's heading label."""
    reference: str
    """"article", "artikel", "Artikel": a cross-reference inside a sentence (`ref('x')`)."""
    skip: str
    draft: str
    version_of: str
    """The banner: "Version du", "Versie van", "Fassung vom"."""
    in_force_from: str
    toc: str
    footer_version: str
    """The footer's lower-case "version du"."""
    logo_of: str
    languages: str
    """The label of the language switch."""
    name: str
    """The language's own name, in the switch."""
    of: str
    """"de", "van", "von": "{title} de {organism}" in a page's description."""
    authority: str
    """The Belgian data protection authority's short name in this language."""
    page_of: str
    """"page 1 sur 3": the word between a page number and the count."""
    word_language: str
    """The language tag Word documents carry: "fr-FR", "nl-BE", "de-BE"."""
    page: str
    other_document: str
    """How a reference to an article of the organism's other document (`ref_doc`) names that document, `{}` its
    title: "van het document “{}”" (French says it with the title's own article, cgu/compose/french.py)."""


WORDS: Mapping[str, Words] = MappingProxyType(
    {
        "fr": Words(
            "fr",
            "Article",
            "article",
            "Aller au contenu",
            "Projet",
            "Version du",
            "en vigueur à compter du",
            "Sommaire",
            "version du",
            "Logo de",
            "Langues",
            "Français",
            "de",
            "APD",
            "sur",
            "fr-FR",
            "page",
            "de {}",
        ),
        "nl": Words(
            "nl",
            "Artikel",
            "artikel",
            "Naar de inhoud",
            "Ontwerp",
            "Versie van",
            "van kracht vanaf",
            "Inhoud",
            "versie van",
            "Logo van",
            "Talen",
            "Nederlands",
            "van",
            "GBA",
            "van",
            "nl-BE",
            "pagina",
            "van het document “{}”",
        ),
        "de": Words(
            "de",
            "Artikel",
            "Artikel",
            "Zum Inhalt",
            "Entwurf",
            "Fassung vom",
            "in Kraft ab dem",
            "Inhalt",
            "Fassung vom",
            "Logo von",
            "Sprachen",
            "Deutsch",
            "von",
            "DSB",
            "von",
            "de-BE",
            "Seite",
            "des Dokuments „{}“",
        ),
    }
)


def words(language: str) -> Words:
    return WORDS[language]


def long_date(value: dt.date | str, language: str = "fr") -> str:
    """A date as the language writes it: "1er juin 2025", "1 juni 2025", "1. Juni 2025"."""
    if language == "fr":
        return french_date(value)
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return str(format_date(day, format="long", locale=LOCALES[language]))


def joined(items: Iterable[Any], language: str) -> str:
    """A list as the language writes it: "a, b et c", "a, b en c", "a, b und c"."""
    if language == "fr":
        return join_french(items)
    values = [str(item) for item in items]
    return str(format_list(values, locale=LOCALES[language])) if values else ""


@dataclass(frozen=True)
class Alternate:
    """The same page in one of the document's languages: `<link rel="alternate" hreflang>` and the language switch."""

    lang: str
    name: str
    href: str


def language_folder(language: str, source: str) -> str:
    """The folder a language's pages live in under the organism's: none for the source, `<lang>/` otherwise."""
    return "" if language == source else f"{language}/"


def alternates(languages: tuple[str, ...], language: str, file_name: str) -> tuple[Alternate, ...]:
    """Every language's version of the page `file_name` (itself included), as relative links from the page in
    `language`; none for a document in one language only."""
    if len(languages) < 2:
        return ()
    back = "" if language == languages[0] else "../"
    return tuple(
        Alternate(other, WORDS[other].name, f"{back}{language_folder(other, languages[0])}{file_name}")
        if other != language
        else Alternate(other, WORDS[other].name, file_name)
        for other in languages
    )
