"""What was committed, read through GitPython: find the commit that declared a release, and read the project as it was
then. With `cgu.release.repository` (a digest of the repository's state, with git's plumbing), the only code that
touches git."""

from __future__ import annotations

import datetime as dt
import functools
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

import git

from cgu.errors import CguError, printable
from cgu.load.files import MAX_FILE_BYTES, load_yaml
from cgu.load.images import LOGO_SUFFIXES, MAX_LOGO_BYTES
from cgu.load.themes import MAX_THEME_FILE_BYTES
from cgu.model import SourceLocation

_F = TypeVar("_F", bound=Callable[..., Any])


def _readable(method: _F) -> _F:
    """A git object that cannot be read (damaged or partial repository) is one clear error, not a traceback."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except (git.exc.GitError, ValueError) as exc:
            lines = [
                line.strip(" '\"").removeprefix("stderr:").strip(" '\"")
                for line in str(getattr(exc, "stderr", "") or exc).splitlines()
            ]
            lines = [line for line in lines if line]
            detail = next(
                (line for line in lines if line.startswith(("fatal:", "error:"))),
                lines[0] if lines else type(exc).__name__,
            )
            raise CguError.at(
                SourceLocation(".git"),
                f"cannot read the git history ({detail}): the repository is damaged or "
                "incomplete; check it with 'git fsck', or clone it again",
            ) from None

    return wrapper  # type: ignore[return-value]


EXPORTED = ("clauses", "organisms", "themes")
"""The folders a project is made of: a past commit is exported with these only."""
MAX_EXPORTED_BYTES = {"clauses": MAX_FILE_BYTES, "organisms": MAX_FILE_BYTES, "themes": MAX_THEME_FILE_BYTES}
"""Per folder, the largest file written out of git (a theme holds fonts and images; the rest is text)."""
_EXPORTS: dict[str, Path] = {}
_EXPORT_ROOT = Path(tempfile.gettempdir()) / "cgu-history"


@dataclass(frozen=True)
class Declaration:
    """The commit that introduced a release's declaration, and when it was made."""

    commit: str
    date: dt.datetime


class History:
    """A project's git history, read from git objects only (the work tree is never touched)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.repo: git.Repo | None = None
        self.unavailable: str | None = None
        self.shallow = False
        self.boundary: set[str] = set()
        self._parsed: dict[str, frozenset[tuple[str, str]]] = {}
        self._unique: set[str] = set()
        """Trees found to hold no two entries of the same name (each checked once per run)."""
        try:
            self.repo = git.Repo(self.root, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            self.unavailable = "not a git repository"
            return
        if not self.repo.head.is_valid():
            self.unavailable = "the git repository has no commits yet"
            self.repo = None
            return
        shallow_file = Path(self.repo.git_dir) / "shallow"
        self.shallow = shallow_file.exists()
        self.boundary = set(shallow_file.read_text().split()) if self.shallow else set()
        """Commits whose parents were not fetched: a declaration found there may be older in truth."""
        self.prefix = PurePosixPath(
            self.root.relative_to(Path(self.repo.working_tree_dir or self.root).resolve()).as_posix()
        )

    @property
    def available(self) -> bool:
        return self.repo is not None

    @property
    def git_folder(self) -> Path | None:
        """The clone's (or worktree's) own git folder, where the release cache lives; None without git."""
        return Path(self.repo.git_dir).resolve() if self.repo is not None else None

    @_readable
    def tree_id(self, commit: str) -> str:
        """The git tree id of the project folder at `commit`: it names exactly the content composed from there."""
        return self._project_tree(commit).hexsha

    def _path(self, relative: str) -> str:
        return str(self.prefix / relative) if str(self.prefix) != "." else relative

    def _project_tree(self, commit: str) -> git.Tree:
        """The project folder's tree at `commit`, each folder on the way checked for duplicate names."""
        assert self.repo is not None
        tree = self._checked(self.repo.commit(commit).tree, commit)
        for part in self.prefix.parts if str(self.prefix) != "." else ():
            tree = self._checked(tree / part, commit)
        return tree

    def _entry(self, commit: str, relative: str) -> git.Blob | None:
        """The project-relative file at `commit` (None where there is none), each folder on the way checked for
        duplicate names, so that cgu reads the very file git would."""
        tree = self._project_tree(commit)
        *folders, name = PurePosixPath(relative).parts
        try:
            for part in folders:
                tree = self._checked(tree / part, commit)
            item = tree / name
        except (KeyError, TypeError):
            return None
        return item if isinstance(item, git.Blob) else None

    def _checked(self, tree: Any, commit: str) -> git.Tree:
        """`tree`, refused when two of its entries have the same name: git itself refuses such a tree ('git fsck':
        duplicateEntries), and which of the two a checkout, GitPython or cgu reads is anyone's guess."""
        if not isinstance(tree, git.Tree):
            raise KeyError(str(getattr(tree, "path", "")))
        if tree.hexsha in self._unique:
            return tree
        seen: set[str] = set()
        for item in tree:
            if item.name in seen:
                inside = PurePosixPath(str(item.path))
                outside = str(self.prefix) == "." or not inside.is_relative_to(self.prefix)
                shown = printable(str(inside if outside else inside.relative_to(self.prefix)))
                raise CguError.at(
                    SourceLocation(shown),
                    f"the git tree of commit {commit[:10]} holds two entries named {shown!r} (what 'git fsck' reports "
                    "as duplicateEntries), so which one is the file cannot be told and no release can be read from "
                    "that commit; rewrite the commit without the duplicate (git itself refuses to make such a tree)",
                )
            seen.add(item.name)
        self._unique.add(tree.hexsha)
        return tree

    @_readable
    def declaration(self, organism_file: str, kind: str, version: dt.date) -> Declaration | None:
        """The oldest commit on HEAD's history whose organism file declares this release (survives squash and
        rebase)."""
        assert self.repo is not None
        commits = list(self.repo.iter_commits("HEAD", paths=self._path(organism_file)))
        for commit in reversed(commits):
            if (kind, version.isoformat()) in self._declared(commit.hexsha, organism_file):
                return Declaration(commit.hexsha, commit.committed_datetime)
        return None

    @_readable
    def declared_at(self, commit: str) -> Declaration:
        """The declaration made by `commit` (its date), for a commit found earlier."""
        assert self.repo is not None
        return Declaration(commit, self.repo.commit(commit).committed_datetime)

    @property
    def head(self) -> str | None:
        """The commit HEAD points at (None without history)."""
        return self.repo.head.commit.hexsha if self.repo is not None else None

    @_readable
    def declaring_commits(self, organism_file: str, kind: str, version: dt.date, limit: int = 20) -> list[str]:
        """Commits on any branch, tag or reflog entry whose organism file declares this release, oldest first."""
        assert self.repo is not None
        listed = self.repo.git.rev_list("--all", "--reflog", "--", self._path(organism_file)).split()
        found = [sha for sha in reversed(listed) if (kind, version.isoformat()) in self._declared(sha, organism_file)]
        return found[:limit]

    def _declared(self, commit: str, organism_file: str) -> frozenset[tuple[str, str]]:
        """(kind, version) of every release the organism file declares at `commit`; each file version parsed once."""
        blob = self._entry(commit, organism_file)
        if blob is None:
            return frozenset()
        if blob.hexsha not in self._parsed:
            text = blob.data_stream.read().decode("utf-8", errors="replace")
            self._parsed[blob.hexsha] = _declared_releases(text, organism_file)
        return self._parsed[blob.hexsha]

    @_readable
    def changed_files(self, old: str, new: str, paths: set[str]) -> list[str]:
        """Which of these project-relative files differ between two commits (added or removed ones included)."""
        changed = []
        for relative in sorted(paths):
            blobs = [getattr(self._entry(commit, relative), "hexsha", None) for commit in (old, new)]
            if blobs[0] != blobs[1]:
                changed.append(relative)
        return changed

    @_readable
    def read(self, commit: str, relative: str) -> str | None:
        """A file's text at a commit, or None where it did not exist."""
        blob = self._entry(commit, relative)
        if blob is None:
            return None
        if blob.size > MAX_FILE_BYTES:  # never read a huge blob whole: the working tree's bound, at any commit
            raise CguError.at(
                SourceLocation(relative),
                f"at commit {commit[:10]}, the file is {blob.size // 1024} KiB, over the "
                f"{MAX_FILE_BYTES // 1024} KiB limit for a source file; a release cannot be read from it",
            )
        return blob.data_stream.read().decode("utf-8", errors="replace")

    @_readable
    def blob(self, blob_id: str) -> str | None:
        """The text of a git blob by its id (what `git hash-object` prints), or None when the repository lacks it."""
        assert self.repo is not None
        try:
            kind, size = self.repo.odb.info(bytes.fromhex(blob_id))[1:3]
        except (ValueError, git.BadObject, git.BadName):
            return None
        if kind != b"blob" or size > MAX_FILE_BYTES:
            return None
        return self.repo.odb.stream(bytes.fromhex(blob_id)).read().decode("utf-8", errors="replace")

    def exists(self, commit: str) -> bool:
        assert self.repo is not None
        try:
            self.repo.commit(commit)
            return True
        except (ValueError, git.BadName):
            return False

    @_readable
    def export(self, commit: str) -> Path:
        """The project folder as it was at `commit`, written from git objects into a cache folder (by tree id)."""
        tree = self._project_tree(commit)
        if tree.hexsha in _EXPORTS and _EXPORTS[tree.hexsha].is_dir():
            return _EXPORTS[tree.hexsha]
        target = _EXPORT_ROOT / tree.hexsha
        if not target.is_dir():
            staging = Path(tempfile.mkdtemp(prefix="export-", dir=_ensure(_EXPORT_ROOT)))
            try:
                self._write_tree(tree, commit, staging)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)  # nothing half-exported is ever taken for a project
                raise
            try:
                staging.rename(target)
            except OSError:  # another process exported the same tree meanwhile
                shutil.rmtree(staging, ignore_errors=True)
        _EXPORTS[tree.hexsha] = target
        return target

    def _write_tree(self, tree: git.Tree, commit: str, staging: Path) -> None:
        """Write the files a project is made of from `tree` into `staging`."""
        for item in tree.traverse():
            if isinstance(item, git.Tree):
                self._checked(item, commit)  # two files of one name: which one a release holds is unknown
            if not isinstance(item, git.Blob):
                continue  # folders and submodules: only files are written
            inside, top = str(item.path), str(tree.path)
            relative = PurePosixPath(inside[len(top) + 1 :] if top else inside)
            logo = relative.suffix.lower() in LOGO_SUFFIXES  # a logo may lie anywhere in the project
            if not (relative.parts[0] in EXPORTED or logo) or ".." in relative.parts:
                continue  # only what a project is made of: an unrelated 1.5 GB blob is never written
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if item.size > MAX_EXPORTED_BYTES.get(relative.parts[0], MAX_LOGO_BYTES):
                # A file of the same size, with nothing in it: the loaders refuse it by its size, as in the
                # working tree, without the blob ever being read.
                with path.open("wb") as handle:
                    handle.truncate(item.size)
            else:
                path.write_bytes(item.data_stream.read())


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _declared_releases(text: str, shown: str) -> frozenset[tuple[str, str]]:
    """(kind, version) of each release an organism file's text declares."""
    if "releases" not in text:
        return frozenset()  # most past versions of a file: no need to parse them
    try:
        data, _ = load_yaml(text, shown)
    except Exception:  # noqa: BLE001 - a broken file at some past commit simply declares nothing
        return frozenset()
    documents = data.get("documents") if isinstance(data, dict) else None
    found = set()
    for kind, spec in documents.items() if isinstance(documents, dict) else ():
        releases = spec.get("releases") if isinstance(spec, dict) else None  # any level of the wrong type: nothing
        for release in releases if isinstance(releases, list) else ():
            if isinstance(release, dict) and "version" in release:
                found.add((str(kind), str(release.get("version"))))
    return frozenset(found)


@dataclass(frozen=True)
class Commit:
    """A commit `cgu release` made: its id and the day it was made."""

    commit: str
    date: dt.datetime


def uncommitted(root: Path, relatives: list[str]) -> list[str]:
    """Which of these project-relative files have changes not committed yet (staged, unstaged or untracked)."""
    repo = git.Repo(root, search_parent_directories=True)
    prefix = root.resolve().relative_to(Path(repo.working_tree_dir or root).resolve()).as_posix()
    paths = [relative if prefix == "." else f"{prefix}/{relative}" for relative in relatives]
    status = repo.git.status("--porcelain", "-z", "--untracked-files=all", "--", *paths)
    changed = {entry[3:] for entry in status.split("\0") if len(entry) > 3}
    return [relative for relative, path in zip(relatives, paths, strict=True) if path in changed]


def commit_release(root: Path, relative: str, message: str, also: tuple[str, ...] = ()) -> Commit:
    """Commit one project-relative file (the organism file holding a release's declaration and seal), and only it
    (with `also`: the prior file a prior release's text comes from)."""
    repo = git.Repo(root, search_parent_directories=True)
    prefix = root.resolve().relative_to(Path(repo.working_tree_dir or root).resolve()).as_posix()
    paths = [item if prefix == "." else f"{prefix}/{item}" for item in (relative, *also)]
    try:
        repo.git.add("--", *paths)
        repo.git.commit("-q", "-m", message, "--only", "--", *paths)
    except git.exc.GitCommandError as exc:
        detail = (exc.stderr or str(exc)).strip().splitlines()
        raise CguError.at(
            SourceLocation(relative),
            f"git refused the release commit ({detail[-1] if detail else 'unknown error'}); the declaration is "
            "written in the file but not committed: fix git, then commit the file yourself",
        ) from None
    head = repo.head.commit
    return Commit(head.hexsha, head.committed_datetime)
