"""Build orchestration, top to bottom: load and validate everything, compose, render, then write atomically."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from cgu.compose.composer import Composer
from cgu.errors import Problems
from cgu.load.clauses import load_clauses
from cgu.load.themes import find_theme
from cgu.model import (
    DOCUMENT_KINDS,
    Artifact,
    Organism,
)
from cgu.project import Project, Timings, load_project, selected_organisms
from cgu.render.registry import BUILDERS
from cgu.site.incremental import (
    MANIFEST,
    Inputs,
    document_inputs,
    manifest_bytes,
    read_manifest,
    theme_digest,
)
from cgu.site.shards import Shard, parse_shard
from cgu.site.writer import check_output_folder, drafts_in, index_page, write_output


@dataclass(frozen=True)
class Decision:
    """Whether one artifact is rebuilt, and why (for `cgu build --explain`)."""

    path: str
    rebuilt: bool
    reason: str


@dataclass
class BuildReport:
    """What a build did: the files it rendered, those it kept, and why."""

    rendered: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    timings: Timings = field(default_factory=Timings)


def render_documents(project: Project, formats: tuple[str, ...], timings: Timings | None = None) -> list[Artifact]:
    """Every output file of the composed documents, in memory, before anything is written."""
    artifacts: list[Artifact] = []
    for name in formats:
        builder = BUILDERS[name]
        start = time.perf_counter()
        for document in project.documents:
            theme = project.themes[document.organism.theme.name]
            artifacts.append(
                Artifact(
                    artifact_path(document.organism, document.kind, builder.suffix),
                    builder.render(document, theme, project.root),
                )
            )
        if timings:
            timings.add(f"render {name}", start)
    return artifacts


def artifact_path(organism: Organism, kind: str, suffix: str) -> str:
    """Where a document goes in the output: `<organism>/<kind>-<version date><suffix>`."""
    return f"{organism.id}/{kind}-{organism.documents[kind].version.isoformat()}{suffix}"


def support_files(project: Project) -> list[Artifact]:
    """Theme assets and organism logos the HTML pages link to."""
    artifacts: list[Artifact] = []
    for theme in project.themes.values():
        for path in theme.assets():
            artifacts.append(
                Artifact(f"assets/{theme.name}/{path.relative_to(theme.path).as_posix()}", path.read_bytes())
            )
    for organism in selected_organisms(project.organisms, ()):
        if organism.theme.logo and organism.theme.name in project.themes:
            logo = project.root / organism.theme.logo
            artifacts.append(Artifact(f"{organism.id}/logo{logo.suffix}", logo.read_bytes()))
    return artifacts


def build(
    root: Path,
    out: Path,
    organism_ids: tuple[str, ...] = (),
    kinds: tuple[str, ...] = DOCUMENT_KINDS,
    formats: tuple[str, ...] = ("html", "pdf"),
    timings: Timings | None = None,
    jobs: int = 1,
    shard: Shard | None = None,
    progress: Callable[[str], None] | None = None,
    preserve: Callable[[str], bool] | None = None,
) -> BuildReport:
    """Build the selected documents into `out`, rendering only what changed; on any error `out` is untouched."""
    report = BuildReport(timings=timings or Timings())
    root = root.resolve()
    out = check_output_folder(out, root)  # refused before any rendering; write_output checks again
    previous = read_manifest(out)
    plan: dict[str, dict[str, Any]] = {}
    replaced: set[tuple[str, str]] = set()
    cache: dict[str, Any] = {}

    def needs_compose(organism: Organism, kind: str) -> bool:
        if shard is not None and not shard.owns(organism.id):
            return False
        stale = False
        for fmt in formats:
            suffix = BUILDERS[fmt].suffix
            replaced.add((f"{organism.id}/{kind}-", suffix))
            path = artifact_path(organism, kind, suffix)
            inputs = _inputs(root, organism, kind, fmt, cache)
            before = previous.get(path)
            if before is None or not (out / path).is_file():
                reason = "new" if before is None else "missing from the output"
            elif before.get("digest") != inputs.digest:
                reason = "changed: " + ", ".join(inputs.changed_since(before.get("inputs", {})))
            else:
                reason = ""
            plan[path] = {"digest": inputs.digest, "inputs": inputs.hashes}
            report.decisions.append(Decision(path, bool(reason), reason or "up to date"))
            stale = stale or bool(reason)
        return stale

    project = mark_drafts(load_project(root, organism_ids, kinds, report.timings, compose=needs_compose))
    from cgu.render.workers import render_parallel

    artifacts = render_parallel(project, formats, jobs, report.timings, progress)
    report.rendered = sorted(a.path for a in artifacts)
    report.kept = sorted(d.path for d in report.decisions if not d.rebuilt)
    start = time.perf_counter()
    artifacts += released_documents_files(root, project, kinds, shard)
    report.timings.add("releases, changelogs, redlines", start)
    start = time.perf_counter()
    artifacts += support_files(project)
    partial = bool(organism_ids) or tuple(kinds) != DOCUMENT_KINDS or tuple(formats) != ("html", "pdf")

    def keep(path: str) -> bool:
        """Which files of the previous output carry over: up-to-date ones, and in a partial build all it did not touch."""
        if path in plan or (preserve is not None and preserve(path)):
            return True
        return partial and not any(path.startswith(prefix) and path.endswith(suffix) for prefix, suffix in replaced)

    manifest = {**{k: v for k, v in previous.items() if keep(k) and (out / k).is_file()}, **plan}
    artifacts.append(Artifact(MANIFEST, manifest_bytes(manifest, f"{shard.index}/{shard.count}" if shard else None)))
    if shard is None:
        present = set(manifest) | {a.path for a in artifacts}
        versions = (
            {
                path.relative_to(out).as_posix(): path.read_bytes()
                for path in out.glob("*/*/versions.json")
                if keep(path.relative_to(out).as_posix())
            }
            if out.is_dir()
            else {}
        )
        versions.update((a.path, a.content) for a in artifacts if a.path.endswith("/versions.json"))
        artifacts.append(Artifact("index.html", index_page(project, present, drafts_in(versions)).encode("utf-8")))
    write_output(out, artifacts, keep, root)
    report.timings.add("write", start)
    return report


def released_documents_files(
    root: Path, project: Project, kinds: tuple[str, ...], shard: Shard | None
) -> list[Artifact]:
    """Changelogs, versions.json and redlines of every selected document that has releases (cheap: no PDF)."""
    from cgu.release.changelog import release_files

    owners = tuple(
        o.id
        for o in selected_organisms(project.organisms, ())
        if any(k in o.documents and o.documents[k].releases for k in kinds) and (shard is None or shard.owns(o.id))
    )
    if not owners:
        return []
    return release_files(root, list(mark_drafts(load_project(root, owners, kinds)).documents))


def mark_drafts(project: Project) -> Project:
    """Documents whose text differs from their newest release are drafts ("Projet"); without git, nothing changes."""
    if not any(d.organism.documents[d.kind].releases for d in project.documents):
        return project
    from dataclasses import replace

    from cgu.release.book import load_releases, mark_draft
    from cgu.release.history import History

    history = History(project.root)
    if not history.available:
        return project
    documents = tuple(
        mark_draft(d, load_releases(project.root, d.organism, d.kind, history, d)[0])
        if d.organism.documents[d.kind].releases
        else d
        for d in project.documents
    )
    return replace(project, documents=documents)


def _inputs(root: Path, organism: Organism, kind: str, fmt: str, cache: dict[str, Any]) -> Any:
    if "composer" not in cache:
        cache["composer"] = Composer(root, load_clauses(root / "clauses", root, Problems()), Problems())
        cache["themes"] = {}
    themes = cache["themes"]
    if organism.theme.name not in themes:
        theme = find_theme(root, organism.theme.name)
        themes[organism.theme.name] = (theme, theme_digest(theme))
    theme, digest = themes[organism.theme.name]
    inputs = document_inputs(root, organism, kind, cache["composer"], theme, digest, fmt)
    if not organism.documents[kind].releases:
        return inputs
    from cgu.release.book import release_state
    from cgu.release.history import History

    if "history" not in cache:
        cache["history"], cache["declarations"] = History(root), {}
    # The "Projet" mark depends on which releases are committed, not only on the files: committing a declaration rebuilds.
    return Inputs({**inputs.hashes, "releases": release_state(cache["history"], organism, kind, cache["declarations"])})


def _progress() -> Callable[[str], None]:
    """A line per rendered document: rewritten in place on a terminal, plain lines otherwise (CI logs)."""
    tty = sys.stderr.isatty()

    def show(label: str) -> None:
        done, _, rest = label.partition(" ")
        if tty:
            current, total = (int(x) for x in done.split("/"))
            bar = "#" * (30 * current // total)
            click.echo(f"\r\033[K[{bar:<30}] {done} {rest}", nl=(current == total), err=True)
        else:
            click.echo(f"[{done}] rendered {rest}", err=True)

    return show


def run_build(
    project: Path,
    organisms: tuple[str, ...],
    kinds: tuple[str, ...],
    formats: tuple[str, ...],
    out: Path | None,
    show_timings: bool,
    jobs: int = 1,
    shard: str | None = None,
    explain: bool = False,
) -> None:
    """`cgu build`: build, rendering only what changed, and report what was written."""
    timings = Timings()
    target = out if out is not None else project / "build"
    report = build(
        project,
        target,
        organisms,
        kinds,
        formats,
        timings,
        jobs=jobs,
        shard=parse_shard(shard) if shard else None,
        progress=_progress(),
    )
    if any(
        o.documents[k].releases
        for o in load_project(project, compose=lambda o, k: False).organisms.values()
        for k in o.documents
    ):
        from cgu.release.history import History

        history = History(project)
        if not history.available:
            click.echo(
                f"history unavailable ({history.unavailable}): building the working tree; "
                "releases, changelogs and redlines are not built",
                err=True,
            )
    if explain:
        for decision in report.decisions:
            click.echo(f"{'rebuilt' if decision.rebuilt else 'kept   '} {decision.path}: {decision.reason}")
    click.echo(f"built {len(report.rendered)} files, kept {len(report.kept)} up to date, into {target}")
    if show_timings:
        total = sum(v for k, v in timings.stages.items() if "(wall)" not in k)
        for stage, seconds in timings.stages.items():
            click.echo(f"  {stage:<32} {seconds:7.2f} s  {100 * seconds / total:5.1f} %")
        click.echo(f"  {'total':<32} {total:7.2f} s")
