"""Benchmark: cgu's redline against `git diff --no-index --word-diff` on the same pairs, measured in one run.

Pairs: every consecutive pair of the corpus (../shared/corpus, Open Terms Archive, ODC-BY 1.0), plus worst
cases: the first and last privacy-policy versions (four years of edits) and a full rewrite (same words,
shuffled). Run: python bench/redline_bench.py
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

from cgu.redline import redline  # noqa: E402
from cgu.sections import split_markdown  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def cgu_time(old: str, new: str) -> float:
    start = time.perf_counter()
    result = redline(split_markdown(old, "old"), split_markdown(new, "new"))
    elapsed = time.perf_counter() - start
    assert result.old_text() == old and result.new_text() == new
    return elapsed


def git_time(old: str, new: str, folder: Path) -> float:
    (folder / "old.md").write_text(old, encoding="utf-8")
    (folder / "new.md").write_text(new, encoding="utf-8")
    start = time.perf_counter()
    subprocess.run(["git", "diff", "--no-index", "--word-diff=porcelain", "old.md", "new.md"], cwd=folder,
                   capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> int:
    if not CORPUS.is_dir():
        print(f"skipped: the corpus is absent ({CORPUS}); the benchmark needs ../shared/corpus")
        return 0
    files = sorted((CORPUS / "blablacar-privacy-policy").glob("*.md"))
    pairs = [(a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")) for folder in ("blablacar-privacy-policy", "blablacar-trackers-policy")
             for a, b in zip(sorted((CORPUS / folder).glob("*.md")), sorted((CORPUS / folder).glob("*.md"))[1:])]
    first = files[0].read_text(encoding="utf-8")
    words = first.split(" ")
    random.Random(1).shuffle(words)
    worst = {"first vs last version": (first, files[-1].read_text(encoding="utf-8")), "full rewrite (shuffled)": (first, " ".join(words))}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ours = [cgu_time(a, b) for a, b in pairs]
        theirs = [git_time(a, b, folder) for a, b in pairs]
        print(f"{'case':<32}{'cgu redline':>14}{'git word-diff':>16}{'ratio':>9}")
        print(f"{'median of ' + str(len(pairs)) + ' corpus pairs':<32}{statistics.median(ours) * 1000:>11.1f} ms"
              f"{statistics.median(theirs) * 1000:>13.1f} ms{statistics.median(ours) / statistics.median(theirs):>9.2f}")
        print(f"{'slowest corpus pair':<32}{max(ours) * 1000:>11.1f} ms{max(theirs) * 1000:>13.1f} ms{max(ours) / max(theirs):>9.2f}")
        for name, (a, b) in worst.items():
            mine, git = cgu_time(a, b), git_time(a, b, folder)
            print(f"{name:<32}{mine * 1000:>11.1f} ms{git * 1000:>13.1f} ms{mine / git:>9.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
