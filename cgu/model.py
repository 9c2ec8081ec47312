"""Frozen dataclasses that the pipeline stages pass to each other; no I/O here. The part a redline of two files
needs (locations, problems, articles, redlines, artifacts) is `cgu.articles`, named here too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from cgu.articles import (
    DELETE,
    DOCUMENT_KINDS,
    EQUAL,
    INSERT,
    LANGUAGES,
    Article,
    ArticleChange,
    Artifact,
    Piece,
    Problem,
    Redline,
    ReferenceNote,
    Section,
    SourceLocation,
)

__all__ = [
    "COUNTRIES",
    "DELETE",
    "DOCUMENT_KINDS",
    "EQUAL",
    "INSERT",
    "LANGUAGES",
    "Article",
    "ArticleChange",
    "Artifact",
    "Clause",
    "ClauseTranslation",
    "Document",
    "DocumentSpec",
    "FactOverlay",
    "Organism",
    "Piece",
    "Problem",
    "Redline",
    "ReferenceNote",
    "Release",
    "ReleaseSpec",
    "Section",
    "SourceLocation",
    "Theme",
    "Withdrawal",
    "YamlFile",
    "nearest_location",
]
"""Its own classes and `cgu.articles`'s, which it names too."""

COUNTRIES: tuple[str, ...] = ("FR", "BE")


@dataclass(frozen=True)
class Clause:
    """A reusable clause: front matter plus a Markdown body with Jinja2 in it."""

    id: str
    title: str
    category: str
    documents: tuple[str, ...]
    """Document kinds this clause may appear in (subset of DOCUMENT_KINDS)."""
    requires: tuple[str, ...]
    """Dotted variable paths the body needs (`dpo.email`); checked before rendering."""
    material: bool
    """Whether a change to this clause is material for members (needs re-acceptance)."""
    body: str
    location: SourceLocation
    """The clause file; `location.line` is the first line of the body."""


@dataclass(frozen=True)
class ClauseTranslation:
    """A clause in another language (`<stem>.<lang>.md` beside its source): its title and body, and the git blob id
    of the source file it translates."""

    id: str
    language: str
    title: str
    body: str
    translates: str
    """`git hash-object` of the source clause file, as it was when translated."""
    location: SourceLocation
    """The translation file; `location.line` is the first line of the body."""
    repeated: Mapping[str, tuple[Any, SourceLocation]] = field(default_factory=lambda: MappingProxyType({}))
    """Source front-matter keys the translation repeats (id, category...), with their value and line."""


def nearest_location(locations: Mapping[str, SourceLocation], dotted: str, fallback: SourceLocation) -> SourceLocation:
    """Where the dotted key (`dpo.email`) was written, or its nearest parent that was, or else `fallback`."""
    parts = dotted.split(".")
    while parts and ".".join(parts) not in locations:
        parts.pop()
    return locations[".".join(parts)] if parts else fallback


@dataclass(frozen=True)
class YamlFile:
    """One YAML file as written: its keys, the line of each dotted key, and the file itself (line 1)."""

    data: Mapping[str, Any]
    locations: Mapping[str, SourceLocation]
    location: SourceLocation

    def where(self, dotted: str) -> SourceLocation:
        """The line of a key of the file, or of its nearest parent, or the file."""
        return nearest_location(self.locations, dotted, self.location)


@dataclass(frozen=True)
class FactOverlay(YamlFile):
    """`organism.<lang>.yaml`: the organism's text facts in one language, laid over the source facts."""

    language: str
    translates: str
    """`git hash-object` of the organism file, as it was when translated."""
    source: str
    """Project-relative path of the organism file it translates."""


@dataclass(frozen=True)
class Withdrawal:
    """A release withdrawn by its organism (`withdrawn: {on, reason}`): from `on`, it neither binds nor is coming."""

    on: dt.date
    reason: str


@dataclass(frozen=True)
class ReleaseSpec:
    """A release as declared in an organism file: dates, whether members must re-accept, a summary."""

    version: dt.date
    effective: dt.date
    material: bool
    summary: str
    location: SourceLocation
    sha256: str | None = None
    """The canonical text's hash, once sealed; a later mismatch means history was rewritten."""
    prior: str | None = None
    """A prior release (published before cgu): the project-relative path of the Markdown file its text comes from."""
    withdrawn: Withdrawal | None = None
    """Its withdrawal, if the organism withdrew it: metadata added to the entry, its text and seal unchanged."""


@dataclass(frozen=True)
class DocumentSpec:
    """What an organism declares for one document: its clauses, in order, and its dates."""

    kind: str
    title: str
    version: dt.date
    effective: dt.date
    clauses: tuple[str, ...]
    location: SourceLocation
    releases: tuple[ReleaseSpec, ...] = ()
    """Declared releases, oldest first; the document's dates are the newest one's when it has any."""


@dataclass(frozen=True)
class Theme:
    """A theme folder and the organism's settings for it."""

    name: str
    color: str
    logo: str | None
    """Project-relative path of the organism's logo, if any."""


@dataclass(frozen=True)
class Organism:
    """An organism after `extends` is resolved: its variables and its documents."""

    id: str
    name: str
    country: str
    data: Mapping[str, Any]
    """Every variable, merged along the `extends` chain (read-only view)."""
    documents: Mapping[str, DocumentSpec]
    theme: Theme
    chain: tuple[str, ...]
    """This organism's id followed by the ids it extends, nearest first."""
    locations: Mapping[str, SourceLocation] = field(default_factory=lambda: MappingProxyType({}))
    """Dotted key path (`dpo.email`, `cookies.2.name`) -> where it was defined."""
    location: SourceLocation = SourceLocation("organisms")
    clause_dirs: tuple[str, ...] = ()
    """Project-relative folders searched for clause overrides, this organism's first."""
    abstract: bool = False
    """A base that other organisms extend; never built itself."""
    languages: tuple[str, ...] = ("fr",)
    """The languages its documents are published in, the source first (`languages:`, docs/languages.md)."""
    language: str = ""
    """The language `data` is in: "" for the source; "nl" once a language's overlay is laid over the facts."""

    @property
    def source_language(self) -> str:
        return self.languages[0]

    def where(self, dotted: str) -> SourceLocation:
        """The location of a variable, or of its nearest defined parent, or of the organism file."""
        return nearest_location(self.locations, dotted, self.location)


@dataclass(frozen=True)
class Document:
    """A composed document of one organism, ready to render."""

    organism: Organism
    kind: str
    title: str
    version: dt.date
    effective: dt.date
    articles: tuple[Article, ...]
    draft: bool = False
    """An unreleased working-tree build, shown as "Projet"."""
    language: str = "fr"
    """The language it is written in; a translation's outputs live under `<organism>/<language>/`."""

    @property
    def slug(self) -> str:
        """Dated file stem: `cgu-2024-06-01`."""
        return f"{self.kind}-{self.version.isoformat()}"

    def canonical_text(self) -> str:
        """The text a release's hash and redlines are computed on: headings and bodies in order."""
        parts = [f"# {self.title}\n"]
        for article in self.articles:
            parts.append(f"## {article.heading} {{#{article.id}}}\n\n{article.markdown.strip()}\n")
        return "\n".join(parts)


# --- releases --- (owned by the releases helper: cgu/release/book.py, cgu/release/acceptance.py,
# cgu/release/changelog.py)


@dataclass(frozen=True)
class Release:
    """A published version of one document: its declaration, the commit that pinned it, its hash and text."""

    organism: str
    kind: str
    spec: ReleaseSpec
    commit: str | None
    """None while the declaration is not committed yet (then it is composed from the work tree)."""
    published: dt.datetime | None
    """When the declaring commit was made: the publication date the notice period counts from (a prior release: its
    version date, the day the organism published it before cgu)."""
    sha256: str
    document: Document
