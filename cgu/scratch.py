"""The run's scratch folder: every temporary file of one cgu command in a private folder, removed when it ends.

WeasyPrint gives each font configuration a temporary folder and removes it only when the object is collected, which
never happens in a process that exits while still holding it (a render worker, the command itself): left to the
system's temporary folder, each build would leave some behind.

What a run makes once and keeps (the PDF font configuration) may hold files in that folder, so it is kept with the
scratch space (`for_this_run`) and forgotten when the space is removed: a later command in the same process (the
tests, an embedding program) makes its own instead of writing into a removed folder.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar, cast

T = TypeVar("T")

_PREFIX = "cgu-run-"
_RUNS: list[dict[str, object]] = []
"""What each scratch space in effect keeps, innermost last."""
_PROCESS: dict[str, object] = {}
"""What is kept outside any scratch space (library use): its files live in the system's temporary folder."""


@contextmanager
def scratch_space() -> Iterator[Path]:
    """Point `tempfile` (and so WeasyPrint and forked workers) at a fresh private folder; remove it on the way out."""
    previous = tempfile.tempdir
    folder = Path(tempfile.mkdtemp(prefix=_PREFIX))
    tempfile.tempdir = str(folder)
    _RUNS.append({})
    try:
        yield folder
    finally:
        _RUNS.pop()
        tempfile.tempdir = previous
        shutil.rmtree(folder, ignore_errors=True)


def for_this_run(name: str, make: Callable[[], T]) -> T:
    """`make()`, called once per scratch space (once per process outside any) and forgotten when the space ends."""
    kept = _RUNS[-1] if _RUNS else _PROCESS
    if name not in kept:
        kept[name] = make()
    return cast(T, kept[name])


def temporary_folder() -> Path:
    """The folder this run's temporary files are on (TMPDIR, else the system's): where the scratch space was made."""
    current = Path(tempfile.gettempdir())
    return current.parent if current.name.startswith(_PREFIX) else current
