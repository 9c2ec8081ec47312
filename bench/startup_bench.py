"""Benchmark: what a writer waits for, process to process, each figure beside baselines measured in the same run.

Cases (each the median of --runs runs of a real `cgu` process, after one untimed warm-up run that fills the release
cache, as a writer's second command would find it):
- `cgu redline A.md B.md --format html` on the median consecutive pair of ../shared/corpus (by size), target 150 ms;
- `cgu check` on the shipped content, target 1.5 s;
- a no-change `cgu build` (HTML and PDF, after a full one into the same folder), target 1 s;
- a no-change `cgu publish`, target 5 % of a full one (the full one timed once, into a new folder).
Baselines, same run, same machine: `python -c pass` (the interpreter's start) and `git diff --no-index --word-diff`
on the same pair. Wall time is what a writer waits; CPU time (user + system of the process and its children) is shown
beside it, and the targets are judged on CPU time by default (`--judge wall` for an idle machine), since on a shared
machine wall time also counts the other processes: at a load of 15 on 2 cores a 1 s command takes 5 to 10 s of wall.
Results of a run on the shipped content are in the commit messages that changed these figures.
Run: python bench/startup_bench.py [--runs 5] [--skip-publish] [--judge cpu|wall]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "blablacar-privacy-policy"
CGU = [sys.executable, str(ROOT / "cgu_cli.py")]
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPATH": str(ROOT)}
"""This checkout's code, with its bytecode kept (as an install has it: without, every run compiles every module)."""


def timed(command: Sequence[str], runs: int, cwd: Path = ROOT, ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Median wall and CPU seconds of `runs` runs of a process (its children included)."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, capture_output=True, env=ENVIRONMENT)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if result.returncode not in ok:
            raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr.decode()[-2000:]}")
    return statistics.median(walls), statistics.median(cpus)


def median_pair() -> tuple[Path, Path] | None:
    """The consecutive pair of the privacy-policy history whose total size is the median one."""
    if not CORPUS.is_dir():
        return None
    versions = sorted(CORPUS.glob("*.md"))
    pairs = sorted(zip(versions, versions[1:], strict=False), key=lambda p: p[0].stat().st_size + p[1].stat().st_size)
    return pairs[len(pairs) // 2]


JUDGED = 1
"""Which of (wall, CPU) the targets are judged on: CPU by default (see the module's note), `--judge wall`."""


def show(label: str, figures: tuple[float, float], target: str = "", limit: float | None = None) -> None:
    wall, cpu = figures
    verdict = "" if limit is None else ("  ok" if figures[JUDGED] <= limit else "  OVER")
    print(f"  {label:<48} {1000 * wall:9.0f} ms wall {1000 * cpu:9.0f} ms CPU  {target}{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-publish", action="store_true", help="leave out the publication (minutes)")
    parser.add_argument("--judge", choices=("cpu", "wall"), default="cpu", help="the time the targets are judged on")
    options = parser.parse_args()
    runs = options.runs
    global JUDGED
    JUDGED = 1 if options.judge == "cpu" else 0
    print(
        f"median of {runs} runs; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
        f"targets judged on {options.judge} time"
    )
    show("python -c pass (baseline)", timed([sys.executable, "-c", "pass"], runs))
    pair = median_pair()
    with tempfile.TemporaryDirectory(prefix="cgu-startup-bench-") as scratch:
        work = Path(scratch)
        if pair is None:
            print(f"  redline skipped: the corpus is absent ({CORPUS}); the benchmark needs ../shared/corpus")
        else:
            old, new = pair
            print(
                f"  pair: {old.name} -> {new.name} ({old.stat().st_size // 1024} KB, {new.stat().st_size // 1024} KB)"
            )
            show(
                "git diff --no-index --word-diff (baseline)",
                timed(["git", "diff", "--no-index", "--word-diff", str(old), str(new)], runs, ok=(0, 1)),
            )
            redline = [*CGU, "redline", str(old), str(new), "--format", "html", "--out", str(work / "redline")]
            timed(redline, 1)
            figures = timed(redline, runs)
            show("cgu redline A.md B.md --format html", figures, "target 150 ms", 0.150)
        check = [*CGU, "check", "--project", str(ROOT)]
        timed(check, 1)
        figures = timed(check, runs)
        show("cgu check (shipped content)", figures, "target 1.5 s", 1.5)
        build = [*CGU, "build", "--project", str(ROOT), "--out", str(work / "build")]
        full = timed(build, 1)
        show("cgu build, full (HTML and PDF, once)", full)
        figures = timed(build, runs)
        show("cgu build, nothing changed", figures, "target 1 s", 1.0)
        if not options.skip_publish:
            publish = [*CGU, "publish", "--project", str(ROOT), "--out", str(work / "site")]
            full = timed(publish, 1)
            show("cgu publish, full (once)", full)
            figures = timed(publish, runs)
            share = figures[JUDGED] / full[JUDGED]
            label = f"cgu publish, nothing changed ({100 * share:.1f} % of full)"
            show(label, figures, "target 5 %", 0.05 * full[JUDGED])
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
