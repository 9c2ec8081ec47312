"""The only module that touches git: find the commit that declared a release, and read the project as it was then."""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

import git

from cgu.errors import CguError
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
        assert self.repo is not None
        tree = self.repo.commit(commit).tree
        return (tree / str(self.prefix)).hexsha if str(self.prefix) != "." else tree.hexsha

    def _path(self, relative: str) -> str:
        return str(self.prefix / relative) if str(self.prefix) != "." else relative

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
        assert self.repo is not None
        try:
            blob = self.repo.commit(commit).tree / self._path(organism_file)
        except KeyError:
            return frozenset()
        if blob.hexsha not in self._parsed:
            text = blob.data_stream.read().decode("utf-8", errors="replace")
            self._parsed[blob.hexsha] = _declared_releases(text, organism_file)
        return self._parsed[blob.hexsha]

    @_readable
    def changed_files(self, old: str, new: str, paths: set[str]) -> list[str]:
        """Which of these project-relative files differ between two commits (added or removed ones included)."""
        assert self.repo is not None
        changed = []
        for relative in sorted(paths):
            blobs: list[str | None] = []
            for commit in (old, new):
                try:
                    blobs.append((self.repo.commit(commit).tree / self._path(relative)).hexsha)
                except KeyError:
                    blobs.append(None)
            if blobs[0] != blobs[1]:
                changed.append(relative)
        return changed

    @_readable
    def read(self, commit: str, relative: str) -> str | None:
        """A file's text at a commit, or None where it did not exist."""
        assert self.repo is not None
        try:
            blob = self.repo.commit(commit).tree / self._path(relative)
        except KeyError:
            return None
        if blob.size > MAX_FILE_BYTES:  # never read a huge blob whole: the working tree's bound, at any commit
            raise CguError.at(
                SourceLocation(relative),
                f"at commit {commit[:10]}, the file is {blob.size // 1024} KiB, over the "
                f"{MAX_FILE_BYTES // 1024} KiB limit for a source file; a release cannot be read from it",
            )
        return blob.data_stream.read().decode("utf-8", errors="replace")

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
        assert self.repo is not None
        tree = self.repo.commit(commit).tree
        if str(self.prefix) != ".":
            tree = tree / str(self.prefix)
        if tree.hexsha in _EXPORTS and _EXPORTS[tree.hexsha].is_dir():
            return _EXPORTS[tree.hexsha]
        target = _EXPORT_ROOT / tree.hexsha
        if not target.is_dir():
            staging = Path(tempfile.mkdtemp(prefix="export-", dir=_ensure(_EXPORT_ROOT)))
            for item in tree.traverse():
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
            try:
                staging.rename(target)
            except OSError:  # another process exported the same tree meanwhile
                pass
        _EXPORTS[tree.hexsha] = target
        return target


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
