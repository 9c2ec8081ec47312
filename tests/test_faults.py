"""Faults: a build killed at any moment, a full disk, a read-only folder, two builds at once."""

from __future__ import annotations

import fcntl
import hashlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def cgu(project: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cgu_cli.py"), "build", "--project", str(project), "--out", str(out), *extra],
                          capture_output=True, text=True)


def rename_organism(project: Path, new: str) -> None:
    path = project / "organisms/beta.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Beta Mutualité", new), encoding="utf-8")


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
        process = subprocess.Popen([sys.executable, str(ROOT / "cgu_cli.py"), "build", "--project", str(mini), "--out", str(out)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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


def test_killed_publish_never_leaves_a_partial_site(tmp_path: Path) -> None:
    import shutil as sh

    from conftest import FIXTURES
    from test_releases import RELEASE_1, commit_all, edit, git

    project = tmp_path / "content"
    sh.copytree(FIXTURES / "mini", project)
    edit(project / "organisms/base.yaml", "    version: 2024-06-01\n    effective: 2024-06-15\n", RELEASE_1)
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "release")

    def publish(out: Path) -> None:
        subprocess.run([sys.executable, str(ROOT / "cgu_cli.py"), "publish", "--project", str(project), "--out", str(out)],
                       check=True, capture_output=True)

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
        process = subprocess.Popen([sys.executable, str(ROOT / "cgu_cli.py"), "publish", "--project", str(project), "--out", str(out)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
