"""Render documents on several cores: forked workers inherit the composed project, so nothing is recomposed."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from cgu.model import Artifact, Document
from cgu.render.registry import BUILDERS

if TYPE_CHECKING:
    from cgu.project import Project, Timings
    from cgu.render.html import PageLinks

_SHARED: dict[str, object] = {}
"""The project being built, set before the pool forks so that workers read it without pickling."""


def _render_one(index: int, formats: tuple[str, ...]) -> tuple[list[Artifact], dict[str, float]]:
    project: Project = _SHARED["project"]  # type: ignore[assignment]
    links: Mapping[tuple[str, str], PageLinks] = _SHARED["links"]  # type: ignore[assignment]
    document: Document = project.documents[index]
    theme = project.themes[document.organism.theme.name]
    artifacts: list[Artifact] = []
    seconds: dict[str, float] = {}
    for name in formats:
        builder = BUILDERS[name]
        start = time.perf_counter()
        page_links = links.get((document.organism.id, document.kind)) if name == "html" else None
        if page_links is not None:  # the HTML page of a document with releases: its history, what changes
            from cgu.render.html import render_page

            content = render_page(document, theme, "html", project.root, links=page_links).encode("utf-8")
        else:
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
    links: Mapping[tuple[str, str], PageLinks] | None = None,
) -> list[Artifact]:
    """Render every composed document in every format, on `jobs` processes; results in document order. A document
    with `links` (by organism and kind) gets them on its HTML page."""
    _SHARED["project"] = project
    _SHARED["links"] = links or {}
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
        import multiprocessing  # only for --jobs 2 and more (a no-change build renders nothing)
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = {pool.submit(_render_one, index, formats): index for index in range(total)}
            for future, index in futures.items():
                record(index, *future.result())
    timings.stages["render (wall)"] = timings.stages.get("render (wall)", 0.0) + time.perf_counter() - start
    _SHARED.clear()
    return [artifact for group in results for artifact in group]
