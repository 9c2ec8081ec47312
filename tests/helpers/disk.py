"""A small, really full disk without root: a tmpfs mounted in a mount namespace of its own (`unshare`), and a file
size limit (`ulimit -f`, RLIMIT_FSIZE), under which a write fails with EFBIG as on a full disk with ENOSPC."""

from __future__ import annotations

import os
import resource
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

UNSHARE = ["unshare", "--user", "--map-root-user", "--mount"]


def on_small_disk(
    disk: Path, kib: int, script: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the bash `script` with a tmpfs of `kib` KiB mounted at `disk` (`$DISK`), seen by that script alone (it is
    gone when the script ends: what it must check, it writes outside `disk`); skip where the system allows no user
    namespace."""
    disk.mkdir(exist_ok=True)
    probe = subprocess.run([*UNSHARE, "true"], capture_output=True, text=True, check=False)
    if probe.returncode:
        pytest.skip(f"no user namespace here ({probe.stderr.strip()}): cannot mount a small tmpfs without root")
    mount = f'mount -t tmpfs -o size={kib}k tmpfs "$DISK"\n'
    return subprocess.run(
        [*UNSHARE, "bash", "-e", "-c", mount + script],
        env={**os.environ, **(env or {}), "DISK": str(disk)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def under_file_size_limit(
    kib: int, command: list[str], cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `command` with every file it writes limited to `kib` KiB (Python ignores SIGXFSZ: the write fails with
    EFBIG instead of killing the process)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (kib * 1024, kib * 1024))

    return subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        preexec_fn=limit,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
