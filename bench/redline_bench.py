"""Benchmark: cgu's redline against `git diff --no-index --word-diff` on the same pairs, measured in one run.

First, per corpus pair, the characters each marks as changed: cgu's substantive marks (deleted plus inserted
characters of changed runs, and of added or removed articles) and its form-only marks, against git's deleted plus
inserted words (porcelain mode); a pair where cgu marks more than twice git's is flagged, with the characters of
articles cgu shows as moved (git shows them deleted and inserted again). Then times.

Pairs: every consecutive pair of the corpus (../shared/corpus, Open Terms Archive, ODC-BY 1.0), plus worst
cases: the first and last privacy-policy versions (four years of edits), two full rewrites of the first
version (the same words shuffled; an unrelated text of the same size) and an adversarial pair of random texts
over 14 words, which only the redline's work budget (REDLINE_WORK, in operations) bounds. Each time is the best
of three runs.
Run: python bench/redline_bench.py
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cgu.redline.compare import pieces, redline
from cgu.redline.diff import WorkBudget
from cgu.redline.sections import split_markdown

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


RUNS = 3


def cgu_time(old: str, new: str) -> float:
    """Seconds for a redline from the two raw texts (sections included), checked exact."""
    best = float("inf")
    for _ in range(RUNS):
        start = time.perf_counter()
        result = redline(split_markdown(old, "old"), split_markdown(new, "new"))
        best = min(best, time.perf_counter() - start)
    assert result.old_text() == old and result.new_text() == new
    return best


def git_time(old: str, new: str, folder: Path) -> float:
    """Seconds for `git diff --no-index --word-diff=porcelain` on the same texts (process start included)."""
    (folder / "old.md").write_text(old, encoding="utf-8")
    (folder / "new.md").write_text(new, encoding="utf-8")
    best = float("inf")
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(
            ["git", "diff", "--no-index", "--word-diff=porcelain", "old.md", "new.md"],
            cwd=folder,
            capture_output=True,
            check=False,
        )
        best = min(best, time.perf_counter() - start)
    return best


def cgu_marked(old: str, new: str) -> tuple[int, int, int, int]:
    """Characters cgu marks as substantive changes and as form only, the characters of moved articles, and the work
    the redline spent (operations)."""
    budget = WorkBudget()
    result = redline(split_markdown(old, "old"), split_markdown(new, "new"), budget)
    assert result.old_text() == old and result.new_text() == new
    changed = form = moved = 0
    for change in result.changes:
        for piece in pieces(change):
            if piece.status == "changed":
                changed += len(piece.old) + len(piece.new)
            elif piece.status == "editorial":
                form += len(piece.old) + len(piece.new)
        if change.moved:
            moved += len(change.new_text())
    return changed, form, moved, budget.spent


def git_marked(old: str, new: str, folder: Path) -> int:
    """Characters `git diff --no-index --word-diff=porcelain` marks as deleted or inserted."""
    (folder / "old.md").write_text(old, encoding="utf-8")
    (folder / "new.md").write_text(new, encoding="utf-8")
    output = subprocess.run(
        ["git", "diff", "--no-index", "--word-diff=porcelain", "old.md", "new.md"],
        cwd=folder,
        capture_output=True,
        check=False,
    ).stdout.decode("utf-8")
    body = output.split("\n@@", 1)[1] if "\n@@" in output else ""
    return sum(len(line) - 1 for line in body.splitlines() if line[:1] in "-+" and not line.startswith(("---", "+++")))


def babble(size: int, seed: int) -> str:
    """Random sentences over a 14-word vocabulary: every word pair recurs, so only the time budget bounds the diff."""
    pick = random.Random(seed).choice
    words = "droit données accès cookie contrat service durée mois ans vous nous le la de".split()
    text = ""
    while len(text) < size:
        text += " ".join(pick(words) for _ in range(25)) + ".\n\n"
    return text[:size]


def row(name: str, mine: float, git: float) -> str:
    return f"{name:<42}{mine * 1000:>11.1f} ms{git * 1000:>13.1f} ms{mine / git:>9.2f}"


def main() -> int:
    if not CORPUS.is_dir():
        print(f"skipped: the corpus is absent ({CORPUS}); the benchmark needs ../shared/corpus")
        return 0
    files = sorted((CORPUS / "blablacar-privacy-policy").glob("*.md"))
    named = [
        (f"{folder[10:17]} {b.name[:13]}", a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8"))
        for folder in ("blablacar-privacy-policy", "blablacar-trackers-policy")
        for a, b in zip(
            sorted((CORPUS / folder).glob("*.md")), sorted((CORPUS / folder).glob("*.md"))[1:], strict=False
        )
    ]
    pairs = [(a, b) for _, a, b in named]
    print("Corpus: Open Terms Archive (OpenTermsArchive/france-versions, with UFC-Que Choisir and the Office of the")
    print("French Ambassador for Digital Affairs), ODC-BY 1.0.\n")
    print(f"{'pair':<24}{'cgu fond':>10}{'cgu forme':>11}{'déplacé':>9}{'git':>9}{'ratio':>7}{'work':>9}")
    totals = [0, 0, 0, 0]
    with tempfile.TemporaryDirectory() as tmp:
        for name, a, b in named:
            changed, form, moved, work = cgu_marked(a, b)
            git = git_marked(a, b, Path(tmp))
            ratio = changed / git if git else float("inf") if changed else 1.0
            flag = " > 2x" + (" (move)" if moved else "") if ratio > 2 else ""
            print(f"{name:<24}{changed:>10}{form:>11}{moved:>9}{git:>9}{ratio:>7.2f}{work:>9}{flag}")
            totals = [t + v for t, v in zip(totals, (changed, form, moved, git), strict=True)]
    print(f"{'total':<24}{totals[0]:>10}{totals[1]:>11}{totals[2]:>9}{totals[3]:>9}{totals[0] / totals[3]:>7.2f}\n")
    first = files[0].read_text(encoding="utf-8")
    words = first.split(" ")
    random.Random(1).shuffle(words)
    trackers = "".join(
        f.read_text(encoding="utf-8") for f in sorted((CORPUS / "blablacar-trackers-policy").glob("*.md"))
    )
    worst = {
        "first vs last version": (first, files[-1].read_text(encoding="utf-8")),
        "full rewrite (shuffled words)": (first, " ".join(words)),
        "full rewrite (unrelated text)": (first, (trackers * 3)[: len(first)]),
        "adversarial (random, 14 words)": (babble(len(first), 2), babble(len(first), 3)),
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ours = [cgu_time(a, b) for a, b in pairs]
        theirs = [git_time(a, b, folder) for a, b in pairs]
        print(f"{'case (best of ' + str(RUNS) + ')':<42}{'cgu redline':>14}{'git word-diff':>16}{'ratio':>9}")
        print(row(f"median of {len(pairs)} corpus pairs", statistics.median(ours), statistics.median(theirs)))
        print(row("slowest corpus pair", max(ours), theirs[ours.index(max(ours))]))
        print(row(f"total of {len(pairs)} corpus pairs", sum(ours), sum(theirs)))
        for name, (a, b) in worst.items():
            print(row(f"{name} ({len(a) // 1000}/{len(b) // 1000} KB)", cgu_time(a, b), git_time(a, b, folder)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
