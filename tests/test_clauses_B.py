"""Writer B's privacy-side clauses: valid front matter, guarded cross-references, substantive bodies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

CLAUSES = Path(__file__).resolve().parents[1] / "clauses"
OWNED = [
    "responsable-traitement",
    "dpo",
    "donnees-collectees",
    "finalites",
    "nir",
    "donnees-sante",
    "destinataires",
    "transferts",
    "conservation",
    "securite-donnees",
    "droits",
    "consentement",
    "reclamation",
    "obligation-fournir",
    "profilage",
    "mineurs",
    "glossaire",
]
BOTH = {"mineurs", "glossaire"}
DOTTED = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*$")


def split(clause_id: str) -> tuple[dict, str]:
    """The front matter (safe-loaded) and the body of a clause file."""
    text = (CLAUSES / f"{clause_id}.md").read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n(.*)", text, re.S)
    assert match, f"clauses/{clause_id}.md:1: no front matter"
    return YAML(typ="safe").load(match.group(1)), match.group(2)


@pytest.mark.parametrize("clause_id", OWNED)
def test_front_matter_is_valid(clause_id: str) -> None:
    meta, _ = split(clause_id)
    assert set(meta) == {"id", "title", "category", "documents", "requires", "material"}
    assert meta["id"] == clause_id
    assert isinstance(meta["title"], str) and meta["title"].strip()
    assert re.fullmatch(r"[a-z]+", meta["category"])
    assert meta["documents"] == (["cgu", "privacy"] if clause_id in BOTH else ["privacy"])
    assert meta["requires"] and all(DOTTED.match(name) for name in meta["requires"])
    assert meta["material"] is (clause_id != "glossaire")


@pytest.mark.parametrize("clause_id", OWNED)
def test_cross_references_are_guarded(clause_id: str) -> None:
    _, body = split(clause_id)
    for line_number, line in enumerate(body.splitlines(), 1):
        for target in re.findall(r"ref\('([a-z0-9-]+)'\)", line):
            assert f"has('{target}')" in line, (
                f"clauses/{clause_id}.md: body line {line_number}: ref('{target}') without has()"
            )


@pytest.mark.parametrize("clause_id", OWNED)
def test_body_is_substantive_and_country_aware(clause_id: str) -> None:
    _, body = split(clause_id)
    prose = re.sub(r"\{[%{#].*?[%}#]\}", " ", body, flags=re.S)
    assert 150 <= len(prose.split()) <= 800, f"clauses/{clause_id}.md: {len(prose.split())} words"
    assert "<" not in prose, "raw HTML does not render"
    if "CNIL" in prose or "loi n° 78-17" in prose or "Autorité de protection des données" in prose:
        assert 'country == "BE"' in body or 'country == "FR"' in body, "national references need a FR/BE branch"
