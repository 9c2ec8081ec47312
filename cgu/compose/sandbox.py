"""The Jinja2 sandbox clauses and themes share: no Python internals, no mutation, bounded `*`, `**`, `%`, widths
and output."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_PRODUCT = 100_000
"""Largest text or list `*` may build, `**` result (in digits) and padding width, in a template: no legal text needs
more."""
_HUGE_FORMAT = re.compile(r"\{[^{}]*:[^{}]*(?:\d{6,}|\{)|%[-+ #0]*(?:\*|\d{6,})|%[-+ #0]*\d*\.(?:\*|\d{6,})")
"""A %-format or str.format field whose width or precision is huge (or given at run time)."""
BOUNDED_FILTERS = ("center", "indent", "format")
"""Jinja's filters that pad to a width given in the template."""


class OverBound(SecurityError):
    """A template asked for more text, digits or width than any page holds (not a forbidden name or attribute)."""


def _bounded_format(fmt: Any) -> None:
    if isinstance(fmt, str) and _HUGE_FORMAT.search(fmt):
        raise OverBound(f"format width over {MAX_PRODUCT - 1} or given at run time")


def _bounded_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    """A padding filter (center, indent...) that refuses a width no page could hold."""

    def bounded(*args: Any, **kwargs: Any) -> Any:
        if any(isinstance(a, int) and a > MAX_PRODUCT for a in (*args[1:], *kwargs.values())):
            raise OverBound(f"width over {MAX_PRODUCT}")
        _bounded_format(args[0] if function is jinja2.filters.do_format else None)
        return function(*args, **kwargs)

    return bounded


class UnknownName(jinja2.UndefinedError):
    """An undefined name or key, with what it was looked up in (`missing` for a top-level name), so that the message
    can say where the writer's data lacks it and what is close."""

    def __init__(self, message: str, looked_in: Any, name: Any) -> None:
        super().__init__(message)
        self.looked_in = looked_in
        self.name = name


class NamedUndefined(jinja2.StrictUndefined):
    """Jinja's strict undefined, raising `UnknownName` (Jinja's own message) instead of a bare UndefinedError."""

    __slots__ = ()

    def __init__(
        self,
        hint: str | None = None,
        obj: Any = jinja2.utils.missing,
        name: str | None = None,
        exc: type[jinja2.exceptions.TemplateRuntimeError] = jinja2.UndefinedError,
    ) -> None:
        if exc is jinja2.UndefinedError:
            # Jinja raises `self._undefined_exception(message)`: a factory that returns the exception does the same.
            exc = functools.partial(UnknownName, looked_in=obj, name=name)  # type: ignore[assignment]
        super().__init__(hint, obj, name, exc)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with undefined names as errors, plus bounds on `*`, `**`, `%`, format widths and padding filters,
    so that `{{ 'x' * 10**10 }}` is an error, not a machine out of memory."""

    intercepted_binops = frozenset(["*", "**", "%"])

    def __init__(self, **options: Any) -> None:
        super().__init__(undefined=NamedUndefined, **options)
        self.filters.update({name: _bounded_filter(self.filters[name]) for name in BOUNDED_FILTERS})

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(
            obj, jinja2.Undefined
        ):  # `cycler.__init__`: say 'cycler' is undefined, not that Undefined.__init__ is unsafe
            obj._fail_with_undefined_error()
        return super().getattr(obj, attribute)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        _bounded_format(getattr(value, "__self__", None))
        return super().wrap_str_format(value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "%":
            _bounded_format(left)
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if (
                    isinstance(sequence, (str, list, tuple))
                    and isinstance(count, int)
                    and len(sequence) * count > MAX_PRODUCT
                ):
                    raise OverBound(
                        f"'*' would build {len(sequence) * count} characters or items (limit {MAX_PRODUCT})"
                    )
        if (
            operator == "**"
            and isinstance(left, (int, float))
            and isinstance(right, (int, float))
            and abs(left) > 1
            and abs(right) * math.log10(abs(left)) > MAX_PRODUCT
        ):
            raise OverBound(f"'**' would compute a number of more than {MAX_PRODUCT} digits")
        return super().call_binop(context, operator, left, right)


def bounded_text(pieces: Iterator[str], limit: int, what: str) -> str:
    """The rendered pieces joined, or an error as soon as they pass `limit` characters (loops over loops could fill
    the memory)."""
    parts, size = [], 0
    for piece in pieces:
        size += len(piece)
        if size > limit:
            raise OverBound(f"{what} renders to more than {limit // 1024 // 1024} MB of text")
        parts.append(piece)
    return "".join(parts)
