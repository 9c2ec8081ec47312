"""Facts left to be completed: the `à compléter` marker, how it is recognised in a value or a text, and how it prints.

A writer who does not know a fact writes, in place of the value, the question to ask:
`publication_director: "à compléter : Qui est le directeur de la publication ?"`. The document then shows
"[à compléter : Qui est le directeur de la publication ?]", highlighted; `cgu check` lists it, and a release that
still holds one is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_VALUE = re.compile(r"^\s*à\s+compléter\s*:?\s*(?P<question>.*?)\s*$", re.IGNORECASE | re.DOTALL)
"""A value that is a marker: "à compléter : the question" (the question may be missing, the colon too)."""
SHOWN = re.compile(r"\[\s*à\s+compléter\s*:?\s*(?P<question>[^\]\n]*?)\s*\]", re.IGNORECASE)
"""A marker as printed in a document, or as a writer may type it in a clause body: "[à compléter : question]"."""
LABEL = "à compléter"


def question_of(value: Any) -> str | None:
    """The question a marker value asks ('' when it asks none), or None when the value is a fact."""
    if not isinstance(value, str):
        return None
    found = _VALUE.match(value)
    return found.group("question") if found else None


def shown(question: str) -> str:
    """How a marker prints: "[à compléter : question]", with the French no-break space before the colon."""
    return f"[{LABEL}\u00a0: {question}]" if question else f"[{LABEL}]"


def questions_in(text: str) -> list[str]:
    """The question of every marker printed or typed in a text, in order."""
    return [found.group("question") for found in SHOWN.finditer(text)]


def markers_in_data(data: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted key, question) of every marker among an organism's values (`waivers` are prose, not facts)."""
    if isinstance(data, dict):
        items = [(str(k), v) for k, v in data.items() if not (prefix == "" and k == "waivers")]
    elif isinstance(data, list):
        items = [(str(i), v) for i, v in enumerate(data)]
    else:
        question = question_of(data)
        if question is not None:
            yield prefix, question
        elif isinstance(data, str):  # a known fact with a gap inside: "…; [à compléter : question]"
            for inner in questions_in(data):
                yield prefix, inner
        return
    for key, value in items:
        yield from markers_in_data(value, f"{prefix}.{key}" if prefix else key)
