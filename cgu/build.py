"""Build orchestration, top to bottom: load and validate everything, compose, render, then write atomically."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from cgu.builders import BUILDERS
from cgu.clauses import load_clauses
from cgu.compose import Composer
from cgu.errors import CguError, Problems
from cgu.model import DOCUMENT_KINDS, Artifact, Document, Organism, SourceLocation
from cgu.organisms import load_organisms
from cgu.output import write_output
from cgu.themes import ThemeFolder, find_theme


@dataclass(frozen=True)
class Project:
    """Everything loaded and composed from a content repository, validated."""

    root: Path
    organisms: dict[str, Organism]
    documents: tuple[Document, ...]
    themes: dict[str, ThemeFolder]


@dataclass
class Timings:
    """Seconds spent per stage, for `--timings` and benchmarks."""

    stages: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, since: float) -> None:
        self.stages[stage] = self.stages.get(stage, 0.0) + time.perf_counter() - since


def load_project(root: Path, organism_ids: tuple[str, ...] = (), kinds: tuple[str, ...] = DOCUMENT_KINDS,
                 timings: Timings | None = None) -> Project:
    """Load, validate and compose the selected documents; raise one CguError listing every problem."""
    start = time.perf_counter()
    root = root.resolve()
    problems = Problems()
    if not (root / "organisms").is_dir() or not (root / "clauses").is_dir():
        raise CguError.at(SourceLocation(str(root)), "not a cgu project: it needs 'clauses/' and 'organisms/' folders (use --project DIR)")
    library = load_clauses(root / "clauses", root, problems)
    organisms = load_organisms(root, problems)
    for organism_id in organism_ids:
        if organism_id not in organisms and not any(p.organism == organism_id for p in problems.items):
            problems.add(SourceLocation("organisms"), f"no organism {organism_id!r}; known: {', '.join(sorted(organisms))}")
    selected = [o for o in organisms.values() if not o.abstract and (not organism_ids or o.id in organism_ids)]
    composer = Composer(root, library, problems)
    documents: list[Document] = []
    themes: dict[str, ThemeFolder] = {}
    for organism in selected:
        for kind in kinds:
            if kind in organism.documents:
                document = composer.compose(organism, kind)
                if document is not None:
                    documents.append(document)
        if organism.theme.name not in themes:
            try:
                themes[organism.theme.name] = find_theme(root, organism.theme.name)
            except CguError as exc:
                problems.extend(p.__class__(organism.where("theme.name"), p.message, organism.id) for p in exc.problems)
    problems.raise_if_any()
    if timings:
        timings.add("load+compose", start)
    return Project(root, organisms, tuple(documents), themes)


def render_documents(project: Project, formats: tuple[str, ...], timings: Timings | None = None) -> list[Artifact]:
    """Every output file of the composed documents, in memory, before anything is written."""
    artifacts: list[Artifact] = []
    for name in formats:
        builder = BUILDERS[name]
        start = time.perf_counter()
        for document in project.documents:
            theme = project.themes[document.organism.theme.name]
            content = builder.render(document, theme, project.root)
            artifacts.append(Artifact(f"{document.organism.id}/{document.slug}{builder.suffix}", content))
        if timings:
            timings.add(f"render {name}", start)
    return artifacts


def support_files(project: Project) -> list[Artifact]:
    """Theme assets and organism logos the HTML pages link to."""
    artifacts: list[Artifact] = []
    for theme in project.themes.values():
        for path in theme.assets():
            artifacts.append(Artifact(f"assets/{theme.name}/{path.relative_to(theme.path).as_posix()}", path.read_bytes()))
    for organism in {d.organism.id: d.organism for d in project.documents}.values():
        if organism.theme.logo:
            logo = project.root / organism.theme.logo
            artifacts.append(Artifact(f"{organism.id}/logo{logo.suffix}", logo.read_bytes()))
    return artifacts


def build(root: Path, out: Path, organism_ids: tuple[str, ...] = (), kinds: tuple[str, ...] = DOCUMENT_KINDS,
          formats: tuple[str, ...] = ("html", "pdf"), timings: Timings | None = None) -> list[Artifact]:
    """Build the selected documents into `out`; on any error nothing in `out` changes."""
    timings = timings or Timings()
    project = load_project(root, organism_ids, kinds, timings)
    artifacts = render_documents(project, formats, timings)
    start = time.perf_counter()
    artifacts += support_files(project)
    partial = bool(organism_ids) or tuple(kinds) != DOCUMENT_KINDS
    replaced = {f"{d.organism.id}/{d.kind}-" for d in project.documents}
    write_output(out, artifacts, project, keep_previous=partial, replaced_prefixes=replaced)
    timings.add("write", start)
    return artifacts
