"""What the tool ships: the built-in theme and the starter clause library.

In the repository they stay at the top level (`themes/`, `clauses/`, which are also the example content); the
wheel maps them into this package (`cgu/builtin/themes`, `cgu/builtin/clauses`, see pyproject.toml), so an
installed cgu finds them here, and a checkout or an editable install finds them in the repository.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def shipped_folder(name: str) -> Path:
    """The folder of shipped data `name` ("themes" or "clauses"): inside the installed package, else the checkout's."""
    installed = _HERE / name
    return installed if installed.is_dir() else _HERE.parents[1] / name


BUILTIN_THEMES = shipped_folder("themes")
"""The themes shipped with the tool; a project's own `themes/<name>/` takes precedence."""
STARTER_CLAUSES = shipped_folder("clauses")
"""The clause library `cgu init` copies into a new content repository."""
