"""Bundles: deterministic zips of the published site, each with a manifest of SHA-256 and sizes, and their check."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from cgu.errors import CguError
from cgu.model import Artifact, SourceLocation
from cgu.site.incremental import tool_version

BUNDLES = "bundles"


ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""Fixed entry dates: the same files give the same zip bytes."""


def make_bundles(out: Path, organisms: list[str], commit: str | None) -> list[Artifact]:
    """One zip per organism (its files and the shared assets) and one with everything, each with manifest.json."""
    everything = sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and not p.relative_to(out).as_posix().startswith((f"{BUNDLES}/", "."))
    )
    bundles = []
    for name, members in [
        (organism, [f for f in everything if f.startswith((f"{organism}/", "assets/"))]) for organism in organisms
    ] + [("all", everything)]:
        bundles.append(Artifact(f"{BUNDLES}/{name}.zip", zip_bundle(out, members, commit)))
    return bundles


def zip_bundle(out: Path, members: list[str], commit: str | None) -> bytes:
    """A deterministic zip of `members` with a manifest listing each file's SHA-256 and size."""
    manifest = {
        "tool": tool_version(),
        "source_commit": commit,
        "files": [
            {"path": m, "sha256": hashlib.sha256((out / m).read_bytes()).hexdigest(), "size": (out / m).stat().st_size}
            for m in members
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in [("manifest.json", (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())] + [
            (m, (out / m).read_bytes()) for m in members
        ]:
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
    except (
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        OSError,
        TypeError,
        RecursionError,
    ) as error:  # a manifest of the wrong shape
        raise CguError.at(SourceLocation(shown), f"not a cgu bundle ({error})") from None
    if problems:
        raise CguError(
            [
                CguError.at(SourceLocation(f"{shown}:{p.split(':')[0]}"), p.split(": ", 1)[1]).problems[0]
                for p in problems
            ]
        )
    return f"valid: {len(listed)} files match the manifest (tool {manifest.get('tool')}, commit {manifest.get('source_commit') or 'unknown'})"
