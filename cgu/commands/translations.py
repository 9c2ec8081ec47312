"""`cgu translations ORGANISM`: each clause of its documents, its languages and whether each translation is fresh,
stale or missing; for a stale one, the redline of the source since the translated version (what to update)."""

from __future__ import annotations

from pathlib import Path

import click

from cgu.errors import CguError, Problems
from cgu.model import DELETE, INSERT, SourceLocation


def run_translations(project: Path, organism_id: str) -> None:
    """Print the translation status of every clause of one organism; exit 1 when a language is not publishable."""
    from cgu.compose.composer import Composer
    from cgu.project import load_project
    from cgu.redline.compare import word_diff
    from cgu.release.history import History
    from cgu.rules.translations import FORM, FRESH, STALE, clause_statuses, fact_statuses, used_clauses

    loaded = load_project(project, organism_ids=(organism_id,), compose=False)
    organism = loaded.organisms[organism_id]
    if len(organism.languages) < 2:
        raise CguError.at(
            organism.where("languages"),
            f"{organism_id} is published in {organism.languages[0]} only: declare its languages "
            "(languages: [fr, nl]) to translate it",
        )
    history = History(loaded.root)
    sources = used_clauses(Composer(loaded.root, loaded.library, Problems()), organism)
    blocking = False
    click.echo(f"{organism_id}: source {organism.languages[0]}, translations {', '.join(organism.languages[1:])}")
    for status in clause_statuses(loaded.root, organism, sources, history):
        blocking |= status.status not in (FRESH, FORM)
        click.echo(f"{status.clause} [{status.language}] {status.status}: {status.translation}")
        if status.status in (STALE, FORM) and status.old_text is not None:
            click.echo(f"  changes in {status.source} since the translated version ([-removed-] {{+added+}}):")
            marked = "".join(
                f"[-{text}-]" if op == DELETE else f"{{+{text}+}}" if op == INSERT else text
                for op, text in word_diff(status.old_text, status.new_text)
            )
            for line in marked.strip().split("\n"):
                click.echo(f"    {line}")
    for source, language, path, status_name, where in fact_statuses(loaded.root, organism, history):
        blocking |= status_name != FORM
        click.echo(f"{source} [{language}] {status_name}: '{path}' ({where})")
    if blocking:
        raise CguError.at(
            SourceLocation(organism.location.path),
            "some translations are stale or missing: the languages above cannot be released until they are updated",
            organism_id,
        )
