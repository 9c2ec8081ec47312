"""Build orchestration, top to bottom: load and validate everything, compose, render, then write atomically."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from hashlib import sha256
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cgu.errors import counted
from cgu.model import (
    DOCUMENT_KINDS,
    Artifact,
    Document,
    Organism,
    Release,
)
from cgu.project import Project, Timings, load_project, selected_organisms
from cgu.release.book import ReleaseBook, read_book
from cgu.release.cache import ReleaseCache
from cgu.release.changelog import release_files
from cgu.release.history import History
from cgu.release.lifecycle import Told, lifecycle, today
from cgu.render.registry import BUILDERS
from cgu.site.incremental import (
    MANIFEST,
    Inputs,
    PreviousOutput,
    document_inputs,
    manifest_bytes,
    read_previous,
    theme_digest,
)
from cgu.site.ledger import Ledger, late_notice, told_by
from cgu.site.paths import artifact_path
from cgu.site.shards import Shard, parse_shard
from cgu.site.writer import check_output_folder, index_page, write_output

if TYPE_CHECKING:
    from cgu.render.html import PageLinks


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
    stale: frozenset[tuple[str, str, str]]
    """(organism, kind, language) of the documents and translations to render (in every format: one stale format
    renders the document)."""
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
    previous: PreviousOutput = field(default_factory=PreviousOutput)
    """The previous output's manifest and which of its files are still as cgu wrote them, read once."""
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


def render_translations(project: Project, documents: list[Document], formats: tuple[str, ...]) -> list[Artifact]:
    """Each document in each language its organism declares after the source, under `<organism>/<language>/`."""
    return [
        Artifact(
            artifact_path(document.organism, document.kind, BUILDERS[name].suffix, document.language),
            BUILDERS[name].render(document, project.themes[document.organism.theme.name], project.root),
        )
        for name in formats
        for document in documents
    ]


def support_files(project: Project, organism_ids: tuple[str, ...] = ()) -> list[Artifact]:
    """Theme assets and organism logos (of `organism_ids`' when given) the HTML pages link to."""
    artifacts: list[Artifact] = []
    for theme in project.themes.values():
        for path in theme.assets():
            artifacts.append(
                Artifact(f"assets/{theme.name}/{path.relative_to(theme.path).as_posix()}", path.read_bytes())
            )
    for organism in selected_organisms(project.organisms, organism_ids):
        if organism.theme.logo and organism.theme.name in project.themes:
            logo = project.root / organism.theme.logo
            artifacts.append(Artifact(f"{organism.id}/logo{logo.suffix}", logo.read_bytes()))
    return artifacts


def plan_build(
    project: Project,
    book: ReleaseBook,
    documents: list[Document],
    formats: tuple[str, ...],
    previous: PreviousOutput,
    out: Path,
    links: Mapping[tuple[str, str], PageLinks] | None = None,
) -> Plan:
    """Which of `documents` (and translations) to render: those whose inputs changed since the previous manifest, or
    whose file is gone or was edited since cgu wrote it."""
    entries: dict[str, dict[str, Any]] = {}
    decisions: list[Decision] = []
    stale: set[tuple[str, str, str]] = set()
    replaced: set[tuple[str, str]] = set()
    digests = {name: theme_digest(theme) for name, theme in project.themes.items()}
    for document in documents:
        organism, kind, language = document.organism, document.kind, document.language
        for fmt in formats:
            suffix = BUILDERS[fmt].suffix
            path = artifact_path(organism, kind, suffix, language)
            replaced.add((path[: path.rindex(f"/{kind}-") + len(kind) + 2], suffix))
            theme = project.themes[organism.theme.name]
            inputs = document_inputs(project.root, document, theme, digests[theme.name], fmt)
            if language != organism.source_language:
                # Its "Projet" mark follows the source document's (a translation of a draft is a draft).
                inputs = Inputs({**inputs.hashes, "language": language, "draft": str(document.draft)})
            if organism.documents[kind].releases:
                # The "Projet" mark depends on which releases are committed, not only on the files; the page's links
                # (in force, coming, history) on the day.
                inputs = Inputs({**inputs.hashes, "releases": book.of(organism.id, kind).state})
                if fmt == "html" and links and (organism.id, kind) in links and language == organism.source_language:
                    inputs = Inputs({**inputs.hashes, "links": repr(links[(organism.id, kind)])})
            before = previous.entries.get(path)
            if before is None:
                reason = "new"
            elif path not in previous.intact:
                edited = os.path.lexists(out / path)
                reason = "changed in the output since cgu wrote it" if edited else "missing from the output"
            elif before.get("digest") != inputs.digest:
                reason = "changed: " + ", ".join(inputs.changed_since(before.get("inputs", {})))
            else:
                reason = ""
            entries[path] = {"digest": inputs.digest, "inputs": inputs.hashes}
            decisions.append(Decision(path, bool(reason), reason or "up to date"))
            if reason:
                stale.add((organism.id, kind, language))
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
    ledger: Ledger | None = None,
    for_members: bool = False,
    word_redlines: bool = False,
) -> BuildResult:
    """Everything a build writes, in memory: load once, read the releases once, plan, render only what changed.

    `day` (default: the run's today) decides which releases are published, in force and coming; `ledger` (the
    published site's) when members were first told of each (default: the git history's dates, as a first
    publication records them). With `refuse`, what `cgu check` refuses, and with a ledger a notice too short since
    the site's first publication, stops the build before anything is rendered (`cgu build` and `cgu publish`).
    `for_members` (`cgu publish`): nothing of a draft is written, not even its changes; with `word_redlines` (the
    published site), redlines are also made as Word tracked changes."""
    timings = timings or Timings()
    root = root.resolve()
    out = check_output_folder(out, root)  # refused before any rendering; write_output checks again
    previous = read_previous(out)

    def owned(organism: Organism) -> bool:
        return shard is None or shard.owns(organism.id)

    def in_scope(organism: Organism) -> bool:
        """The organisms whose files this build writes: with `organism_ids`, those alone (the others' are kept)."""
        return owned(organism) and (not organism_ids or organism.id in organism_ids)

    def about(organism: Organism, kind: str) -> bool:
        """The documents this build renders."""
        return in_scope(organism) and kind in kinds

    def wanted(organism: Organism, kind: str) -> bool:
        """Also composed: every document in scope with releases, whose release files and "Projet" mark a build
        writes."""
        return about(organism, kind) or (in_scope(organism) and bool(organism.documents[kind].releases))

    history = History(root)
    cache = ReleaseCache.in_git_folder(history.git_folder)
    project = load_project(root, organism_ids, DOCUMENT_KINDS, timings, select=wanted, cache=cache)
    start = time.perf_counter()
    book = read_book(project, history)
    project = book.mark_drafts(project)
    drafts = {(d.organism.id, d.kind) for d in project.documents if d.draft}
    project = replace(
        project, translations=tuple(replace(t, draft=(t.organism.id, t.kind) in drafts) for t in project.translations)
    )  # a translation of a draft is a draft
    on = day or today()
    told = told_by(ledger, on) if ledger is not None else None
    if refuse:
        from cgu.commands.check import refuse_errors

        refuse_errors(project, book)
        if ledger is not None:
            refuse_late_notice(ledger, project, book, on)
    timings.add("releases", start)
    selected = [d for d in project.documents if about(d.organism, d.kind)]
    links = {} if for_members else page_links(book, selected, on, told, formats)
    translations = [d for d in project.translations if about(d.organism, d.kind)]
    plan = plan_build(project, book, selected + translations, formats, previous, out, links)

    def to_render(documents: list[Document]) -> tuple[Document, ...]:
        return tuple(d for d in documents if (d.organism.id, d.kind, d.language) in plan.stale)

    from cgu.render.workers import render_parallel

    artifacts = render_parallel(
        replace(project, documents=to_render(selected)), formats, jobs, timings, progress, links
    )
    start = time.perf_counter()
    artifacts += render_translations(project, list(to_render(translations)), formats)
    timings.add("render translations", start)
    start = time.perf_counter()
    documents_with_releases = [d for d in project.documents if d.organism.documents[d.kind].releases]
    artifacts += release_files(
        book,
        documents_with_releases,
        on,
        project.themes,
        told,
        draft_changes=not for_members,
        word=word_redlines,
        cache=project.cache,
        translations=project.translations,
    )
    timings.add("releases, changelogs, redlines", start)
    start = time.perf_counter()
    artifacts += support_files(project, organism_ids)
    partial = bool(organism_ids) or tuple(kinds) != DOCUMENT_KINDS or tuple(formats) != ("html", "pdf")

    # A writer's build writes each document's release files whole: none of the previous ones is kept (a draft's
    # changes are gone once it is released). The published site keeps every redline it ever linked to.
    release_folders = tuple(
        f"{d.organism.id}/{d.kind}/" for d in documents_with_releases if not book.unavailable and not for_members
    )

    def keep(path: str) -> bool:
        """Which files of the previous output carry over: up-to-date ones, and in a partial build all it did not
        touch."""
        if path in plan.entries or (preserve is not None and preserve(path)):
            return True
        return (
            partial
            and not path.startswith(release_folders)
            and not any(path.startswith(prefix) and path.endswith(suffix) for prefix, suffix in plan.replaced)
        )

    manifest = {**{k: v for k, v in previous.entries.items() if keep(k) and k in previous.intact}, **plan.entries}
    artifacts.append(Artifact(MANIFEST, manifest_bytes(manifest, f"{shard.index}/{shard.count}" if shard else None)))
    # A build of some organisms keeps the others' files as they are (pages, release files, logos): the index still
    # lists them, with what their versions.json says.
    others = [p for p in previous.intact if organism_ids and keep(p) and p.partition("/")[0] not in organism_ids]
    if shard is None:
        present = set(manifest) | {a.path for a in artifacts} | set(others)
        versions = {a.path: a.content for a in artifacts if a.path.endswith("/versions.json")}
        versions |= {p: (out / p).read_bytes() for p in others if p.endswith("/versions.json")}
        artifacts.append(Artifact("index.html", index_page(project, present, versions).encode("utf-8")))
    timings.add("write", start)
    if organism_ids:
        return _unchanged_kept(BuildResult(project, book, plan, tuple(artifacts), keep, previous, timings))
    return BuildResult(project, book, plan, tuple(artifacts), keep, previous, timings)


def _unchanged_kept(result: BuildResult) -> BuildResult:
    """`result` with the files it would write again with the bytes they already have (shared theme assets, the index,
    release files; not the documents it rendered, which it reports) kept instead: a build of some organisms
    re-stamps none of the files it leaves as they were."""
    intact, rendered = result.previous.intact, {MANIFEST, *result.plan.entries}
    unchanged = {
        a.path
        for a in result.artifacts
        if a.path not in rendered and intact.get(a.path) == sha256(a.content).hexdigest()
    }

    def keep(path: str) -> bool:
        return path in unchanged or result.keep(path)

    return replace(result, artifacts=tuple(a for a in result.artifacts if a.path not in unchanged), keep=keep)


def page_links(
    book: ReleaseBook, documents: list[Document], day: dt.date, told: Told[Release] | None, formats: tuple[str, ...]
) -> dict[tuple[str, str], PageLinks]:
    """The links of each built page (`<organism>/<kind>-<version>.html`) of a document with a published release: its
    PDF, the history, "Ce qui change le …" when a release is coming, and on a draft its changes since the newest
    release; the same lifecycle as the release files the build writes beside it."""
    from cgu.release.acceptance import draft_pending, redline_name
    from cgu.release.changelog import DRAFT_VERSION
    from cgu.render.html import PageLinks

    links: dict[tuple[str, str], PageLinks] = {}
    for document in documents if not book.unavailable else ():
        organism, kind = document.organism, document.kind
        state = lifecycle(book.of(organism.id, kind).releases, day, told)
        if not state.published:
            continue  # never released: no history to link to (the page is marked "Projet")
        newest = state.published[-1]
        draft = draft_pending(document, newest)
        if draft:
            status = "draft"
        elif newest is state.in_force:
            status = "in-force"
        else:
            status = "upcoming" if newest in state.upcoming else "superseded"
        coming = None
        if state.in_force is not None and state.next is not None:
            coming = (
                state.next.spec.effective,
                f"{kind}/{redline_name(state.in_force, state.next.spec.version.isoformat())}.html",
            )
        changes = (newest.spec.version, f"{kind}/{redline_name(newest, DRAFT_VERSION)}.html") if draft else None
        links[(organism.id, kind)] = PageLinks(
            status,
            pdf=f"{kind}-{document.version.isoformat()}.pdf" if "pdf" in formats else None,
            history=f"{kind}/changelog.html",
            coming=coming,
            changes=changes,
        )
    return links


def refuse_late_notice(ledger: Ledger, project: Project, book: ReleaseBook, day: dt.date) -> None:
    """Stop before anything is rendered when a release published on `day` would have too short a notice counted
    from the site's first publication (`release-notice`, as `cgu publish` refuses it)."""
    from cgu.errors import CguError

    told = told_by(ledger, day)
    releases = [
        r
        for d in project.documents
        if not book.unavailable
        for r in lifecycle(book.of(d.organism.id, d.kind).releases, day, told).published
    ]
    if problems := late_notice(ledger, project, releases, day):
        raise CguError(problems)


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
    ledger: Path | None = None,
) -> None:
    """`cgu build`: refuse what `cgu check` refuses, then build (only what changed) and report what was written;
    with `ledger` (the published site), releases count as published from the site's first publication of each."""
    from cgu.site.ledger import ledger_file

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
        ledger=ledger_file(ledger, on) if ledger is not None else None,
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
    click.echo(f"built {counted(len(report.rendered), 'file')}, kept {len(report.kept)} up to date, into {target}")
    if show_timings:
        total = sum(v for k, v in timings.stages.items() if "(wall)" not in k)
        for stage, seconds in timings.stages.items():
            click.echo(f"  {stage:<32} {seconds:7.2f} s  {100 * seconds / total:5.1f} %")
        click.echo(f"  {'total':<32} {total:7.2f} s")
