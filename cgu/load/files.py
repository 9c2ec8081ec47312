"""Read project files safely: size limits, UTF-8 with clear errors, YAML with a line for every key."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from cgu.errors import CguError
from cgu.model import SourceLocation

MAX_FILE_BYTES = 2 * 1024 * 1024
"""No clause or organism file is anywhere near this; a larger one is refused before parsing."""
MAX_YAML_NODES = 200_000
"""Bounds alias expansion ("billion laughs"): a real organism file has a few hundred nodes."""
MAX_YAML_DEPTH = 64
"""Bounds nesting (deeper input would exhaust Python's stack): a real organism file nests five levels."""
MAX_INT_DIGITS = 4300
"""Python converts no longer integer from text (a guard against slow conversion since 3.11)."""
_LONG_NUMBER = re.compile(rf"\d{{{MAX_INT_DIGITS + 1}}}")
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Bidirectional marks, embeddings, overrides and isolates: refused rather than neutralised, because removing them
changes the text that is hashed and sealed, and French or Belgian terms of use never need them."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters (C0 but tab and line breaks, DEL, C1): invisible, and never meant in a clause or organism file."""

_YAML_HINTS = (
    ("mapping values are not allowed", "; a ': ' inside a value: put the value in quotes, or check the indentation"),
    (
        "expected <block end>",
        (
            "; text after a closing quote, a quote not closed, or a line indented wrongly: "
            "quote the whole value and check the indentation"
        ),
    ),
    ("expected ',' or ']'", "; a list opened with '[' is not closed: add the ']' (quote values holding ',' or ':')"),
    ("expected ',' or '}'", "; a mapping opened with '{' is not closed: add the '}' (quote values holding ',' or ':')"),
    ("found undefined alias", "; a value starting with '*' names an '&' anchor: put it in quotes if it is text"),
    (
        "found unknown escape character",
        "; in double quotes a backslash starts an escape: double it, or use single quotes",
    ),
    ("but found another document", "; a line '---' starts a second document: a file holds one, remove the line"),
    ("duplicate key", "; remove one of the two"),
    ("found unexpected end of stream", "; a quote is not closed: add the closing quote"),
    ("could not find expected ':'", "; a line without 'key: value': add the ':' or join it to the line above"),
    ("that cannot start any token", "; a value cannot start with that character: put the value in quotes"),
    ("did not find expected key", "; a line is indented wrongly: align it with the keys above"),
    ("did not find expected '-' indicator", "; a list item is indented wrongly: align its '-' with the items above"),
)
"""What to do about the YAML errors people make, by a piece of the parser's message."""

Locations = dict[str, SourceLocation]
STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)


def relative(path: Path, root: Path) -> str:
    """The path as shown to users: relative to the project root when inside it."""
    for candidate, base in ((path.absolute(), root.absolute()), (path.resolve(), root.resolve())):
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


_INVISIBLE = (
    (_CONTROL, "control character {} in the text (a binary file, or text pasted from another program)"),
    (
        _BIDI,
        "bidirectional control character {}: it reorders what readers see "
        "('30 jours' can show where the text says '03')",
    ),
)
"""Characters a source file may not hold (a redline of two arbitrary files shows them instead)."""


def read_text(path: Path, shown: str, controls: bool = False) -> str:
    """Read a UTF-8 text file (a leading BOM is dropped), refusing huge or binary files (and control characters,
    unless `controls`: a redline of any two files shows them instead)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CguError.at(
                SourceLocation(shown),
                f"file is {size // 1024} KiB, over the {MAX_FILE_BYTES // 1024} KiB limit for a source file; "
                "split it or remove it",
            )
        data = path.read_bytes()
    except OSError as exc:
        dangling = (
            "; it is a link to a file that does not exist: fix or remove the link"
            if path.is_symlink() and not path.exists()
            else ""
        )
        raise CguError.at(SourceLocation(shown), f"cannot read file: {exc.strerror}{dangling}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        utf16 = " (it is saved as UTF-16)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise CguError.at(
            SourceLocation(shown, line),
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}){utf16}; save the file as UTF-8",
        ) from None
    for pattern, what in () if controls else _INVISIBLE:
        if found := pattern.search(text):
            line = text.count("\n", 0, found.start()) + 1
            character = f"U+{ord(found.group()):04X}"
            raise CguError.at(SourceLocation(shown, line), f"invisible {what.format(character)}; delete it") from None
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
        hint = "" if "tabs" in problem else next((h for needle, h in _YAML_HINTS if needle in problem), "")
        raise CguError.at(SourceLocation(shown, line), f"YAML syntax error: {problem}{hint}") from None
    except ReaderError as exc:  # a character YAML refuses (C1 controls, U+FFFE...): one line, with its line number
        line = first_line + text.count("\n", 0, max(exc.position, 0))
        raise CguError.at(
            SourceLocation(shown, line),
            f"character U+{exc.character if isinstance(exc.character, int) else ord(exc.character):04X} "
            "is not allowed in YAML; delete it",
        ) from None
    except YAMLError as exc:
        raise CguError.at(SourceLocation(shown, first_line), f"YAML error: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise CguError.at(SourceLocation(shown, _deepest_line(text, first_line)), _TOO_DEEP) from None
    except ValueError:  # an integer of more than 4300 digits (Python refuses to convert it)
        long = _LONG_NUMBER.search(text)
        line = first_line + text.count("\n", 0, long.start()) if long else first_line
        raise CguError.at(
            SourceLocation(shown, line),
            f"a number of more than {MAX_INT_DIGITS} digits; put it in quotes if it is text",
        ) from None
    locations: Locations = {}
    budget = [MAX_YAML_NODES]
    data = _plain(raw, "", shown, first_line, locations, budget)
    return data, locations


_TOO_DEEP = f"YAML nesting is deeper than {MAX_YAML_DEPTH} levels; flatten it (an organism file needs five or six)"


def _deepest_line(text: str, first: int) -> int:
    """Where nesting first goes past the limit (indentation plus open brackets, roughly): for input too deep to
    parse."""
    depth = 0
    for number, line in enumerate(text.split("\n")):
        indent = (len(line) - len(line.lstrip(" "))) // 2
        for char in line:
            depth += (char in "[{") - (char in "]}")
            if depth + indent > MAX_YAML_DEPTH:
                return first + number
    return first


def _plain(
    node: Any, prefix: str, shown: str, first: int, locations: Locations, budget: list[int], depth: int = 0
) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise CguError.at(
            SourceLocation(shown, first),
            f"YAML document expands to more than {MAX_YAML_NODES} values (alias bomb?); write the values out",
        )
    if depth > MAX_YAML_DEPTH:
        raise CguError.at(locations.get(prefix, SourceLocation(shown, first)), _TOO_DEEP)
    tag = getattr(getattr(node, "tag", None), "value", None)
    if tag and tag not in STANDARD_TAGS:
        line = locations[prefix].line if prefix in locations else first
        shown_tag = str(tag).replace("tag:yaml.org,2002:", "!!")
        raise CguError.at(SourceLocation(shown, line), f"YAML tag {shown_tag!r} is not allowed; write plain values")
    if isinstance(node, CommentedMap):
        if getattr(node, "merge", None):
            line = locations[prefix].line if prefix in locations else first
            raise CguError.at(
                SourceLocation(shown, line),
                "YAML merge keys ('<<: *anchor') are not supported; write the keys out, or share them "
                "with 'extends' (a base organism)",
            )
        result: dict[str, Any] = {}
        for key, value in node.items():
            name = str(key)
            path = f"{prefix}.{name}" if prefix else name
            position = node.lc.key(key)
            locations[path] = (
                SourceLocation(shown, first + position[0])
                if position
                else locations.get(prefix, SourceLocation(shown, first))
            )
            result[name] = _plain(value, path, shown, first, locations, budget, depth + 1)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            path = f"{prefix}.{index}" if prefix else str(index)
            position = node.lc.item(index)
            locations[path] = (
                SourceLocation(shown, first + position[0])
                if position
                else locations.get(prefix, SourceLocation(shown, first))
            )
            items.append(_plain(value, path, shown, first, locations, budget, depth + 1))
        return items
    if isinstance(node, dt.datetime):
        return node
    if node is None or isinstance(node, (bool, int, float, dt.date)):
        return node
    if isinstance(node, str):
        return str(node)
    return str(node)
