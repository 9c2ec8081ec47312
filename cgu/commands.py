"""What each CLI command does, as plain functions the CLI and the tests call."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from cgu.history import History

import click

from cgu.build import Project, Timings, build, load_project
from cgu.model import Document, Organism, Problem
from cgu.shards import parse_shard


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


def run_build(project: Path, organisms: tuple[str, ...], kinds: tuple[str, ...], formats: tuple[str, ...],
              out: Path | None, show_timings: bool, jobs: int = 1, shard: str | None = None, explain: bool = False) -> None:
    """`cgu build`: build, rendering only what changed, and report what was written."""
    timings = Timings()
    target = out if out is not None else project / "build"
    report = build(project, target, organisms, kinds, formats, timings, jobs=jobs,
                   shard=parse_shard(shard) if shard else None, progress=_progress())
    if any(o.documents[k].releases for o in load_project(project, compose=lambda o, k: False).organisms.values() for k in o.documents):
        from cgu.history import History

        history = History(project)
        if not history.available:
            click.echo(f"history unavailable ({history.unavailable}): building the working tree; "
                       "releases, changelogs and redlines are not built", err=True)
    if explain:
        for decision in report.decisions:
            click.echo(f"{'rebuilt' if decision.rebuilt else 'kept   '} {decision.path}: {decision.reason}")
    click.echo(f"built {len(report.rendered)} files, kept {len(report.kept)} up to date, into {target}")
    if show_timings:
        total = sum(v for k, v in timings.stages.items() if "(wall)" not in k)
        for stage, seconds in timings.stages.items():
            click.echo(f"  {stage:<32} {seconds:7.2f} s  {100 * seconds / total:5.1f} %")
        click.echo(f"  {'total':<32} {total:7.2f} s")


def run_check(project: Path, output_format: str = "text", legal: bool = True) -> None:
    """`cgu check`: validate and compose everything, run the legal rules, write nothing."""
    import json

    from cgu.errors import CguError, merge_organisms
    from cgu.rules import check_organism

    def as_json(problems: list[Problem]) -> str:
        return json.dumps([{"path": f.location.path, "line": f.location.line, "rule": f.rule, "severity": f.severity,
                            "message": f.message, "organism": f.organism} for f in problems], ensure_ascii=False, indent=1)

    try:
        loaded = load_project(project)
    except CguError as failure:
        if output_format != "json":
            raise
        click.echo(as_json(list(failure.problems)))  # CI annotations need the load errors too, on stdout
        raise CguError([]) from None
    built = [o for o in loaded.organisms.values() if not o.abstract]
    findings, waived = [], []
    for organism in built if legal else []:
        found, silenced = check_organism(organism, [d for d in loaded.documents if d.organism.id == organism.id])
        findings += found + unused_variables(loaded, organism)
        waived += silenced
    findings += release_problems(loaded)
    findings += missing_glyphs_everywhere(loaded)
    findings += theme_problems(loaded)
    findings = sorted(merge_organisms(findings), key=lambda p: (p.location.path, p.location.line or 0, p.rule or "", p.message))
    errors = [f for f in findings if f.severity == "error"]
    if output_format == "json":
        click.echo(as_json(findings))
    else:
        for finding in findings:
            click.echo(str(finding), err=True)
    if errors:
        raise CguError([])  # every finding is printed above
    if output_format != "json":
        click.echo(f"ok: {len(built)} organisms, {len(loaded.documents)} documents, "
                   f"{len(findings)} warnings, {len(waived)} findings waived with a justification")


def run_init(directory: Path) -> None:
    """`cgu init`: a new content repository."""
    from cgu.scaffold import init_repository

    for path in init_repository(directory, dt.date.today().isoformat()):
        click.echo(f"created {path}")
    click.echo(f"next: cd {directory} && cgu build")


def run_new_organism(project: Path, organism_id: str, base: str | None) -> None:
    """`cgu new organism`."""
    from cgu.scaffold import new_organism

    click.echo(f"created {new_organism(project, organism_id, base, dt.date.today().isoformat())}")


def run_new_clause(project: Path, clause_id: str) -> None:
    """`cgu new clause`."""
    from cgu.scaffold import new_clause

    click.echo(f"created {new_clause(project, clause_id)}")


def run_impact(project: Path, path: Path) -> None:
    """`cgu impact`: one line per affected document."""
    from cgu.impact import impact

    affected = impact(project, path)
    for organism_id, kind in affected:
        click.echo(f"{organism_id} {kind}")
    if not affected:
        click.echo(f"{path}: no document uses it")


def run_vars(project: Path, organism_id: str) -> None:
    """`cgu vars`: a table of variables."""
    from cgu.impact import variables

    for variable in variables(project, organism_id):
        used = ", ".join(variable.used_by) or "(unused)"
        click.echo(f"{variable.name:<40} {str(variable.defined):<40} {used}")


def run_export_cookies(project: Path, organism_id: str, output_format: str) -> None:
    """`cgu export-cookies`: the banner configuration on standard output."""
    from cgu.cookie_export import export_cookies
    from cgu.errors import CguError
    from cgu.model import SourceLocation

    loaded = load_project(project, organism_ids=(organism_id,), compose=lambda organism, kind: False)
    if organism_id not in loaded.organisms:
        raise CguError.at(SourceLocation("organisms"), f"no organism {organism_id!r}")
    click.echo(export_cookies(loaded.organisms[organism_id], output_format), nl=False)


ALWAYS_USED = {"id", "extends", "abstract", "country", "theme", "documents", "waivers", "extra", "language"}
"""Keys the toolchain itself reads; every other top-level key must be read by some clause of the organism's documents."""


def unused_variables(loaded: Project, organism: Organism) -> list[Problem]:
    """Warnings for organism variables that no clause of its documents reads (rule `unused-variable`)."""
    from cgu.compose import Composer
    from cgu.errors import Problems
    from cgu.impact import readers

    used = readers(loaded.root, organism, Composer(loaded.root, loaded.library, Problems()))
    return [Problem(organism.where(key), f"'{key}' is defined but no clause of its documents uses it", organism.id, "warning", "unused-variable")
            for key in organism.data if key not in ALWAYS_USED and key not in used]


def run_redline(old: Path, new: Path, out: Path, formats: tuple[str, ...]) -> None:
    """`cgu redline OLD.md NEW.md`: compare two Markdown files aligned on their headings."""
    from cgu.redline import redline
    from cgu.sections import split_markdown
    from cgu.sources import read_text

    result = redline(split_markdown(read_text(old, str(old)), str(old)), split_markdown(read_text(new, str(new)), str(new)))
    write_redline(result, f"Comparaison de {old.name} et {new.name}", f"redline-{old.stem}-to-{new.stem}", out, formats)


def run_release_redline(project: Path, organism_id: str, kind: str, from_version: str | None, to_version: str | None,
                        out: Path, formats: tuple[str, ...]) -> None:
    """`cgu redline ORGANISM DOCUMENT`: between two releases, or the last release and the draft."""
    from cgu.errors import CguError
    from cgu.model import DOCUMENT_KINDS, SourceLocation
    from cgu.redline import redline
    from cgu.releases import load_releases, mark_draft, published

    if kind not in DOCUMENT_KINDS:
        raise CguError.at(SourceLocation(organism_id), f"give two Markdown files, or an organism and a document kind ({' or '.join(DOCUMENT_KINDS)}); {kind!r} is neither")
    loaded, current, history = one_document(project, organism_id, kind)
    if not history.available:
        raise CguError.at(SourceLocation(str(loaded.root)), f"history unavailable ({history.unavailable}): comparing releases needs the git history")
    releases = load_releases(loaded.root, current.organism, kind, history, current)[0]
    versions = {r.spec.version.isoformat(): r.document for r in releases}
    done = [r.spec.version.isoformat() for r in published(releases)]  # the defaults skip an uncommitted release: it is the draft
    draft = mark_draft(current, releases).draft
    if to_version is None:
        to_version = "draft" if draft or len(done) < 2 else done[-1]
    if from_version is None:
        candidates = [v for v in done if to_version == "draft" or v < to_version]
        if not candidates:
            raise CguError.at(SourceLocation(f"organisms/{organism_id}"), f"{organism_id} {kind} has no release before {to_version}")
        from_version = candidates[-1]
    documents = {**versions, "draft": current}
    for version in (from_version, to_version):
        if version not in documents:
            raise CguError.at(SourceLocation(f"organisms/{organism_id}"), f"no release {version} of {organism_id} {kind}; releases: {', '.join(versions) or 'none'}")
    result = redline(documents[from_version].articles, documents[to_version].articles)
    title = f"{current.title} – {current.organism.name} – modifications du {from_version} au {to_version}"
    write_redline(result, title, f"{organism_id}-{kind}-redline-{from_version}-to-{to_version}", out, formats)


def write_redline(result: object, title: str, stem: str, out: Path, formats: tuple[str, ...]) -> None:
    """Write a redline in the requested formats into `out` (each file atomically; nothing else in `out` is touched)."""
    from cgu.model import Artifact
    from cgu.output import write_files
    from cgu.redline import Redline
    from cgu.redline_render import render_html_fragment, render_html_page, render_json, render_pdf

    assert isinstance(result, Redline)
    render = {"html": lambda: render_html_page(result, title).encode(), "fragment": lambda: render_html_fragment(result).encode(),
              "json": lambda: render_json(result).encode(), "pdf": lambda: render_pdf(result, title, out.parent)}
    suffix = {"html": ".html", "fragment": ".fragment.html", "json": ".json", "pdf": ".pdf"}
    write_files(out, [Artifact(stem + suffix[f], render[f]()) for f in formats])
    summary = "only editorial changes" if result.editorial_only else f"{len(result.substantive)} articles changed"
    click.echo(f"{summary}; wrote {', '.join(stem + suffix[f] for f in formats)} into {out}")


def missing_glyphs_everywhere(loaded: Project) -> list[Problem]:
    """Characters of each composed document that its theme's fonts cannot draw (rule `font-missing-glyph`)."""
    from cgu.builders.fonts import missing_glyphs

    return [p for d in loaded.documents for p in missing_glyphs(loaded.root, d, loaded.themes[d.organism.theme.name])]


def theme_problems(loaded: Project) -> list[Problem]:
    """What the themes' templates refuse (an unknown name, an unsafe attribute, a file outside the theme), found as
    `cgu build` finds it: each document's page rendered for the HTML and for the PDF (before WeasyPrint), and the index."""
    from functools import partial

    from cgu.build import artifact_path
    from cgu.builders.html import render_page
    from cgu.errors import CguError
    from cgu.output import index_page

    pages = [partial(render_page, d, loaded.themes[d.organism.theme.name], mode, loaded.root)
             for d in loaded.documents for mode in ("html", "pdf")]
    present = {artifact_path(d.organism, d.kind, suffix) for d in loaded.documents for suffix in (".html", ".pdf")}
    problems: list[Problem] = []
    for page in [*pages, partial(index_page, loaded, present)]:
        try:
            page()
        except CguError as failure:
            problems += [p for p in failure.problems if p not in problems]
    return problems


def release_problems(loaded: Project) -> list[Problem]:
    """Problems of every declared release (immutability, notice period), or a note that history is unavailable."""
    from cgu.history import History
    from cgu.releases import load_releases

    with_releases = [d for d in loaded.documents if d.organism.documents[d.kind].releases]
    if not with_releases:
        return []
    history = History(loaded.root)
    if history.unavailable == "the git repository has no commits yet":
        return [Problem(spec.location, f"release {spec.version.isoformat()} of the {d.kind} is declared but the "
                        "repository has no commits: commit the content to publish it", d.organism.id, "error", "release-no-commits")
                for d in with_releases for spec in d.organism.documents[d.kind].releases]
    if not history.available:
        click.echo(f"history unavailable ({history.unavailable}): building the working tree; "
                   "release checks (immutability, notice period) skipped", err=True)
        return []
    if history.shallow:
        click.echo("warning: shallow git clone; releases declared in commits that were not fetched cannot be checked "
                   "(fetch the full history: git fetch --unshallow)", err=True)
    problems: list[Problem] = []
    for document in with_releases:
        problems += load_releases(loaded.root, document.organism, document.kind, history, document)[1]
    return problems


def run_releases(project: Path, organism_id: str, kind: str) -> None:
    """`cgu releases`: one line per release, then whether the working tree is a draft."""
    from cgu.releases import load_releases, mark_draft, published, text_hash

    loaded, document, history = one_document(project, organism_id, kind)
    if not history.available:
        click.echo(f"history unavailable ({history.unavailable}): only the working tree can be shown", err=True)
    releases, problems = load_releases(loaded.root, document.organism, kind, history, document)
    for release in releases:
        commit = release.commit[:10] if release.commit else "uncommitted"
        click.echo(f"{release.spec.version.isoformat()}  effective {release.spec.effective.isoformat()}  "
                   f"{'material ' if release.spec.material else 'editorial'}  sha256 {release.sha256}  {commit}  {release.spec.summary}")
    done = published(releases)
    if not history.available:
        state = "not compared with any release (no history)"
    elif not done:
        state = "draft (no release is committed yet)"
    elif mark_draft(document, releases).draft:
        state = f"draft (differs from the last committed release, {done[-1].spec.version.isoformat()})"
    else:
        state = "same as the last release"
    click.echo(f"working tree: sha256 {text_hash(document)}, {state}")
    for problem in problems:
        click.echo(str(problem), err=True)


def run_changelog(project: Path, organism_id: str, kind: str, output_format: str) -> None:
    """`cgu changelog`: releases newest first, with what changed in each."""
    from cgu.changelog import changelog_entries, changelog_html, changelog_json, changelog_markdown
    from cgu.errors import CguError
    from cgu.model import SourceLocation
    from cgu.releases import load_releases

    loaded, document, history = one_document(project, organism_id, kind)
    if not history.available:
        raise CguError.at(SourceLocation(str(loaded.root)), f"history unavailable ({history.unavailable}): a changelog needs the git history")
    entries = changelog_entries(load_releases(loaded.root, document.organism, kind, history, document)[0])
    render = {"md": changelog_markdown, "html": changelog_html, "json": changelog_json}[output_format]
    click.echo(render(document.organism, kind, entries), nl=False)


def run_verify_receipt(project: Path, receipt: Path) -> None:
    """`cgu verify-receipt`."""
    from cgu.acceptance import verify_receipt

    click.echo(verify_receipt(project, receipt))


def run_publish(project: Path, out: Path, jobs: int) -> None:
    """`cgu publish`."""
    from cgu.publish import publish

    report = publish(project, out, jobs)
    click.echo(f"published {report.files} files ({report.releases} releases, {report.bundles} bundles) into {out}")


def run_verify_bundle(bundle: Path) -> None:
    """`cgu verify-bundle`."""
    from cgu.publish import verify_bundle

    click.echo(verify_bundle(bundle))


def run_preview(project: Path, port: int) -> None:
    """`cgu preview`: serve until interrupted."""
    import threading

    from cgu.preview import serve

    stop = threading.Event()
    server = serve(project, port, stop=stop)
    click.echo(f"preview on http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C to stop)")
    try:
        stop.wait()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        stop.set()
        server.shutdown()


def one_document(project: Path, organism_id: str, kind: str) -> tuple[Project, Document, "History"]:
    """The composed work-tree document of one organism, and the project's history."""
    from cgu.errors import CguError
    from cgu.history import History
    from cgu.model import SourceLocation

    loaded = load_project(project, (organism_id,), (kind,))
    if not loaded.documents:
        raise CguError.at(SourceLocation(f"organisms/{organism_id}"), f"{organism_id} has no {kind} document")
    return loaded, loaded.documents[0], History(loaded.root)
