"""`cgu review FILE.docx`: the tracked changes and comments of a reviewed DOCX, listed, as a patch, or applied."""

from __future__ import annotations

from pathlib import Path

import click

from cgu.errors import CguError
from cgu.model import SourceLocation


def run_review(project: Path, path: Path, show_patch: bool, write: bool) -> None:
    """List every change and comment with its author, date, article and source; `--patch` or `--apply` the edits."""
    from cgu.authoring.review import apply, article_of, patch, read_docx, review
    from cgu.project import load_project

    identifier, _, _ = read_docx(path)
    organism_id, _, rest = identifier.removeprefix("cgu:").partition("/")
    kind, _, version = rest.partition("@")
    known = load_project(project, compose=False).organisms
    document = None
    if organism_id in known and kind in known[organism_id].documents:
        loaded = load_project(project, organism_ids=(organism_id,), kinds=(kind,))
        document = next((d for d in loaded.documents if d.organism.id == organism_id and d.kind == kind), None)
    if document is None:
        raise CguError.at(
            SourceLocation(str(path)),
            f"was built for {organism_id} {kind}, which this project ({project}) does not build: "
            "run cgu review from the project the DOCX came from, or give it with --project",
        )
    result = review(path, document, loaded.root)
    if document.version.isoformat() != version:
        click.echo(
            f"note: {path} holds the version of {version}; the clauses now make the version of "
            f"{document.version.isoformat()}: check the changes below against the current text",
            err=True,
        )
    for revision in result.revisions:
        article = article_of(document, revision.article)
        where = article.heading if article else "before the first article"
        source = result.sources.get(revision.paragraph) or (str(article.source.path) if article else "-")
        click.echo(
            f"{revision.kind} by {revision.author} on {revision.date or '?'} in {where} ({source}): {revision.text!r}"
        )
    for unmapped in result.unmapped:
        article = next((a for a in document.articles if a.id == unmapped.article), None)
        where = article.heading if article else "the document"
        click.echo(f"not mapped, in {where}: {unmapped.reason}", err=True)
    if not result.revisions:
        click.echo(f"{path}: no tracked change and no comment")
    if show_patch:
        click.echo(patch(result, loaded.root), nl=False)
    if write:
        for changed in apply(result, loaded.root):
            click.echo(f"updated {changed}")
        if result.unmapped:
            raise click.exceptions.Exit(1)
