"""The redline's work budget: counted in operations, so the same pair gives the same bytes on a busy machine; past
the budget the diff gets coarser (sentences, paragraphs) but stays exact, and never deletes everything."""

from __future__ import annotations

import random
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from cgu.model import DELETE, EQUAL, INSERT
from cgu.redline.compare import redline, word_diff
from cgu.redline.diff import WorkBudget, shortest_diff
from cgu.redline.render import render_json
from cgu.redline.sections import split_markdown

WORDS = "droit données accès cookie contrat service durée mois ans vous nous le la de".split()


def babble(paragraphs: int, seed: int) -> str:
    """Paragraphs over a 14-word vocabulary: every word pair recurs, the worst case for a word diff."""
    pick = random.Random(seed).choice
    return "".join(" ".join(pick(WORDS) for _ in range(30)) + ".\n\n" for _ in range(paragraphs))


def edited(text: str, seed: int) -> str:
    """The same paragraphs, one in three rewritten: real structure with a costly diff inside."""
    chooser = random.Random(seed)
    paragraphs = text.split("\n\n")
    for index in range(0, len(paragraphs), 3):
        paragraphs[index] = babble(1, chooser.randrange(10**6)).strip()
    return "\n\n".join(paragraphs)


def json_of(old: str, new: str, total: int | None = None) -> tuple[str, int]:
    budget = WorkBudget() if total is None else WorkBudget(total)
    result = redline(split_markdown(old, "a.md"), split_markdown(new, "b.md"), budget)
    assert result.old_text() == old and result.new_text() == new
    return render_json(result), budget.spent


def test_the_same_pair_gives_the_same_bytes_on_a_busy_machine() -> None:
    old = "# Données\n\n" + babble(120, 1)
    new = "# Données\n\n" + edited(babble(120, 1), 2)
    quiet, spent = json_of(old, new)
    assert spent > 10_000, "the pair must cost real diff work, or the test proves nothing"
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"], stdout=subprocess.DEVNULL) for _ in range(2)]
    try:
        loaded = [json_of(old, new) for _ in range(2)]
    finally:
        for process in busy:
            process.kill()
            process.wait()
    assert all(result == (quiet, spent) for result in loaded)


def test_past_the_budget_the_diff_is_coarser_but_keeps_unchanged_paragraphs() -> None:
    old = babble(60, 3)
    new = edited(old, 4)
    unchanged = [p for p, q in zip(old.split("\n\n"), new.split("\n\n"), strict=True) if p == q]
    for total in (0, 1_000, 50_000):
        ops = word_diff(old, new, WorkBudget(total))
        assert "".join(t for op, t in ops if op != INSERT) == old and "".join(t for op, t in ops if op != DELETE) == new
        kept = "".join(t for op, t in ops if op == EQUAL)
        assert sum(len(p) for p in unchanged) <= len(kept), f"budget {total}: unchanged paragraphs must stay equal"
    finest = word_diff(old, new, WorkBudget())
    coarsest = word_diff(old, new, WorkBudget(0))
    assert len(finest) > len(coarsest)  # the full budget shows more (finer) operations


def test_a_budget_is_never_overspent_by_more_than_one_passage() -> None:
    budget = WorkBudget(20_000)
    word_diff(babble(40, 5), babble(40, 6), budget)
    assert budget.spent <= budget.total + 200_000


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abc", max_size=30), st.text(alphabet="abc", max_size=30), st.integers(0, 400))
def test_shortest_diff_is_exact_and_minimal_or_refuses(old: str, new: str, limit: int) -> None:
    budget = WorkBudget()
    ops = shortest_diff(old, new, budget, limit)
    unbounded = shortest_diff(old, new, WorkBudget())
    assert unbounded is not None
    for result in (ops, unbounded):
        if result is not None:
            assert "".join(t for op, t in result if op != INSERT) == old
            assert "".join(t for op, t in result if op != DELETE) == new
    assert ops is None or ops == unbounded  # a limit never changes a diff it lets finish


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(WORDS + [" ", ".", "\n", "\n\n", "# Titre\n"]), max_size=120), st.integers(0, 5000))
def test_any_budget_rebuilds_both_texts(words: list[str], total: int) -> None:
    old = "".join(words)
    new = "".join(reversed(words))
    json_of(old, new, total)
