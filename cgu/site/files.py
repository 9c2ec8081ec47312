"""Files written into a folder one by one, each in one rename: what a redline of two files needs of the writer,
without the site's (hashing, manifests, locks, pages)."""

from __future__ import annotations

import os
from pathlib import Path

from cgu.articles import Artifact, SourceLocation
from cgu.errors import DISK_FULL, CguError, room_to_write


def write_files(folder: Path, artifacts: list[Artifact]) -> None:
    """Write each file into `folder`, each in one rename; nothing else in it is touched (the folder is not replaced).

    A parent folder this creates gets an empty manifest: cgu made it, so a build may later replace it (build/ of the
    default build/redlines).
    """
    real = Path(os.path.realpath(folder))
    made = [p for p in real.parents if not os.path.lexists(p)]
    temporary = None
    try:
        real.mkdir(parents=True, exist_ok=True)
        if made:
            from cgu.site.incremental import MANIFEST, manifest_bytes  # json and hashlib: only for a new parent

            for new in made:
                (new / MANIFEST).write_bytes(manifest_bytes({}))
        for artifact in artifacts:
            target = real / artifact.path
            temporary = target.with_name(f".{target.name}.writing-{os.getpid()}")
            write_file(temporary, artifact.content)
            if os.path.isfile(target):  # a file written again keeps the mode its owner gave it
                os.chmod(temporary, os.stat(target).st_mode & 0o7777)
            os.replace(temporary, target)
            temporary = None
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        advice = f"; {room_to_write(exc)}" if exc.errno in DISK_FULL else ""
        raise CguError.at(
            SourceLocation(str(folder)), f"cannot write the output: {exc.strerror or exc}{advice}"
        ) from None


def write_file(path: Path, content: bytes) -> None:
    """Write one file anew (never through a hard link), dated SOURCE_DATE_EPOCH when it is set."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()  # never write through a hard link shared with the previous build
    path.write_bytes(content)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        os.utime(path, (int(epoch), int(epoch)))
