"""Write a build: everything goes to a staging folder first, which then replaces the output in one rename."""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from cgu.compose.page_words import page_words
from cgu.errors import DISK_FULL, CguError, room_to_write
from cgu.model import Artifact, SourceLocation
from cgu.site.files import write_file
from cgu.site.incremental import MANIFEST, read_previous, with_outputs

if TYPE_CHECKING:
    from cgu.compose.language import Alternate
    from cgu.load.themes import ThemeFolder
    from cgu.project import Project

INDEX_TITLE = page_words("fr")["index_title"]


@dataclass(frozen=True)
class Version:
    """A release as the index shows it: its dates, and the files or page a reader follows."""

    version: Any
    effective: Any
    files: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class IndexEntry:
    """One row of index.html: a document of an organism, the version that binds members today and the one coming."""

    organism: str
    title: str
    version: Any
    effective: Any
    files: tuple[tuple[str, str], ...]
    draft: bool = False
    """The built page is a draft ("Projet"): its text is not that of a published release."""
    in_force: Version | None = None
    """The release in force on the run's day (from versions.json), when it is not the built page itself."""
    upcoming: Version | None = None
    """The published release not yet in force: its effective date and a link to what changes."""
    withdrawn: Withdrawn | None = None
    """When every published release is withdrawn (none in force nor coming): the newest one and its withdrawal."""


@dataclass(frozen=True)
class Withdrawn:
    """A withdrawn release as the index shows it: its version, from when and why, and where to read more."""

    version: dt.date
    on: dt.date
    reason: str
    files: tuple[tuple[str, str], ...] = ()
    lang: str = ""
    """The reason's language, when it is not the page's (the organism file's words, in its source language)."""


_REPLACED_WHOLE = "cgu replaces its output folder whole"


def check_output_folder(out: Path, project_root: Path) -> Path:
    """`out` resolved, if cgu may replace it whole: refused, before anything is touched, when it is a link, is the
    project or holds it, is not a folder, or is a non-empty folder without the manifest of an earlier cgu output."""
    given = out.absolute()  # not resolved: resolving would follow the link this looks for
    if given.is_symlink():
        raise CguError.at(
            SourceLocation(str(out)),
            f"the output folder is a link (to {os.path.realpath(given)}); "
            f"{_REPLACED_WHOLE}: point --out at a real folder of its own",
        )
    resolved = Path(os.path.realpath(given))
    root = Path(os.path.realpath(project_root))
    if resolved == root or resolved in root.parents:
        raise CguError.at(
            SourceLocation(str(out)),
            f"the output folder is the project or holds it ({root}); "
            f"{_REPLACED_WHOLE}: point --out at a folder of its own, such as build",
        )
    if resolved.exists() and not resolved.is_dir():
        raise CguError.at(
            SourceLocation(str(out)), f"the output folder is a file; {_REPLACED_WHOLE}: point --out at a folder"
        )
    if resolved.is_dir() and not (resolved / MANIFEST).is_file() and any(resolved.iterdir()):
        raise CguError.at(
            SourceLocation(str(out)),
            f"the output folder is not empty and holds no {MANIFEST}, so cgu did not make it; "
            f"{_REPLACED_WHOLE}: point --out at a new or empty folder",
        )
    return resolved


def write_output(out: Path, artifacts: list[Artifact], keep: Callable[[str], bool], project_root: Path) -> None:
    """Stage every file, add the index, then swap the staging folder in place of `out` (checked first)."""
    with open_output(out, project_root) as output:
        output.replace(artifacts, keep)


@contextmanager
def open_output(out: Path, project_root: Path, what: str = "build output") -> Iterator[OutputFolder]:
    """`out`, checked (`check_output_folder`) and locked for the whole run, what a killed run left cleaned first: read
    the previous output from it, then `replace` it. `what` names it in messages ("published site")."""
    out = check_output_folder(out, project_root)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CguError.at(SourceLocation(str(out)), f"cannot create the output folder: {exc.strerror or exc}") from None
    with output_lock(out):
        try:
            _recover(out)
        except OSError as exc:
            raise _unwritten(out, what, exc) from None
        yield OutputFolder(out, what)


@dataclass(frozen=True)
class OutputFolder:
    """An output folder this run holds the lock of (from `open_output`)."""

    path: Path
    what: str = "build output"

    def replace(
        self,
        artifacts: list[Artifact],
        keep: Callable[[str], bool],
        then: Callable[[Path, Mapping[str, str]], list[Artifact]] | None = None,
        intact: Mapping[str, str] | None = None,
    ) -> None:
        """Put a new output in place of this one in one atomic step. It holds the previous files `keep` names whose
        bytes are still those cgu recorded writing (hard-linked: shared, never modified), `artifacts`, then what
        `then` makes from the folder so far and its files' SHA-256 (the bundles of a site), and a manifest recording
        every file's SHA-256. On any error nothing is left behind and the previous output is unchanged. `intact`: the
        previous files found as cgu wrote them (`read_previous`) by this run, which holds the folder's lock since."""
        out = self.path
        staging = out.parent / f".{out.name}.staging-{os.getpid()}"
        try:
            staging.mkdir(parents=True)
            outputs = _link_kept(out, staging, keep, intact)
            _write_all(staging, artifacts, outputs)
            if then is not None:
                _write_all(staging, then(staging, MappingProxyType(dict(outputs))), outputs)
            manifest = staging / MANIFEST
            write_file(manifest, with_outputs(manifest.read_bytes() if manifest.is_file() else None, outputs))
            _swap(staging, out)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise _unwritten(out, self.what, exc) from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def _unwritten(out: Path, what: str, exc: OSError) -> CguError:
    previous = "site" if what == "published site" else "output"
    return CguError.at(
        SourceLocation(str(out)),
        f"cannot write the {what}: {exc.strerror or exc}; the previous {previous} is unchanged"
        + (f"; {room_to_write(exc)}" if exc.errno in DISK_FULL else ""),
    )


def _link_kept(
    out: Path, staging: Path, keep: Callable[[str], bool], intact: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Hard-link into `staging` each previous file that `keep` names and that is still as cgu wrote it; their hashes.

    A file edited since (or a folder an older cgu wrote, which recorded no hashes) is not carried over: its command
    renders it again. A link is never carried over: hard-linking it would publish (and bundle) what it points at."""
    if not out.is_dir():
        return {}
    kept = {}
    for name, digest in sorted((read_previous(out).intact if intact is None else intact).items()):
        if keep(name):
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            os.link(out / name, staging / name, follow_symlinks=False)
            kept[name] = digest
    return kept


def _write_all(staging: Path, artifacts: list[Artifact], outputs: dict[str, str]) -> None:
    for artifact in artifacts:
        write_file(staging / artifact.path, artifact.content)
        if artifact.path != MANIFEST:
            outputs[artifact.path] = hashlib.sha256(artifact.content).hexdigest()


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """One build at a time per output folder; a second one is told so instead of corrupting the first. The lock file
    is removed when the run ends (while still held, so a run that opened it meanwhile sees it is stale and retries)."""
    lock_path = out.parent / f".{out.name}.lock"
    while True:
        try:
            handle = open(lock_path, "a+")
        except OSError as exc:
            raise _unwritten(out, "build output", exc) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise CguError.at(
                SourceLocation(str(out)),
                "another cgu build is writing this output folder; wait for it to finish and run again",
            ) from None
        try:
            current = os.stat(lock_path)
        except FileNotFoundError:
            current = None
        if current is not None and os.path.samestat(current, os.fstat(handle.fileno())):
            break
        handle.close()  # locked a file the previous run had just removed: lock the new one
    try:
        yield
    finally:
        lock_path.unlink(missing_ok=True)
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _recover(out: Path) -> None:
    """Clean what a killed build left: its staging folder, or a previous output moved aside but not removed."""
    for leftover in sorted(out.parent.glob(f".{out.name}.old-*")):
        if not out.exists():
            os.rename(leftover, out)  # killed between the two renames of a fallback swap: put the output back
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for pattern in (f".{out.name}.staging-*", f".{out.name}.publishing-*"):
        for leftover in out.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where the system cannot."""
    import ctypes  # 10 ms to import: only when an output folder is swapped, not for every command that writes a file

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))


def _swap(staging: Path, out: Path) -> None:
    """Put `staging` in place of `out` in one atomic step, so `out` is at every instant either the old or the new
    build."""
    if out.exists() and _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous build
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.rename(out, old)
    os.rename(staging, out)
    shutil.rmtree(old, ignore_errors=True)


def drafts_in(files: Mapping[str, bytes]) -> set[str]:
    """`<organism>/<kind>` of each document whose versions.json (among `files`) says the built page is a draft."""
    return {
        folder for folder, versions in versions_in(files).items() if versions["current"].get("draft_pending") is True
    }


def versions_in(files: Mapping[str, bytes]) -> dict[str, dict[str, Any]]:
    """Each `<organism>/<kind>/versions.json` among `files`, parsed, by `<organism>/<kind>` (unreadable ones
    skipped)."""
    found = {}
    for path, content in files.items():
        if path.endswith("/versions.json"):
            try:
                data = json.loads(content)
            except ValueError:
                continue
            # `current` is null only when every release is withdrawn (state `withdrawn`).
            if isinstance(data, dict) and (
                isinstance(data.get("current"), dict)
                or (data.get("current") is None and data.get("state") == "withdrawn")
            ):
                found[path.removesuffix("/versions.json")] = data
    return found


def index_page(
    project: Project,
    present: set[str],
    versions: Mapping[str, bytes] | None = None,
    members: bool = False,
    language: str = "",
    alternates: tuple[Alternate, ...] = (),
) -> str:
    """index.html: every document of every organism whose files are in the output, with the version in force today
    and the one coming (from each versions.json among `versions`).

    A writer's build lists drafts too, marked "Projet"; the members' site (`members`) lists only released documents.
    With `language` (a translation's: `index.<lang>.html` of the published site), the documents in that language,
    under `<organism>/<lang>/`, in its words; `alternates`, the index in the other languages.
    """
    from cgu.load.themes import find_theme

    says = page_words(language)
    known = versions_in(versions or {})
    rows = []
    if language and language != "fr":
        for document in project.translations:
            if document.language == language:
                organism = document.organism
                stem = f"{organism.id}/{language}/{document.kind}"
                rows.append((organism, document.kind, document.title, document.version, document.effective, stem))
    else:
        for organism in project.organisms.values():
            for kind, spec in organism.documents.items():
                rows.append((organism, kind, spec.title, spec.version, spec.effective, f"{organism.id}/{kind}"))
    rows.sort(key=lambda row: (row[0].name.lower(), row[0].id))
    entries = []
    for organism, _kind, title, version, effective, folder in rows:
        stem = f"{folder}-{version.isoformat()}"
        files = tuple(
            (label, f"{stem}{suffix}")
            for label, suffix in (("HTML", ".html"), ("PDF", ".pdf"))
            if f"{stem}{suffix}" in present
        )
        if files and f"{folder}/changelog.html" in present:
            files += ((says["changelog"], f"{folder}/changelog.html"),)
        in_force, upcoming = _released(folder, known.get(folder), present, says)
        if organism.abstract or not (files or members):
            continue
        # Never released (no versions.json: no published release) or changed since: a draft, marked "Projet".
        draft = folder not in known or (known[folder]["current"] or {}).get("draft_pending") is True
        withdrawn = _withdrawn(folder, known.get(folder), present, says)
        if withdrawn is not None and organism.source_language != (language or "fr"):
            withdrawn = replace(withdrawn, lang=organism.source_language)
        if members and in_force is None and upcoming is None and withdrawn is None:
            continue  # never released: members never see it
        entries.append(
            IndexEntry(organism.name, title, version, effective, files, draft, in_force, upcoming, withdrawn)
        )
    theme = project.themes.get("default") or find_theme(project.root, "default")
    return listing_page(
        theme,
        says["index_title"],
        f"assets/{theme.name}/",
        entries=entries,
        members=members,
        language=language,
        alternates=alternates,
    )


def listing_page(theme: ThemeFolder, title: str, asset_base: str, language: str = "", **values: Any) -> str:
    """The theme's index.html, which draws the site's listing pages: the index (`entries`), releases.html
    (`releases`) and a re-acceptance page (`reaccept`, whole or as a `fragment` for portals), in `language`'s words
    (`alternates`: the same page in the other languages)."""
    from cgu.render.html import GENERATOR  # the themes' Jinja: not for a command that only writes files

    suffix = "" if not language or language == "fr" else f".{language}"
    page = {
        "entries": [],
        "releases": None,
        "reaccept": None,
        "members": True,
        "fragment": False,
        "alternates": (),
        "in_force_page": f"index{suffix}.html",
        "releases_page": f"releases{suffix}.html",
        **values,
    }
    return theme.render(
        "index.html",
        title=title,
        theme_name=theme.name,
        asset_base=asset_base,
        generator=GENERATOR,
        says=page_words(language),
        **page,
    )


def _released(
    folder: str, versions: dict[str, Any] | None, present: set[str], says: Mapping[str, str]
) -> tuple[Version | None, Version | None]:
    """The release in force and the next one, as versions.json states them, linked to the pages the output holds."""
    if not versions:
        return None, None

    def linked(row: dict[str, Any] | None, links: tuple[tuple[str, str], ...]) -> Version | None:
        if not isinstance(row, dict) or not row.get("version"):
            return None
        kept = tuple((label, href) for label, href in links if href in present)
        return Version(dt.date.fromisoformat(row["version"]), dt.date.fromisoformat(row["effective"]), kept)

    in_force = versions.get("in_force")
    upcoming = (versions.get("upcoming") or [None])[0]
    release_files: tuple[tuple[str, str], ...] = ()
    if isinstance(in_force, dict):  # the stable address first, the release's own PDF, then the history
        stem = f"{folder}/releases/{in_force.get('version')}"
        release_files = (
            ("HTML", f"{folder}/index.html"),
            ("PDF", f"{stem}.pdf"),
            (says["changelog"], f"{folder}/changelog.html"),
        )
    changes: tuple[tuple[str, str], ...] = ()
    if isinstance(upcoming, dict) and upcoming.get("redline_from_in_force"):
        changes = ((says["what_changes"], f"{folder}/{upcoming['redline_from_in_force']}"),)
    return linked(in_force, release_files), linked(upcoming, changes)


def _withdrawn(
    folder: str, versions: dict[str, Any] | None, present: set[str], says: Mapping[str, str]
) -> Withdrawn | None:
    """The newest release and its withdrawal, when versions.json says every published release is withdrawn."""
    if not versions or versions.get("state") != "withdrawn":
        return None
    rows = [r for r in versions.get("releases") or () if isinstance(r, dict) and isinstance(r.get("withdrawn"), dict)]
    if not rows:
        return None
    newest = max(rows, key=lambda r: str(r.get("version")))
    links = (("HTML", f"{folder}/index.html"), (says["changelog"], f"{folder}/changelog.html"))
    return Withdrawn(
        dt.date.fromisoformat(str(newest["version"])),
        dt.date.fromisoformat(str(newest["withdrawn"]["on"])),
        str(newest["withdrawn"]["reason"]),
        tuple((label, href) for label, href in links if href in present),
    )
