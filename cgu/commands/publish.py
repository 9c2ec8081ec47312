"""Publish: the built site plus every release's HTML and PDF, a site-wide index.json, and verifiable zip bundles."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import zipfile
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
from cgu.site.incremental import tool_version
from cgu.site.writer import (
    IndexEntry,
    _recover,
    _swap,
    check_output_folder,
    output_lock,
    write_output,
)

BUNDLES = "bundles"
RELEASES_PAGE = "releases.html"
"""Every published release of every document, linked from index.html: the pages a reader can browse."""
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""Fixed entry dates: the same files give the same zip bytes."""


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
        raise CguError.at(SourceLocation(str(out)), f"cannot write the published site: {exc.strerror or exc}; the previous site is unchanged") from None
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
        releases = load_releases(root, organism, kind, history, document)[0] if history.available and organism.documents[kind].releases else []
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
                    content = content.replace(f'href="../assets/{theme.name}/'.encode(), f'href="../../../assets/{theme.name}/'.encode())
                    content = content.replace(b'src="logo', b'src="../../logo')
                extras.append(Artifact(f"{stem}{BUILDERS[name].suffix}", content))
            extras.append(Artifact(f"{stem}.sha256", (release.sha256 + "\n").encode()))
            entries.append({"version": release.spec.version.isoformat(), "effective": release.spec.effective.isoformat(),
                            "material": release.spec.material, "sha256": release.sha256,
                            "html": f"{stem}.html", "pdf": f"{stem}.pdf"})
            release_count += 1
            files = (("HTML", f"{stem}.html"), ("PDF", f"{stem}.pdf"))
            redline = redlines.get(release.spec.version.isoformat())
            rows.append(IndexEntry(organism.name, document.title, release.spec.version, release.spec.effective,
                                   files + ((("Modifications jusqu'à la version en vigueur", redline),) if redline else ())))
        current = f"{organism.id}/{kind}-{document.version.isoformat()}"
        index["organisms"].append({"id": organism.id, "name": organism.name, "document": kind, "title": document.title,  # type: ignore[union-attr]
                                   "version": document.version.isoformat(), "effective": document.effective.isoformat(),
                                   "draft": document.draft, "html": f"{current}.html", "pdf": f"{current}.pdf",
                                   "versions": f"{organism.id}/{kind}/versions.json" if releases else None,
                                   "changelog": f"{organism.id}/{kind}/changelog.html" if releases else None,
                                   "releases": entries})
    extras.append(Artifact("index.json", (json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()))
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
    page = theme.render("index.html", title="Versions publiées", entries=rows, theme_name=theme.name, generator=GENERATOR)
    index = (out / "index.html").read_text(encoding="utf-8")
    link = f'<p class="releases-link"><a href="{RELEASES_PAGE}">Versions publiées de chaque document (HTML, PDF)</a></p>\n'
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
    return {version: f"{organism}/{kind}/{target}" for version, target in named.items()
            if target and (out / organism / kind / target).is_file()}


def make_bundles(out: Path, organisms: list[str], commit: str | None) -> list[Artifact]:
    """One zip per organism (its files and the shared assets) and one with everything, each with manifest.json."""
    everything = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                        if p.is_file() and not p.relative_to(out).as_posix().startswith((f"{BUNDLES}/", ".")))
    bundles = []
    for name, members in [(organism, [f for f in everything if f.startswith((f"{organism}/", "assets/"))]) for organism in organisms] + [("all", everything)]:
        bundles.append(Artifact(f"{BUNDLES}/{name}.zip", zip_bundle(out, members, commit)))
    return bundles


def zip_bundle(out: Path, members: list[str], commit: str | None) -> bytes:
    """A deterministic zip of `members` with a manifest listing each file's SHA-256 and size."""
    manifest = {"tool": tool_version(), "source_commit": commit,
                "files": [{"path": m, "sha256": hashlib.sha256((out / m).read_bytes()).hexdigest(), "size": (out / m).stat().st_size}
                          for m in members]}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in [("manifest.json", (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())] + \
                          [(m, (out / m).read_bytes()) for m in members]:
            info = zipfile.ZipInfo(path, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def verify_bundle(bundle: Path) -> str:
    """Check every file of a bundle against its manifest: hash, size, nothing missing, nothing added."""
    shown = str(bundle)
    try:
        with zipfile.ZipFile(bundle) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            names = set(archive.namelist()) - {"manifest.json"}
            problems = []
            listed = {entry["path"]: entry for entry in manifest["files"]}
            for path, entry in sorted(listed.items()):
                if path not in names:
                    problems.append(f"{path}: listed in the manifest but missing")
                    continue
                data = archive.read(path)
                if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
                    problems.append(f"{path}: content differs from the manifest (sha256 or size)")
            problems += [f"{path}: not listed in the manifest" for path in sorted(names - set(listed))]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, RecursionError) as error:  # a manifest of the wrong shape
        raise CguError.at(SourceLocation(shown), f"not a cgu bundle ({error})") from None
    if problems:
        raise CguError([CguError.at(SourceLocation(f"{shown}:{p.split(':')[0]}"), p.split(": ", 1)[1]).problems[0] for p in problems])
    return f"valid: {len(listed)} files match the manifest (tool {manifest.get('tool')}, commit {manifest.get('source_commit') or 'unknown'})"


def run_publish(project: Path, out: Path, jobs: int) -> None:
    """`cgu publish`."""
    from cgu.commands.publish import publish

    report = publish(project, out, jobs)
    click.echo(f"published {report.files} files ({report.releases} releases, {report.bundles} bundles) into {out}")


def run_verify_bundle(bundle: Path) -> None:
    """`cgu verify-bundle`."""
    from cgu.commands.publish import verify_bundle

    click.echo(verify_bundle(bundle))
