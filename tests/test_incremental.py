"""Incremental, parallel and sharded builds: only what changed is rendered, and every way gives the same bytes."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from helpers.faults import snapshot

from cgu.cli import main
from cgu.commands.build import build
from cgu.site.shards import Shard


def test_no_change_rebuild_renders_nothing(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = build(mini, out)
    assert len(first.rendered) == 8 and not first.kept
    before = snapshot(out)
    second = build(mini, out)
    assert second.rendered == [] and len(second.kept) == 8
    assert snapshot(out) == before


def test_editing_a_clause_rebuilds_only_documents_using_it(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(mini, out)
    before = snapshot(out)
    path = mini / "clauses/droit.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("relèvent du droit", "sont soumises au droit"), encoding="utf-8"
    )
    report = build(mini, out)
    # acme overrides `droit`; only beta's CGU uses the library clause; privacy policies do not use it at all.
    assert report.rendered == ["beta/cgu-2024-06-01.html", "beta/cgu-2024-06-01.pdf"]
    after = snapshot(out)
    changed = sorted(p for p in after if after[p] != before.get(p))
    assert changed == [".cgu-build.json", "beta/cgu-2024-06-01.html", "beta/cgu-2024-06-01.pdf"]


def test_editing_an_organism_rebuilds_only_its_documents(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(mini, out)
    path = mini / "organisms/beta.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Beta Mutualité", "Beta Mutualité libre"), encoding="utf-8"
    )
    report = build(mini, out)
    assert report.rendered == sorted(f"beta/{k}-2024-06-01.{f}" for k in ("cgu", "privacy") for f in ("html", "pdf"))


def test_explain_says_why(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    runner = CliRunner()
    args = ["build", "--project", str(mini), "--out", str(out), "--format", "html", "--explain"]
    assert "rebuilt acme/cgu-2024-06-01.html: new" in runner.invoke(main, args).output
    path = mini / "clauses/cookies.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
    output = runner.invoke(main, args).output
    assert "rebuilt acme/cgu-2024-06-01.html: changed: clauses/cookies.md" in output
    assert "kept    beta/privacy-2024-06-01.html: up to date" not in output
    assert "rebuilt beta/privacy-2024-06-01.html: changed: clauses/cookies.md" in output


@pytest.mark.slow
def test_parallel_build_is_identical(mini: Path, tmp_path: Path) -> None:
    build(mini, tmp_path / "one", jobs=1)
    build(mini, tmp_path / "two", jobs=2)
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


@pytest.mark.slow
def test_shards_merge_into_the_unsharded_build(mini: Path, tmp_path: Path) -> None:
    for index in range(3):  # more organisms so that shards are not trivially empty
        (mini / f"organisms/extra-{index}.yaml").write_text(
            f"extends: base\nidentity:\n  name: Extra {index}\n  address: {{street: rue {index}, postal_code: '7500{index}', city: Paris}}\n",
            encoding="utf-8",
        )
    build(mini, tmp_path / "whole")
    shard_dirs = []
    owned = []
    for index in (1, 2, 3):
        folder = tmp_path / f"shard-{index}"
        report = build(mini, folder, shard=Shard(index, 3))
        owned.append({p.split("/")[0] for p in report.rendered})
        shard_dirs.append(str(folder))
    assert set().union(*owned) == {"acme", "beta", "extra-0", "extra-1", "extra-2"}
    assert sum(len(o) for o in owned) == 5, "each organism in exactly one shard"
    result = CliRunner().invoke(main, ["merge", "--project", str(mini), str(tmp_path / "merged"), *shard_dirs])
    assert result.exit_code == 0, result.output
    assert snapshot(tmp_path / "merged") == snapshot(tmp_path / "whole")


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_in_a_log(mini: Path, tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "cgu_cli.py"), "build", "--project", str(mini), "--format", "html"]
    logged = subprocess.run([*command, "--out", str(tmp_path / "log")], capture_output=True, text=True, check=True)
    assert logged.stderr.splitlines() == [
        "[1/4] rendered acme cgu",
        "[2/4] rendered acme privacy",
        "[3/4] rendered beta cgu",
        "[4/4] rendered beta privacy",
    ]
    controller, terminal = pty.openpty()
    with os.fdopen(controller, "rb", buffering=0) as screen:
        process = subprocess.Popen([*command, "--out", str(tmp_path / "tty")], stdout=subprocess.PIPE, stderr=terminal)
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = screen.read(4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            shown += chunk
        assert process.wait() == 0
    frames = shown.decode().split("\r\x1b[K")[1:]
    assert [f.split("] ")[1].strip() for f in frames] == [
        "1/4 acme cgu",
        "2/4 acme privacy",
        "3/4 beta cgu",
        "4/4 beta privacy",
    ]
    assert frames[1].startswith("[" + "#" * 15 + " " * 15 + "]") and frames[-1].startswith("[" + "#" * 30 + "]")
    assert "\n" not in "".join(frames[:-1]), "the bar is redrawn in place until the last document"
