"""Faults: a publication killed at any moment (a timer) or at each point of its pipeline (a process that kills
itself): the published site is the previous one or the new one, never a mix, and the next publication recovers."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.faults import ROOT, killed, released_mini, snapshot


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


PUBLISH_FAULTS = {
    "while hard-linking the previous site": "link:3",  # publish replaces the site through the writer, as build
    # A republish after a draft edit renders no PDF (drafts are never published): the kill while rendering a PDF
    # is the build's point "pdf:2"; here, the kill while staging the site's files.
    "while staging the site's files": "write:2",
    "while writing the bundles": "bundle:2",
    "just before the swap": "swap:1",
}


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
