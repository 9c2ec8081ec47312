"""`cgu check`: validate and compose everything, run the legal rules and the release checks, write nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from cgu.compose.composer import Composer
from cgu.errors import Problems, diagnostic_line
from cgu.model import Organism, Problem
from cgu.project import Project, load_project
from cgu.rules.registry import RULES

if TYPE_CHECKING:
    from cgu.release.book import ReleaseBook


def run_check(project: Path, output_format: str = "text", legal: bool = True, day: str | None = None) -> None:
    """`cgu check`: validate and compose everything, run the legal rules, write nothing.

    `--date` is accepted (and validated) so that CI passes the same day to every command; no rule depends on it: a
    release is checked against its own dates and its commit's, whatever the day.
    """
    import json

    from cgu.errors import CguError
    from cgu.release.lifecycle import today

    today(day)

    def as_json(problems: list[Problem]) -> str:
        return json.dumps(
            [
                {
                    "path": f.location.path,
                    "line": f.location.line,
                    "rule": f.rule,
                    "severity": f.severity,
                    "message": f.message,
                    "organism": f.organism,
                }
                for f in problems
            ],
            ensure_ascii=False,
            indent=1,
        )

    from cgu.release.cache import ReleaseCache
    from cgu.release.history import History

    try:
        loaded = load_project(project, cache=ReleaseCache.in_git_folder(History(project).git_folder))
    except CguError as failure:
        if output_format != "json":
            raise
        click.echo(as_json(list(failure.problems)))  # CI annotations need the load errors too, on stdout
        raise CguError([]) from None
    built = [o for o in loaded.organisms.values() if not o.abstract]
    findings, waived = project_findings(loaded, legal)
    errors = [f for f in findings if f.severity == "error"]
    if output_format == "json":
        click.echo(as_json(findings))
    else:
        for finding in findings:
            click.echo(diagnostic_line(str(finding)), err=True)
    if errors:
        raise CguError([])  # every finding is printed above
    if output_format != "json":
        click.echo(
            f"ok: {len(built)} organisms, {len(loaded.documents)} documents, "
            f"{len(findings)} warnings, {len(waived)} findings waived with a justification"
        )


def project_findings(
    loaded: Project, legal: bool = True, book: ReleaseBook | None = None
) -> tuple[list[Problem], list[Problem]]:
    """Everything `cgu check` reports on a loaded project, sorted, and the findings waived with a justification.

    The one list of what the toolchain refuses: `cgu build` and `cgu publish` refuse the same errors, with the same
    messages (see `refuse_errors`).
    """
    from cgu.errors import merge_organisms
    from cgu.rules.review import check_organism

    findings: list[Problem] = []
    waived: list[Problem] = []
    composer = Composer(loaded.root, loaded.library, Problems())  # one for all organisms: each clause folder read once
    for organism in [o for o in loaded.organisms.values() if not o.abstract] if legal else []:
        found, silenced = check_organism(organism, [d for d in loaded.documents if d.organism.id == organism.id])
        findings += found + unused_variables(loaded, organism, composer)
        waived += silenced
    findings += release_problems(loaded, book)
    findings += missing_glyphs_everywhere(loaded)
    findings += theme_problems(loaded)
    findings = sorted(
        merge_organisms(findings), key=lambda p: (p.location.path, p.location.line or 0, p.rule or "", p.message)
    )
    return findings, waived


def refuse_errors(loaded: Project, book: ReleaseBook | None = None) -> None:
    """Stop a command before it writes anything if `cgu check` would fail: print its errors, exit 1.

    `loaded` and `book` are what the command already loaded and read: nothing is composed twice.
    Warnings are left to `cgu check`; a draft (an unreleased change) is not an error and still builds, marked "Projet".
    """
    from cgu.errors import CguError

    errors = [f for f in project_findings(loaded, True, book)[0] if f.severity == "error"]
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        raise CguError([])  # every error is printed above, exactly as `cgu check` prints it


ALWAYS_USED = {"id", "extends", "abstract", "country", "theme", "documents", "waivers", "extra", "language"}
"""Keys the toolchain itself reads; every other top-level key must be read by some clause of the organism's
documents."""


def unused_variables(loaded: Project, organism: Organism, composer: Composer | None = None) -> list[Problem]:
    """Warnings for organism variables that no clause of its documents reads (rule `unused-variable`)."""
    from cgu.authoring.impact import readers

    used = readers(loaded.root, organism, composer or Composer(loaded.root, loaded.library, Problems()))
    return [
        RULES["unused-variable"].problem(
            organism.where(key), f"'{key}' is defined but no clause of its documents uses it", organism.id
        )
        for key in organism.data
        if key not in ALWAYS_USED and key not in used
    ]


def missing_glyphs_everywhere(loaded: Project) -> list[Problem]:
    """Characters of each composed document that its theme's fonts cannot draw (rule `font-missing-glyph`)."""
    from cgu.render.fonts import missing_glyphs

    return [p for d in loaded.documents for p in missing_glyphs(loaded.root, d, loaded.themes[d.organism.theme.name])]


def theme_problems(loaded: Project) -> list[Problem]:
    """What the themes' templates refuse (an unknown name, an unsafe attribute, a file outside the theme).

    Found as `cgu build` finds it: each document's page rendered for the HTML and for the PDF (before WeasyPrint),
    and the index."""
    from functools import partial

    from cgu.errors import CguError
    from cgu.render.html import render_page
    from cgu.site.paths import artifact_path
    from cgu.site.writer import index_page

    pages = [
        partial(render_page, d, loaded.themes[d.organism.theme.name], mode, loaded.root)
        for d in loaded.documents
        for mode in ("html", "pdf")
    ]
    present = {artifact_path(d.organism, d.kind, suffix) for d in loaded.documents for suffix in (".html", ".pdf")}
    problems: list[Problem] = []
    for page in [*pages, partial(index_page, loaded, present)]:
        try:
            page()
        except CguError as failure:
            problems += [p for p in failure.problems if p not in problems]
    return problems


def release_problems(loaded: Project, book: ReleaseBook | None = None) -> list[Problem]:
    """Problems of every declared release (immutability, notice period), or a note that history is unavailable.

    `book`: the releases a build already read (a check reads them itself)."""
    from cgu.release.book import read_book
    from cgu.release.history import History

    with_releases = [d for d in loaded.documents if d.organism.documents[d.kind].releases]
    if not with_releases:
        return []
    history = History(loaded.root) if book is None else None
    unavailable = history.unavailable if history is not None else book.unavailable if book is not None else None
    if unavailable == "the git repository has no commits yet":
        return [
            RULES["release-no-commits"].problem(
                spec.location,
                f"release {spec.version.isoformat()} of the {d.kind} is declared but the "
                "repository has no commits: commit the content to publish it",
                d.organism.id,
            )
            for d in with_releases
            for spec in d.organism.documents[d.kind].releases
        ]
    if book is not None:
        return list(book.problems)  # the build says itself that history is unavailable or shallow
    assert history is not None
    if not history.available:
        click.echo(
            f"history unavailable ({history.unavailable}): building the working tree; "
            "release checks (immutability, notice period) skipped",
            err=True,
        )
        return []
    if history.shallow:
        click.echo(
            "warning: shallow git clone; releases declared in commits that were not fetched cannot be checked "
            "(fetch the full history: git fetch --unshallow)",
            err=True,
        )
    return list(read_book(loaded, history, with_releases).problems)
