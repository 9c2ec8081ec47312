"""`cgu check`: validate and compose everything, run the legal rules and the release checks, write nothing."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cgu.compose.composer import Composer
from cgu.errors import Problems, counted, diagnostic_line
from cgu.model import Organism, Problem
from cgu.project import Project, load_project
from cgu.rules.registry import RULES

if TYPE_CHECKING:
    from collections.abc import Callable

    from cgu.release.book import ReleaseBook


def run_check(
    project: Path, output_format: str = "text", legal: bool = True, day: str | None = None, strict: bool = False
) -> None:
    """`cgu check`: validate and compose everything, run the legal rules, write nothing; `strict`: warnings fail too.

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
    if strict:  # a clause kept aside is fine day to day; a strict check wants every clause checked and published
        findings = sorted([*findings, *unused_clauses(loaded)], key=_order)
    errors = [f for f in findings if f.severity == "error"]
    if output_format == "json":
        click.echo(as_json(findings))
    else:
        for finding in findings:
            click.echo(diagnostic_line(str(finding)), err=True)
    if errors:
        raise CguError([])  # every finding is printed above
    if strict and findings:
        if output_format != "json":
            fail = counted(len(findings), "warning fails", "warnings fail")
            click.echo(f"{fail} the check under --strict: fix each one above", err=True)
        raise CguError([])
    if output_format != "json":
        click.echo(
            f"ok: {counted(len(built), 'organism')}, {counted(len(loaded.documents), 'document')}, "
            f"{counted(len(findings), 'warning')}, {counted(len(waived), 'finding')} waived with a justification"
        )


def project_findings(
    loaded: Project, legal: bool = True, book: ReleaseBook | None = None
) -> tuple[list[Problem], list[Problem]]:
    """Everything `cgu check` reports on a loaded project, sorted, and the findings waived with a justification.

    The one list of what the toolchain refuses: `cgu build` and `cgu publish` refuse the same errors, with the same
    messages (see `refuse_errors`). What the content itself gives (rules, unused variables, fonts, theme pages) is
    kept in the project's cache under a hash of every input it reads, so that a check then a build, or a second
    check, of the same content finds it once; the releases' problems (git history) are read every run.
    """
    from cgu.errors import merge_organisms

    made_of = _findings_inputs(loaded, legal)
    kept = loaded.cache.findings(made_of) if loaded.cache is not None and made_of is not None else None
    if kept is None:
        kept = _content_findings(loaded, legal)
        if loaded.cache is not None and made_of is not None:
            loaded.cache.keep_findings(made_of, kept)
    problems, book = release_problems(loaded, book)
    findings = [*kept["organisms"], *problems, *kept["pages"]]
    if any(len(o.languages) > 1 for o in loaded.organisms.values()):  # git is read only when there are translations
        from cgu.release.history import History
        from cgu.rules.translations import translation_problems

        # from git, every run (like the releases'), against the releases just read
        findings += translation_problems(loaded, History(loaded.root), being_released(loaded, book))
    return sorted(merge_organisms(findings), key=_order), list(kept["waived"])


def _content_findings(loaded: Project, legal: bool) -> dict[str, tuple[Problem, ...]]:
    """The findings of the content: each organism's (legal rules, unused variables), its documents' pages'."""
    from cgu.rules.review import check_organism

    findings: list[Problem] = []
    waived: list[Problem] = []
    composer = Composer(loaded.root, loaded.library, Problems())  # one for all organisms: each clause folder read once
    for organism in [o for o in loaded.organisms.values() if not o.abstract] if legal else []:
        found, silenced = check_organism(organism, [d for d in loaded.documents if d.organism.id == organism.id])
        findings += found + unused_variables(loaded, organism, composer)
        waived += silenced
        for language in organism.languages[1:]:  # the legal checks read each language's own text and facts
            translated = [d for d in loaded.translations if d.organism.id == organism.id and d.language == language]
            if translated:
                found, silenced = check_organism(translated[0].organism, translated, text_only=True)
                findings += [replace(f, message=f"{f.message} (in {language})") for f in found if f not in findings]
                waived += silenced
    pages = missing_glyphs_everywhere(loaded) + theme_problems(loaded)
    return {"organisms": tuple(findings), "pages": tuple(pages), "waived": tuple(waived)}


def _findings_inputs(loaded: Project, legal: bool) -> str | None:
    """A hash of everything `_content_findings` reads: the organisms and the composed documents (facts, locations,
    articles, draft marks), every file of the clause and organism folders, of the themes (the built-in one, whose
    templates a theme falls back to, included) and the logos, cgu's code and libraries (the cache's fingerprint) and
    fontTools' version. None when a file cannot be read (then nothing is kept)."""
    from importlib.metadata import PackageNotFoundError, version

    from cgu.builtin import BUILTIN_THEMES
    from cgu.release.cache import content_digest
    from cgu.release.signing import files_digest

    if loaded.cache is None:
        return None
    try:
        fonts = version("fonttools")
    except PackageNotFoundError:
        fonts = "none"
    logos = sorted({o.theme.logo for o in loaded.organisms.values() if o.theme.logo})  # a logo may be anywhere
    folders = [loaded.root / "clauses", loaded.root / "organisms", BUILTIN_THEMES]
    folders += [theme.path for _, theme in sorted(loaded.themes.items())]
    real = [Path(os.path.realpath(f)) for f in folders]  # a checkout's themes/ is also the built-in one: read once
    folders = [f for f, r in zip(folders, real, strict=True) if not any(r != o and r.is_relative_to(o) for o in real)]
    folders = list(dict.fromkeys(folders))
    try:
        return content_digest(
            [
                legal,
                str(loaded.root),
                fonts,
                files_digest(folders + [loaded.root / logo for logo in logos]),
                [(theme.name, str(theme.path)) for theme in loaded.themes.values()],
                list(loaded.organisms.values()),
                list(loaded.documents),
                list(loaded.translations),
            ]
        )
    except OSError:
        return None


def _order(problem: Problem) -> tuple[str, int, str, str]:
    return (problem.location.path, problem.location.line or 0, problem.rule or "", problem.message)


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


ALWAYS_USED = {
    "id",
    "extends",
    "abstract",
    "country",
    "theme",
    "documents",
    "waivers",
    "extra",
    "language",
    "languages",
    "sources",
    "sources_required",
    "roles",
}
"""Keys the toolchain itself reads; every other top-level key must be read by some clause of the organism's
documents."""


def unused_variables(loaded: Project, organism: Organism, composer: Composer | None = None) -> list[Problem]:
    """Warnings for organism variables that no clause of its documents reads (rule `unused-variable`)."""
    from cgu.authoring.impact import readers

    used = readers(organism, composer or Composer(loaded.root, loaded.library, Problems()), loaded.cache)
    return [
        RULES["unused-variable"].problem(
            organism.where(key), f"'{key}' is defined but no clause of its documents uses it", organism.id
        )
        for key in organism.data
        if key not in ALWAYS_USED and key not in used
    ]


def unused_clauses(loaded: Project) -> list[Problem]:
    """Warnings for clause files that no document lists (rule `unused-clause`, under `--strict`): never checked, never
    published. A clause of the starter library exactly as cgu ships it (what `cgu init` copies) is a clause in reserve,
    not forgotten work."""
    from cgu.builtin import STARTER_CLAUSES
    from cgu.load.translations import is_translation_file
    from cgu.model import SourceLocation

    used = {article.source.path for document in loaded.documents for article in document.articles}
    files = [clause.location.path for clause in loaded.library.values()]
    for organism in loaded.organisms.values():
        own = f"organisms/{organism.id}/clauses"  # an organism's own variants (a base's are listed by the base)
        if own in organism.clause_dirs:
            files += [
                p.relative_to(loaded.root).as_posix()
                for p in sorted((loaded.root / own).glob("*.md"))
                if not is_translation_file(p) and not p.name.startswith(".")  # a translation is its clause's
            ]

    def in_reserve(path: str) -> bool:
        shipped = STARTER_CLAUSES / Path(path).name
        return (
            path.startswith("clauses/")
            and shipped.is_file()
            and shipped.read_bytes() == (loaded.root / path).read_bytes()
        )

    return [
        RULES["unused-clause"].problem(
            SourceLocation(path, 1),
            f"no document lists the clause '{Path(path).stem}': add it to a document's 'clauses' or delete the file",
        )
        for path in sorted(set(files) - used)
        if not in_reserve(path)
    ]


def missing_glyphs_everywhere(loaded: Project) -> list[Problem]:
    """Characters of each composed document that its theme's fonts cannot draw (rule `font-missing-glyph`)."""
    from cgu.render.fonts import missing_glyphs

    return [p for d in loaded.documents for p in missing_glyphs(loaded.root, d, loaded.themes[d.organism.theme.name])]


def theme_problems(loaded: Project) -> list[Problem]:
    """What the themes' templates refuse (an unknown name, an unsafe attribute, a file outside the theme).

    Found as `cgu build` finds it: each document's page rendered for the HTML and for the PDF (before WeasyPrint),
    its changelog and redline pages (on its working-tree text), and the index."""
    from functools import partial

    from cgu.errors import CguError
    from cgu.release.changelog import rehearsed_pages
    from cgu.render.html import render_page
    from cgu.site.paths import artifact_path
    from cgu.site.writer import index_page

    pages: list[Callable[[], object]] = [
        partial(render_page, d, loaded.themes[d.organism.theme.name], mode, loaded.root)
        for d in loaded.documents
        for mode in ("html", "pdf")
    ]
    present = {artifact_path(d.organism, d.kind, suffix) for d in loaded.documents for suffix in (".html", ".pdf")}
    problems: list[Problem] = []
    pages += [partial(rehearsed_pages, d, loaded.themes[d.organism.theme.name]) for d in loaded.documents]
    pages.append(partial(index_page, loaded, present))
    for page in pages:
        try:
            page()
        except CguError as failure:
            # one message per template line (a page rendered twice, with and without the preview's values)
            problems += [p for p in failure.problems if p.location not in {q.location for q in problems}]
    return problems


def being_released(loaded: Project, book: ReleaseBook | None) -> dict[str, dict[str, tuple[str, ...]]]:
    """Organism id -> kind -> clauses of each multilingual organism's documents whose working-tree text is their
    newest release, sealed (not a draft): as the run's release book read them, nothing composed or hashed again
    (nothing without a book: no release declared, or no history)."""
    released: dict[str, dict[str, tuple[str, ...]]] = {}
    if book is None:
        return released
    for organism in loaded.organisms.values():
        if organism.abstract or len(organism.languages) < 2:
            continue
        for kind, spec in organism.documents.items():
            entry = book.of(organism.id, kind)
            newest = entry.releases[-1] if entry.releases else None
            if newest is None or not spec.releases or newest.spec != spec.releases[-1]:
                continue  # no release, or the newest declared one could not be read (its own problem says why)
            # Not yet committed, its text is the working tree's; committed, the working tree is no draft of it.
            if newest.spec.sha256 == newest.sha256 and (newest.commit is None or not entry.draft):
                released.setdefault(organism.id, {})[kind] = tuple(spec.clauses)
    return released


def release_problems(loaded: Project, book: ReleaseBook | None = None) -> tuple[list[Problem], ReleaseBook | None]:
    """Problems of every declared release (immutability, notice period), or a note that history is unavailable; and
    the release book they come from (None when no document declares a release, or history cannot be read).

    `book`: the releases a build already read (a check reads them itself, once)."""
    from cgu.release.book import read_book
    from cgu.release.history import History

    with_releases = [d for d in loaded.documents if d.organism.documents[d.kind].releases]
    if not with_releases:
        return [], book
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
        ], None
    if book is not None:
        return list(book.problems), book  # the build says itself that history is unavailable or shallow
    assert history is not None
    if not history.available:
        click.echo(
            f"history unavailable ({history.unavailable}): building the working tree; "
            "release checks (immutability, notice period) skipped",
            err=True,
        )
        return [], None
    if history.shallow:
        click.echo(
            "warning: shallow git clone; releases declared in commits that were not fetched cannot be checked "
            "(fetch the full history: git fetch --unshallow)",
            err=True,
        )
    book = read_book(loaded, history, with_releases)
    return list(book.problems), book
