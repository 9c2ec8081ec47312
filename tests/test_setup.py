"""The README's set-up, as a new user runs it: on a Debian or Ubuntu machine, with the system's own Python (which
refuses `pip install`, PEP 668), in a fresh copy of the repository, and then a build."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT
from test_packaging import source_copy

SYSTEM_PYTHON = Path("/usr/bin/python3")


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", text, re.MULTILINE | re.DOTALL)
    assert found, f"README.md has no '## {title}' section"
    return found.group(1)


def readme_commands(title: str) -> list[str]:
    """The shell blocks of a section of README.md, in order."""
    return [block.strip() for block in re.findall(r"^```sh\n(.*?)^```", readme_section(title), re.M | re.DOTALL)]


def test_the_readme_set_up_and_test_commands_use_the_project_environment() -> None:
    set_up, tests = readme_commands("Set up")  # one to set up and build, one to run the tests
    assert set_up.startswith("bash .ci/setup && .venv/bin/cgu ")
    assert tests.startswith(".venv/bin/python -m pytest")
    assert f'`{tests} -m "not slow"`' in readme_section("Set up"), "the fast subset is the same command"
    run = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert f"{tests} " in run, "`.ci/run` runs the README's test command"


@pytest.mark.slow
@pytest.mark.skipif(not SYSTEM_PYTHON.is_file(), reason="no system Python (/usr/bin/python3): not a Debian or Ubuntu")
def test_the_readme_set_up_builds_with_the_system_python(tmp_path: Path) -> None:
    checkout = source_copy(tmp_path / "cgu")
    set_up = readme_commands("Set up")[0]
    # The system's Python first on the PATH, as on a stock machine, and nothing of the environment running the tests.
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHON")}
    env["PATH"] = os.pathsep.join(["/usr/local/sbin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"])
    result = subprocess.run(["bash", "-c", set_up], cwd=checkout, env=env, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, f"{set_up}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    base = subprocess.run(
        [checkout / ".venv/bin/python", "-c", "import sys; print(sys.base_prefix)"], capture_output=True, text=True
    )
    assert base.stdout.strip() == "/usr", "the project environment is made with the system's Python"
    assert (checkout / "build/index.html").is_file()
    assert len(list((checkout / "build").rglob("*.pdf"))) == len(list((checkout / "build").rglob("*-[0-9]*.html")))


def test_the_slow_bad_input_cases_exist() -> None:
    """conftest.py marks corpus cases slow by name: a renamed case would silently join the fast subset."""
    from conftest import SLOW_CASES

    cases = ROOT / "tests/bad_inputs/cases"
    assert [name for name in SLOW_CASES if not (cases / name).is_dir()] == []
