"""Publish: the built site plus every release's HTML and PDF, a site-wide index.json, and verifiable zip bundles."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import click

from cgu.commands.build import build, mark_drafts
from cgu.errors import CguError
from cgu.load.themes import ThemeFolder, find_theme
from cgu.model import Artifact, SourceLocation
from cgu.project import load_project, selected_organisms
from cgu.release.book import load_releases
from cgu.release.history import History
from cgu.render.html import GENERATOR
from cgu.render.registry import BUILDERS
from cgu.site.bundles import BUNDLES, make_bundles
from cgu.site.incremental import tool_version
from cgu.site.writer import (
    IndexEntry,
    _recover,
    _swap,
    check_output_folder,
    output_lock,
    write_output,
)

RELEASES_PAGE = "releases.html"
"""Every published release of every document, linked from index.html: the pages a reader can browse."""


@dataclass(frozen=True)
class PublishReport:
    """What a publication wrote."""

    files: int
    releases: int
    bundles: int


def publish(root: Path, out: Path, jobs: int = 1) -> PublishReport:
    """Build, add releases, index.json and bundles in a working copy, then swap it in place of `out` in one step."""
    out = check_output_folder(out, root)
    work = out.parent / f".{out.name}.publishing-{os.getpid()}"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with output_lock(out):
            _recover(out)  # a publish killed earlier: its working copy goes, the site it left is whole
            if out.is_dir():
                shutil.copytree(out, work, copy_function=os.link)  # hard links: the previous files are never modified
            report = _publish_into(root.resolve(), work, jobs)
            _swap(work, out)
    except OSError as exc:
        raise CguError.at(
            SourceLocation(str(out)),
            f"cannot write the published site: {exc.strerror or exc}; the previous site is unchanged",
        ) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


def _publish_into(root: Path, out: Path, jobs: int) -> PublishReport:
    build(root, out, jobs=jobs, preserve=published_extra)
    project = mark_drafts(load_project(root))
    history = History(root)
    extras: list[Artifact] = []
    index: dict[str, object] = {"tool": tool_version(), "organisms": []}
    release_count = 0
    rows: list[IndexEntry] = []
    for document in project.documents:
        organism, kind = document.organism, document.kind
        releases = (
            load_releases(root, organism, kind, history, document)[0]
            if history.available and organism.documents[kind].releases
            else []
        )
        theme = project.themes[organism.theme.name]
        entries = []
        redlines = _redlines_to_current(out, organism.id, kind) if releases else {}
        for release in releases:
            if release.commit is None:
                continue
            stem = f"{organism.id}/{kind}/releases/{release.spec.version.isoformat()}"
            for name in ("html", "pdf"):
                path = out / f"{stem}{BUILDERS[name].suffix}"
                marker = out / f"{stem}.sha256"
                if path.is_file() and marker.is_file() and marker.read_text(encoding="utf-8").strip() == release.sha256:
                    continue  # a release never changes: rendered once
                content = BUILDERS[name].render(release.document, theme, root)
                if name == "html":
                    content = content.replace(
                        f'href="../assets/{theme.name}/'.encode(), f'href="../../../assets/{theme.name}/'.encode()
                    )
                    content = content.replace(b'src="logo', b'src="../../logo')
                extras.append(Artifact(f"{stem}{BUILDERS[name].suffix}", content))
            extras.append(Artifact(f"{stem}.sha256", (release.sha256 + "\n").encode()))
            entries.append(
                {
                    "version": release.spec.version.isoformat(),
                    "effective": release.spec.effective.isoformat(),
                    "material": release.spec.material,
                    "sha256": release.sha256,
                    "html": f"{stem}.html",
                    "pdf": f"{stem}.pdf",
                }
            )
            release_count += 1
            files = (("HTML", f"{stem}.html"), ("PDF", f"{stem}.pdf"))
            redline = redlines.get(release.spec.version.isoformat())
            rows.append(
                IndexEntry(
                    organism.name,
                    document.title,
                    release.spec.version,
                    release.spec.effective,
                    files + ((("Modifications jusqu'à la version en vigueur", redline),) if redline else ()),
                )
            )
        current = f"{organism.id}/{kind}-{document.version.isoformat()}"
        index["organisms"].append(
            {
                "id": organism.id,
                "name": organism.name,
                "document": kind,
                "title": document.title,  # type: ignore[union-attr]
                "version": document.version.isoformat(),
                "effective": document.effective.isoformat(),
                "draft": document.draft,
                "html": f"{current}.html",
                "pdf": f"{current}.pdf",
                "versions": f"{organism.id}/{kind}/versions.json" if releases else None,
                "changelog": f"{organism.id}/{kind}/changelog.html" if releases else None,
                "releases": entries,
            }
        )
    extras.append(
        Artifact("index.json", (json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
    )
    if rows:
        extras += releases_page(project.root, project.themes, out, rows)
    write_output(out, extras, keep=lambda path: True, project_root=root)
    commit = history.repo.head.commit.hexsha if history.available and history.repo is not None else None
    bundles = make_bundles(out, [o.id for o in selected_organisms(project.organisms, ())], commit)
    write_output(out, bundles, keep=lambda path: not path.startswith(f"{BUNDLES}/"), project_root=root)
    files = sum(1 for p in out.rglob("*") if p.is_file())
    return PublishReport(files, release_count, len(bundles))


def published_extra(path: str) -> bool:
    """Files only `cgu publish` writes, which a build must leave in place."""
    return "/releases/" in path or path in ("index.json", RELEASES_PAGE) or path.startswith(f"{BUNDLES}/")


def releases_page(root: Path, themes: dict[str, ThemeFolder], out: Path, rows: list[IndexEntry]) -> list[Artifact]:
    """releases.html (every release, newest last per document), and index.html with a link to it before `</main>`."""
    theme = themes.get("default") or find_theme(root, "default")
    rows = sorted(rows, key=lambda row: (row.organism.lower(), row.title, row.version))
    page = theme.render(
        "index.html", title="Versions publiées", entries=rows, theme_name=theme.name, generator=GENERATOR
    )
    index = (out / "index.html").read_text(encoding="utf-8")
    link = (
        f'<p class="releases-link"><a href="{RELEASES_PAGE}">Versions publiées de chaque document (HTML, PDF)</a></p>\n'
    )
    if "</main>" in index and RELEASES_PAGE not in index:
        index = index.replace("</main>", link + "</main>", 1)
    return [Artifact(RELEASES_PAGE, page.encode("utf-8")), Artifact("index.html", index.encode("utf-8"))]


def _redlines_to_current(out: Path, organism: str, kind: str) -> dict[str, str]:
    """Each release's redline to the current one, as versions.json names it (relative to the site's root), by version."""
    try:
        releases = json.loads((out / organism / kind / "versions.json").read_text(encoding="utf-8"))["releases"]
        named = {str(r["version"]): r.get("redline_to_current") for r in releases}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {
        version: f"{organism}/{kind}/{target}"
        for version, target in named.items()
        if target and (out / organism / kind / target).is_file()
    }


def run_publish(project: Path, out: Path, jobs: int) -> None:
    """`cgu publish`."""
    from cgu.commands.publish import publish

    report = publish(project, out, jobs)
    click.echo(f"published {report.files} files ({report.releases} releases, {report.bundles} bundles) into {out}")


def run_verify_bundle(bundle: Path) -> None:
    """`cgu verify-bundle`."""
    from cgu.site.bundles import verify_bundle

    click.echo(verify_bundle(bundle))
