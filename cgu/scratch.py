"""The run's scratch folder: every temporary file of one cgu command in a private folder, removed when it ends.

WeasyPrint gives each font configuration a temporary folder and removes it only when the object is collected, which
never happens in a process that exits while still holding it (a render worker, the command itself): left to the
system's temporary folder, each build would leave some behind.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def scratch_space() -> Iterator[Path]:
    """Point `tempfile` (and so WeasyPrint and forked workers) at a fresh private folder; remove it on the way out."""
    previous = tempfile.tempdir
    folder = Path(tempfile.mkdtemp(prefix="cgu-run-"))
    tempfile.tempdir = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = previous
        shutil.rmtree(folder, ignore_errors=True)
