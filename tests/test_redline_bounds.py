"""The redline's own text handling is linear: no regular expression of cgu/redline backtracks over a long run (a
3 KB heading line once took 34 s). Each function meets adversarial 20 KB inputs built from Markdown's special
characters; quadratic work on them takes seconds, cubic work minutes."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from cgu.redline import markup
from cgu.redline.classify import heading_number, normalize
from cgu.redline.compare import pieces, redline
from cgu.redline.markup import DEL, INS
from cgu.redline.sections import heading_id

UNITS = st.sampled_from(
    [
        " ",
        "\t",
        "#",
        "# ",
        "[",
        "](",
        "](a",
        "*",
        "**",
        "_",
        "a_",
        "1.",
        "1",
        "|",
        "\\",
        ">",
        "article ",
        "- ",
        "<",
        "`",
        "\n",
        " \n",
        "=",
        "-",
        "1) ",
        "&#",
        "http://",
        "a@",
        ". ",
        "a",
        "é",
        "\u00a0",
        INS[0],
        DEL[1],
        "'",
    ]
)
SIZE = 20_000
LIMIT = 1.0  # CPU seconds; linear work on 20 KB takes milliseconds
"""Measured in this process's CPU time, not wall time: other processes on a loaded machine do not count (a CI run at
load 13 once took 3.6 s of wall time for a redline that needs a fraction of a second of CPU). The bound is two orders
above linear and three below the quadratic behaviour it guards against (34 s for one 3 KB heading)."""


def spent(function, *arguments) -> float:  # type: ignore[no-untyped-def]
    start = time.process_time()
    function(*arguments)
    return time.process_time() - start


@settings(max_examples=40, deadline=None)
@given(st.lists(UNITS, min_size=1, max_size=3), UNITS, UNITS)
def test_text_functions_are_linear_on_long_runs(unit: list[str], before: str, after: str) -> None:
    run = "".join(unit)
    text = before + run * (SIZE // len(run)) + after
    heading = "# " + text.replace("\n", " ")
    for name, function, argument in [
        ("normalize", normalize, text),
        ("normalize heading", normalize, heading),
        ("normalize with references", lambda t: normalize(t, {"1": "a"}), text),
        ("heading_id", heading_id, text),
        ("heading_number", heading_number, text),
        ("wrap", lambda t: markup._wrap(t, INS, True), text),
        ("link targets", lambda t: markup._LINK_TARGET.sub(markup._new_target, t), "](" + text + ")"),
        ("visible", markup.visible, text),
    ]:
        assert spent(function, argument) < LIMIT, (name, repr(run), repr(before), repr(after))


KNOWN = [" " * SIZE + "a", "# a" + " " * SIZE + "b", "\n" * SIZE + "x", "a" + "_" * SIZE + "b", "](" * SIZE]
"""Runs that were quadratic or cubic before: ATX heading, setext and rule detection, numbering, emphasis, links."""


def test_known_worst_runs_are_linear() -> None:
    for text in KNOWN:
        for function in (normalize, heading_id, heading_number, markup.visible, lambda t: markup._wrap(t, INS, True)):
            assert spent(function, text) < LIMIT, (function, repr(text[:10]))


@settings(max_examples=10, deadline=None)
@given(st.lists(UNITS, min_size=1, max_size=3))
def test_a_long_heading_line_is_redlined_quickly(unit: list[str]) -> None:
    from cgu.redline.sections import split_markdown

    run = "".join(unit).replace("\n", " ")
    line = "# a" + run * (3000 // len(run)) + "b\n"
    start = time.process_time()
    result = redline(split_markdown(line + "\nTexte.\n", "a"), split_markdown(line + "\nTexte modifié.\n", "b"))
    for change in result.changes:
        pieces(change)
    assert time.process_time() - start < 2 * LIMIT
