"""The seal of a release: the SHA-256 of its canonical text (a module of its own, read by the release book and by
prior releases alike, so that neither imports the other)."""

from __future__ import annotations

import hashlib

from cgu.model import Document


def text_hash(document: Document) -> str:
    """SHA-256 of the canonical text: what a member accepts, and what must never change afterwards."""
    return hashlib.sha256(document.canonical_text().encode("utf-8")).hexdigest()
