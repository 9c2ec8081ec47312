"""What a clause asked for and did not find, said with the organism's keys: the dotted name, where its parent is
written, and the closest key that exists ("did you mean")."""

from __future__ import annotations

import difflib
from collections import deque
from collections.abc import Mapping
from typing import Any

from jinja2.utils import missing

from cgu.compose.sandbox import UnknownName
from cgu.model import Organism

MAX_DEPTH = 8
"""Organism data is a few levels deep (documents.cgu.releases.0.summary); deeper is never a fact."""


def unknown_name_message(exc: UnknownName, context: Mapping[str, Any], organism: Organism) -> str:
    """The message for a name a clause uses that the organism (or the clause's context) does not have."""
    if exc.looked_in is missing:
        return _with_hint(f"undefined variable '{exc.name}': the organism has no such key", exc.name, context)
    parent = _path_of(exc.looked_in, context)
    if parent is None or not isinstance(exc.name, str) or not isinstance(exc.looked_in, Mapping):
        return f"undefined variable: {exc.message}"
    variable = f"undefined variable '{parent}.{exc.name}': '{parent}'"
    close = _closest(exc.name, exc.looked_in)
    if close is not None:  # a typo in the clause: one line for every organism that uses it
        return f"{variable} has no key '{exc.name}'; did you mean '{parent}.{close}'?"
    if parent.split(".")[0] not in organism.data:  # `document`, a loop's namespace: made by cgu or the clause
        return f"{variable} has no key '{exc.name}'; correct the clause"
    name = exc.looked_in.get("name")
    named = f"{parent.split('.')[0].rstrip('s')} {name!r}, " if isinstance(name, str) and parent[-1].isdigit() else ""
    return f"{variable} ({named}{organism.where(parent)}) has no key '{exc.name}'; add it there or correct the clause"


def _closest(name: Any, keys: Mapping[str, Any]) -> str | None:
    close = difflib.get_close_matches(str(name), [k for k in keys if isinstance(k, str)], n=1)
    return close[0] if close else None


def _with_hint(message: str, name: Any, keys: Mapping[str, Any]) -> str:
    close = _closest(name, keys)
    return (
        f"{message}; did you mean '{close}'?"
        if close
        else f"{message}; add it to the organism file or correct the clause"
    )


def _path_of(target: Any, context: Mapping[str, Any]) -> str | None:
    """The dotted path under which `target` (a mapping or list, by identity) sits in the context, if it does."""
    stack: deque[tuple[str, Any, int]] = deque((str(key), value, 1) for key, value in context.items())
    while stack:
        path, value, depth = stack.popleft()  # breadth first: the shortest path to it
        if value is target:
            return path
        if depth >= MAX_DEPTH:
            continue
        if isinstance(value, Mapping):
            stack.extend((f"{path}.{key}", item, depth + 1) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}.{index}", item, depth + 1) for index, item in enumerate(value))
    return None
