"""Faults: a build killed at any moment (a timer) or at each point of its pipeline (a process that kills itself):
the output is the previous build or the new one, never a mix, and the next build recovers."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.faults import ROOT, cgu, killed, rename_organism, snapshot


@pytest.mark.slow
def test_killed_builds_never_leave_a_partial_output(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert cgu(mini, out).returncode == 0
    old = snapshot(out)
    rename_organism(mini, "Beta Mutualité nouvelle")
    reference = tmp_path / "reference"
    started = time.perf_counter()  # the new content's build into a new folder: what each killed run does
    assert cgu(mini, reference).returncode == 0
    duration = time.perf_counter() - started
    new = snapshot(reference)
    assert old != new
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


BUILD_FAULTS = {
    "while rendering the second PDF": "pdf:2",
    "after staging the first file": "write:1",
    "half-way through staging": "write:5",
    "just before the swap": "swap:1",
    "between the two renames of the fallback swap": "rename:2",
    "after the swap, before the old build is removed": "cleanup:1",
}


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
