"""Benchmark: cgu's redline against `git diff --no-index --word-diff` on the same pairs, measured in one run.

Pairs: every consecutive pair of the corpus (../shared/corpus, Open Terms Archive, ODC-BY 1.0), plus worst
cases: the first and last privacy-policy versions (four years of edits), two full rewrites of the first
version (the same words shuffled; an unrelated text of the same size) and an adversarial pair of random texts
over 14 words, which only the redline's work budget (REDLINE_WORK, in operations) bounds. Each time is the best of three runs.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cgu.redline.compare import redline
from cgu.redline.sections import split_markdown

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
    pairs = [
        (a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8"))
        for folder in ("blablacar-privacy-policy", "blablacar-trackers-policy")
        for a, b in zip(sorted((CORPUS / folder).glob("*.md")), sorted((CORPUS / folder).glob("*.md"))[1:])
    ]
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
