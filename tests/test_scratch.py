"""No temporary file outlives a command: WeasyPrint's font folders included, in forked workers too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT

from cgu.cli import main
from cgu.scratch import for_this_run, scratch_space


@pytest.mark.slow
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


def test_what_a_run_keeps_is_forgotten_with_its_scratch_space() -> None:
    with scratch_space() as first:
        kept = for_this_run("test", object)
        assert for_this_run("test", object) is kept
    assert not first.exists()
    with scratch_space():
        assert for_this_run("test", object) is not kept


@pytest.mark.slow
def test_two_commands_in_one_process_both_render_their_pdfs(tmp_path: Path) -> None:
    """The PDF font configuration keeps its font files in the first command's scratch folder, removed when it ends: the
    second command (the tests, a program embedding cgu) must make its own, not write into the removed folder."""
    for run in ("first", "second"):
        args = ["build", "--project", str(FIXTURES / "mini"), "--out", str(tmp_path / run), "--format", "pdf"]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, f"{run}: {result.output}{result.exception!r}"
    first = {p.relative_to(tmp_path / "first"): p.read_bytes() for p in (tmp_path / "first").rglob("*.pdf")}
    second = {p.relative_to(tmp_path / "second"): p.read_bytes() for p in (tmp_path / "second").rglob("*.pdf")}
    assert first and first == second
