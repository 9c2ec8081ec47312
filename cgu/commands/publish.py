"""Publish: the built site plus every release's HTML and PDF, a site-wide index.json, and verifiable zip bundles."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import click

from cgu.commands.build import prepare_build
from cgu.errors import CguError
from cgu.load.themes import ThemeFolder, find_theme
from cgu.model import Artifact, Release, SourceLocation
from cgu.project import selected_organisms
from cgu.release.acceptance import redline_name
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
    result = prepare_build(root, out, jobs=jobs, preserve=published_extra)
    project, book = result.project, result.book
    extras: list[Artifact] = []
    listed: list[dict[str, object]] = []
    release_count = 0
    rows: list[IndexEntry] = []
    for document in project.documents:
        organism, kind = document.organism, document.kind
        releases = book.of(organism.id, kind).releases if not book.unavailable else ()
        theme = project.themes[organism.theme.name]
        entries = []
        redlines = _redlines_to_current(book.of(organism.id, kind).published)
        for release in releases:
            if release.commit is None:
                continue
            stem = f"{organism.id}/{kind}/releases/{release.spec.version.isoformat()}"
            for name in ("html", "pdf"):
                path = out / f"{stem}{BUILDERS[name].suffix}"
                marker = out / f"{stem}.sha256"
                if path.is_file() and marker.is_file() and marker.read_text(encoding="utf-8").strip() == release.sha256:
                    continue  # a release never changes: rendered once (by an earlier publication)
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
        listed.append(
            {
                "id": organism.id,
                "name": organism.name,
                "document": kind,
                "title": document.title,
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
    index = {"tool": tool_version(), "organisms": listed}
    extras.append(
        Artifact("index.json", (json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
    )
    artifacts = list(result.artifacts)
    if rows:
        built_index = next(a for a in artifacts if a.path == "index.html")
        artifacts.remove(built_index)
        extras += releases_page(project.root, project.themes, built_index.content.decode("utf-8"), rows)
    write_output(out, artifacts + extras, keep=result.keep, project_root=root)
    bundles = make_bundles(out, [o.id for o in selected_organisms(project.organisms, ())], book.head)
    write_output(out, bundles, keep=lambda path: not path.startswith(f"{BUNDLES}/"), project_root=root)
    count = sum(1 for path in out.rglob("*") if path.is_file())
    return PublishReport(count, release_count, len(bundles))


def published_extra(path: str) -> bool:
    """Files only `cgu publish` writes, which a build must leave in place."""
    return "/releases/" in path or path in ("index.json", RELEASES_PAGE) or path.startswith(f"{BUNDLES}/")


def releases_page(root: Path, themes: dict[str, ThemeFolder], index: str, rows: list[IndexEntry]) -> list[Artifact]:
    """releases.html (every release, newest last per document), and the built index.html with a link to it before
    `</main>`."""
    theme = themes.get("default") or find_theme(root, "default")
    rows = sorted(rows, key=lambda row: (row.organism.lower(), row.title, row.version))
    page = theme.render(
        "index.html",
        title="Versions publiées",
        entries=[],
        releases=rows,
        members=True,
        theme_name=theme.name,
        asset_base=f"assets/{theme.name}/",
        generator=GENERATOR,
    )
    link = (
        f'<p class="releases-link"><a href="{RELEASES_PAGE}">Versions publiées de chaque document (HTML, PDF)</a></p>\n'
    )
    if "</main>" in index and RELEASES_PAGE not in index:
        index = index.replace("</main>", link + "</main>", 1)
    return [Artifact(RELEASES_PAGE, page.encode("utf-8")), Artifact("index.html", index.encode("utf-8"))]


def _redlines_to_current(published: tuple[Release, ...]) -> dict[str, str]:
    """Each published release's redline to the current one (relative to the site's root, as versions.json names it),
    by version."""
    if not published:
        return {}
    latest = published[-1]
    return {
        r.spec.version.isoformat(): f"{r.organism}/{r.kind}/{redline_name(r, latest.spec.version.isoformat())}.html"
        for r in published[:-1]
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
