"""Publish what members see: every release (HTML, PDF) at its permanent address, the version in force at a stable
one, the index, changelogs and redlines, a site-wide index.json, and verifiable zip bundles; never a draft."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
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
from cgu.release.lifecycle import Lifecycle, lifecycle, today
from cgu.render.html import PageLinks, render_page
from cgu.render.registry import BUILDERS
from cgu.site.bundles import BUNDLES, make_bundles
from cgu.site.incremental import MANIFEST, manifest_bytes, read_manifest, tool_version
from cgu.site.writer import (
    IndexEntry,
    _recover,
    _swap,
    check_output_folder,
    index_page,
    listing_page,
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


def publish(root: Path, out: Path, jobs: int = 1, day: dt.date | None = None) -> PublishReport:
    """Build, add releases, index.json and bundles in a working copy, then swap it in place of `out` in one step."""
    out = check_output_folder(out, root)
    work = out.parent / f".{out.name}.publishing-{os.getpid()}"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with output_lock(out):
            _recover(out)  # a publish killed earlier: its working copy goes, the site it left is whole
            if out.is_dir():
                shutil.copytree(out, work, copy_function=os.link)  # hard links: the previous files are never modified
            report = _publish_into(root.resolve(), work, jobs, day)
            _swap(work, out)
    except OSError as exc:
        raise CguError.at(
            SourceLocation(str(out)),
            f"cannot write the published site: {exc.strerror or exc}; the previous site is unchanged",
        ) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


def _publish_into(root: Path, out: Path, jobs: int, day: dt.date | None) -> PublishReport:
    # Members see releases only: the working tree's pages (drafts among them) are not rendered for the site.
    result = prepare_build(root, out, formats=(), jobs=jobs, preserve=published_extra, day=day, refuse=True)
    project, book = result.project, result.book
    on = day or today()
    extras: list[Artifact] = []
    listed: list[dict[str, object]] = []
    release_count = 0
    rows: list[IndexEntry] = []
    for document in project.documents:
        organism, kind = document.organism, document.kind
        state = lifecycle(book.of(organism.id, kind).releases if not book.unavailable else (), on)
        if not state.published:
            continue  # never released: a draft, which never reaches the published site
        theme = project.themes[organism.theme.name]
        folder = f"{organism.id}/{kind}"
        redlines = _redlines_to_current(state.published)
        entries = []
        for release in state.published:
            stem = f"{folder}/releases/{release.spec.version.isoformat()}"
            links = release_links(state, release, stem_in_folder="releases/")
            # The HTML says whether it is in force on the day, so it is rendered on every publication (no PDF needed).
            html = render_page(release.document, theme, "html", root, "../../../", links)
            extras.append(Artifact(f"{stem}.html", html.encode("utf-8")))
            extras += _release_pdf(out, stem, release, theme, root)
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
                    files + ((("Modifications jusqu'à la dernière version", redline),) if redline else ()),
                )
            )
        extras += reacceptance_pages(state, folder, theme)
        shown = state.in_force or state.upcoming[0]
        if state.in_force is not None:
            stable = render_page(state.in_force.document, theme, "html", root, "../../", release_links(state, None))
            extras.append(Artifact(f"{folder}/{IN_FORCE_PAGE}", stable.encode("utf-8")))
        listed.append(
            {
                "id": organism.id,
                "name": organism.name,
                "document": kind,
                "title": document.title,
                "version": shown.spec.version.isoformat(),
                "effective": shown.spec.effective.isoformat(),
                "in_force": state.in_force.spec.version.isoformat() if state.in_force else None,
                "upcoming": [r.spec.version.isoformat() for r in state.upcoming],
                "draft": document.draft,
                "html": f"{folder}/{IN_FORCE_PAGE}"
                if state.in_force
                else f"{folder}/releases/{shown.spec.version.isoformat()}.html",
                "pdf": f"{folder}/releases/{shown.spec.version.isoformat()}.pdf",
                "versions": f"{folder}/versions.json",
                "changelog": f"{folder}/changelog.html",
                "releases": entries,
            }
        )
    index = {"tool": tool_version(), "organisms": listed}
    extras.append(
        Artifact("index.json", (json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
    )

    def keep(path: str) -> bool:
        return result.keep(path) and not WORKING_TREE_PAGE.match(path)  # pages a build or an earlier publish made

    kept = {path: entry for path, entry in read_manifest(out).items() if keep(path) and (out / path).is_file()}
    artifacts = [a for a in result.artifacts if a.path not in ("index.html", MANIFEST)]
    artifacts.append(Artifact(MANIFEST, manifest_bytes(kept)))
    theme = project.themes.get("default") or find_theme(project.root, "default")
    present = {a.path for a in artifacts + extras} | {
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and keep(p.relative_to(out).as_posix())
    }
    versions = {a.path: a.content for a in artifacts if a.path.endswith("/versions.json")}
    extras.append(Artifact("index.html", index_page(project, present, versions, members=True).encode("utf-8")))
    if rows:
        extras.append(releases_page(theme, rows))
    write_output(out, artifacts + extras, keep=keep, project_root=root)
    bundles = make_bundles(out, [o.id for o in selected_organisms(project.organisms, ())], book.head)
    write_output(out, bundles, keep=lambda path: not path.startswith(f"{BUNDLES}/"), project_root=root)
    count = sum(1 for path in out.rglob("*") if path.is_file())
    return PublishReport(count, release_count, len(bundles))


IN_FORCE_PAGE = "index.html"
"""`<organism>/<kind>/index.html`: the stable address that always serves the version in force."""

WORKING_TREE_PAGE = re.compile(r"^[^/]+/[a-z]+-\d{4}-\d{2}-\d{2}\.(html|pdf)$")
"""A build's page of the working tree (`<organism>/<kind>-<date>.html`), which the published site does not carry."""


def release_links(state: Lifecycle[Release], release: Release | None, stem_in_folder: str = "") -> PageLinks:
    """The links of a published page: `release`'s permanent page (from `<folder>/releases/`), or the stable page of
    the version in force (`release` None, from `<folder>/`)."""
    page = release or state.in_force
    assert page is not None
    up = "../" if stem_in_folder else ""
    version = page.spec.version.isoformat()
    coming = None
    if page is state.in_force and state.next is not None:
        coming = (state.next.spec.effective, f"{up}{redline_name(page, state.next.spec.version.isoformat())}.html")
    if page is state.in_force:
        status = "in-force"
    elif page in state.upcoming:
        status = "upcoming"
    else:
        status = "superseded"
    return PageLinks(
        status,
        pdf=f"{version}.pdf" if stem_in_folder else f"releases/{version}.pdf",
        history=f"{up}changelog.html",
        in_force=f"{up}{IN_FORCE_PAGE}" if state.in_force is not None and release is not state.in_force else None,
        coming=coming,
        reaccept=f"../reaccept/{version}.html"
        if release is not None and stem_in_folder and state.material_since(release)
        else None,
    )


def reacceptance_pages(state: Lifecycle[Release], folder: str, theme: ThemeFolder) -> list[Artifact]:
    """`<folder>/reaccept/<version>.html` (and `.fragment.html`, for portals) for each earlier release that a material
    release came after: those releases, their redlines, and the date from which the new terms apply. No script."""
    pages: list[Artifact] = []
    published = list(state.published)
    newest = published[-1].spec.version.isoformat()
    for accepted in published[:-1]:
        material = state.material_since(accepted)
        if not material:
            continue
        changes = [
            (r, f"../{redline_name(published[published.index(r) - 1], r.spec.version.isoformat())}.html")
            for r in material
        ]
        title = f"{accepted.document.title} – {accepted.document.organism.name} : nouvelle acceptation"
        reaccept = {
            "accepted": accepted,
            "changes": changes,
            "applies": material[0].spec.effective,
            "applies_since": material[0].spec.effective <= state.day,
            "day": state.day,
            "base": "../",
            "all_changes": f"../{redline_name(accepted, newest)}.html",
        }
        stem = f"{folder}/reaccept/{accepted.spec.version.isoformat()}"
        for suffix, fragment in ((".html", False), (".fragment.html", True)):
            page = listing_page(theme, title, f"../../../assets/{theme.name}/", reaccept=reaccept, fragment=fragment)
            pages.append(Artifact(f"{stem}{suffix}", page.encode("utf-8")))
    return pages


def _release_pdf(out: Path, stem: str, release: Release, theme: ThemeFolder, root: Path) -> list[Artifact]:
    """A release's PDF and the hash marker that says it was rendered from exactly that text (rendered once)."""
    path, marker = out / f"{stem}.pdf", out / f"{stem}.sha256"
    seal = Artifact(f"{stem}.sha256", (release.sha256 + "\n").encode())
    if path.is_file() and marker.is_file() and marker.read_text(encoding="utf-8").strip() == release.sha256:
        return [seal]  # a release never changes: its PDF was rendered by an earlier publication
    return [Artifact(f"{stem}.pdf", BUILDERS["pdf"].render(release.document, theme, root)), seal]


def published_extra(path: str) -> bool:
    """Files only `cgu publish` writes, which a build must leave in place."""
    return "/releases/" in path or path in ("index.json", RELEASES_PAGE) or path.startswith(f"{BUNDLES}/")


def releases_page(theme: ThemeFolder, rows: list[IndexEntry]) -> Artifact:
    """releases.html: every published release, oldest first per document, each at its permanent address."""
    rows = sorted(rows, key=lambda row: (row.organism.lower(), row.title, row.version))
    page = listing_page(theme, "Versions publiées", f"assets/{theme.name}/", releases=rows)
    return Artifact(RELEASES_PAGE, page.encode("utf-8"))


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


def run_publish(project: Path, out: Path, jobs: int, day: str | None = None) -> None:
    """`cgu publish`, for `day` (`--date`; default: SOURCE_DATE_EPOCH, else today)."""
    report = publish(project, out, jobs, today(day))
    click.echo(f"published {report.files} files ({report.releases} releases, {report.bundles} bundles) into {out}")


def run_verify_bundle(bundle: Path) -> None:
    """`cgu verify-bundle`."""
    from cgu.site.bundles import verify_bundle

    click.echo(verify_bundle(bundle))
