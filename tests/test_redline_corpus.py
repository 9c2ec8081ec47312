"""Every consecutive pair of the real corpus (Open Terms Archive, ODC-BY 1.0): exact, and the known cases right."""

from __future__ import annotations

from pathlib import Path

import pytest

from cgu.redline import redline
from cgu.sections import split_markdown
from conftest import SHARED

CORPUS = SHARED / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent (a user's clone has none; CI has it)")


def pairs() -> list[tuple[Path, Path]]:
    found = []
    for folder in ("blablacar-privacy-policy", "blablacar-trackers-policy"):
        files = sorted((CORPUS / folder).glob("*.md")) if CORPUS.is_dir() else []
        found += list(zip(files, files[1:]))
    return found


@pytest.mark.parametrize("old, new", pairs(), ids=lambda p: p.name[:13])
def test_corpus_pair_round_trips(old: Path, new: Path) -> None:
    old_text, new_text = old.read_text(encoding="utf-8"), new.read_text(encoding="utf-8")
    result = redline(split_markdown(old_text, old.name), split_markdown(new_text, new.name))
    assert result.old_text() == old_text
    assert result.new_text() == new_text


def test_corpus_has_all_pairs() -> None:
    assert len(pairs()) == 62 + 9


def compare(stem: str) -> object:
    files = sorted((CORPUS / "blablacar-privacy-policy").glob("*.md"))
    index = next(i for i, f in enumerate(files) if stem in f.name)
    return redline(split_markdown(files[index - 1].read_text(encoding="utf-8"), "old"),
                   split_markdown(files[index].read_text(encoding="utf-8"), "new"))


def test_right_to_object_rewording_is_substantive() -> None:
    result = compare("2024-02-16")
    assert [c.anchor for c in result.substantive] == ["quels-sont-vos-droits-sur-vos-donnees-personnelles"]


def test_obfuscated_email_change_is_editorial() -> None:
    assert compare("607b1c70").editorial_only
