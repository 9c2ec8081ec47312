"""A shortest diff of two sequences of units under a budget counted in operations, never in seconds.

Myers' O((N+M)·D) algorithm on one character per unit (a word token, a sentence or a line). Every step it takes is
counted; past its limit it gives up and says so (None), and the caller falls back to a coarser unit. The same inputs
therefore give the same diff on any machine, under any load.
"""

from __future__ import annotations

import itertools

from diff_match_patch import diff_match_patch

from cgu.articles import DELETE, EQUAL, INSERT

REDLINE_WORK = 4_000_000
"""Operations one redline may spend on diffs (about two seconds of Python on a slow machine). Real edits of a
100 KB document take a few thousand; a wholesale rewrite runs out and is shown at a coarser unit (still exact)."""
PASSAGE_WORK = 400_000
"""Operations one diff may take before its passage is split into sentences or paragraphs."""


class WorkBudget:
    """The operations left for diffing in one redline; `spent` says how many were used."""

    def __init__(self, total: int = REDLINE_WORK) -> None:
        self.total = total
        self.spent = 0

    def left(self) -> int:
        return max(0, self.total - self.spent)


def shortest_diff(old: str, new: str, budget: WorkBudget, limit: int = PASSAGE_WORK) -> list[tuple[int, str]] | None:
    """The shortest edit script between two strings (one character per unit), semantically cleaned; None when it
    would take more than `limit` operations (or more than the budget has left)."""
    allowed = min(limit, budget.left())
    prefix = _common_prefix(old, new)
    suffix = _common_prefix(old[prefix:][::-1], new[prefix:][::-1])
    budget.spent += prefix + suffix
    core_old, core_new = old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]
    middle = _myers(core_old, core_new, allowed)
    if middle is None:
        budget.spent += allowed
        return None
    work, ops = middle
    budget.spent += work
    diffs = [(EQUAL, old[:prefix]), *ops, (EQUAL, old[len(old) - suffix :])]
    diffs = [d for d in diffs if d[1]]
    engine = diff_match_patch()
    engine.diff_cleanupSemantic(diffs)
    budget.spent += len(diffs)
    return [(op, text) for op, text in diffs if text]


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix, by halving (a few slice comparisons, not one per character)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _myers(a: str, b: str, limit: int) -> tuple[int, list[tuple[int, str]]] | None:
    """Myers' greedy forward search with a trace of the frontier for the way back; None past `limit` steps."""
    n, m = len(a), len(b)
    if not n or not m:
        return 0, [(op, text) for op, text in ((DELETE, a), (INSERT, b)) if text]
    offset = n + m + 1
    frontier = [0] * (2 * offset + 1)
    trace: list[list[int]] = []
    work = 0
    for d in range(n + m + 1):
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and frontier[offset + k - 1] < frontier[offset + k + 1]):
                x = frontier[offset + k + 1]
            else:
                x = frontier[offset + k - 1] + 1
            y = x - k
            start = x
            while x < n and y < m and a[x] == b[y]:
                x += 1
                y += 1
            work += 1 + x - start
            frontier[offset + k] = x
            if x >= n and y >= m:
                trace.append(frontier[offset - d : offset + d + 1])
                return work, _path(a, b, trace)
        trace.append(frontier[offset - d : offset + d + 1])
        if work > limit:
            return None
    raise AssertionError("Myers' search always ends by d = n + m")


def _path(a: str, b: str, trace: list[list[int]]) -> list[tuple[int, str]]:
    """The edit script read back from the trace: runs of equal, deleted and inserted units, in order."""
    x, y = len(a), len(b)
    moves: list[tuple[int, str]] = []
    for d in range(len(trace) - 1, 0, -1):
        k = x - y
        previous = trace[d - 1]  # frontier after step d - 1, diagonals -(d-1)..(d-1) at indices 0..2d-2
        down = k == -d or (k != d and previous[k - 1 + d - 1] < previous[k + 1 + d - 1])
        previous_k = k + 1 if down else k - 1
        previous_x = previous[previous_k + d - 1]
        previous_y = previous_x - previous_k
        mid_x, mid_y = (previous_x, previous_y + 1) if down else (previous_x + 1, previous_y)
        if x > mid_x:
            moves.append((EQUAL, a[mid_x:x]))
        moves.append((INSERT, b[previous_y]) if down else (DELETE, a[previous_x]))
        x, y = previous_x, previous_y
    if x > 0:
        moves.append((EQUAL, a[:x]))
    moves.reverse()
    return [(op, "".join(text for _, text in run)) for op, run in itertools.groupby(moves, key=lambda move: move[0])]
