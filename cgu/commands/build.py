"""Build orchestration, top to bottom: load and validate everything, compose, render, then write atomically."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import click

from cgu.model import (
    DOCUMENT_KINDS,
    Artifact,
    Document,
    Organism,
)
from cgu.project import Project, Timings, load_project, selected_organisms
from cgu.release.book import ReleaseBook, read_book
from cgu.release.cache import ReleaseCache
from cgu.release.changelog import release_files
from cgu.release.history import History
from cgu.render.registry import BUILDERS
from cgu.site.incremental import (
    MANIFEST,
    Inputs,
    document_inputs,
    manifest_bytes,
    read_manifest,
    theme_digest,
)
from cgu.site.paths import artifact_path
from cgu.site.shards import Shard, parse_shard
from cgu.site.writer import check_output_folder, index_page, write_output


@dataclass(frozen=True)
class Decision:
    """Whether one artifact is rebuilt, and why (for `cgu build --explain`)."""

    path: str
    rebuilt: bool
    reason: str


@dataclass(frozen=True)
class Plan:
    """What a build renders, computed from the composed project, the release book and the previous manifest alone."""

    entries: dict[str, dict[str, Any]]
    """Manifest entry (inputs' digest and hashes) of every artifact of the documents this build is about."""
    decisions: tuple[Decision, ...]
    stale: frozenset[tuple[str, str]]
    """(organism, kind) of the documents to render (in every format: one stale format renders the document)."""
    replaced: frozenset[tuple[str, str]]
    """(path prefix, suffix) of the artifacts this build owns: older versions of them are not kept."""


@dataclass(frozen=True)
class BuildResult:
    """What one build computed, in memory: `cgu publish` extends it instead of loading or composing again."""

    project: Project
    """The working tree, loaded and composed once, drafts marked."""
    book: ReleaseBook
    """Every release of every document of the run, read once from the history."""
    plan: Plan
    artifacts: tuple[Artifact, ...]
    """Every file the build writes (rendered documents, release files, assets, manifest, index)."""
    keep: Callable[[str], bool]
    """Which files of the previous output carry over."""
    timings: Timings = field(default_factory=Timings)

    @property
    def rendered(self) -> list[str]:
        """Paths of the documents rendered by this build."""
        return sorted(a.path for a in self.artifacts if a.path in self.plan.entries)

    @property
    def kept(self) -> list[str]:
        """Paths of the documents kept up to date from the previous output."""
        return sorted(d.path for d in self.plan.decisions if not d.rebuilt)

    @property
    def decisions(self) -> tuple[Decision, ...]:
        return self.plan.decisions


BuildReport = BuildResult
"""The name `cgu build` callers knew: a build's result is its report."""


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


def plan_build(
    project: Project,
    book: ReleaseBook,
    documents: list[Document],
    formats: tuple[str, ...],
    previous: dict[str, dict[str, Any]],
    out: Path,
) -> Plan:
    """Which of `documents` to render: those whose inputs changed since the previous manifest, or whose file is gone."""
    entries: dict[str, dict[str, Any]] = {}
    decisions: list[Decision] = []
    stale: set[tuple[str, str]] = set()
    replaced: set[tuple[str, str]] = set()
    digests = {name: theme_digest(theme) for name, theme in project.themes.items()}
    for document in documents:
        organism, kind = document.organism, document.kind
        for fmt in formats:
            suffix = BUILDERS[fmt].suffix
            replaced.add((f"{organism.id}/{kind}-", suffix))
            path = artifact_path(organism, kind, suffix)
            theme = project.themes[organism.theme.name]
            inputs = document_inputs(project.root, document, theme, digests[theme.name], fmt)
            if organism.documents[kind].releases:
                # The "Projet" mark depends on which releases are committed, not only on the files.
                inputs = Inputs({**inputs.hashes, "releases": book.of(organism.id, kind).state})
            before = previous.get(path)
            if before is None or not (out / path).is_file():
                reason = "new" if before is None else "missing from the output"
            elif before.get("digest") != inputs.digest:
                reason = "changed: " + ", ".join(inputs.changed_since(before.get("inputs", {})))
            else:
                reason = ""
            entries[path] = {"digest": inputs.digest, "inputs": inputs.hashes}
            decisions.append(Decision(path, bool(reason), reason or "up to date"))
            if reason:
                stale.add((organism.id, kind))
    return Plan(entries, tuple(decisions), frozenset(stale), frozenset(replaced))


def prepare_build(
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
    day: dt.date | None = None,
    refuse: bool = False,
) -> BuildResult:
    """Everything a build writes, in memory: load once, read the releases once, plan, render only what changed.

    `day` (default: the run's today) decides which releases are published, in force and coming; with `refuse`, what
    `cgu check` refuses stops the build before anything is rendered (the commands `cgu build` and `cgu publish`)."""
    timings = timings or Timings()
    root = root.resolve()
    out = check_output_folder(out, root)  # refused before any rendering; write_output checks again
    previous = read_manifest(out)

    def owned(organism: Organism) -> bool:
        return shard is None or shard.owns(organism.id)

    def about(organism: Organism, kind: str) -> bool:
        """The documents this build renders."""
        return owned(organism) and kind in kinds and (not organism_ids or organism.id in organism_ids)

    def wanted(organism: Organism, kind: str) -> bool:
        """Also composed: every owned document with releases, whose release files and "Projet" mark a build writes."""
        return about(organism, kind) or (owned(organism) and bool(organism.documents[kind].releases))

    history = History(root)
    cache = ReleaseCache.in_git_folder(history.git_folder)
    project = load_project(root, organism_ids, DOCUMENT_KINDS, timings, select=wanted, cache=cache)
    start = time.perf_counter()
    book = read_book(project, history)
    project = book.mark_drafts(project)
    if refuse:
        from cgu.commands.check import refuse_errors

        refuse_errors(project, book)
    timings.add("releases", start)
    selected = [d for d in project.documents if about(d.organism, d.kind)]
    plan = plan_build(project, book, selected, formats, previous, out)
    stale = replace(project, documents=tuple(d for d in selected if (d.organism.id, d.kind) in plan.stale))
    from cgu.render.workers import render_parallel

    artifacts = render_parallel(stale, formats, jobs, timings, progress)
    start = time.perf_counter()
    artifacts += release_files(book, [d for d in project.documents if d.organism.documents[d.kind].releases], day)
    timings.add("releases, changelogs, redlines", start)
    start = time.perf_counter()
    artifacts += support_files(project)
    partial = bool(organism_ids) or tuple(kinds) != DOCUMENT_KINDS or tuple(formats) != ("html", "pdf")

    def keep(path: str) -> bool:
        """Which files of the previous output carry over: up-to-date ones, and in a partial build all it did not
        touch."""
        if path in plan.entries or (preserve is not None and preserve(path)):
            return True
        return partial and not any(
            path.startswith(prefix) and path.endswith(suffix) for prefix, suffix in plan.replaced
        )

    manifest = {**{k: v for k, v in previous.items() if keep(k) and (out / k).is_file()}, **plan.entries}
    artifacts.append(Artifact(MANIFEST, manifest_bytes(manifest, f"{shard.index}/{shard.count}" if shard else None)))
    if shard is None:
        present = set(manifest) | {a.path for a in artifacts}
        versions = {a.path: a.content for a in artifacts if a.path.endswith("/versions.json")}
        artifacts.append(Artifact("index.html", index_page(project, present, versions).encode("utf-8")))
    timings.add("write", start)
    return BuildResult(project, book, plan, tuple(artifacts), keep, timings)


def build(root: Path, out: Path, *args: Any, **kwargs: Any) -> BuildResult:
    """Build the selected documents into `out` (arguments of `prepare_build`), rendering only what changed; on any
    error `out` is untouched."""
    result = prepare_build(root, out, *args, **kwargs)
    start = time.perf_counter()
    write_output(out, list(result.artifacts), result.keep, root)
    result.timings.add("write", start)
    return result


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
    day: str | None = None,
) -> None:
    """`cgu build`: refuse what `cgu check` refuses, then build (only what changed) and report what was written."""
    from cgu.release.lifecycle import today

    on = today(day)  # a wrong --date is refused before anything is composed
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
        day=on,
        refuse=True,
    )
    if report.book.unavailable and any(
        o.documents[k].releases for o in report.project.organisms.values() for k in o.documents
    ):
        click.echo(
            f"history unavailable ({report.book.unavailable}): building the working tree; "
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
