"""`cgu publish`: publish what members see (cgu/commands/publication.py), unless the previous publication into the
same folder was made of exactly the same things (cgu/site/unchanged.py): then the site is already what it would be.

This module stays light: a publication that changes nothing loads neither the project nor git nor a renderer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from cgu.errors import counted
from cgu.release.lifecycle import today


@dataclass(frozen=True)
class PublishReport:
    """What a publication wrote (or, `unchanged`, what the site it kept holds)."""

    files: int
    releases: int
    bundles: int
    unchanged: bool = False
    """Nothing a publication reads had changed since the previous one into this folder: nothing was written."""


def publish(
    root: Path, out: Path, jobs: int = 1, day: dt.date | None = None, progress: Callable[[str], None] | None = None
) -> PublishReport:
    """Build, add releases, index.json and bundles, then put the new site in place of `out` in one step (the writer's
    atomic replace, as a build); `progress` is told each stage and each document (one line each, in a fixed order).

    When the previous publication into `out` was made of the same content, history, day and cgu, and the site is
    still as it left it, nothing is loaded nor written (`progress` is told so)."""
    from cgu.site.unchanged import kept_publication, publication_inputs, remember_publication
    from cgu.site.writer import open_output

    tell = progress or (lambda line: None)
    on = day or today()
    root = root.resolve()
    with open_output(out, root, "published site") as site:
        made_of = publication_inputs(root, site.path, on)
        kept = kept_publication(made_of) if made_of is not None else None
        if kept is not None:
            tell("nothing changed since the previous publication into this folder (content, history, day, cgu): kept")
            return PublishReport(kept.files, kept.releases, kept.bundles, unchanged=True)
        from cgu.commands.publication import publish_into

        made = publish_into(root, site, jobs, on, tell)
        if made_of is not None:
            remember_publication(made_of, made.read_too, made.wrote)
        return PublishReport(made.wrote.files, made.wrote.releases, made.wrote.bundles)


def run_publish(project: Path, out: Path, jobs: int, day: str | None = None, quiet: bool = False) -> None:
    """`cgu publish`, for `day` (`--date`; default: SOURCE_DATE_EPOCH, else today); one line per stage and document
    on stderr unless `quiet`."""

    def progress(line: str) -> None:
        click.echo(f"publish: {line}", err=True)

    report = publish(project, out, jobs, today(day), None if quiet else progress)
    click.echo(
        f"published {counted(report.files, 'file')} ({counted(report.releases, 'release')}, "
        f"{counted(report.bundles, 'bundle')}) into {out}"
    )


def run_verify_bundle(bundle: Path) -> None:
    """`cgu verify-bundle`."""
    from cgu.site.bundles import verify_bundle

    click.echo(verify_bundle(bundle))
