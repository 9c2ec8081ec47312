"""Render documents on several cores: forked workers inherit the composed project, so nothing is recomposed."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from cgu.model import Artifact, Document
from cgu.render.registry import BUILDERS

if TYPE_CHECKING:
    from cgu.project import Project, Timings

_SHARED: dict[str, object] = {}
"""The project being built, set before the pool forks so that workers read it without pickling."""


def _render_one(index: int, formats: tuple[str, ...]) -> tuple[list[Artifact], dict[str, float]]:
    project: Project = _SHARED["project"]  # type: ignore[assignment]
    document: Document = project.documents[index]
    theme = project.themes[document.organism.theme.name]
    artifacts: list[Artifact] = []
    seconds: dict[str, float] = {}
    for name in formats:
        builder = BUILDERS[name]
        start = time.perf_counter()
        content = builder.render(document, theme, project.root)
        seconds[f"render {name}"] = time.perf_counter() - start
        version = document.organism.documents[document.kind].version.isoformat()
        artifacts.append(Artifact(f"{document.organism.id}/{document.kind}-{version}{builder.suffix}", content))
    return artifacts, seconds


def render_parallel(
    project: Project,
    formats: tuple[str, ...],
    jobs: int,
    timings: Timings,
    progress: Callable[[str], None] | None = None,
) -> list[Artifact]:
    """Render every composed document in every format, on `jobs` processes; results in document order."""
    _SHARED["project"] = project
    total = len(project.documents)
    results: list[list[Artifact]] = [[] for _ in range(total)]
    done = [0]

    def record(index: int, artifacts: list[Artifact], seconds: dict[str, float]) -> None:
        results[index] = artifacts
        for stage, value in seconds.items():
            timings.stages[stage] = timings.stages.get(stage, 0.0) + value
        if progress:
            document = project.documents[index]
            done[0] += 1
            progress(f"{done[0]}/{total} {document.organism.id} {document.kind}")

    start = time.perf_counter()
    if jobs <= 1 or total <= 1:
        for index in range(total):
            record(index, *_render_one(index, formats))
    else:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = {pool.submit(_render_one, index, formats): index for index in range(total)}
            for future, index in futures.items():
                record(index, *future.result())
    timings.stages["render (wall)"] = timings.stages.get("render (wall)", 0.0) + time.perf_counter() - start
    _SHARED.clear()
    return [artifact for group in results for artifact in group]
