"""`cgu redline`: two Markdown files, or two releases of a document, compared and written in the asked formats."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import click


def run_redline(old: Path, new: Path, out: Path, formats: tuple[str, ...], author: str | None = None) -> None:
    """`cgu redline OLD.md NEW.md`: compare two Markdown files aligned on their headings."""
    from cgu.load.files import read_text
    from cgu.redline.compare import redline
    from cgu.redline.sections import split_markdown

    result = redline(
        split_markdown(read_text(old, str(old), controls=True), str(old)),
        split_markdown(read_text(new, str(new), controls=True), str(new)),
    )
    write_redline(
        result,
        f"Comparaison de {old.name} et {new.name}",
        f"redline-{old.stem}-to-{new.stem}",
        out,
        formats,
        tracked=TrackedChanges(author or "cgu", _source_date()),
    )


def run_release_redline(
    project: Path,
    organism_id: str,
    kind: str,
    from_version: str | None,
    to_version: str | None,
    out: Path,
    formats: tuple[str, ...],
    author: str | None = None,
) -> None:
    """`cgu redline ORGANISM DOCUMENT`: between two releases, or the last release and the draft."""
    from cgu.articles import DOCUMENT_KINDS, SourceLocation
    from cgu.commands.releases import one_document  # loads the project: not for a redline of two files
    from cgu.errors import CguError
    from cgu.redline.compare import redline

    if kind not in DOCUMENT_KINDS:
        raise CguError.at(
            SourceLocation(organism_id),
            f"give two Markdown files, or an organism and a document kind ({' or '.join(DOCUMENT_KINDS)}); "
            f"{kind!r} is neither",
        )
    loaded, current, book = one_document(project, organism_id, kind)
    if book.unavailable:
        raise CguError.at(
            SourceLocation(str(loaded.root)),
            f"history unavailable ({book.unavailable}): comparing releases needs the git history",
        )
    entry = book.of(current.organism.id, kind)
    versions = {r.spec.version.isoformat(): r.document for r in entry.releases}
    done = [r.spec.version.isoformat() for r in entry.published]  # the defaults skip an uncommitted release: the draft
    draft = entry.draft
    if to_version is None:
        to_version = "draft" if draft or len(done) < 2 else done[-1]
    if from_version is None:
        candidates = [v for v in done if to_version == "draft" or v < to_version]
        if not candidates:
            raise CguError.at(
                SourceLocation(f"organisms/{organism_id}"), f"{organism_id} {kind} has no release before {to_version}"
            )
        from_version = candidates[-1]
    documents = {**versions, "draft": current}
    for version in (from_version, to_version):
        if version not in documents:
            raise CguError.at(
                SourceLocation(f"organisms/{organism_id}"),
                f"no release {version} of {organism_id} {kind}; releases: {', '.join(versions) or 'none'}",
            )
    result = redline(documents[from_version].articles, documents[to_version].articles)
    title = f"{current.title} – {current.organism.name} – modifications du {from_version} au {to_version}"
    theme = loaded.themes.get(current.organism.theme.name)  # the organism's own look for its releases' redline
    newer = documents[to_version]
    date = _source_date() if to_version == "draft" else _day(newer.version)
    tracked = TrackedChanges(author or current.organism.name, date)
    stem = f"{organism_id}-{kind}-redline-{from_version}-to-{to_version}"
    write_redline(result, title, stem, out, formats, theme, tracked)


@dataclass(frozen=True)
class TrackedChanges:
    """Who and when a Word redline's revisions say: the author asked for (or the organism) and the newer version's
    date (or SOURCE_DATE_EPOCH), never the clock."""

    author: str
    date: datetime


DEFAULT_EPOCH = 946684800
"""2000-01-01 UTC: the revisions' date of a redline of two files when SOURCE_DATE_EPOCH is not set."""


def _source_date() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(epoch) if epoch.isdigit() else DEFAULT_EPOCH, UTC)


def _day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def write_redline(
    result: object,
    title: str,
    stem: str,
    out: Path,
    formats: tuple[str, ...],
    theme: object = None,
    tracked: TrackedChanges | None = None,
) -> None:
    """Write a redline in the requested formats into `out` (each file atomically; nothing else in `out` is touched)."""
    from cgu.articles import Artifact
    from cgu.redline.compare import Redline
    from cgu.redline.render import (
        render_html_fragment,
        render_html_page,
        render_json,
        render_pdf,
    )
    from cgu.site.files import write_files

    assert isinstance(result, Redline)
    if theme is not None:
        from cgu.load.themes import ThemeFolder  # Jinja: only for an organism's theme, not for two files

        assert isinstance(theme, ThemeFolder)
    if tracked and any(ord(c) < 32 or 0xD800 <= ord(c) < 0xE000 or ord(c) in (0xFFFE, 0xFFFF) for c in tracked.author):
        from cgu.articles import SourceLocation
        from cgu.errors import CguError

        raise CguError.at(SourceLocation("--author"), "the author has a control character Word cannot store: remove it")
    render = {
        "html": lambda: render_html_page(result, title, theme).encode(),
        "fragment": lambda: render_html_fragment(result).encode(),
        "json": lambda: render_json(result).encode(),
        "pdf": lambda: render_pdf(result, title, out.parent, theme),
        "docx": lambda: _docx(result, title, tracked or TrackedChanges("cgu", _source_date())),
    }
    suffix = {"html": ".html", "fragment": ".fragment.html", "json": ".json", "pdf": ".pdf", "docx": ".docx"}
    write_files(out, [Artifact(stem + suffix[f], render[f]()) for f in formats])
    from cgu.errors import counted

    summary = (
        "only editorial changes" if result.editorial_only else f"{counted(len(result.substantive), 'article')} changed"
    )
    click.echo(f"{summary}; wrote {', '.join(stem + suffix[f] for f in formats)} into {out}")


def _docx(result: object, title: str, tracked: TrackedChanges) -> bytes:
    from cgu.redline.compare import Redline
    from cgu.redline.docx import render_docx

    assert isinstance(result, Redline)
    return render_docx(result, title, tracked.author, tracked.date)
