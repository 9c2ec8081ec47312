"""Read project files safely: size limits, UTF-8 with clear errors, YAML with a line for every key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from cgu.errors import CguError
from cgu.model import SourceLocation

MAX_FILE_BYTES = 2 * 1024 * 1024
"""No clause or organism file is anywhere near this; a larger one is refused before parsing."""
MAX_YAML_NODES = 200_000
"""Bounds alias expansion ("billion laughs"): a real organism file has a few hundred nodes."""

Locations = dict[str, SourceLocation]
STANDARD_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp"))


def relative(path: Path, root: Path) -> str:
    """The path as shown to users: relative to the project root when inside it."""
    for candidate, base in ((path.absolute(), root.absolute()), (path.resolve(), root.resolve())):
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def read_text(path: Path, shown: str) -> str:
    """Read a UTF-8 text file (a leading BOM is dropped), refusing huge or binary files."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CguError.at(SourceLocation(shown), f"file is {size // 1024} KiB, over the {MAX_FILE_BYTES // 1024} KiB limit for a source file; split it or remove it")
        data = path.read_bytes()
    except OSError as exc:
        raise CguError.at(SourceLocation(shown), f"cannot read file: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CguError.at(SourceLocation(shown, line), f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8") from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def load_yaml(text: str, shown: str, first_line: int = 1) -> tuple[Any, Locations]:
    """Parse YAML (no Python objects are ever constructed) into plain data plus a location per key path."""
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    # Dates stay text here and are checked by the schema, so "2024-02-30" gets a line number, not a crash.
    yaml.constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)
    try:
        raw = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else first_line
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if "found character '\\t'" in problem:
            problem += " (YAML does not allow tabs for indentation: use spaces)"
        if "duplicate key" in str(exc):
            problem = "duplicate key " + str(exc).split("duplicate key", 1)[1].split("\n")[0].strip()
        raise CguError.at(SourceLocation(shown, line), f"YAML syntax error: {problem}") from None
    except YAMLError as exc:
        raise CguError.at(SourceLocation(shown, first_line), f"YAML error: {exc}") from None
    locations: Locations = {}
    budget = [MAX_YAML_NODES]
    data = _plain(raw, "", shown, first_line, locations, budget)
    return data, locations


def _plain(node: Any, prefix: str, shown: str, first: int, locations: Locations, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise CguError.at(SourceLocation(shown, first), f"YAML document expands to more than {MAX_YAML_NODES} values (alias bomb?); write the values out")
    tag = getattr(getattr(node, "tag", None), "value", None)
    if tag and tag not in STANDARD_TAGS:
        line = locations[prefix].line if prefix in locations else first
        shown_tag = str(tag).replace("tag:yaml.org,2002:", "!!")
        raise CguError.at(SourceLocation(shown, line), f"YAML tag {shown_tag!r} is not allowed; write plain values")
    if isinstance(node, CommentedMap):
        result: dict[str, Any] = {}
        for key, value in node.items():
            name = str(key)
            path = f"{prefix}.{name}" if prefix else name
            position = node.lc.key(key)
            locations[path] = SourceLocation(shown, first + position[0]) if position else locations.get(prefix, SourceLocation(shown, first))
            result[name] = _plain(value, path, shown, first, locations, budget)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            path = f"{prefix}.{index}" if prefix else str(index)
            position = node.lc.item(index)
            locations[path] = SourceLocation(shown, first + position[0]) if position else locations.get(prefix, SourceLocation(shown, first))
            items.append(_plain(value, path, shown, first, locations, budget))
        return items
    if isinstance(node, dt.datetime):
        return node
    if node is None or isinstance(node, (bool, int, float, dt.date)):
        return node
    if isinstance(node, str):
        return str(node)
    return str(node)
