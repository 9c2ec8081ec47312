"""The bad-input corpus: each case is a small broken project and the exact message it must produce.

A case is `cases/<name>/` with `project/` (files laid over a copy of tests/fixtures/mini), an optional
`generate` file (`big PATH BYTES` or `symlink PATH TARGET`, for what git should not hold) and `expected`
(the exact standard error of `cgu check`, with the project folder written `<project>`).
Set CGU_UPDATE_EXPECTED=1 to write the `expected` files after a deliberate change of wording.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MINI = ROOT / "tests/fixtures/mini"
CASES = sorted(p.name for p in (HERE / "cases").iterdir() if p.is_dir())


def make_project(case: Path, target: Path) -> Path:
    project = target / "project"
    shutil.copytree(MINI, project)
    if (case / "project").is_dir():
        shutil.copytree(case / "project", project, dirs_exist_ok=True)
    if (case / "generate").is_file():
        kind, path, arg = (case / "generate").read_text(encoding="utf-8").split()
        if kind == "big":
            with (project / path).open("wb") as handle:
                handle.truncate(int(arg))  # a sparse file: 50 MB on paper, nothing on disk
        elif kind == "symlink":
            os.symlink(arg, project / path)
    return project


def cgu(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cgu_cli.py"), *args, "--project", str(project)],
                          capture_output=True, text=True, timeout=120, cwd=project.parent)


def files_under(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.lstat().st_size for p in folder.rglob("*")}


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", CASES)
def test_bad_input(name: str, tmp_path: Path) -> None:
    case = HERE / "cases" / name
    project = make_project(case, tmp_path)
    before = files_under(tmp_path)
    result = cgu(project, "check")
    message = result.stderr.replace(str(project), "<project>")
    assert result.returncode == 1, f"{name}: exit {result.returncode}\n{result.stdout}{result.stderr}"
    assert "Traceback" not in result.stderr and result.stdout == ""
    if os.environ.get("CGU_UPDATE_EXPECTED"):
        (case / "expected").write_text(message, encoding="utf-8")
    assert message == (case / "expected").read_text(encoding="utf-8")
    build = cgu(project, "build", "--out", str(tmp_path / "out"))
    assert build.returncode == 1 and build.stderr.replace(str(project), "<project>") == message
    assert files_under(tmp_path) == before, "a failed check or build writes nothing"
