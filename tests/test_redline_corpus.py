"""Every consecutive pair of the real corpus (Open Terms Archive, ODC-BY 1.0): exact, and the known cases right."""

from __future__ import annotations

import itertools
import random
import time
from pathlib import Path

import pytest
from conftest import SHARED

from cgu.redline.compare import pieces, redline
from cgu.redline.diff import REDLINE_WORK, WorkBudget
from cgu.redline.sections import split_markdown

CORPUS = SHARED / "corpus"
pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="../shared/corpus is absent (a user's clone has none; CI has it)"
)


def pairs() -> list[tuple[Path, Path]]:
    found = []
    for folder in ("blablacar-privacy-policy", "blablacar-trackers-policy"):
        files = sorted((CORPUS / folder).glob("*.md")) if CORPUS.is_dir() else []
        found += list(itertools.pairwise(files))
    return found


@pytest.mark.parametrize("old, new", pairs(), ids=lambda p: p.name[:13])
def test_corpus_pair_round_trips(old: Path, new: Path) -> None:
    old_text, new_text = old.read_text(encoding="utf-8"), new.read_text(encoding="utf-8")
    budget = WorkBudget()
    result = redline(split_markdown(old_text, old.name), split_markdown(new_text, new.name), budget)
    assert budget.spent < REDLINE_WORK // 10, "a real edit is diffed word by word, far within the budget"
    assert result.old_text() == old_text
    assert result.new_text() == new_text
    for change in result.changes:
        assert "".join(p.new for p in pieces(change)) == change.new_text()


def test_corpus_has_all_pairs() -> None:
    assert len(pairs()) == 62 + 9


def compare(stem: str) -> object:
    files = sorted((CORPUS / "blablacar-privacy-policy").glob("*.md"))
    index = next(i for i, f in enumerate(files) if stem in f.name)
    return redline(
        split_markdown(files[index - 1].read_text(encoding="utf-8"), "old"),
        split_markdown(files[index].read_text(encoding="utf-8"), "new"),
    )


def test_right_to_object_rewording_is_substantive() -> None:
    result = compare("2024-02-16")
    assert [c.anchor for c in result.substantive] == ["quels-sont-vos-droits-sur-vos-donnees-personnelles"]
    changed = [p for p in pieces(result.substantive[0]) if p.status == "changed"]
    assert changed and any("situation particulière" in p.old + p.new for p in changed)


def test_obfuscated_email_change_is_editorial() -> None:
    """The capture turned "[email protected]" into "dataprotec[email protected]": same link, same address: noise."""
    result = compare("607b1c70")
    assert result.editorial_only
    assert [c.kind for c in result.changes if c.kind != "unchanged"] == ["editorial"]


@pytest.mark.parametrize("how", ["shuffled", "unrelated"])
def test_full_rewrite_of_a_corpus_sized_document_is_fast(how: str) -> None:
    files = sorted((CORPUS / "blablacar-privacy-policy").glob("*.md"))
    first = files[0].read_text(encoding="utf-8")
    if how == "shuffled":
        words = first.split(" ")
        random.Random(7).shuffle(words)
        other = " ".join(words)
    else:
        trackers = "".join(
            f.read_text(encoding="utf-8") for f in sorted((CORPUS / "blablacar-trackers-policy").glob("*.md"))
        )
        other = (trackers * 3)[: len(first)]
    start, budget = time.process_time(), WorkBudget()
    result = redline(split_markdown(first, "old"), split_markdown(other, "new"), budget)
    assert budget.spent <= REDLINE_WORK and time.process_time() - start < 5.0
    assert result.old_text() == first and result.new_text() == other
