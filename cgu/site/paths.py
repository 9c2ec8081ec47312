"""Where each page of a build lives in the output folder."""

from __future__ import annotations

from cgu.model import Organism


def artifact_path(organism: Organism, kind: str, suffix: str) -> str:
    """Where a document goes in the output: `<organism>/<kind>-<version date><suffix>`."""
    return f"{organism.id}/{kind}-{organism.documents[kind].version.isoformat()}{suffix}"
