"""Faults: a build killed at any moment, a full disk, a read-only folder, two builds at once."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT


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


@pytest.mark.slow
def test_killed_builds_never_leave_a_partial_output(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert cgu(mini, out).returncode == 0
    old = snapshot(out)
    rename_organism(mini, "Beta Mutualité nouvelle")
    reference = tmp_path / "reference"
    assert cgu(mini, reference).returncode == 0
    new = snapshot(reference)
    assert old != new
    started = time.perf_counter()
    assert cgu(mini, tmp_path / "timing").returncode == 0
    duration = time.perf_counter() - started
    outcomes = []
    for point in range(8):  # kill points spread over the whole build, from start-up to the final swap
        delay = duration * (0.2 + point * 0.12)
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "cgu_cli.py"), "build", "--project", str(mini), "--out", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = snapshot(out)
        assert state in (old, new), f"output is neither the old nor the new build after a kill at {delay:.2f}s"
        outcomes.append("new" if state == new else "old")
    assert cgu(mini, out).returncode == 0, "the next build recovers without manual cleaning"
    assert snapshot(out) == new
    assert not list(tmp_path.glob(".site.staging-*")) and not list(tmp_path.glob(".site.old-*"))
    assert "old" in outcomes, outcomes


@pytest.fixture
def small_disk(tmp_path: Path) -> Path:
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root): disk-full test not run")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_disk_full_keeps_the_published_output(mini: Path, small_disk: Path) -> None:
    out = small_disk / "site"
    assert cgu(mini, out, "--format", "html").returncode == 0
    before = snapshot(out)
    result = cgu(mini, out)
    assert result.returncode == 1
    assert "cannot write the build output: No space left on device; the previous output is unchanged" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before
    assert not list(small_disk.glob(".site.staging-*"))


def test_read_only_output(mini: Path, tmp_path: Path) -> None:
    source = tmp_path / "rw"
    out_parent = tmp_path / "ro"
    source.mkdir()
    out_parent.mkdir()
    assert cgu(mini, source / "site", "--format", "html").returncode == 0
    before = snapshot(source / "site")
    if subprocess.run(["mount", "--bind", "-o", "ro", str(source), str(out_parent)], capture_output=True).returncode:
        pytest.skip("cannot bind-mount read-only here (needs root): read-only test not run")
    try:
        result = cgu(mini, out_parent / "site", "--format", "html")
        assert result.returncode == 1 and "Read-only file system" in result.stderr and "Traceback" not in result.stderr
        assert snapshot(out_parent / "site") == before
    finally:
        subprocess.run(["umount", str(out_parent)], check=False)


def test_second_concurrent_build_is_refused(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert cgu(mini, out, "--format", "html").returncode == 0
    with open(tmp_path / ".site.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = cgu(mini, out, "--format", "html")
    assert result.returncode == 1
    assert "another cgu build is writing this output folder; wait for it to finish and run again" in result.stderr
    assert (tmp_path / ".site.lock").exists(), "the refused run removed the lock of the run holding it"
    assert cgu(mini, out, "--format", "html").returncode == 0
    assert not (tmp_path / ".site.lock").exists(), "a finished run leaves no lock file next to the output"


def released_mini(tmp_path: Path) -> Path:
    """The mini project in git, its CGU released once."""
    from conftest import FIXTURES
    from helpers.git import commit_all, git
    from helpers.releases import RELEASE_1, edit

    project = tmp_path / "content"
    shutil.copytree(FIXTURES / "mini", project)
    edit(project / "organisms/base.yaml", "    version: 2024-06-01\n    effective: 2024-06-15\n", RELEASE_1)
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "release")
    return project


@pytest.mark.slow
def test_killed_publish_never_leaves_a_partial_site(tmp_path: Path) -> None:
    from helpers.releases import edit

    project = released_mini(tmp_path)

    def publish(out: Path) -> None:
        subprocess.run(
            [sys.executable, str(ROOT / "cgu_cli.py"), "publish", "--project", str(project), "--out", str(out)],
            check=True,
            capture_output=True,
        )

    out = tmp_path / "public"
    publish(out)
    old = snapshot(out)
    edit(project / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    started = time.perf_counter()
    publish(tmp_path / "reference")
    duration = time.perf_counter() - started
    new = snapshot(tmp_path / "reference")
    outcomes = []
    for point in range(6):
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "cgu_cli.py"), "publish", "--project", str(project), "--out", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(duration * (0.15 + point * 0.17))
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = snapshot(out)
        assert state in (old, new), f"published site is neither the old nor the new one after a kill at point {point}"
        outcomes.append("new" if state == new else "old")
    publish(out)
    assert snapshot(out) == new
    assert not list(tmp_path.glob(".public.publishing-*")) and not list(tmp_path.glob(".public.staging-*"))
    assert "old" in outcomes, outcomes


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
            time.sleep(float(os.environ.get("CGU_PAUSE", "5")))  # hold the output folder (and its lock) a while
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
"""Runs the real cgu command in a process that SIGKILLs itself (or, with `+pause`, waits) at the n-th call of one
function of the pipeline."""

BUILD_FAULTS = {
    "while rendering the second PDF": "pdf:2",
    "after staging the first file": "write:1",
    "half-way through staging": "write:5",
    "just before the swap": "swap:1",
    "between the two renames of the fallback swap": "rename:2",
    "after the swap, before the old build is removed": "cleanup:1",
}
PUBLISH_FAULTS = {
    "while hard-linking the previous site": "link:3",  # publish replaces the site through the writer, as build
    # A republish after a draft edit renders no PDF (drafts are never published): the kill while rendering a PDF
    # is the build's point "pdf:2"; here, the kill while staging the site's files.
    "while staging the site's files": "write:2",
    "while writing the bundles": "bundle:2",
    "just before the swap": "swap:1",
}


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


@pytest.mark.slow
def test_build_killed_at_each_fault_point(mini: Path, tmp_path: Path) -> None:
    """Each point is reached for sure (not a timer): the output is the previous build or the new one, never a mix,
    and the next build recovers by itself."""
    out = tmp_path / "site"
    assert cgu(mini, out).returncode == 0
    old = snapshot(out)
    shutil.copytree(out, tmp_path / "previous")
    rename_organism(mini, "Beta Mutualité nouvelle")
    assert cgu(mini, tmp_path / "reference").returncode == 0
    new = snapshot(tmp_path / "reference")
    for label, fault in BUILD_FAULTS.items():
        killed(fault, "build", "--project", str(mini), "--out", str(out))
        if (
            fault == "rename:2"
        ):  # the previous build was moved aside when the process died: whole, and put back next time
            assert not out.exists() and [snapshot(p) for p in tmp_path.glob(".site.old-*")] == [old], label
        else:
            assert snapshot(out) == (new if fault == "cleanup:1" else old), f"killed {label}: the output is a mix"
        assert cgu(mini, out).returncode == 0, f"killed {label}: the next build does not recover"
        assert snapshot(out) == new, label
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == [], (
            f"{label}: leftovers (the lock file included)"
        )
        shutil.rmtree(out)
        shutil.copytree(tmp_path / "previous", out)  # the previous build again, for the next point


@pytest.mark.slow
def test_publish_killed_at_each_fault_point(tmp_path: Path) -> None:
    from helpers.releases import edit

    project = released_mini(tmp_path)
    out = tmp_path / "public"
    command = ("publish", "--project", str(project), "--out", str(out))
    assert (
        subprocess.run(
            [sys.executable, str(ROOT / "cgu_cli.py"), *command], capture_output=True, check=False
        ).returncode
        == 0
    )
    old = snapshot(out)
    edit(project / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    for label, fault in PUBLISH_FAULTS.items():
        killed(fault, *command)
        assert snapshot(out) == old, f"killed {label}: the published site changed"
        assert (
            subprocess.run(
                [sys.executable, str(ROOT / "cgu_cli.py"), *command], capture_output=True, check=False
            ).returncode
            == 0
        )
        assert snapshot(out) != old and [p.name for p in tmp_path.iterdir() if p.name.startswith(".public")] == [], (
            label
        )
        edit(project / "clauses/droit.md", "sont soumises au droit", "relèvent du droit")  # back to the published text
        assert (
            subprocess.run(
                [sys.executable, str(ROOT / "cgu_cli.py"), *command], capture_output=True, check=False
            ).returncode
            == 0
        )
        assert snapshot(out) == old, "publishing the same content again gives the same site"
        edit(project / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")


@pytest.mark.slow
def test_two_builds_at_once_one_waits_its_turn(mini: Path, tmp_path: Path) -> None:
    """Two real builds on one output folder: the one that comes while the other writes is refused, clearly, and the
    output is whole; started together without a pause, each either builds or is refused, never corrupting."""
    out = tmp_path / "site"
    assert cgu(mini, out, "--format", "html").returncode == 0
    rename_organism(mini, "Beta Mutualité nouvelle")
    assert cgu(mini, tmp_path / "reference", "--format", "html").returncode == 0
    new = snapshot(tmp_path / "reference")
    first = subprocess.Popen(
        [sys.executable, "-c", INJECT, "build", "--project", str(mini), "--out", str(out), "--format", "html"],
        env={**os.environ, "CGU_FAULT": "swap+pause:1", "CGU_PAUSE": "20"},
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".site.staging-*")) and time.monotonic() < deadline:  # the first one is writing
        time.sleep(0.05)
    second = cgu(mini, out, "--format", "html")
    assert second.returncode == 1 and "Traceback" not in second.stderr
    assert second.stderr.strip().endswith(
        "another cgu build is writing this output folder; wait for it to finish and run again"
    )
    assert first.wait(timeout=300) == 0, first.stderr.read() if first.stderr else ""
    assert snapshot(out) == new
    rename_organism(mini, "Beta Mutualité")
    together = [
        subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "cgu_cli.py"),
                "build",
                "--project",
                str(mini),
                "--out",
                str(out),
                "--format",
                "html",
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in together]
    assert any(code == 0 for code, _ in results)
    assert all(code == 0 or "another cgu build is writing this output folder" in err for code, err in results), results
    assert cgu(mini, tmp_path / "reference-2", "--format", "html").returncode == 0
    assert snapshot(out) == snapshot(tmp_path / "reference-2")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []  # no lock file left
