"""A publication that would change nothing is not made again.

A publication is a function of what it reads: the project's files and its git repository (`repository_state`), the
logos it carries (which may sit in a folder git ignores), the day it publishes for and SOURCE_DATE_EPOCH, and cgu
itself (its code, the libraries that compose and render, the built-in theme). After each publication, a record of
all of that (its digest) and of the site it left (every file's path and bytes) is kept in the clone's git folder,
beside the release cache (`.git/cgu-cache/publication-<folder>.json`). The next publication into the same folder
computes the same digest first, before loading anything: when it is the record's and the site is still the one the
record describes, the site is already what a publication would write, byte for byte (publications are
reproducible), and nothing is loaded nor written.

Trust: a record is untrusted input, like a cache entry. It is signed with the user's key (`signing_key`), read within a
size bound and checked field by field; anything unexpected, a digest that differs, a site file added, removed or
edited since, and the publication is made in full (and a new record kept). No key, no git, a shallow clone (its
warning must be said again): no record, every publication in full.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from cgu.builtin import BUILTIN_THEMES
from cgu.release.repository import repository_state
from cgu.release.signing import files_digest, signing_key, tool_fingerprint

FORMAT = 1
MAX_RECORD_BYTES = 1024 * 1024
"""A record is a few hundred bytes; a larger file is not read."""


@dataclass(frozen=True)
class Kept:
    """What the site a publication left holds, as its report says it."""

    files: int
    releases: int
    bundles: int


@dataclass(frozen=True)
class Inputs:
    """What a publication into `out` for `day` would be made of, before anything is loaded."""

    root: Path
    out: Path
    day: dt.date
    digest: str
    record: Path
    """Where the record of the previous publication into `out` is kept."""
    key: bytes


def publication_inputs(root: Path, out: Path, day: dt.date) -> Inputs | None:
    """The inputs of a publication of `root` into `out` (resolved) for `day`, or None when none can be recorded (no
    signing key, no git repository, a shallow clone)."""
    key = signing_key()
    state = repository_state(root, leave_out=out) if key is not None else None
    if key is None or state is None:
        return None
    from cgu.site.incremental import tool_version  # cgu's and WeasyPrint's versions

    inside = BUILTIN_THEMES.resolve().is_relative_to(root)  # a checkout: the listing holds the theme already
    made_of = [
        FORMAT,
        state.digest,
        tool_fingerprint(),
        tool_version(),
        sys.version,
        "" if inside else folder_digest(BUILTIN_THEMES),
        day.isoformat(),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        str(out),
    ]
    digest = hashlib.sha256(json.dumps(made_of).encode()).hexdigest()
    folder = hashlib.sha256(str(out).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return Inputs(root, out, day, digest, state.git_folder / "cgu-cache" / f"publication-{folder}.json", key)


def kept_publication(inputs: Inputs) -> Kept | None:
    """What the site holds, if the previous publication into it was made of `inputs` and left it as it is now."""
    try:
        if inputs.record.stat().st_size > MAX_RECORD_BYTES:
            return None
        entry = json.loads(inputs.record.read_bytes())
        payload = entry["payload"]
        if not isinstance(payload, str) or not hmac.compare_digest(_sign(inputs.key, payload), str(entry["mac"])):
            return None
        record = json.loads(payload)
        read_too = record["read_too"]
        counts = record["kept"]
        if (
            record["made_of"] != inputs.digest
            or not isinstance(read_too, list)
            or not all(isinstance(path, str) for path in read_too)
            or not isinstance(counts, list)
            or len(counts) != 3
            or not all(type(count) is int for count in counts)
        ):
            return None
        if record["read_too_digest"] != _read_too_digest(inputs.root, read_too):
            return None
        if record["site"] != folder_digest(inputs.out):
            return None
        return Kept(*counts)
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None


def remember_publication(inputs: Inputs, read_too: tuple[str, ...], kept: Kept) -> None:
    """Record a publication made of `inputs`, which read `read_too` (project-relative) besides, and left the site as it
    is now; best effort (a record that cannot be written is not kept). Nothing is recorded when the project, its
    history or cgu changed while it ran (its site is then of neither state)."""
    again = publication_inputs(inputs.root, inputs.out, inputs.day)
    if again is None or again.digest != inputs.digest:
        return
    record = {
        "made_of": inputs.digest,
        "read_too": list(read_too),
        "read_too_digest": _read_too_digest(inputs.root, list(read_too)),
        "site": folder_digest(inputs.out),
        "kept": [kept.files, kept.releases, kept.bundles],
    }
    payload = json.dumps(record, sort_keys=True)
    temporary = inputs.record.with_name(f".{inputs.record.name}.{os.getpid()}")
    try:
        inputs.record.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps({"mac": _sign(inputs.key, payload), "payload": payload}), "utf-8")
        os.replace(temporary, inputs.record)
    except OSError:
        temporary.unlink(missing_ok=True)


def folder_digest(folder: Path) -> str:
    """Every file of a folder (a published site, the built-in theme) by its path in it and its bytes, a link by its
    target, folders by name; where the folder is does not count."""
    digest = hashlib.sha256()
    for directory, folders, files in os.walk(folder):
        folders.sort()
        place = Path(directory)
        digest.update(b"folder\0" + os.fsencode(place.relative_to(folder).as_posix()) + b"\0")
        for name in sorted(files + [f for f in folders if (place / f).is_symlink()]):
            path = place / name
            digest.update(os.fsencode(path.relative_to(folder).as_posix()) + b"\0")
            if path.is_symlink():
                digest.update(b"link\0" + os.fsencode(os.readlink(path)) + b"\0")
            else:
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _read_too_digest(root: Path, read_too: list[str]) -> str:
    return files_digest([root / path for path in read_too])


def _sign(key: bytes, payload: str) -> str:
    return hmac.new(key, f"publication\0{payload}".encode(), hashlib.sha256).hexdigest()
