"""Whether each translation still translates its source (docs/languages.md): a clause translation against the
source clause file it records (`translates:`, a git blob id), an overlay's text facts against the organism file.

A source changed only in form since (the redline's classifier: typography, spacing, emphasis, numbering) leaves the
translation usable, with a warning; a change of substance blocks the language."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cgu.errors import CguError
from cgu.load.clauses import clause_from_text
from cgu.load.files import load_yaml, relative
from cgu.load.organisms import discover_organisms
from cgu.load.translations import overlay_path, read_overlay, read_translation, text_keys, value_at
from cgu.model import Clause, Organism, Problem, SourceLocation
from cgu.redline.classify import normalize
from cgu.rules.registry import RULES

if TYPE_CHECKING:
    from cgu.project import Project
    from cgu.release.history import History

FRESH, FORM, STALE, UNKNOWN, MISSING = "fresh", "stale (form only)", "stale", "unknown source", "missing"


def blob_id(data: bytes) -> str:
    """What `git hash-object` prints for a file's bytes (git's own object hash; git itself is not run)."""
    return hashlib.sha1(b"blob %d\x00" % len(data) + data, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class ClauseStatus:
    """One clause of an organism in one language: whether its translation still translates the source."""

    clause: str
    language: str
    status: str
    source: str
    """The source clause file."""
    translation: str
    """The translation file (which may not exist)."""
    old_text: str | None = None
    """The source as translated (title and body), when it could be read from git."""
    new_text: str = ""
    location: SourceLocation | None = None


def _text(clause: Clause) -> str:
    return f"{clause.title}\n\n{clause.body.strip()}\n"


def clause_statuses(root: Path, organism: Organism, sources: list[Clause], history: History) -> Iterator[ClauseStatus]:
    """The status of every clause of `sources` in every language of the organism after its source."""
    for clause in sources:
        source = root / clause.location.path
        current = blob_id(source.read_bytes())
        for language in organism.languages[1:]:
            shown = f"{clause.location.path.removesuffix('.md')}.{language}.md"
            if not (root / shown).is_file():
                yield ClauseStatus(clause.id, language, MISSING, clause.location.path, shown, new_text=_text(clause))
                continue
            try:
                translation = read_translation(root / shown, root)
            except CguError:
                continue  # reported when the project loads
            where = translation.location
            if translation.translates == current:
                yield ClauseStatus(clause.id, language, FRESH, clause.location.path, shown, location=where)
                continue
            old = history.blob(translation.translates) if history.available else None
            if old is None:
                yield ClauseStatus(clause.id, language, UNKNOWN, clause.location.path, shown, location=where)
                continue
            try:
                before = clause_from_text(old, clause.location.path, clause.id)
            except CguError:
                yield ClauseStatus(clause.id, language, STALE, clause.location.path, shown, old, _text(clause), where)
                continue
            same = normalize(_text(before)) == normalize(_text(clause))
            yield ClauseStatus(
                clause.id,
                language,
                FORM if same else STALE,
                clause.location.path,
                shown,
                _text(before),
                _text(clause),
                where,
            )


def fact_statuses(
    root: Path, organism: Organism, history: History
) -> Iterator[tuple[str, str, str, str, SourceLocation]]:
    """(organism file, language, dotted key, status, where) of every text fact an overlay translates whose source
    value changed since."""
    files = discover_organisms(root)
    for member in organism.chain:
        organism_file = relative(files[member], root)
        current_bytes = (root / organism_file).read_bytes()
        current, _ = load_yaml(current_bytes.decode("utf-8", errors="replace"), organism_file)
        for language in organism.languages[1:]:
            try:
                overlay = read_overlay(root, organism_file, language)
            except CguError:
                continue  # reported when the project loads
            if overlay is None or overlay.translates == blob_id(current_bytes):
                continue
            old_text = history.blob(overlay.translates) if history.available else None
            if old_text is None:
                yield organism_file, language, "translates", UNKNOWN, overlay.where("translates")
                continue
            try:
                old, _ = load_yaml(old_text, organism_file)
            except CguError:
                old = {}
            for path in text_keys(dict(overlay.data)):
                before, after = value_at(old, path), value_at(current, path)
                if before == after:
                    continue
                same = isinstance(before, str) and isinstance(after, str) and normalize(before) == normalize(after)
                yield organism_file, language, path, FORM if same else STALE, overlay.where(path)


def translation_problems(
    loaded: Project, history: History, released: Mapping[str, Mapping[str, tuple[str, ...]]] | None = None
) -> list[Problem]:
    """Stale translations and overlays of every organism that declares more than one language, as `cgu check` reports
    them (missing ones are reported when the project loads: a language is never composed without them).

    `released`: organism id -> kind -> clauses, for each document whose working-tree text is being released (not a
    draft), as the run's release book knows it (`cgu.commands.check.being_released`); none when omitted.

    A translation that lags behind a draft is the translator's next task (a warning: that language cannot be released
    yet); one that lags behind a text being released would release two versions that say different things (an error:
    `cgu release` declares, then refuses and restores the file, and a release declared by hand fails the check)."""
    from cgu.compose.composer import Composer
    from cgu.errors import Problems

    composer = Composer(loaded.root, loaded.library, Problems())
    problems: list[Problem] = []
    for organism in loaded.organisms.values():
        if organism.abstract or len(organism.languages) < 2:
            continue
        being = (released or {}).get(organism.id, {})
        for clause_status in clause_statuses(loaded.root, organism, used_clauses(composer, organism), history):
            at = [kind for kind, clauses in being.items() if clause_status.clause in clauses]
            problems += _clause_problem(clause_status, organism, history.available, at)
        for source, language, path, status, where in fact_statuses(loaded.root, organism, history):
            problems.append(
                _fact_problem(organism, source, language, path, status, where, history.available, sorted(being))
            )
    return problems


def used_clauses(composer: Any, organism: Organism) -> list[Clause]:
    """The clause files an organism's documents are made of, in document order, each once."""
    seen: dict[str, Clause] = {}
    for spec in organism.documents.values():
        for clause_id in spec.clauses:
            clause = composer.clause_for(organism, clause_id)
            if clause is not None and clause.location.path not in seen:
                seen[clause.location.path] = clause
    return list(seen.values())


def _clause_problem(
    status: ClauseStatus, organism: Organism, available: bool = True, released: Sequence[str] = ()
) -> list[Problem]:
    where = status.location or SourceLocation(status.translation)
    update = f"update it, then set 'translates' to the output of 'git hash-object {status.source}'"
    if status.status == FORM:
        return [
            RULES["translation-stale-form"].problem(
                where, f"{status.source} changed in form only since this translation; {update}", organism.id
            )
        ]
    if status.status == STALE:
        return [
            _stale(
                where,
                f"{status.source} changed in substance since this translation",
                status.language,
                organism.id,
                released,
                f"('cgu translations {organism.id}' shows what changed); {update}",
            )
        ]
    if status.status == UNKNOWN:
        return [
            _unknown_source(
                where,
                status.source,
                organism.id,
                available,
                changed="what changed",
                check="the translation against the source",
                commit="the source",
                translated=" for the version you translated",
            )
        ]
    return []


def _fact_problem(
    organism: Organism,
    source: str,
    language: str,
    path: str,
    status: str,
    where: SourceLocation,
    available: bool = True,
    released: Sequence[str] = (),
) -> Problem:
    if status == UNKNOWN:
        return _unknown_source(
            where, source, organism.id, available, changed="which text facts changed", check="the overlay", commit="it"
        )
    update = f"update it, then set 'translates' to the output of 'git hash-object {source}'"
    changed = f"'{path}' changed in substance in {source} since this {language} translation"
    if status == FORM:
        return RULES["translation-stale-form"].problem(
            where,
            f"'{path}' changed in form only in {source} since this {language} translation "
            f"({overlay_path(source, language)}); {update}",
            organism.id,
        )
    return _stale(where, changed, language, organism.id, released, f"({overlay_path(source, language)}); {update}")


def _unknown_source(
    where: SourceLocation,
    source: str,
    organism: str,
    available: bool,
    *,
    changed: str,
    check: str,
    commit: str,
    translated: str = "",
) -> Problem:
    """`translates` names no version of `source` that git holds: without git history a warning that cgu cannot tell
    `changed`, with it an error (the version translated was never committed)."""
    hash_it = f"set 'translates' to the output of 'git hash-object {source}'"
    if not available:
        return RULES["translation-unverified"].problem(
            where,
            f"{source} is not the version this translation records, and without git history cgu cannot tell "
            f"{changed}: check {check}, then {hash_it}",
            organism,
        )
    return RULES["translation-unknown-source"].problem(
        where,
        f"'translates' names no version of {source} this git repository holds: commit {commit}, then {hash_it}"
        f"{translated}",
        organism,
    )


def _stale(
    where: SourceLocation, changed: str, language: str, organism: str, released: Sequence[str], then: str
) -> Problem:
    """A translation behind a substantive change: an error where the source text is being released, else a warning."""
    if released:
        kinds = " and ".join(released)
        return RULES["translation-stale"].problem(
            where,
            f"{changed}, and the {kinds} is released in this state: its {language} version would say something "
            f"else; take that release out of the organism file, or update the translation {then}",
            organism,
        )
    return RULES["translation-behind"].problem(
        where, f"{changed}: the {language} documents cannot be released until it is updated {then}", organism
    )
