"""Shards for a CI matrix: a deterministic split of the organisms into N parts, and the merge of their outputs."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from cgu.errors import CguError
from cgu.model import SourceLocation


@dataclass(frozen=True)
class Shard:
    """Part `index` (1-based) of `count`: each organism belongs to exactly one part, by a hash of its id."""

    index: int
    count: int

    def owns(self, organism_id: str) -> bool:
        bucket = int(hashlib.sha256(organism_id.encode()).hexdigest(), 16) % self.count
        return bucket == self.index - 1


def parse_shard(text: str) -> Shard:
    """'2/4' -> Shard(2, 4); anything else is a clear error."""
    match = re.fullmatch(r"(\d+)/(\d+)", text.strip())
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise CguError.at(
            SourceLocation("--shard"), f"--shard takes I/N with 1 <= I <= N (for example 2/4), not {text!r}"
        )
    return Shard(int(match[1]), int(match[2]))
