"""Running cgu on a project folder as a writer does (a real process), and editing its files in place."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_cgu(project: Path, *args: str, cwd: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """`cgu ARGS --project PROJECT` from this checkout, in `cwd` (the project by default)."""
    return subprocess.run(
        [sys.executable, str(ROOT / "cgu_cli.py"), *args, "--project", str(project)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd or project,
    )


def cgu_in_process(project: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`cgu ARGS --project PROJECT` run in this process, in `cwd` (the project by default): see `cgu_here`."""
    return cgu_here(cwd or project, *args, "--project", str(project))


def cgu_here(cwd: Path, *args: str, env: Mapping[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    """`cgu ARGS` run in this process (click's CliRunner), in the folder `cwd`: what `run_cgu` returns (exit code,
    standard output, standard error) without a new interpreter, for tests of what a command says and writes rather
    than of the process. An exception the command lets escape is written to standard error as the interpreter would
    print it (a "Traceback"), with exit code 1. `env`: variables set (None: unset) while the command runs."""
    import contextlib
    import traceback

    from click.testing import CliRunner

    from cgu.cli import main

    with contextlib.chdir(cwd):
        result = CliRunner(env=env).invoke(main, list(args), prog_name="cgu_cli.py", catch_exceptions=True)
    stderr = result.stderr
    if result.exc_info is not None and result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return subprocess.CompletedProcess(["cgu", *args], result.exit_code, result.stdout, stderr)


def replace_in(path: Path, old: str, new: str) -> None:
    """Replace the first `old` of a file, which must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


FIXED_GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@t",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@t",
    "GIT_AUTHOR_DATE": "2026-12-02T10:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-12-02T10:00:00+00:00",
}
"""A committer and a fixed day (2026-12-02) for tests that make commits through cgu itself."""


def git_environment(patch: pytest.MonkeyPatch, home: Path) -> None:
    """FIXED_GIT_ENV for what cgu commits, and HOME in `home` (the user's git configuration never applies)."""
    for name, value in FIXED_GIT_ENV.items():
        patch.setenv(name, value)
    patch.setenv("HOME", str(home))


def committed_copy(fixture: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`fixture` copied to `tmp_path/content` as a git repository with one commit, FIXED_GIT_ENV set for what cgu
    commits and HOME in `tmp_path` (the user's git configuration never applies)."""
    git_environment(monkeypatch, tmp_path)
    target = tmp_path / "content"
    shutil.copytree(fixture, target)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "content"]):
        subprocess.run(["git", *args], cwd=target, check=True, capture_output=True)
    return target


def mini_with(folder: Path, clause: str, paragraphs: str) -> Path:
    """A copy of the mini fixture project at `folder`/mini, with `paragraphs` (Markdown) added at the end of its clause
    `clause` (e.g. "droit")."""
    project = folder / "mini"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "mini", project)
    path = project / "clauses" / f"{clause}.md"
    path.write_text(path.read_text(encoding="utf-8") + paragraphs, encoding="utf-8")
    return project
