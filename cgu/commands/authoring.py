"""Writer commands: `cgu init`, `cgu new`, `cgu impact`, `cgu vars`, `cgu export-cookies`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cgu.project import load_project

if TYPE_CHECKING:
    pass


def run_init(directory: Path, cgu_from: str | None, languages: tuple[str, ...] = ("fr",)) -> None:
    """`cgu init`: a new content repository, whose CI installs cgu from `cgu_from`, else from where this one came."""
    from cgu.authoring.scaffold import init_repository, installed_from

    source = cgu_from or installed_from()
    for path in init_repository(directory, dt.date.today().isoformat(), source, languages):
        click.echo(f"created {path}")
    if source is None:
        click.echo(
            f"warning: {directory / '.github/workflows/cgu.yml'}: this cgu was installed from a folder of this "
            "computer, which CI cannot reach, so the workflow's install step fails until it says where your team "
            "keeps cgu; edit that step, or run cgu init again with --cgu-from 'cgu @ git+https://...'",
            err=True,
        )
    if len(languages) > 1:
        click.echo(
            f"next: cd {directory}, write the translations (clauses/<id>.{languages[1]}.md and "
            f"organisms/mutuelle-exemple/organism.{languages[1]}.yaml) that 'cgu translations mutuelle-exemple' "
            "lists, then cgu build"
        )
        return
    click.echo(f"next: cd {directory} && cgu build")


def run_new_organism(project: Path, organism_id: str, base: str | None) -> None:
    """`cgu new organism`."""
    from cgu.authoring.scaffold import new_organism

    click.echo(f"created {new_organism(project, organism_id, base, dt.date.today().isoformat())}")


def run_new_clause(project: Path, clause_id: str) -> None:
    """`cgu new clause`."""
    from cgu.authoring.scaffold import new_clause

    click.echo(f"created {new_clause(project, clause_id)}")


def run_impact(project: Path, path: Path) -> None:
    """`cgu impact`: one line per affected document."""
    from cgu.authoring.impact import impact
    from cgu.builtin import BUILTIN_THEMES
    from cgu.errors import CguError
    from cgu.model import SourceLocation

    shown = path.as_posix()
    builtin = shown.startswith("themes/") and (BUILTIN_THEMES / shown.removeprefix("themes/")).exists()
    if not (path if path.is_absolute() else project / path).exists() and not builtin:
        raise CguError.at(
            SourceLocation(str(path)),
            f"no such file in the project {project}: give the path of a clause, organism or theme file "
            "from the project folder, for example clauses/cookies.md",
        )
    affected = impact(project, path)
    for organism_id, kind in affected:
        click.echo(f"{organism_id} {kind}")
    if not affected:
        click.echo(f"{path}: no document uses it")


def run_vars(project: Path, organism_id: str) -> None:
    """`cgu vars`: a table of variables."""
    from cgu.authoring.impact import variables

    for variable in variables(project, organism_id):
        used = ", ".join(variable.used_by) or "(unused)"
        source = f"  [source: {variable.source}]" if variable.source else ""
        click.echo(f"{variable.name:<40} {str(variable.defined):<40} {used}{source}")


def run_export_cookies(project: Path, organism_id: str, output_format: str, language: str | None = None) -> None:
    """`cgu export-cookies`: the banner configuration on standard output, in `language` (default: the source's)."""
    from cgu.errors import CguError, Problems
    from cgu.load.translations import organism_in_language
    from cgu.model import SourceLocation
    from cgu.render.cookie_banner import export_cookies

    loaded = load_project(project, organism_ids=(organism_id,), compose=False)
    if organism_id not in loaded.organisms:
        raise CguError.at(SourceLocation("organisms"), f"no organism {organism_id!r}")
    organism = loaded.organisms[organism_id]
    if language is not None and language not in organism.languages:
        raise CguError.at(
            organism.where("languages"),
            f"no language {language!r} for {organism_id}: its languages are {', '.join(organism.languages)}",
            organism_id,
        )
    if language not in (None, organism.source_language):
        problems = Problems()
        organism = organism_in_language(loaded.root, organism, language, problems)
        problems.raise_if_any()  # an untranslated purpose or duration: never exported in French instead
    click.echo(export_cookies(organism, output_format), nl=False)
