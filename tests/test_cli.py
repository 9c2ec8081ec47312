"""The command line: every command documents itself with an example; `python cgu_cli.py` works too."""

from __future__ import annotations

import subprocess
import sys

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
