"""Fonts of a PDF: only those the theme ships (its @font-face rules), never the machine's: the same output anywhere."""

from __future__ import annotations

import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from fontTools.ttLib import TTFont

from cgu.errors import CguError
from cgu.load.themes import ThemeFolder
from cgu.model import Document, Problem, SourceLocation
from cgu.rules.registry import RULES

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")
_NO_SYSTEM_FONTS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig></fontconfig>\n'
)
"""A Fontconfig configuration without font folders: WeasyPrint then knows only the fonts a stylesheet declares."""


def theme_only_fonts() -> FontConfiguration:
    """A WeasyPrint font configuration that cannot fall back on the machine's fonts (text, SVG logos, generic families).

    Without it, a family the theme does not ship (`sans-serif`, or `Helvetica` in a logo) silently takes whatever the
    machine has, and the same build gives different PDFs on two machines.
    """
    folder = Path(tempfile.mkdtemp(prefix="cgu-fonts-"))
    previous = os.environ.get("FONTCONFIG_FILE")
    try:
        (folder / "fonts.conf").write_bytes(_NO_SYSTEM_FONTS)
        os.environ["FONTCONFIG_FILE"] = str(folder / "fonts.conf")  # read once, when the configuration is made
        from weasyprint.text.fonts import FontConfiguration

        return FontConfiguration()
    finally:
        if previous is None:
            os.environ.pop("FONTCONFIG_FILE", None)
        else:
            os.environ["FONTCONFIG_FILE"] = previous
        shutil.rmtree(folder, ignore_errors=True)


def run_fonts() -> FontConfiguration:
    """The run's one theme-only configuration (parsing fonts is the costliest part of setting up a render): made at the
    first PDF, it keeps font files in the command's scratch folder, so it is made again by the next command."""
    from cgu.scratch import for_this_run

    return for_this_run("theme-only fonts", theme_only_fonts)


class BrokenFont(Exception):
    """A theme's font file that fontTools cannot read."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(reason)
        self.path = path


@lru_cache(maxsize=16)
def _covered(folder: Path) -> frozenset[int]:
    characters: set[int] = set()
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in FONT_SUFFIXES):
        try:
            with TTFont(path, lazy=True) as font:
                characters.update(font.getBestCmap() or {})
        except Exception as error:  # noqa: BLE001 - any of fontTools' parsers may fail on a damaged file
            raise BrokenFont(path, str(error).splitlines()[0] if str(error) else type(error).__name__) from None
    return frozenset(characters)


def missing_glyphs(root: Path, document: Document, theme: ThemeFolder) -> list[Problem]:
    """Characters of a document that no font of its theme can draw (the PDF would show an empty box), by article."""
    try:
        covered = _covered(theme.path)
    except BrokenFont as broken:
        shown = broken.path.relative_to(root).as_posix() if broken.path.is_relative_to(root) else str(broken.path)
        raise CguError.at(
            SourceLocation(shown),
            f"the theme's font cannot be read ({broken}); replace it with the original font file, or remove it",
        ) from None
    if not covered:
        return []
    problems = []
    organism_file = document.organism.location
    texts = [(organism_file, document.title + document.organism.name)]
    texts += [(article.source, article.title + article.markdown) for article in document.articles]
    for location, text in texts:
        missing = sorted({c for c in text if ord(c) not in covered and not c.isspace() and c.isprintable()})
        if missing:
            shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in missing)
            problems.append(
                RULES["font-missing-glyph"].problem(
                    _first_use(root, (location, organism_file), missing),
                    f"the fonts of theme '{theme.name}' cannot draw {shown}: the PDF would show an empty box; "
                    "use another character, or add a font that has it to the theme",
                    document.organism.id,
                )
            )
    return problems


def _first_use(root: Path, places: tuple[SourceLocation, ...], missing: list[str]) -> SourceLocation:
    """The first line holding a missing character: in the clause, else the organism file (a value), else the clause."""
    for place in places:
        try:
            lines = (root / place.path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, row in enumerate(lines, start=1):
            if any(c in row for c in missing):
                return SourceLocation(place.path, number)
    return places[0]
