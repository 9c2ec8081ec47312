"""Compiled theme pages kept between runs: read back only when signed with the user's key and made from the same
template text by the same cgu; anything else is compiled again, and the page is the same either way."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cgu.compose.sandbox import BoundedSandbox
from cgu.load import themes
from cgu.load.themes import theme_environment

PAGE = "<p>{{ name|upper }}</p>{% for x in items %}<i>{{ x }}</i>{% endfor %}\n"


@pytest.fixture
def compiled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A key and a cache folder of the test's own; the names of the templates Jinja compiled (not read back)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    themes._compiled_pages.cache_clear()
    names: list[str] = []
    real = BoundedSandbox.compile

    def counting(self: BoundedSandbox, source: Any, name: Any = None, *args: Any, **kwargs: Any) -> Any:
        names.append(name)
        return real(self, source, name, *args, **kwargs)

    monkeypatch.setattr(BoundedSandbox, "compile", counting)
    yield names
    themes._compiled_pages.cache_clear()


def _theme(tmp_path: Path, text: str = PAGE) -> Path:
    folder = tmp_path / "theme"
    folder.mkdir(exist_ok=True)
    (folder / "page.html").write_text(text, encoding="utf-8")
    return folder


def _render(folder: Path) -> str:
    """The page rendered in a new environment, as a new run of cgu would."""
    return theme_environment(folder).get_template("page.html").render(name="cgu", items=[1, 2])


def _entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "cgu" / "templates").glob("*.jinja"))


def test_a_page_compiled_once_is_read_back_by_the_next_run(tmp_path: Path, compiled: list[str]) -> None:
    folder = _theme(tmp_path)
    assert _render(folder) == "<p>CGU</p><i>1</i><i>2</i>"
    assert compiled == ["page.html"] and len(_entries(tmp_path)) == 1
    assert _render(folder) == "<p>CGU</p><i>1</i><i>2</i>"
    assert compiled == ["page.html"]  # read back, not compiled


def test_an_edited_template_is_compiled_again(tmp_path: Path, compiled: list[str]) -> None:
    folder = _theme(tmp_path)
    _render(folder)
    _theme(tmp_path, PAGE.replace("upper", "lower"))
    assert _render(folder) == "<p>cgu</p><i>1</i><i>2</i>"
    assert compiled == ["page.html", "page.html"]


def test_an_entry_edited_or_signed_with_another_key_is_never_run(tmp_path: Path, compiled: list[str]) -> None:
    folder = _theme(tmp_path)
    _render(folder)
    [entry] = _entries(tmp_path)
    data = entry.read_bytes()
    entry.write_bytes(data[:32] + data[32:].replace(b"upper", b"lower"))  # the code changed, the signature kept
    assert _render(folder) == "<p>CGU</p><i>1</i><i>2</i>"
    assert len(compiled) == 2
    key = tmp_path / "config" / "cgu" / "cache.key"
    key.write_text("ab" * 32, encoding="ascii")  # another user's key: this user's entries are not theirs
    themes._compiled_pages.cache_clear()
    assert _render(folder) == "<p>CGU</p><i>1</i><i>2</i>"
    assert len(compiled) == 3
    entry.write_bytes(b"truncated")
    assert _render(folder) == "<p>CGU</p><i>1</i><i>2</i>"
    assert len(compiled) == 4


def test_without_a_private_key_every_page_is_compiled_and_nothing_is_kept(tmp_path: Path, compiled: list[str]) -> None:
    folder = _theme(tmp_path)
    key = tmp_path / "config" / "cgu" / "cache.key"
    key.parent.mkdir(parents=True)
    key.write_text("cd" * 32, encoding="ascii")
    os.chmod(key, 0o644)  # readable by others: anyone could sign entries
    assert _render(folder) == _render(folder) == "<p>CGU</p><i>1</i><i>2</i>"
    assert len(compiled) == 2 and _entries(tmp_path) == []
