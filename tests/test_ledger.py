"""published.json: the first publication of each release, kept across publishes; the notice counts from it, so a
forged committer date cannot shorten it (issue 11, item 8). Real git repositories with fixed dates, real publishes."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES

from cgu.commands.publish import publish
from cgu.errors import CguError
from cgu.site.ledger import LEDGER, read_ledger


def git(repo: Path, *args: str, date: str = "2024-06-01") -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
        "GIT_AUTHOR_DATE": f"{date}T09:00:00+00:00",
        "GIT_COMMITTER_DATE": f"{date}T09:00:00+00:00",  # anyone can set it: the ledger must not believe it
        "HOME": str(repo),
        "PATH": os.environ["PATH"],
    }
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=env).stdout.strip()


def commit_all(repo: Path, message: str, date: str) -> None:
    git(repo, "add", "-A", date=date)
    git(repo, "commit", "-q", "-m", message, date=date)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The mini project with a first release of the cgu (2024-06-01), committed that day."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "mini", target)
    git(target, "init", "-q", "-b", "main")
    commit_all(target, "content", "2024-05-01")
    edit(
        target / "organisms/base.yaml",
        "    version: 2024-06-01\n    effective: 2024-06-15\n",
        '    releases:\n      - {version: 2024-06-01, effective: 2024-06-15, material: true, summary: "Première publication."}\n',
    )
    commit_all(target, "release 2024-06-01", "2024-06-01")
    return target


def second_release(repo: Path, committed: str) -> None:
    """A material release dated 2024-06-10, effective 2024-07-10: exactly 30 days' notice if published 2024-06-10."""
    edit(repo / "clauses/droit.md", "relèvent du droit", "sont soumises au droit")
    edit(
        repo / "organisms/base.yaml",
        '"Première publication."}\n',
        '"Première publication."}\n'
        '      - {version: 2024-06-10, effective: 2024-07-10, material: true, summary: "Droit reformulé."}\n',
    )
    commit_all(repo, "second release", committed)


def ledger(site: Path) -> dict[tuple[str, str, str], str]:
    data = json.loads((site / LEDGER).read_text(encoding="utf-8"))
    return {(r["organism"], r["document"], r["version"]): r["first_published"] for r in data["releases"]}


@pytest.mark.slow
def test_first_publication_is_kept_and_a_late_first_publication_is_refused(repo: Path, tmp_path: Path) -> None:
    site = tmp_path / "public"
    publish(repo, site, day=dt.date(2024, 6, 2))
    # The site's first publication brings the document's history in (its version and commit dates).
    assert ledger(site) == {("acme", "cgu", "2024-06-01"): "2024-06-01", ("beta", "cgu", "2024-06-01"): "2024-06-01"}
    # Committed "on 2024-06-10" (a forged committer date: cgu check accepts it), but first published on 2024-06-20:
    # only 20 days' notice before 2024-07-10. Publish refuses, and the previous site stays as it was.
    second_release(repo, committed="2024-06-10")
    before = (site / LEDGER).read_bytes()
    with pytest.raises(CguError) as refused:
        publish(repo, site, day=dt.date(2024, 6, 20))
    messages = [str(p) for p in refused.value.problems]
    assert messages[0].endswith(
        "release-notice: release 2024-06-10 of the cgu of acme is first published on 2024-06-20 (published.json), so "
        "with 30 days' notice it cannot take effect before 2024-07-20, not 2024-07-10: declare a new release with a "
        "later effective date (cgu release) (organism acme)"
    ), messages
    assert (site / LEDGER).read_bytes() == before
    assert not (site / "acme/cgu/releases/2024-06-10.html").exists()
    # Published on its version date, it has its full notice; a later publish keeps that first date.
    publish(repo, site, day=dt.date(2024, 6, 10))
    publish(repo, site, day=dt.date(2024, 6, 25))
    assert ledger(site)[("acme", "cgu", "2024-06-10")] == "2024-06-10"
    assert ledger(site)[("acme", "cgu", "2024-06-01")] == "2024-06-01"
    index = json.loads((site / "index.json").read_text(encoding="utf-8"))
    acme = next(o for o in index["organisms"] if o["id"] == "acme")
    assert [(r["version"], r["first_published"]) for r in acme["releases"]] == [
        ("2024-06-01", "2024-06-01"),
        ("2024-06-10", "2024-06-10"),
    ]
    again = (site / LEDGER).read_bytes()
    publish(repo, site, day=dt.date(2024, 6, 25))
    assert (site / LEDGER).read_bytes() == again  # byte for byte


def test_ledger_entries_that_cannot_be_believed_are_dropped(tmp_path: Path) -> None:
    entry = {"organism": "acme", "document": "cgu", "version": "2024-06-01", "sha256": "ab" * 32}
    (tmp_path / LEDGER).write_text(
        json.dumps(
            {
                "releases": [
                    {**entry, "first_published": "2024-06-01"},
                    {**entry, "version": "2024-07-01", "first_published": "2099-01-01"},  # after the run's day
                    {**entry, "version": "2024-08-01", "first_published": 20240801},  # wrong type
                    "junk",
                ]
            }
        ),
        encoding="utf-8",
    )
    found = read_ledger(tmp_path, dt.date(2024, 9, 1))
    assert list(found.entries) == [("acme", "cgu", "2024-06-01")]
    assert found.knows("acme", "cgu") and not found.knows("beta", "cgu")


def test_broken_ledger_is_one_clear_message(tmp_path: Path) -> None:
    (tmp_path / LEDGER).write_text("{not json", encoding="utf-8")
    with pytest.raises(CguError) as broken:
        read_ledger(tmp_path, dt.date(2024, 9, 1))
    assert str(broken.value.problems[0]) == (
        f"{tmp_path / LEDGER}: not valid JSON: restore it from the previous site, or delete it (every release then "
        "counts as published today)"
    )


@pytest.mark.slow
def test_publish_prints_one_line_per_stage_and_document_unless_quiet(repo: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cgu.cli import main

    args = ["publish", "--project", str(repo), "--date", "2024-06-02", "--out"]
    loud = CliRunner().invoke(main, [*args, str(tmp_path / "a")])
    assert loud.exit_code == 0, loud.output
    assert loud.stderr.splitlines() == [
        "publish: checking and building",
        "publish: acme/cgu: 1 release",
        "publish: beta/cgu: 1 release",
        "publish: ledger and index",
        "publish: bundles",
    ]
    quiet = CliRunner().invoke(main, [*args, str(tmp_path / "b"), "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout.startswith("published ")
    assert (tmp_path / "a" / LEDGER).read_bytes() == (tmp_path / "b" / LEDGER).read_bytes()
