"""Changelogs from real git histories: newest first, dates, material flag, summary, changed articles linked to redlines."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from conftest import FIXTURES
from helpers.releases import THIRD, edit, releases

from cgu.cli import main
from cgu.commands.build import build
from cgu.release.changelog import (
    changelog_entries,
    changelog_html,
    changelog_json,
    changelog_markdown,
)


def test_changelog_lists_releases_newest_first_with_their_changes(three: Path) -> None:
    found, problems = releases(three)
    assert not problems
    entries = changelog_entries(found)
    assert [e.release.spec.version.isoformat() for e in entries] == ["2025-01-01", "2024-09-01", "2024-06-01"]
    data = json.loads(changelog_json(found[0].document.organism, "cgu", entries))
    newest, middle, first = data["releases"]
    assert (
        newest["material"] is True
        and middle["material"] is False
        and first["articles"] == []
        and first["redline"] is None
    )
    assert newest["redline"] == "redline-2024-09-01-to-2025-01-01.html"
    assert {"id": "droit", "change": "modified", "moved": True} in newest["articles"] or any(
        a["moved"] for a in newest["articles"]
    )
    assert {a["id"] for a in middle["articles"]} >= {"cookies"}
    markdown = changelog_markdown(found[0].document.organism, "cgu", entries)
    positions = [
        markdown.index(f"## Version du {d}") for d in ("1er janvier 2025", "1er septembre 2024", "1er juin 2024")
    ]
    assert positions == sorted(positions)
    assert "nouvelle acceptation requise" in markdown and "Reformulation de l'article sur les traceurs." in markdown
    assert "(redline-2024-09-01-to-2025-01-01.html#droit) : modifié" in markdown
    assert "Première version publiée." in markdown
    page = changelog_html(found[0].document.organism, "cgu", entries)
    assert '<a href="redline-2024-06-01-to-2024-09-01.html#cookies">Article 2 – Cookies</a>' in page
    assert page.index("1<sup>er</sup> janvier 2025") < page.index("1<sup>er</sup> juin 2024")


def test_build_writes_the_history_folder_and_every_link_resolves(three: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(three, out, formats=("html",))
    folder = out / "beta/cgu"
    pairs = ["2024-06-01-to-2024-09-01", "2024-09-01-to-2025-01-01", "2024-06-01-to-2025-01-01"]
    expected = {"versions.json", "changelog.md", "changelog.html", "changelog.json"}
    expected |= {f"redline-{pair}{suffix}" for pair in pairs for suffix in (".html", ".fragment.html", ".json")}
    assert {p.name for p in folder.iterdir()} == expected
    assert (out / "acme/cgu/versions.json").is_file() and not (out / "beta/privacy").exists(), "only released documents"
    for name in ("changelog.md", "changelog.html"):
        for target, anchor in re.findall(
            r"(redline-[\w-]+\.html)#([\w-]+)", (folder / name).read_text(encoding="utf-8")
        ):
            assert f'id="{anchor}"' in (folder / target).read_text(encoding="utf-8"), (
                f"{name} links to {target}#{anchor}"
            )
    page = (folder / "redline-2024-06-01-to-2025-01-01.html").read_text(encoding="utf-8")
    assert "<del>" in page and "relèvent" in page and "soumises" in page
    assert f"cgu-{THIRD}.html" in {p.name for p in (out / "beta").iterdir()}


def test_changelog_command(three: Path, tmp_path: Path) -> None:
    for fmt, marker in (("md", "# Historique des versions"), ("html", "<!DOCTYPE html>"), ("json", '"releases"')):
        result = CliRunner().invoke(main, ["changelog", "beta", "cgu", "--format", fmt, "--project", str(three)])
        assert result.exit_code == 0 and marker in result.output, result.output
    plain = tmp_path / "plain"
    shutil.copytree(FIXTURES / "mini", plain)
    result = CliRunner().invoke(main, ["changelog", "beta", "cgu", "--project", str(plain)])
    assert result.exit_code == 1 and "history unavailable (not a git repository)" in result.output


def test_redline_command_defaults_and_every_output(three: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "r"
    result = CliRunner().invoke(main, ["redline", "beta", "cgu", "--project", str(three), "--out", str(out)])
    assert result.exit_code == 0, result.output
    stem = "beta-cgu-redline-2024-09-01-to-2025-01-01"  # no draft: the previous release to the last
    assert {p.name for p in out.iterdir()} == {f"{stem}{s}" for s in (".html", ".fragment.html", ".json", ".pdf")}
    assert "<!DOCTYPE html>" in (out / f"{stem}.html").read_text(encoding="utf-8")
    fragment = (out / f"{stem}.fragment.html").read_text(encoding="utf-8")
    assert fragment.startswith('<div class="redline"') and "<html" not in fragment and "<del>" in fragment
    pdf = PdfReader(out / f"{stem}.pdf")
    assert "relèvent" in " ".join(page.extract_text() for page in pdf.pages)
    data = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
    assert "droit" in data["substantive"]
    explicit = CliRunner().invoke(
        main,
        [
            "redline",
            "beta",
            "cgu",
            "--from",
            "2024-06-01",
            "--to",
            "2024-09-01",
            "--format",
            "json",
            "--project",
            str(three),
            "--out",
            str(out),
        ],
    )
    assert explicit.exit_code == 0, explicit.output
    data = json.loads((out / "beta-cgu-redline-2024-06-01-to-2024-09-01.json").read_text(encoding="utf-8"))
    assert "cookies" in data["substantive"], "the 2024-09-01 rewording"
    edit(three / "clauses/editeur.md", "Le site est édité par", "Ce site est édité par")
    draft = CliRunner().invoke(
        main, ["redline", "beta", "cgu", "--format", "json", "--project", str(three), "--out", str(out)]
    )
    assert draft.exit_code == 0 and (out / "beta-cgu-redline-2025-01-01-to-draft.json").is_file(), (
        "a draft: the last release to it"
    )
