"""Frozen dataclasses that the pipeline stages pass to each other; no I/O here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

DOCUMENT_KINDS: tuple[str, ...] = ("cgu", "privacy")
"""The document types an organism can publish: terms of use and privacy policy."""

COUNTRIES: tuple[str, ...] = ("FR", "BE")

LANGUAGES: tuple[str, ...] = ("fr", "nl", "de")
"""The languages a document can be written in (docs/languages.md); an organism's first declared one is its source."""


@dataclass(frozen=True, order=True)
class SourceLocation:
    """Where something came from: a project-relative path and, when known, a 1-based line."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def at(self, line_offset: int) -> SourceLocation:
        """The location `line_offset` lines further down the same file."""
        return SourceLocation(self.path, (self.line or 1) + line_offset)


@dataclass(frozen=True)
class Problem:
    """One user-facing error or warning, with where it comes from and which organism it concerns."""

    location: SourceLocation
    message: str
    organism: str | None = None
    severity: str = "error"
    rule: str | None = None

    def __str__(self) -> str:
        rule = f"{self.rule}: " if self.rule else ""
        plural = "s" if self.organism and ", " in self.organism else ""
        who = f" (organism{plural} {self.organism})" if self.organism else ""
        level = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.location}: {level}{rule}{self.message}{who}"


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
class Section:
    """A sub-heading inside an article (numbered `3.2`), with its stable anchor."""

    anchor: str
    number: str
    title: str
    level: int


@dataclass(frozen=True)
class Article:
    """One numbered article of a composed document, made from one clause."""

    number: int
    id: str
    """The clause id: the stable anchor of the article, whatever its number."""
    title: str
    markdown: str
    """The clause body after Jinja2, before Markdown rendering: the canonical text."""
    html: str
    material: bool
    source: SourceLocation
    sections: tuple[Section, ...] = ()
    to_complete: tuple[tuple[SourceLocation, str], ...] = ()
    """Facts the clause body leaves to be completed ("[à compléter : question]"): where, and the question."""
    label: str = "Article"
    """The word its heading starts with, in the document's language ("Artikel" in Dutch and German)."""
    cited_at: tuple[tuple[str, SourceLocation], ...] = ()
    """Each legal text of the registry the article cites (its id) and the line that cites it: the clause line that
    writes it (in words or through `law('id')`), or the organism fact whose value holds it."""

    @property
    def heading(self) -> str:
        return f"{self.label} {self.number} – {self.title}"


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


@dataclass(frozen=True)
class Artifact:
    """One file a build writes, relative to the output directory."""

    path: str
    content: bytes


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


# --- redline --- (owned by the redline helper: cgu/redline/compare.py, cgu/redline/render.py, cgu/redline/sections.py)

EQUAL, DELETE, INSERT = 0, -1, 1
"""Operations of a redline, as in diff-match-patch: text kept, text only in the old version, only in the new."""


@dataclass(frozen=True)
class ArticleChange:
    """One article in a redline: what happened to it, and the operations that rebuild both versions."""

    kind: str
    """unchanged | editorial | modified | added | removed."""
    moved: bool
    old: Article | None
    new: Article | None
    ops: tuple[tuple[int, str], ...]
    renumbered: tuple[tuple[str, str], ...] = ()
    """(old number, new number) of each article the two versions number differently: "l'article 7" becoming
    "l'article 8" is form when article 7 became article 8."""

    @property
    def anchor(self) -> str:
        """The article's id (the new version's, or the old one's for a removed article): its anchor in a redline."""
        article = self.new or self.old
        assert article is not None
        return article.id

    def old_text(self) -> str:
        """The article's old text, rebuilt from the operations."""
        return "".join(text for op, text in self.ops if op <= EQUAL)

    def new_text(self) -> str:
        """The article's new text, rebuilt from the operations."""
        return "".join(text for op, text in self.ops if op >= EQUAL)


@dataclass(frozen=True)
class Piece:
    """A run of an article's text in a redline: the old and new wording and what the change is."""

    old: str
    new: str
    status: str
    """same | editorial | changed."""


@dataclass(frozen=True)
class ReferenceNote:
    """A passage whose words did not change but whose cross-reference leads to an article that did: the member is
    told that "l'article 8 auquel ce passage renvoie a changé"."""

    source: str
    """Anchor of the article holding the reference."""
    target: str
    """Anchor of the article it designates, modified in substance."""
    number: str
    """The article's number as the new version writes it."""


@dataclass(frozen=True)
class Redline:
    """The articles of the new version in order, removed ones where they stood, each with its change."""

    changes: tuple[ArticleChange, ...]
    notes: tuple[ReferenceNote, ...] = ()
    """Unchanged references to articles that changed in substance, in the order of the new version."""

    @property
    def substantive(self) -> tuple[ArticleChange, ...]:
        """Changes a member must read: everything but unchanged and purely editorial articles (a move counts)."""
        return tuple(c for c in self.changes if c.kind in ("modified", "added", "removed") or c.moved)

    @property
    def editorial_only(self) -> bool:
        """Something changed, but only in form (typography, spacing, Markdown, numbering)."""
        return not self.substantive and any(c.kind == "editorial" for c in self.changes)

    def old_text(self) -> str:
        """The old version's text, rebuilt from the redline alone (articles in their old order)."""
        olds = sorted((c for c in self.changes if c.old is not None), key=lambda c: c.old.number if c.old else 0)
        return "".join(c.old_text() for c in olds)

    def new_text(self) -> str:
        """The new version's text, rebuilt from the redline alone."""
        return "".join(c.new_text() for c in self.changes if c.new is not None)
