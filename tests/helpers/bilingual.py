"""The bilingual fixture project (tests/fixtures/bilingual: French source, Dutch translation of two clauses and of
the organism's facts), as a real git repository in tmp_path with every translation fresh."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from cgu.rules.translations import blob_id
from tests.helpers.git import commit_all, git

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
