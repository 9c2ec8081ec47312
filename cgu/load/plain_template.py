"""Page templates that are only names and branches not taken, rendered without Jinja (which takes a third of a
two-file `cgu redline`'s time to import), to exactly the text Jinja renders with the themes' options.

Anything else in the template (a filter, a loop, an include that would run, a comment, whitespace control, a name
not given) makes `render_plain` answer None, and the caller renders through Jinja: this is a shortcut for the
built-in theme's simplest pages, never a second template language. A test renders the built-in pages both ways.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from markupsafe import escape

MAX_PAGE = 16 * 1024 * 1024
"""Largest page a theme template may render to (documents make pages of well under 1 MB; loops over loops could fill
the memory)."""

_TAG = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}|\{#", re.DOTALL)
_NAME = re.compile(r" ([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))? ")
_IF_DEFINED = re.compile(r" if ([A-Za-z_][A-Za-z0-9_]*) is defined ")
_IF_NAME = re.compile(r" if ([A-Za-z_][A-Za-z0-9_]*) ")
_ENDIF = " endif "


def render_plain(template: Path, context: Mapping[str, object]) -> str | None:
    """`template` rendered with `context` as Jinja does with autoescape, trim_blocks and lstrip_blocks (and its
    final newline dropped); None when the page would be over MAX_PAGE, or when the template needs more than
    `{{ name }}`, `{{ name.key }}` (a key of a mapping), and `{% if name is defined %}` or `{% if name %}` ...
    `{% endif %}` (a branch not taken, and only that, may hold text, names, loops and includes)."""
    source = template.read_text(encoding="utf-8")  # line ends read as "\n", as Jinja makes them
    if source.endswith("\n"):  # Jinja's keep_trailing_newline=False
        source = source[:-1]
    out: list[str] = []
    skipping = 0  # depth of untaken branches (a tag inside one is not run, only counted if it is an if/endif)
    position = 0
    for match in _TAG.finditer(source):
        text = source[position : match.start()]
        expression, statement = match.group(1), match.group(2)
        if statement is not None:
            line_start = text.rfind("\n") + 1
            if not text[line_start:].strip(" \t"):  # lstrip_blocks: a tag alone on its line takes its indent
                text = text[:line_start]
        if not skipping:
            out.append(text)
        position = match.end()
        if statement is not None and source.startswith("\n", position):  # trim_blocks
            position += 1
        if expression is None and statement is None:
            return None  # a comment
        if expression is not None:
            if skipping:
                continue
            name = _NAME.fullmatch(expression)
            if not name or name.group(1) not in context:
                return None
            value = context[name.group(1)]
            if name.group(2) is not None:  # `{{ words.key }}`: a key of a mapping that no attribute shadows
                key = name.group(2)
                if not isinstance(value, Mapping) or key not in value or hasattr(value, key):
                    return None
                value = value[key]
            out.append(str(escape(value)))
        elif skipping:  # in a branch not taken: only count the branches it opens and closes
            word = statement.split(maxsplit=1)[0] if statement.strip() else ""
            if word == "if":
                skipping += 1
            elif word == "endif":
                skipping -= 1
            elif word in ("else", "elif") and skipping > 1:
                pass  # the other arm of a branch inside the one not taken
            elif word not in ("for", "endfor", "include") or statement != statement.strip(" ").join("  "):
                return None  # an else that could be taken, a raw block, whitespace control: Jinja's to read
        elif (condition := _IF_DEFINED.fullmatch(statement) or _IF_NAME.fullmatch(statement)) is not None:
            tested = condition.group(1)
            if tested not in context if condition.re is _IF_NAME else tested in context:
                return None  # a name not given (Jinja's error), or a branch taken: its content needs the engine
            if condition.re is _IF_NAME and context[tested]:
                return None
            skipping = 1
        else:
            return None  # a statement we do not run (a loop, an include, an endif with no if)
    if skipping:
        return None
    out.append(source[position:])
    page = "".join(out)
    return page if len(page) <= MAX_PAGE else None  # Jinja's path says what is too long
