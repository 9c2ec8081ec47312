"""What each CLI command does, as plain functions the CLI and the tests call."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

import click

from cgu.build import Timings, build, load_project
from cgu.shards import parse_shard


def _progress() -> Callable[[str], None]:
    """A line per rendered document: rewritten in place on a terminal, plain lines otherwise (CI logs)."""
    count = [0]
    tty = sys.stderr.isatty()

    def show(label: str) -> None:
        count[0] += 1
        if tty:
            click.echo(f"\r\033[K[{count[0]}] {label}", nl=False, err=True)
        else:
            click.echo(f"[{count[0]}] rendered {label}", err=True)

    return show


def run_build(project: Path, organisms: tuple[str, ...], kinds: tuple[str, ...], formats: tuple[str, ...],
              out: Path | None, show_timings: bool, jobs: int = 1, shard: str | None = None, explain: bool = False) -> None:
    """`cgu build`: build, rendering only what changed, and report what was written."""
    timings = Timings()
    target = out if out is not None else project / "build"
    report = build(project, target, organisms, kinds, formats, timings, jobs=jobs,
                   shard=parse_shard(shard) if shard else None, progress=_progress())
    if explain:
        for decision in report.decisions:
            click.echo(f"{'rebuilt' if decision.rebuilt else 'kept   '} {decision.path}: {decision.reason}")
    click.echo(f"built {len(report.rendered)} files, kept {len(report.kept)} up to date, into {target}")
    if show_timings:
        total = sum(timings.stages.values())
        for stage, seconds in timings.stages.items():
            click.echo(f"  {stage:<14} {seconds:7.2f} s  {100 * seconds / total:5.1f} %")
        click.echo(f"  {'total':<14} {total:7.2f} s")


def run_check(project: Path) -> None:
    """`cgu check`: validate and compose everything, write nothing."""
    loaded = load_project(project)
    built = [o for o in loaded.organisms.values() if not o.abstract]
    click.echo(f"ok: {len(built)} organisms, {len(loaded.documents)} documents")
