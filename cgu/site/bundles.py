"""Bundles: deterministic zips of the published site, each with a manifest of SHA-256 and sizes, and their check."""

from __future__ import annotations

import hashlib
import io
import json
import re
import stat
import sys
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cgu.errors import CguError, counted, printable
from cgu.model import Artifact, SourceLocation
from cgu.site.incremental import tool_version
from cgu.site.paths import site_files, unsafe_site_path

if TYPE_CHECKING:
    from cgu.release.cache import ReleaseCache

BUNDLES = "bundles"


ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""Fixed entry dates: the same files give the same zip bytes."""
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
"""A bundle's manifest.json is read whole: the one of a 10,000-organism site is about 3 MB."""
CHUNK = 1024 * 1024
"""Members are checked by streaming, a megabyte at a time: a zip bomb costs time bounded by the manifest, no memory."""
_SHA256 = re.compile(r"[0-9a-f]{64}")


def refuse_foreign_entries(folder: Path, others: list[str], what: str) -> None:
    """One error naming every link or special file found in an output or shard folder."""
    if others:
        raise CguError(
            CguError.at(
                SourceLocation(str(folder / path)),
                f"is a link or not a regular file, which cgu never writes in {what}; remove it and run again",
            ).problems[0]
            for path in others
        )


def make_bundles(
    out: Path,
    organisms: list[str],
    commit: str | None,
    cache: ReleaseCache | None = None,
    kept_in: Path | None = None,
    digests: Mapping[str, str] | None = None,
) -> list[Artifact]:
    """One zip per organism (its files and the shared assets) and one with everything, each with manifest.json.

    `cache`: where earlier runs noted the SHA-256 of each zip they made, by what it was made of; a bundle already in
    `out` with exactly those bytes is kept as it is instead of compressed again (the costly part of a publish that
    changed nothing; `kept_in`: the folder holding those earlier bundles, when not `out`, e.g. the live site while
    `out` is its staged successor). Anything else (no entry, a bundle edited or gone) is zipped again. `digests`: the
    SHA-256 of files of `out` the writer already knows (it hashed them writing or checking them), not read again."""
    files, others = site_files(out)
    everything = [f for f in files if not f.startswith((f"{BUNDLES}/", "."))]
    refuse_foreign_entries(out, [o for o in others if not o.startswith(f"{BUNDLES}/")], "a site")
    bundles = []
    for name, members in [
        (organism, [f for f in everything if f.startswith((f"{organism}/", "assets/"))]) for organism in organisms
    ] + [("all", everything)]:
        bundles.append(
            Artifact(f"{BUNDLES}/{name}.zip", zip_bundle(out, members, commit, cache, name, kept_in, digests))
        )
    return bundles


def zip_bundle(
    out: Path,
    members: list[str],
    commit: str | None,
    cache: ReleaseCache | None = None,
    name: str = "",
    kept_in: Path | None = None,
    digests: Mapping[str, str] | None = None,
) -> bytes:
    """A deterministic zip of `members` with a manifest listing each file's SHA-256 and size."""
    known_digests = digests or {}
    manifest = {
        "tool": tool_version(),
        "source_commit": commit,
        "files": [
            {
                "path": m,
                "sha256": known_digests.get(m) or hashlib.sha256((out / m).read_bytes()).hexdigest(),
                "size": (out / m).stat().st_size,
            }
            for m in members
        ],
    }
    listing = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
    # The zip's bytes are a function of its manifest (every member's path, order and SHA-256) and of the zip writer.
    made_of = hashlib.sha256(listing + f"\0{sys.version}\0{zlib.ZLIB_RUNTIME_VERSION}".encode()).hexdigest()
    known = cache.bundle(made_of) if cache is not None else None
    previous = (kept_in or out) / BUNDLES / f"{name}.zip"
    if known is not None and previous.is_file() and not previous.is_symlink():
        data = previous.read_bytes()
        if hashlib.sha256(data).hexdigest() == known:
            return data
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in [("manifest.json", listing)] + [(m, (out / m).read_bytes()) for m in members]:
            info = zipfile.ZipInfo(path, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    if cache is not None:
        cache.keep_bundle(made_of, hashlib.sha256(buffer.getvalue()).hexdigest())
    return buffer.getvalue()


_BROKEN_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError, ValueError)
"""What a damaged or hostile zip raises while read: a bad header or CRC, corrupt deflate data, a truncated member,
an unknown compression method, an encrypted member, an impossible offset."""


def _read_manifest(archive: zipfile.ZipFile) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """manifest.json, bounded, of the right shape: a list of {path, sha256, size} under 'files'."""
    with archive.open("manifest.json") as member:
        text = member.read(MAX_MANIFEST_BYTES + 1)
    if len(text) > MAX_MANIFEST_BYTES:
        raise ValueError(f"manifest.json is over {MAX_MANIFEST_BYTES // (1024 * 1024)} MB")
    manifest = json.loads(text, parse_constant=lambda name: _refuse_constant(name))
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise ValueError("manifest.json is not an object with a list of files")
    for entry in manifest["files"]:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and isinstance(entry.get("sha256"), str)
            and _SHA256.fullmatch(entry["sha256"])
            and type(entry.get("size")) is int
            and entry["size"] >= 0
        ):
            raise ValueError("each file of manifest.json needs a path, a sha256 (64 hex digits) and a size in bytes")
    return manifest, manifest["files"]


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, entry: dict[str, Any]) -> str | None:
    """Stream one member against its manifest entry, reading at most one byte more than the size it declares."""
    if stat.S_IFMT(info.external_attr >> 16) not in (0, stat.S_IFREG):
        return "is a link or a special file, not a regular file"
    if info.file_size != entry["size"]:
        return "content differs from the manifest (sha256 or size)"
    digest, size = hashlib.sha256(), 0
    with archive.open(info) as member:
        while size <= entry["size"] and (chunk := member.read(min(CHUNK, entry["size"] + 1 - size))):
            digest.update(chunk)
            size += len(chunk)
    if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
        return "content differs from the manifest (sha256 or size)"
    return None


def verify_bundle(bundle: Path) -> str:
    """Check every file of a bundle against its manifest: hash, size, safe names, nothing missing, nothing added."""
    shown = printable(str(bundle))
    problems: list[tuple[str, str]] = []
    try:
        with zipfile.ZipFile(bundle) as archive:
            manifest, entries = _read_manifest(archive)
            infos: dict[str, zipfile.ZipInfo] = {}
            for info in archive.infolist():
                if info.filename in infos:
                    problems.append((info.filename, "appears twice in the zip"))  # which one would be extracted?
                infos[info.filename] = info
            listed: dict[str, dict[str, Any]] = {}
            for entry in entries:
                if entry["path"] in listed or entry["path"] == "manifest.json":
                    problems.append((entry["path"], "listed twice in the manifest"))
                listed[entry["path"]] = entry
            twice = {path for path, _ in problems}
            for path in sorted((set(listed) | set(infos)) - {"manifest.json"} - twice):
                if reason := unsafe_site_path(path):
                    problems.append((path, f"{reason}; a bundle holds only the site's own relative paths"))
                elif path not in infos:
                    problems.append((path, "listed in the manifest but missing"))
                elif path not in listed:
                    problems.append((path, "not listed in the manifest"))
                elif reason := _check_member(archive, infos[path], listed[path]):
                    problems.append((path, reason))
    except (*_BROKEN_ZIP, KeyError, TypeError, RecursionError) as error:
        detail = (
            "no manifest.json"
            if isinstance(error, KeyError)
            else "a member is encrypted"
            if isinstance(error, RuntimeError) and "encrypted" in str(error)
            else printable(str(error))
        )
        raise CguError.at(SourceLocation(shown), f"not a cgu bundle ({detail})") from None
    if problems:
        raise CguError(
            CguError.at(SourceLocation(f"{shown}:{printable(path)}"), message).problems[0]
            for path, message in sorted(set(problems))
        )
    tool, commit = printable(str(manifest.get("tool"))), printable(str(manifest.get("source_commit") or "unknown"))
    return f"valid: {counted(len(listed), 'file matches', 'files match')} the manifest (tool {tool}, commit {commit})"
