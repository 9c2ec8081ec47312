"""Merge the outputs of a sharded build (`cgu build --shard I/N`) into one site, as an unsharded build makes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cgu.commands.build import support_files
from cgu.errors import CguError
from cgu.model import Artifact, SourceLocation
from cgu.project import load_project
from cgu.site.incremental import MANIFEST, manifest_bytes
from cgu.site.writer import index_page, write_output


def merge_shards(root: Path, out: Path, shard_dirs: list[Path]) -> int:
    """Combine shard folders into `out` (atomically); returns the number of document files merged.

    Every file a shard wrote is taken (documents, and the changelogs, versions.json and redlines of its organisms);
    the manifest and the index are made again for the whole site.
    """
    project = load_project(root, compose=False)
    files: dict[str, bytes] = {}
    manifest: dict[str, Any] = {}
    for folder in shard_dirs:
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise CguError.at(
                SourceLocation(str(folder)), f"not a shard output: no readable {MANIFEST}; build it with --shard I/N"
            ) from None
        for path, entry in data.get("artifacts", {}).items():
            if path in manifest and manifest[path] != entry:
                raise CguError.at(
                    SourceLocation(str(folder / path)),
                    "two shards built this file differently; rebuild them from the same commit",
                )
            manifest[path] = entry
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            path = file.relative_to(folder).as_posix()
            if path in (MANIFEST, "index.html"):
                continue
            content = file.read_bytes()
            if files.get(path, content) != content:
                raise CguError.at(
                    SourceLocation(str(file)),
                    "two shards wrote this file differently; rebuild them from the same commit",
                )
            files[path] = content
    for artifact in support_files(project):  # the same in every shard; written once
        files[artifact.path] = artifact.content
    artifacts = [Artifact(path, content) for path, content in sorted(files.items())]
    artifacts.append(Artifact(MANIFEST, manifest_bytes(manifest)))
    artifacts.append(Artifact("index.html", index_page(project, set(manifest) | set(files), files).encode("utf-8")))
    write_output(out, artifacts, keep=lambda path: False, project_root=root)
    return len(manifest)
