"""Benchmark: the DOCX builder's time per document beside the PDF builder's, on the shipped content, in one run.

Every shipped document is composed once; then each builder renders every document (after one warm-up render, so
that imports and font loading are not counted), best of RUNS. Prints per-document milliseconds and the ratio.
Run: python bench/docx_bench.py [RUNS]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cgu.project import load_project
from cgu.render.registry import BUILDERS

ROOT = Path(__file__).resolve().parents[1]


def per_document(name: str, runs: int) -> float:
    """Best-of-`runs` seconds per document for builder `name` over the shipped documents."""
    project = load_project(ROOT)
    builder = BUILDERS[name]
    documents = project.documents
    first = documents[0]
    builder.render(first, project.themes[first.organism.theme.name], project.root)  # warm-up: imports, fonts
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        for document in documents:
            builder.render(document, project.themes[document.organism.theme.name], project.root)
        best = min(best, time.perf_counter() - start)
    return best / len(documents)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    docx, pdf = per_document("docx", runs), per_document("pdf", runs)
    print(f"docx {docx * 1000:.0f} ms per document, pdf {pdf * 1000:.0f} ms per document")
    print(f"docx / pdf = {docx / pdf:.2f}")


if __name__ == "__main__":
    main()
