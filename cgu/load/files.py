"""Read project files safely: size limits, UTF-8 with clear errors, YAML with a line for every key."""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any

from cgu.articles import SourceLocation
from cgu.errors import CguError

MAX_FILE_BYTES = 2 * 1024 * 1024
"""No clause or organism file is anywhere near this; a larger one is refused before parsing."""
MAX_YAML_NODES = 200_000
"""Bounds alias expansion ("billion laughs"): a real organism file has a few hundred nodes."""
MAX_YAML_DEPTH = 64
"""Bounds nesting (deeper input would exhaust Python's stack): a real organism file nests five levels."""
MAX_INT_DIGITS = 4300
"""Python converts no longer integer from text (a guard against slow conversion since 3.11)."""
_LONG_NUMBER = re.compile(rf"\d{{{MAX_INT_DIGITS + 1}}}")
_BIDI = r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
"""Bidirectional marks, embeddings, overrides and isolates: refused rather than neutralised, because removing them
changes the text that is hashed and sealed, and French or Belgian terms of use never need them."""
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
"""Control characters (C0 but tab and line breaks, DEL, C1): invisible, and never meant in a clause or organism file.
Both compiled when a source file is first read (`re`'s cache): a redline of two files shows them, never looks."""

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
        if found := re.search(pattern, text):
            line = text.count("\n", 0, found.start()) + 1
            character = f"U+{ord(found.group()):04X}"
            raise CguError.at(SourceLocation(shown, line), f"invisible {what.format(character)}; delete it") from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def load_yaml(text: str, shown: str, first_line: int = 1) -> tuple[Any, Locations]:
    """Parse YAML (no Python objects are ever constructed) into plain data plus a location per key path."""
    fast = _fast_yaml(text, shown, first_line)
    if fast is not None:
        return fast
    return _round_trip_yaml(text, shown, first_line)


def _round_trip_yaml(text: str, shown: str, first_line: int) -> tuple[Any, Locations]:
    """The round-trip parser: slower, but it words every error with its line (imported when first needed: most runs
    never need it, and importing it costs about a fifth of a second)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

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
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

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


# The fast path: libyaml (PyYAML's C parser) composes the node tree with marks, and the nodes are read here under the
# same YAML 1.2 rules as the round-trip parser. Anything unusual (an error, an explicit tag, an alias, a merge key,
# a duplicate key, a number other than a plain decimal integer, deep nesting) is left to the round-trip parser, which
# gives the exact file:line messages; the fast path only ever answers for documents it reads the same way.
_PLAIN, _QUOTED, _TAGGED = "cgu:plain", "cgu:quoted", "cgu:tagged"
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_TRUE, _FALSE = frozenset(("true", "True", "TRUE")), frozenset(("false", "False", "FALSE"))
_NULL = frozenset(("", "~", "null", "Null", "NULL"))
_DECIMAL = re.compile(r"[-+]?[0-9]+\Z")
_TIMESTAMP = re.compile(
    r"""[0-9]{4}-[0-9]{2}-[0-9]{2}\Z|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"""
    r"""(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?\Z"""
)
_NUMBER_LIKE = re.compile(r"[-+]?(?:[0-9.]|\.(?:inf|Inf|INF|nan|NaN|NAN)\Z)")
"""A plain scalar starting like a number that is not a plain decimal integer: a float, hex, octal... (round trip)."""
_OBJECT_ID = re.compile(r"[0-9a-f]{40}\Z")
"""A git object id (a translation's `translates:`): text to YAML when it has a hex letter other than `e` (so that it
is not a float like `12e3...`) and no `0b` prefix (binary, in YAML 1.1): read on the fast path, not left to the round
trip for starting with a digit."""
_MAX_FAST_BRACKETS = 200
"""libyaml nests in C: input with more flow brackets than this goes to the round-trip parser's bounded recursion."""


class _Unusual(Exception):
    """The document needs the round-trip parser."""


@functools.cache
def _composer() -> Any:
    """libyaml's composer with cgu's own resolution (plain or quoted scalars, default collections); None without
    libyaml. Imported when first needed, so a command that reads no YAML does not pay for it."""
    try:
        import yaml
        from yaml import CSafeLoader
    except ImportError:  # PyYAML without libyaml: the round-trip parser does all the work
        return None

    class Composer(CSafeLoader):
        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            # A node written with the non-specific tag "!" reaches here too, with nothing implicit: it is tagged, and
            # so left to the round-trip parser like any other explicit tag.
            if kind is yaml.ScalarNode:
                return _PLAIN if implicit[0] else _QUOTED if implicit[1] else _TAGGED
            if not implicit:
                return _TAGGED
            return _SEQ if kind is yaml.SequenceNode else _MAP

    return Composer


def _fast_yaml(text: str, shown: str, first: int) -> tuple[Any, Locations] | None:
    """The document read by libyaml, or None when the round-trip parser must read it."""
    composer = _composer()
    if composer is None or text.count("[") + text.count("{") > _MAX_FAST_BRACKETS:
        return None
    loader = composer(text)
    try:
        root = loader.get_single_node()
    except Exception:  # any error: the round-trip parser words it
        return None
    finally:
        loader.dispose()
    locations: Locations = {}
    try:
        data = _fast_plain(root, "", shown, first, locations, set(), 0)
    except _Unusual:
        return None
    return data, locations


def _fast_plain(
    node: Any, prefix: str, shown: str, first: int, locations: Locations, seen: set[int], depth: int
) -> Any:
    if node is None:
        return None
    if id(node) in seen or depth > MAX_YAML_DEPTH or len(seen) > MAX_YAML_NODES:
        raise _Unusual  # an alias, or bounds the round-trip parser reports
    seen.add(id(node))
    if node.tag == _MAP:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag != _QUOTED and (key_node.tag != _PLAIN or key_node.value == "<<"):
                raise _Unusual  # a collection, tagged or merge key
            name = key_node.value
            if key_node.tag == _PLAIN and name in _NULL | _TRUE | _FALSE or _NUMBER_LIKE.match(name):
                raise _Unusual  # a key the round-trip parser would read as another type
            if name in result:
                raise _Unusual  # duplicate key: its message comes from the round-trip parser
            seen.add(id(key_node))
            path = f"{prefix}.{name}" if prefix else name
            locations[path] = SourceLocation(shown, first + key_node.start_mark.line)
            result[name] = _fast_plain(value_node, path, shown, first, locations, seen, depth + 1)
        return result
    if node.tag == _SEQ:
        items = []
        for index, item in enumerate(node.value):
            path = f"{prefix}.{index}" if prefix else str(index)
            locations[path] = SourceLocation(shown, first + item.start_mark.line)
            items.append(_fast_plain(item, path, shown, first, locations, seen, depth + 1))
        return items
    if node.tag == _QUOTED:
        return node.value
    if node.tag != _PLAIN:
        raise _Unusual  # an explicit tag
    value = node.value
    if value in _NULL:
        return None
    if value in _TRUE or value in _FALSE:
        return value in _TRUE
    if _DECIMAL.match(value):
        if len(value) > MAX_INT_DIGITS:
            raise _Unusual
        return int(value)
    if _TIMESTAMP.match(value):
        return value
    if _NUMBER_LIKE.match(value) and not (
        _OBJECT_ID.match(value) and not value.startswith("0b") and any(c in value for c in "abcdf")
    ):
        raise _Unusual
    return value
