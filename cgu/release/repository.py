"""The state of a content repository in one digest, read with git's plumbing (no GitPython: it is read before anything
else is loaded, to tell whether a publication would change anything).

Git is touched in two places of cgu: `cgu.release.history` reads what was committed (releases, past texts), and this
module fingerprints what a run would read, without interpreting any of it. The digest covers everything `history`
and the loader can see: HEAD, every ref, the reflogs (`history` looks for declaring commits there too), the index
(staged blobs), the repository's configuration, and the bytes of every file of the project that git lists (tracked,
or untracked and not ignored), except those of the output folder. A shallow clone has no digest: its missing history
changes what a run says (a warning) without changing any of these.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

REFERENCES = ("HEAD", "packed-refs", "config", "refs", "logs", "info/grafts")
"""What of a git folder says which commits a run sees (in the worktree's own folder and in the common one)."""


@dataclass(frozen=True)
class RepositoryState:
    """A project's repository as a run would read it."""

    digest: str
    git_folder: Path
    """The git folder of the project's worktree (where cgu keeps its cache, `cgu-cache/`)."""


def repository_state(root: Path, leave_out: Path | None = None) -> RepositoryState | None:
    """The state of the repository holding `root` (the files under `leave_out` apart), or None when it cannot be told:
    no git, no repository, no commit yet, a shallow clone, or git failing."""
    places = _git(root, "rev-parse", "--path-format=absolute", "--git-dir", "--git-common-dir", "HEAD")
    if places is None:
        return None
    lines = places.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) != 3:
        return None
    git_folder, common, head = Path(lines[0]), Path(lines[1]), lines[2]
    if (common / "shallow").exists():
        return None
    staged = _git(root, "ls-files", "-z", "--stage", "--", ".")
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", ".")
    if staged is None or untracked is None:
        return None
    digest = hashlib.sha256()
    environment = sorted((k, v) for k, v in os.environ.items() if k.startswith("GIT_"))
    digest.update(repr((head, str(root), environment)).encode("utf-8", "surrogateescape") + b"\0")
    for folder in dict.fromkeys((git_folder, common)):
        for name in REFERENCES:
            _add_place(digest, folder, folder / name)
    digest.update(staged + b"\0\0" + untracked + b"\0\0")
    skipped = _relative(leave_out, root) if leave_out is not None else None
    listed = {entry.split(b"\t", 1)[-1] for entry in staged.split(b"\0") if entry}
    listed |= {entry for entry in untracked.split(b"\0") if entry}
    for relative in sorted(listed):
        name = os.fsdecode(relative)
        if skipped is not None and (skipped == "" or name == skipped or name.startswith(skipped + "/")):
            continue
        _add_file(digest, root / name, relative)
    return RepositoryState(digest.hexdigest(), git_folder)


def _git(root: Path, *arguments: str) -> bytes | None:
    """What a git command prints, or None if it fails or git is missing."""
    try:
        result = subprocess.run(["git", *arguments], cwd=root, capture_output=True, check=False)
    except OSError:
        return None
    return result.stdout if result.returncode == 0 else None


def _relative(path: Path, root: Path) -> str | None:
    """`path` relative to `root` (posix), or None when it is outside it."""
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    return "" if relative == "." else relative


def _add_place(digest: hashlib._Hash, folder: Path, place: Path) -> None:
    """A file, or every file of a folder, by path and bytes; an absent place as absent."""
    if place.is_dir():
        for directory, folders, files in os.walk(place):
            folders.sort()
            for name in sorted(files):
                path = Path(directory) / name
                _add_file(digest, path, os.fsencode(path.relative_to(folder).as_posix()))
    else:
        _add_file(digest, place, os.fsencode(place.relative_to(folder).as_posix()))


def _add_file(digest: hashlib._Hash, path: Path, name: bytes) -> None:
    """One file by name and what it is: its bytes, a link's target, or that it is absent or not a file."""
    digest.update(name + b"\0")
    try:
        if path.is_symlink():
            digest.update(b"link\0" + os.fsencode(os.readlink(path)))
        elif path.is_file():
            digest.update(b"file\0" + hashlib.sha256(path.read_bytes()).digest())
        else:
            digest.update(b"other\0" if path.exists() else b"absent\0")
    except OSError as exc:
        digest.update(f"unreadable {exc.errno}\0".encode())
    digest.update(b"\0")
