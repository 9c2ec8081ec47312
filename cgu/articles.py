"""The vocabulary that a redline of two Markdown files needs and every stage shares: where a text comes from and
what is wrong with it, a document's articles, a redline between two versions of them, a file to write; no I/O here.

`cgu.model` holds the rest (clauses, organisms, documents, releases) and names these too, so a module that needs
both imports `cgu.model` alone. The modules `cgu redline OLD.md NEW.md` runs import this one instead, never
`cgu.model` (a test checks it): making `cgu.model`'s dataclasses is a twentieth of that command's start."""

from __future__ import annotations

from dataclasses import dataclass

DOCUMENT_KINDS: tuple[str, ...] = ("cgu", "privacy")
"""The document types an organism can publish: terms of use and privacy policy."""

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
class Artifact:
    """One file a build writes, relative to the output directory."""

    path: str
    content: bytes


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
