"""A persistent cache of what past releases are made of, so that a rebuild does not recompose history every time.

Where: inside the clone's git folder (`.git/cgu-cache/`; a worktree's own one), because what it holds is a function
of git objects: never shown by `git status` nor committed (a project made by an older `cgu init` has no ignore rule
for it), never in the published site or its bundles, shared by every command and output folder of the clone (check,
build, publish, preview), and gone with the clone.

Trust: an entry is untrusted input. It is JSON (never pickle), read within a size bound, decoded against the model's
types field by field (anything unexpected and the entry is ignored), and signed with HMAC-SHA256 under a key that
lives outside the repository, in the user's configuration folder (`~/.config/cgu/cache.key`, mode 0600): an entry
written by anyone else (another user of a shared clone, a cache restored from CI or copied from another machine) or
edited by hand fails the signature and is recomposed from git, as is a corrupt or truncated one. Stale entries cannot
be found: an entry's name holds everything composition depends on (the git tree id of the project at the declaring
commit, the organism, the document, a digest of cgu's own code and the versions of the libraries that shape the
text); a declaring commit is cached under the HEAD commit it was searched from.
"""

from __future__ import annotations

import collections.abc
import datetime as dt
import functools
import hashlib
import hmac
import json
import os
import types
import typing
from collections.abc import Sequence
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from cgu.model import Article, Clause, ClauseTranslation, Document, Organism, Problem
from cgu.release.signing import signing_key, tool_fingerprint

FINDINGS_PARTS = ("organisms", "pages", "waived")
"""A kept check: the organisms' findings, the documents' pages' (fonts, themes), the findings waived."""

FORMAT = 1
MAX_ENTRY_BYTES = 32 * 1024 * 1024
"""Larger files are not read (a composed document is a few hundred kilobytes)."""


class ReleaseCache:
    """Composed past documents, by the git tree they were composed from; every read is verified, any failure a miss."""

    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder = folder
        self.key = key
        self.hits = 0
        self.misses = 0

    @classmethod
    def in_git_folder(cls, git_folder: Path | None) -> ReleaseCache | None:
        """The cache of a clone, or None when there is no git folder or no signing key."""
        key = signing_key() if git_folder is not None else None
        return cls(git_folder / "cgu-cache", key) if git_folder is not None and key is not None else None

    def _path(self, identity: str) -> Path:
        return self.folder / f"{hashlib.sha256(identity.encode()).hexdigest()}.json"

    def sign(self, identity: str, payload: str) -> str:
        """The HMAC-SHA256 of an entry under this cache's key."""
        return hmac.new(self.key, f"{identity}\0{payload}".encode(), hashlib.sha256).hexdigest()

    def _read(self, identity: str) -> Any:
        """The value stored under `identity`, if its entry is whole and signed with this user's key; else None."""
        path = self._path(identity)
        try:
            if path.stat().st_size > MAX_ENTRY_BYTES:
                return None
            entry = json.loads(path.read_text(encoding="utf-8"))
            payload = entry["payload"]
            if entry["identity"] != identity or not isinstance(payload, str):
                return None
            if not hmac.compare_digest(self.sign(identity, payload), str(entry["mac"])):
                return None
            return json.loads(payload)
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None

    def _write(self, identity: str, value: Any) -> None:
        """Keep a value (best effort: a cache that cannot be written is simply not kept); one rename, never half."""
        path = self._path(identity)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            payload = json.dumps(value, ensure_ascii=False, sort_keys=True)
            self.folder.mkdir(parents=True, exist_ok=True)
            entry = {"identity": identity, "mac": self.sign(identity, payload), "payload": payload}
            temporary.write_text(json.dumps(entry, ensure_ascii=False), "utf-8")
            os.replace(temporary, path)
        except (OSError, ValueError, TypeError, RecursionError):
            temporary.unlink(missing_ok=True)

    def get(self, tree: str, organism_id: str, kind: str, language: str = "") -> tuple[Document, frozenset[str]] | None:
        """The document composed from `tree` (in `language`, a translation; "" the source), and its input files, if a
        valid entry holds them."""
        data = self._read(json.dumps([FORMAT, "document", tool_fingerprint(), tree, organism_id, kind, *_in(language)]))
        try:
            document = _decode(Document, data["document"])
            inputs = frozenset(_decode(tuple[str, ...], data["inputs"]))
        except (ValueError, KeyError, TypeError, RecursionError, AttributeError):
            self.misses += 1
            return None
        if document.organism.id != organism_id or document.kind != kind or document.organism.language != language:
            self.misses += 1
            return None
        self.hits += 1
        return document, inputs

    def put(
        self, tree: str, organism_id: str, kind: str, document: Document, inputs: frozenset[str], language: str = ""
    ) -> None:
        """Keep a composed document, unless its JSON form would not give it back exactly."""
        try:
            data = {"document": _encode(document), "inputs": sorted(inputs)}
            if _decode(Document, json.loads(json.dumps(data))["document"]) != document:
                return  # something the JSON form cannot hold exactly: never cached
        except (ValueError, TypeError, RecursionError):
            return
        self._write(json.dumps([FORMAT, "document", tool_fingerprint(), tree, organism_id, kind, *_in(language)]), data)

    def articles(self, made_of: str) -> tuple[Article, ...] | None:
        """The articles of a working-tree document whose inputs hash to `made_of` (see `inputs_digest`), if cached."""
        data = self._read(json.dumps([FORMAT, "articles", tool_fingerprint(), made_of]))
        try:
            return _decode(tuple[Article, ...], data) if data is not None else None
        except (ValueError, KeyError, TypeError, RecursionError, AttributeError):
            return None

    def keep_articles(self, made_of: str, articles: tuple[Article, ...]) -> None:
        """Keep a working-tree document's articles, unless their JSON form would not give them back exactly."""
        if (data := _exact_articles(articles)) is not None:
            self._write(json.dumps([FORMAT, "articles", tool_fingerprint(), made_of]), data)

    def prior(self, made_of: str) -> tuple[str | None, tuple[Article, ...]] | None:
        """The title (None: the file has none) and articles of a prior release's file whose text and name hash to
        `made_of`, as an earlier run read them."""
        data = self._read(json.dumps([FORMAT, "prior", tool_fingerprint(), made_of]))
        try:
            if not isinstance(data, dict) or set(data) != {"title", "articles"}:
                return None
            title = data["title"]
            if title is not None and not isinstance(title, str):
                return None
            return title, _decode(tuple[Article, ...], data["articles"])
        except (ValueError, KeyError, TypeError, RecursionError, AttributeError):
            return None

    def keep_prior(self, made_of: str, title: str | None, articles: tuple[Article, ...]) -> None:
        """Keep what a prior release's file holds, unless its JSON form would not give it back exactly."""
        if (data := _exact_articles(articles)) is None:
            return
        self._write(json.dumps([FORMAT, "prior", tool_fingerprint(), made_of]), {"title": title, "articles": data})

    def names_read(self, body: str) -> frozenset[str] | None:
        """The dotted names a clause template reads (see `cgu.authoring.impact`), if an earlier run found them."""
        data = self._read(json.dumps([FORMAT, "names", tool_fingerprint(), hashlib.sha256(body.encode()).hexdigest()]))
        try:
            return frozenset(_decode(tuple[str, ...], data)) if data is not None else None
        except (ValueError, TypeError):
            return None

    def keep_names_read(self, body: str, names: frozenset[str]) -> None:
        identity = [FORMAT, "names", tool_fingerprint(), hashlib.sha256(body.encode()).hexdigest()]
        self._write(json.dumps(identity), sorted(names))

    def findings(self, made_of: str) -> dict[str, tuple[Problem, ...]] | None:
        """What `cgu check` found on content whose inputs hash to `made_of` (see `cgu.commands.check`), if kept."""
        data = self._read(json.dumps([FORMAT, "findings", tool_fingerprint(), made_of]))
        try:
            if not isinstance(data, dict) or set(data) != set(FINDINGS_PARTS):
                return None
            return {part: _decode(tuple[Problem, ...], data[part]) for part in FINDINGS_PARTS}
        except (ValueError, KeyError, TypeError, RecursionError, AttributeError):
            return None

    def keep_findings(self, made_of: str, parts: dict[str, tuple[Problem, ...]]) -> None:
        self._write(json.dumps([FORMAT, "findings", tool_fingerprint(), made_of]), _encode(parts))

    def pages(self, made_of: str, names: tuple[str, ...]) -> dict[str, str] | None:
        """The texts (`names`: pages or files) an earlier run rendered from inputs hashing to `made_of`, if kept."""
        data = self._read(json.dumps([FORMAT, "pages", tool_fingerprint(), made_of]))
        if not isinstance(data, dict) or set(data) != set(names) or not all(isinstance(v, str) for v in data.values()):
            return None
        return data

    def keep_pages(self, made_of: str, pages: dict[str, str]) -> None:
        self._write(json.dumps([FORMAT, "pages", tool_fingerprint(), made_of]), pages)

    def bundle(self, made_of: str) -> str | None:
        """The SHA-256 of the zip an earlier publish made of a bundle whose manifest hashes to `made_of`, if kept."""
        data = self._read(json.dumps([FORMAT, "bundle", made_of]))
        return data if isinstance(data, str) and len(data) == 64 and data.isalnum() else None

    def keep_bundle(self, made_of: str, sha256: str) -> None:
        self._write(json.dumps([FORMAT, "bundle", made_of]), sha256)

    def declaration(
        self, head: str, where: str, organism_file: str, kind: str, version: str
    ) -> tuple[bool, str | None]:
        """Whether an earlier run on the history of `head` found which commit declared a release (commits never change,
        so neither does the answer), and that commit (None: declared by none)."""
        found = self._read(json.dumps([FORMAT, "declaration", head, where, organism_file, kind, version]))
        commit = found.get("commit", False) if isinstance(found, dict) and set(found) == {"commit"} else False
        if commit is None or (isinstance(commit, str) and len(commit) == 40 and commit.isalnum()):
            return True, commit
        return False, None

    def keep_declaration(
        self, head: str, where: str, organism_file: str, kind: str, version: str, commit: str | None
    ) -> None:
        self._write(json.dumps([FORMAT, "declaration", head, where, organism_file, kind, version]), {"commit": commit})


def _exact_articles(articles: tuple[Article, ...]) -> Any:
    """The JSON form of articles, or None when it would not give them back exactly (then they are not cached)."""
    try:
        data = _encode(articles)
        return data if _decode(tuple[Article, ...], json.loads(json.dumps(data))) == articles else None
    except (ValueError, TypeError, RecursionError):
        return None


def _in(language: str) -> list[str]:
    """A translation's entry names its language; a source document's name is what it always was."""
    return [language] if language else []


def content_digest(parts: list[Any]) -> str:
    """The hash of model values (frozen dataclasses of text, numbers, dates, tuples and mappings) by their `repr`,
    which shows every field (a value whose `repr` changes from run to run only makes the entry never found)."""
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def inputs_digest(organism: Organism, kind: str, clauses: Sequence[Clause | ClauseTranslation | None]) -> str:
    """What a composed document is a function of: the organism (facts, documents, locations, language), the kind and
    each clause it lists (front matter, body, where it comes from), in order, then in a translation each clause's
    translation. Raises TypeError for what JSON cannot hold."""
    made_of = [kind, _encode(organism), [_encode(c) if c is not None else None for c in clauses]]
    return hashlib.sha256(json.dumps(made_of, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _encode(value: Any) -> Any:
    """The model's frozen dataclasses as plain JSON values (dates as ISO text; tuples and mappings as lists and
    objects); the types come back from the dataclass fields when decoding."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if (names := _field_names(type(value))) is not None:
        return {name: _encode(getattr(value, name)) for name in names}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_encode(item) for item in value]
    if isinstance(value, (dict, types.MappingProxyType)):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("a mapping key that is not text")
        return {key: _encode(item) for key, item in value.items()}
    raise TypeError(f"cannot cache a {type(value).__name__}")


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass, in order, looked up once per run; None for any other type."""
    if kind not in _FIELD_NAMES:
        _FIELD_NAMES[kind] = tuple(f.name for f in fields(kind)) if is_dataclass(kind) else None
    return _FIELD_NAMES[kind]


@functools.cache
def _shape(kind: Any) -> tuple[Any, tuple[Any, ...], frozenset[str] | None]:
    """A type's origin, arguments and (a dataclass) field names, worked out once per run."""
    names = frozenset(f.name for f in fields(kind)) if isinstance(kind, type) and is_dataclass(kind) else None
    return typing.get_origin(kind), typing.get_args(kind), names


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    """A dataclass's field types, resolved once per run (resolving them is most of the cost of decoding an entry)."""
    return typing.get_type_hints(kind)


def _decode(kind: Any, data: Any) -> Any:
    """`data` as a value of type `kind`, checked at every level; ValueError or TypeError at the first mismatch."""
    if kind is str:  # most values: the checks below, in short
        if not isinstance(data, str):
            raise TypeError("not a str")
        return data
    origin, args, names = _shape(kind)
    if kind is Any:
        return _plain(data)
    if names is not None:
        if not isinstance(data, dict):
            raise TypeError(f"{kind.__name__}: not an object")
        hints = _hints(kind)
        if data.keys() != names:
            raise ValueError(f"{kind.__name__}: fields {sorted(set(data) ^ names)}")
        return kind(**{name: _decode(hints[name], data[name]) for name in names})
    if origin in (types.UnionType, typing.Union):
        if data is None and type(None) in args:
            return None
        (single,) = [a for a in args if a is not type(None)]
        return _decode(single, data)
    if origin is tuple:
        if not isinstance(data, list):
            raise TypeError("not a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], item) for item in data)
        if len(args) != len(data):
            raise ValueError("wrong length")
        return tuple(_decode(a, item) for a, item in zip(args, data, strict=True))
    if origin in (collections.abc.Mapping, dict):
        if not isinstance(data, dict):
            raise TypeError("not an object")
        return types.MappingProxyType({str(k): _decode(args[1], v) for k, v in data.items()})
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(data)
    if kind is dt.date:
        return dt.date.fromisoformat(data)
    if kind is bool:
        if not isinstance(data, bool):
            raise TypeError("not a boolean")
        return data
    if kind in (str, int, float):
        if not isinstance(data, kind) or isinstance(data, bool):
            raise TypeError(f"not a {kind.__name__}")
        return data
    raise TypeError(f"no decoding for {kind!r}")


def _plain(data: Any) -> Any:
    """Organism data: plain JSON values; inner objects stay dicts, as the loader makes them."""
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    if data is None or isinstance(data, (str, bool, int, float)):
        return data
    raise TypeError("not a JSON value")
