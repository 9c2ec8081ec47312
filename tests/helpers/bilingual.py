"""The bilingual fixture project (tests/fixtures/bilingual: French source, Dutch translation of two clauses and of
the organism's facts), as a real git repository in tmp_path with every translation fresh."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from cgu.rules.translations import blob_id
from tests.helpers.git import commit_all, git
from tests.helpers.project import cgu_in_process, replace_in

FIXTURE = Path(__file__).parent.parent / "fixtures" / "bilingual"
ORGANISM = "organisms/ebm/organism.yaml"
TRANSLATIONS = ("clauses/objet", "clauses/droits")
"""The fixture's translated clauses, without their `.md` / `.nl.md` ending."""


def stamp(project: Path, language: str = "nl") -> None:
    """Point every `translates:` of the `language` translations at its source's current blob (the translator caught
    up), whatever it pointed at before."""
    sources = [(f"{stem}.md", f"{stem}.{language}.md") for stem in TRANSLATIONS]
    sources.append((ORGANISM, ORGANISM.replace(".yaml", f".{language}.yaml")))
    for source, translation in sources:
        blob = blob_id((project / source).read_bytes())
        path = project / translation
        path.write_text(re.sub(r"translates: \S+", f"translates: {blob}", path.read_text("utf-8")), "utf-8")


def bilingual_project(tmp_path: Path, when: dt.date) -> Path:
    """The fixture copied to `tmp_path/content`, stamped fresh, one commit on `when` (noon UTC); its root."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE, root)
    stamp(root)
    git(root, "init", "-q")
    commit_all(root, "French and Dutch", when=when)
    return root


def release(project: Path, kind: str, version: str, *options: str) -> None:
    """`cgu release ebm KIND --version VERSION --date VERSION OPTIONS`, which must succeed."""
    made = cgu_in_process(project, "release", "ebm", kind, "--version", version, "--date", version, *options)
    assert made.returncode == 0, made.stderr


def publish(project: Path, site: Path, day: str) -> None:
    """`cgu publish --out SITE --date DAY`, which must succeed without a traceback."""
    published = cgu_in_process(project, "publish", "--out", str(site), "--date", day)
    assert published.returncode == 0, published.stderr
    assert "Traceback" not in published.stderr


def two_cgu_releases(project: Path) -> None:
    """The cgu released on 2025-06-01 (form), then, after a change of substance in both languages, on 2026-12-02
    (material, effective 2027-01-05); the privacy released once."""
    release(project, "cgu", "2025-06-01", "--form", "--summary", "Première version.")
    release(project, "privacy", "2025-06-01", "--form", "--summary", "Première version.")
    replace_in(project / "clauses/objet.md", "s'applique aux services", "s'applique à tous les services")
    replace_in(project / "clauses/objet.nl.md", "op de diensten", "op alle diensten")
    stamp(project)
    commit_all(project, "objet: every service, in French and Dutch")
    release(project, "cgu", "2026-12-02", "--material", "--effective", "2027-01-05", "--summary", "Tous les services.")
