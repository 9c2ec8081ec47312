"""Shared fixtures: the repository root, a build of the shipped content, and readers for built files."""

from __future__ import annotations

import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(Path(__file__).resolve().parent))


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head") and self.skip:
            self.skip -= 1
        if tag in ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "tr", "div", "section"):
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text a reader sees in an HTML page, whitespace (including non-breaking) collapsed to single spaces."""
    parser = _TextExtractor()
    parser.feed(html)
    return re.sub(r"\s+", " ", "".join(parser.parts).replace("\u00a0", " ").replace("\u202f", " ")).strip()


def built_file(build_dir: Path, organism_id: str, kind: str, suffix: str = ".html") -> Path:
    """The one dated file of a document in a build: `<organism>/<kind>-<YYYY-MM-DD><suffix>`."""
    matches = sorted((build_dir / organism_id).glob(f"{kind}-[0-9]*{suffix}"))
    assert len(matches) == 1, f"expected one {kind}{suffix} for {organism_id}, found {matches}"
    return matches[0]


def document_text(build_dir: Path, organism_id: str, kind: str) -> str:
    """Visible text of a built HTML document, whitespace collapsed to single spaces."""
    return visible_text(built_file(build_dir, organism_id, kind).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full build (HTML and PDF) of the shipped example content."""
    from cgu.commands.build import build

    out = tmp_path_factory.mktemp("shipped") / "build"
    build(ROOT, out)
    return out


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the small fixture project (two organisms, three clauses)."""
    target = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", target)
    return target
