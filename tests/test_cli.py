"""The command line: every command documents itself with an example; `python cgu_cli.py` works too."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import FIXTURES, ROOT

from cgu.cli import main


def test_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    for name in main.commands:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output and f"cgu {name}" in result.output, f"{name} --help shows an example"


def test_script_entry_point_builds(tmp_path: object) -> None:
    out = f"{tmp_path}/o"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "cgu_cli.py"),
            "build",
            "--project",
            str(FIXTURES / "mini"),
            "--document",
            "cgu",
            "--format",
            "html",
            "--out",
            out,
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "built 2 files, kept 0 up to date" in result.stdout


def test_bad_option_value_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["build", "--format", "odt", "--project", str(FIXTURES / "mini")])
    assert result.exit_code == 2 and "'odt' is not one of html, pdf, docx" in result.output


def test_not_a_project(tmp_path: object) -> None:
    result = CliRunner().invoke(main, ["check", "--project", str(tmp_path)])
    assert result.exit_code == 1 and "not a cgu project" in result.output and "Traceback" not in result.output


def test_counts_are_singular_for_one_and_plural_for_two(mini: Path, tmp_path: Path) -> None:
    """ "built 1 file", "1 organism", "1 article changed"; "2 files", "2 organisms", "2 articles changed"."""
    runner = CliRunner()

    def stdout(*args: str) -> str:
        result = runner.invoke(main, list(args))
        assert result.exit_code == 0, result.output
        return result.stdout

    one = ("--organism", "acme", "--document", "cgu", "--format", "html")
    assert "built 1 file, kept 0 up to date" in stdout("build", "--project", str(mini), *one, "--out", f"{tmp_path}/1")
    two = ("--organism", "acme", "--format", "html", "--out", f"{tmp_path}/2")
    assert "built 2 files, kept 0 up to date" in stdout("build", "--project", str(mini), *two)
    assert "ok: 2 organisms, 4 documents, 0 warnings, 30 findings waived" in stdout("check", "--project", str(mini))
    shutil.rmtree(mini / "organisms/acme")
    assert "ok: 1 organism, 2 documents, 0 warnings, 15 findings waived" in stdout("check", "--project", str(mini))

    text = "# Titre\n\n## Un\n\nLe membre peut résilier.\n\n## Deux\n\nLes données sont gardées un an.\n"
    (tmp_path / "old.md").write_text(text, encoding="utf-8")
    (tmp_path / "one.md").write_text(text.replace("peut", "ne peut pas"), encoding="utf-8")
    (tmp_path / "two.md").write_text(text.replace("peut", "ne peut pas").replace("un an", "dix ans"), encoding="utf-8")
    for new, said in (("one", "1 article changed;"), ("two", "2 articles changed;")):
        redline = stdout("redline", str(tmp_path / "old.md"), str(tmp_path / f"{new}.md"), "--out", f"{tmp_path}/r")
        assert redline.startswith(said), redline


def test_counted() -> None:
    from cgu.errors import counted

    assert [counted(n, "file") for n in (0, 1, 2)] == ["0 files", "1 file", "2 files"]
    assert counted(1, "file matches", "files match") == "1 file matches"
    assert counted(2, "file matches", "files match") == "2 files match"
