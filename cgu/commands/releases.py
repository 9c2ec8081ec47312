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
    if any(problem.severity == "error" for problem in entry.problems):
        from cgu.errors import CguError

        raise CguError([])  # an invalid release: each problem is printed above, CI must not go on


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
    from cgu.release.lifecycle import today

    entries = changelog_entries(list(book.of(document.organism.id, kind).releases), today())
    if output_format == "html":
        page = changelog_html(document.organism, kind, entries, loaded.themes.get(document.organism.theme.name))
    else:
        page = {"md": changelog_markdown, "json": changelog_json}[output_format](document.organism, kind, entries)
    click.echo(page, nl=False)


def run_verify_receipt(project: Path, receipt: Path, day: str | None = None, ledger: Path | None = None) -> None:
    """`cgu verify-receipt`, on `day` (`--date`; default: SOURCE_DATE_EPOCH, else today): with `ledger` (the
    published site, or its published.json), a release is published from the day the site first carried it, exactly
    as the site's pages and versions.json say; without, from the git history's dates."""
    from cgu.release.acceptance import verify_receipt
    from cgu.release.lifecycle import today
    from cgu.site.ledger import ledger_file, told_by

    on = today(day)
    told = told_by(ledger_file(ledger, on), on, entering=False) if ledger is not None else None
    click.echo(verify_receipt(project, receipt, on, told))


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
