"""No temporary file outlives a command: WeasyPrint's font folders included, in forked workers too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, ROOT


def test_a_build_and_a_redline_leave_the_temporary_folder_as_they_found_it(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    for args in (
        ["build", "--project", str(FIXTURES / "mini"), "--out", str(tmp_path / "out"), "--jobs", "2"],
        [
            "redline",
            str(FIXTURES / "mini/clauses/editeur.md"),
            str(FIXTURES / "mini/clauses/droit.md"),
            "--out",
            str(tmp_path / "redline"),
        ],
    ):
        result = subprocess.run(
            [sys.executable, str(ROOT / "cgu_cli.py"), *args], env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
    assert sorted((tmp_path / "out").rglob("*.pdf")) and sorted((tmp_path / "redline").glob("*.pdf"))
    # the history export cache is the one thing meant to last (it is keyed by git tree, shared between runs)
    assert [p.name for p in scratch.iterdir() if p.name != "cgu-history"] == []
