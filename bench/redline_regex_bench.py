"""Every regular expression of cgu/redline on adversarial 5 KB and 50 KB runs: a linear one takes about 10 times as
long on the larger, a quadratic one about 100 times (`_URL_NOISE`'s `[/?#]+$` took 45 s on 50 KB of `?`).

Run: python bench/redline_regex_bench.py  (exit 1 if any expression grows more than LIMIT times; about a minute)
"""

from __future__ import annotations

import importlib
import re
import sys
import time

MODULES = ("classify", "compare", "markup", "render", "sections", "diff")
UNITS = [chr(c) for c in range(32, 127)] + ["\u00a0", "\n", "\t", "é", "a ", "1.", "[a", "](", "<a", "a@", "art "]
UNITS += ["http://", "www.", "**", "_a", "# ", "| ", "1)", "- ", "/a", "a/", "\x00", "@a.", " \n", "\\("]
TAILS = ("", "x", "!", "\n")
LIMIT = 30
"""Growth from 5 KB to 50 KB above which an expression is called super-linear (linear: about 10)."""


def seconds(pattern: re.Pattern[str], text: str) -> float:
    start = time.perf_counter()
    pattern.sub("", text)
    return time.perf_counter() - start


def main() -> int:
    worst_growth = 0.0
    failed = []
    for module in MODULES:
        for name, pattern in sorted(vars(importlib.import_module(f"cgu.redline.{module}")).items()):
            if not isinstance(pattern, re.Pattern) or pattern.pattern in {p for p, _ in failed}:
                continue
            worst = (0.0, 0.0, "")
            for unit in UNITS:
                for tail in TAILS:
                    small = seconds(pattern, unit * (5000 // len(unit)) + tail)
                    if small < 0.001:  # too fast to grow measurably
                        continue
                    big = seconds(pattern, unit * (50000 // len(unit)) + tail)
                    if big / small > worst[0]:
                        worst = (big / small, big, repr(unit + "…" + tail))
            growth, big, text = worst
            worst_growth = max(worst_growth, growth)
            print(f"{module}.{name}: x{growth:.1f} from 5 KB to 50 KB ({big * 1000:.0f} ms on 50 KB of {text})")
            if growth > LIMIT:
                failed.append((pattern.pattern, f"{module}.{name}"))
    print(f"worst growth x{worst_growth:.1f} (limit x{LIMIT}); super-linear: {[n for _, n in failed] or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
