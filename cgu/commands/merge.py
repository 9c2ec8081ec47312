"""Merge the outputs of a sharded build (`cgu build --shard I/N`) into one site, as an unsharded build makes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cgu.commands.build import support_files
from cgu.errors import CguError, Problems, printable
from cgu.model import Artifact, SourceLocation
from cgu.project import Project, load_project, selected_organisms
from cgu.site.bundles import refuse_foreign_entries
from cgu.site.incremental import MANIFEST, manifest_bytes
from cgu.site.paths import site_files, unsafe_site_path
from cgu.site.shards import Shard, parse_shard
from cgu.site.writer import index_page, write_output

REBUILD = "build it with --shard I/N"


def merge_shards(root: Path, out: Path, shard_dirs: list[Path]) -> int:
    """Combine shard folders into `out` (atomically); returns the number of document files merged.

    Every file a shard wrote is taken (documents, and the changelogs, versions.json and redlines of its organisms);
    the manifest and the index are made again for the whole site. Shards are artifacts of other CI jobs, so each is
    checked first: regular files only (a link would publish what it points at), each under an organism it owns.
    """
    project = load_project(root, compose=False)
    support = {artifact.path: artifact.content for artifact in support_files(project)}
    files: dict[str, bytes] = {}
    manifest: dict[str, Any] = {}
    parts: dict[int, Path] = {}
    count = None
    for folder in shard_dirs:
        shard, entries = _read_shard_manifest(folder)
        if shard.index in parts:
            raise CguError.at(
                SourceLocation(printable(str(folder))),
                f"shard {shard.index}/{shard.count} was already given ({printable(str(parts[shard.index]))}); "
                "give each shard once",
            )
        if count not in (None, shard.count):
            raise CguError.at(
                SourceLocation(printable(str(folder / MANIFEST))),
                f"shard {shard.index}/{shard.count} is not a part of the same split as the other shards "
                "(--shard I/N with the same N for every part); rebuild them together",
            )
        parts[shard.index], count = folder, shard.count
        paths, others = site_files(folder)
        refuse_foreign_entries(folder, others, "a shard")
        _refuse_files_not_owned(project, folder, shard, [p for p in paths if p != MANIFEST] + list(entries), support)
        for path, entry in entries.items():
            if path in manifest and manifest[path] != entry:
                raise CguError.at(
                    SourceLocation(printable(str(folder / path))),
                    "two shards built this file differently; rebuild them from the same commit",
                )
            manifest[path] = entry
        for path in paths:
            if path in (MANIFEST, "index.html") or path in support:
                continue
            content = (folder / path).read_bytes()
            if files.get(path, content) != content:
                raise CguError.at(
                    SourceLocation(printable(str(folder / path))),
                    "two shards wrote this file differently; rebuild them from the same commit",
                )
            files[path] = content
    files.update(support)  # the same in every shard; written once
    artifacts = [Artifact(path, content) for path, content in sorted(files.items())]
    artifacts.append(Artifact(MANIFEST, manifest_bytes(manifest)))
    artifacts.append(Artifact("index.html", index_page(project, set(manifest) | set(files), files).encode("utf-8")))
    write_output(out, artifacts, keep=lambda path: False, project_root=root)
    return len(manifest)


def _read_shard_manifest(folder: Path) -> tuple[Shard, dict[str, dict[str, Any]]]:
    """The part a shard folder says it is, and its manifest entries, each a mapping; anything else is refused."""
    shown = SourceLocation(printable(str(folder / MANIFEST)))
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        raise CguError.at(
            SourceLocation(printable(str(folder))), f"not a shard output: no readable {MANIFEST}; {REBUILD}"
        ) from None
    entries = data.get("artifacts") if isinstance(data, dict) else None
    if not isinstance(entries, dict) or not all(isinstance(entry, dict) for entry in entries.values()):
        raise CguError.at(shown, f"not a manifest cgu wrote (it needs 'artifacts', a mapping of files); {REBUILD}")
    if not isinstance(data.get("shard"), str):
        raise CguError.at(shown, f"not a shard output: the manifest names no shard; {REBUILD}")
    try:
        shard = parse_shard(data["shard"])
    except CguError:
        raise CguError.at(
            shown, f"not a shard output: {printable(repr(data['shard']))} is not a shard; {REBUILD}"
        ) from None
    return shard, entries


def _refuse_files_not_owned(
    project: Project, folder: Path, shard: Shard, paths: list[str], support: dict[str, bytes]
) -> None:
    """Every file (and manifest entry) of a shard lies under an organism that shard owns, or is a theme asset."""
    organisms = {organism.id for organism in selected_organisms(project.organisms, ())}
    problems = Problems()
    for path in sorted(set(paths)):
        where = SourceLocation(printable(str(folder / path)))
        organism = path.split("/", 1)[0]
        if reason := unsafe_site_path(path):
            problems.add(where, f"{reason}; a shard holds only the site's own relative paths: {REBUILD}")
        elif path in support or path == "index.html":
            continue
        elif organism not in organisms or "/" not in path:
            problems.add(where, f"not a file cgu writes (no organism {printable(organism)!r}); {REBUILD}")
        elif not shard.owns(organism):
            problems.add(
                where,
                f"organism {organism!r} belongs to another shard than {shard.index}/{shard.count}; "
                "a shard holds only its own organisms' files: rebuild it from the same commit",
            )
    problems.raise_if_any()
