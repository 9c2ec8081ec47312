"""`cgu releases`, `cgu changelog`, `cgu verify-receipt`: what the history of a document says."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from cgu.errors import diagnostic_line
from cgu.model import Document
from cgu.project import Project, load_project

if TYPE_CHECKING:
    from cgu.release.book import ReleaseBook


def run_releases(project: Path, organism_id: str, kind: str) -> None:
    """`cgu releases`: one line per release, then whether the working tree is a draft."""
    from cgu.release.book import text_hash

    loaded, document, book = one_document(project, organism_id, kind)
    if book.unavailable:
        click.echo(f"history unavailable ({book.unavailable}): only the working tree can be shown", err=True)
    entry = book.of(document.organism.id, kind)
    for release in entry.releases:
        commit = release.commit[:10] if release.commit else "uncommitted"
        click.echo(
            f"{release.spec.version.isoformat()}  effective {release.spec.effective.isoformat()}  "
            f"{'material ' if release.spec.material else 'editorial'}  sha256 {release.sha256}  "
            f"{commit}  {release.spec.summary}"
        )
    done = entry.published
    if book.unavailable:
        state = "not compared with any release (no history)"
    elif not done:
        state = "draft (no release is committed yet)"
    elif entry.draft:
        state = f"draft (differs from the last committed release, {done[-1].spec.version.isoformat()})"
    else:
        state = "same as the last release"
    click.echo(f"working tree: sha256 {text_hash(document)}, {state}")
    for problem in entry.problems:
        click.echo(diagnostic_line(str(problem)), err=True)


def run_changelog(project: Path, organism_id: str, kind: str, output_format: str) -> None:
    """`cgu changelog`: releases newest first, with what changed in each."""
    from cgu.errors import CguError
    from cgu.model import SourceLocation
    from cgu.release.changelog import (
        changelog_entries,
        changelog_html,
        changelog_json,
        changelog_markdown,
    )

    loaded, document, book = one_document(project, organism_id, kind)
    if book.unavailable:
        raise CguError.at(
            SourceLocation(str(loaded.root)),
            f"history unavailable ({book.unavailable}): a changelog needs the git history",
        )
    entries = changelog_entries(list(book.of(document.organism.id, kind).releases))
    render = {"md": changelog_markdown, "html": changelog_html, "json": changelog_json}[output_format]
    click.echo(render(document.organism, kind, entries), nl=False)


def run_verify_receipt(project: Path, receipt: Path, day: str | None = None) -> None:
    """`cgu verify-receipt`, on `day` (`--date`; default: SOURCE_DATE_EPOCH, else today)."""
    from cgu.release.acceptance import verify_receipt
    from cgu.release.lifecycle import today

    click.echo(verify_receipt(project, receipt, today(day)))


def one_document(project: Path, organism_id: str, kind: str) -> tuple[Project, Document, ReleaseBook]:
    """The composed work-tree document of one organism (as composed, before any "Projet" mark), and its release book."""
    from cgu.errors import CguError
    from cgu.model import SourceLocation
    from cgu.release.book import read_book
    from cgu.release.history import History

    loaded = load_project(project, (organism_id,), (kind,))
    if not loaded.documents:
        raise CguError.at(SourceLocation(f"organisms/{organism_id}"), f"{organism_id} has no {kind} document")
    return loaded, loaded.documents[0], read_book(loaded, History(loaded.root))
