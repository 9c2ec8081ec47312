"""The project: everything loaded and composed from a content repository, once per run; the one way to load."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cgu.compose.composer import Composer
from cgu.errors import CguError, Problems
from cgu.load.clauses import load_clauses
from cgu.load.organisms import discover_organisms, load_organisms
from cgu.load.themes import ThemeFolder, find_theme
from cgu.load.translations import organism_in_language
from cgu.model import (
    DOCUMENT_KINDS,
    Clause,
    ClauseTranslation,
    Document,
    Organism,
    Problem,
    SourceLocation,
)
from cgu.release.cache import ReleaseCache, inputs_digest


@dataclass(frozen=True)
class Project:
    """Everything loaded and composed from a content repository, validated."""

    root: Path
    organisms: dict[str, Organism]
    documents: tuple[Document, ...]
    themes: dict[str, ThemeFolder]
    library: dict[str, Clause] = field(default_factory=dict)
    translations: tuple[Document, ...] = ()
    """The documents in each language their organism declares after its source (docs/languages.md)."""
    cache: ReleaseCache | None = field(default=None, compare=False)
    """The persistent cache the run loaded with (None: every run computes everything)."""


@dataclass
class Timings:
    """Seconds spent per stage, for `--timings` and benchmarks."""

    stages: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, since: float) -> None:
        self.stages[stage] = self.stages.get(stage, 0.0) + time.perf_counter() - since


def load_project(
    root: Path,
    organism_ids: tuple[str, ...] = (),
    kinds: tuple[str, ...] = DOCUMENT_KINDS,
    timings: Timings | None = None,
    select: Callable[[Organism, str], bool] | None = None,
    compose: bool = True,
    cache: ReleaseCache | None = None,
    translate: bool | tuple[str, ...] = True,
) -> Project:
    """Load and validate everything, compose the selected documents; raise one CguError listing every problem.

    The documents are those of `kinds` of the organisms named (every concrete one when none is), or, given `select`
    (a pure predicate, no side effects), those of `kinds` it accepts among every concrete organism. `compose=False`
    loads and validates without composing (for commands that only read the facts). Given a `cache`, a document
    whose inputs are those of an earlier run is read from it instead of composed again. `translate=False` composes
    the source language only (a past release's source text); a tuple of languages, only those translations.
    """
    start = time.perf_counter()
    root = root.resolve()
    problems = Problems()
    if not (root / "organisms").is_dir() or not (root / "clauses").is_dir():
        raise CguError.at(
            SourceLocation(str(root)),
            "not a cgu project: it needs 'clauses/' and 'organisms/' folders (use --project DIR)",
        )
    library = load_clauses(root / "clauses", root, problems)
    organisms = load_organisms(root, problems)
    for organism_id in organism_ids:
        if organism_id not in organisms and organism_id not in discover_organisms(
            root
        ):  # a broken file is reported by itself
            problems.add(
                SourceLocation("organisms"), f"no organism {organism_id!r}; known: {', '.join(sorted(organisms))}"
            )
    composer = Composer(root, library, problems)
    documents: list[Document] = []
    translations: list[Document] = []
    themes: dict[str, ThemeFolder] = {}
    for organism in selected_organisms(organisms, () if select else organism_ids):
        chosen = [k for k in kinds if k in organism.documents and (select is None or select(organism, k))]
        if select is not None and not chosen:
            continue
        if organism.theme.name not in themes:
            try:
                themes[organism.theme.name] = find_theme(root, organism.theme.name)
            except CguError as exc:
                problems.extend(
                    Problem(
                        organism.where("theme.name") if p.location.path == "themes" else p.location,
                        p.message,
                        organism.id,
                    )
                    for p in exc.problems
                )  # a missing theme is the organism's mistake; a broken file, the theme's
                continue
        for kind in chosen if compose else ():
            document = _compose(composer, organism, kind, cache)
            if document is not None:
                documents.append(document)
        wanted = [x for x in organism.languages[1:] if translate is True or (translate and x in translate)]
        for language in wanted if compose else ():
            translated = organism_in_language(root, organism, language, problems)
            for kind in chosen if compose else ():
                document = _compose(composer, translated, kind, cache)
                if document is not None:
                    translations.append(document)
    problems.raise_if_any()
    if timings:
        timings.add("load+compose", start)
    return Project(root, organisms, tuple(documents), themes, library, tuple(translations), cache)


def _compose(composer: Composer, organism: Organism, kind: str, cache: ReleaseCache | None) -> Document | None:
    """One document, from the cache when its organism and clauses (and, in another language than the source, their
    translations) are exactly those of a composition kept earlier."""
    if cache is None:
        return composer.compose(organism, kind)
    spec = organism.documents[kind]
    language = organism.language or organism.source_language
    clauses = [composer.clause_for(organism, c) for c in spec.clauses]
    made: list[Clause | ClauseTranslation | None] = list(clauses)
    if language != organism.source_language:  # a translation is also made of each clause's translation
        made += [composer.translation_for(c, language) if c else None for c in clauses]
    try:
        made_of = inputs_digest(organism, kind, made)
    except TypeError:  # facts JSON cannot hold exactly: composed every time
        return composer.compose(organism, kind)
    articles = cache.articles(made_of)
    if articles is not None:
        return Document(organism, kind, spec.title, spec.version, spec.effective, articles, language=language)
    document = composer.compose(organism, kind)
    if document is not None:
        cache.keep_articles(made_of, document.articles)
    return document


def selected_organisms(organisms: dict[str, Organism], organism_ids: tuple[str, ...]) -> list[Organism]:
    """The organisms a build is about: every concrete one, or those named."""
    return [o for o in organisms.values() if not o.abstract and (not organism_ids or o.id in organism_ids)]
