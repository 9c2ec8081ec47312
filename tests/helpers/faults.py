"""Faults for the tests that kill, starve or race a real cgu process (test_faults*.py): what the output folder holds,
the mini project's builds and publications, and a cgu process that kills itself at a chosen point."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from helpers.releases import released_in_one_commit

ROOT = Path(__file__).resolve().parents[2]


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def cgu(project: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "cgu_cli.py"), "build", "--project", str(project), "--out", str(out), *extra],
        capture_output=True,
        text=True,
    )


def rename_organism(project: Path, new: str) -> None:
    path = project / "organisms/beta.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Beta Mutualité", new), encoding="utf-8")


def released_mini(tmp_path: Path) -> Path:
    """The mini project in git at `tmp_path`/content, its CGU released once."""
    return released_in_one_commit(tmp_path / "content")


INJECT = r"""
import os, signal, sys, time
point, nth = os.environ["CGU_FAULT"].rsplit(":", 1)
point, pause = point.removesuffix("+pause"), point.endswith("+pause")
calls = [0]


def die_at_call(owner, name, nth=int(nth), only_from=None):
    real = getattr(owner, name)

    def hooked(*args, **kwargs):
        if only_from and not sys._getframe(1).f_code.co_filename.endswith(only_from):
            return real(*args, **kwargs)  # a call from elsewhere (WeasyPrint's or the fonts' own clean-up) does not count
        calls[0] += 1
        if calls[0] == nth and pause:
            # hold the output folder (and its lock) until the test says to go on (CGU_RESUME appears), or a while
            resume, until = os.environ.get("CGU_RESUME"), time.monotonic() + float(os.environ.get("CGU_PAUSE", "5"))
            while time.monotonic() < until and not (resume and os.path.exists(resume)):
                time.sleep(0.05)
        elif calls[0] == nth:
            os.kill(os.getpid(), signal.SIGKILL)  # a real SIGKILL: no finally, no atexit, no flush
        return real(*args, **kwargs)

    setattr(owner, name, hooked)


import shutil, zipfile
import cgu.render.pdf, cgu.site.writer
owner, name = {
    "pdf": (cgu.render.pdf.PdfBuilder, "render"), "write": (cgu.site.writer, "write_file"), "swap": (cgu.site.writer, "_swap"),
    "rename": (os, "rename"), "cleanup": (shutil, "rmtree"), "link": (os, "link"),
    "bundle": (zipfile.ZipFile, "writestr"),
}[point]
if point == "rename":
    cgu.site.writer._exchange = lambda a, b: False  # the fallback swap of systems without renameat2: two renames
die_at_call(owner, name, only_from="cgu/site/writer.py" if point == "cleanup" else None)
from cgu.cli import main
sys.argv[0] = "cgu"
main()
"""
"""Runs the real cgu command in a process that SIGKILLs itself (or, with `+pause`, waits: until the file CGU_RESUME
exists, CGU_PAUSE seconds at most) at the n-th call of one function of the pipeline."""


def killed(fault: str, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", INJECT, *args],
        env={**os.environ, "CGU_FAULT": fault},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == -signal.SIGKILL, f"{fault}: the fault point was not reached\n{result.stderr}"
