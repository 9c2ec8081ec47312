"""What each CLI command does, as plain functions the CLI and the tests call."""

from __future__ import annotations

from pathlib import Path

import click

from cgu.build import Timings, build, load_project


def run_build(project: Path, organisms: tuple[str, ...], kinds: tuple[str, ...], formats: tuple[str, ...],
              out: Path | None, show_timings: bool) -> None:
    """`cgu build`: build and report what was written."""
    timings = Timings()
    target = out if out is not None else project / "build"
    artifacts = build(project, target, organisms, kinds, formats, timings)
    documents = sum(1 for a in artifacts if a.path.endswith((".html", ".pdf")) and "/" in a.path and not a.path.startswith("assets/"))
    click.echo(f"built {documents} files into {target}")
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
