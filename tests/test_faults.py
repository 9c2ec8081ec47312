"""Faults: a full disk, a read-only folder, two builds at once (the killed runs: test_faults_killed_build.py and
test_faults_killed_publish.py)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.faults import INJECT, ROOT, cgu, rename_organism, snapshot


@pytest.fixture
def small_disk(tmp_path: Path) -> Path:
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root): disk-full test not run")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.slow
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
        env={**os.environ, "CGU_FAULT": "swap+pause:1", "CGU_PAUSE": "120", "CGU_RESUME": str(tmp_path / "resume")},
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
    assert first.poll() is None, "the first build still holds the output folder when the second is refused"
    (tmp_path / "resume").touch()  # the first build goes on to its swap
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
