"""Themes: folders of Jinja2 page templates (autoescaped), a stylesheet and fonts; the project's first.

A theme is content like a clause (`cgu init` copies it into each writer's repository): its templates run in the
clauses' sandbox and bounds, see only the page's values and the theme's own files, and an error names the theme file.
"""

from __future__ import annotations

import functools
import os
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from cgu.builtin import BUILTIN_THEMES
from cgu.compose.french import french_typography, named, one_line_address, superior_ordinals, with_de
from cgu.compose.language import long_date
from cgu.compose.sandbox import BoundedSandbox, OverBound, bounded_text
from cgu.errors import CguError
from cgu.load.plain_template import MAX_PAGE
from cgu.load.schema import ID_PATTERN
from cgu.load.template_cache import SignedBytecodeCache
from cgu.model import SourceLocation

ASSET_SUFFIXES = (".css", ".ttf", ".otf", ".woff", ".woff2", ".svg", ".png", ".jpg", ".txt")


@dataclass(frozen=True)
class ThemeFolder:
    """A resolved theme: where it lives and its template environment."""

    name: str
    path: Path
    env: jinja2.Environment

    def render(self, template: str, **context: Any) -> str:
        """Render one page template of the theme (values are HTML-escaped), the "1er" of its dates written with a
        superior "er" (`superior_ordinals`); any error is the theme's, with its file and line."""
        try:
            page = bounded_text(self.env.get_template(template).generate(**context), MAX_PAGE, "the page")
            return superior_ordinals(page) if "1er" in page else page
        except jinja2.TemplateSyntaxError as exc:
            where, message = self._file(exc.filename, exc.lineno, template), f"syntax error: {exc.message}"
        except jinja2.TemplateNotFound as exc:
            where = self._where(exc, template)
            message = (
                f"the theme has no {template}"
                if exc.name == template
                else f"{exc.name!r} is not a file of the theme; "
                "a theme may include, import or extend only its own files"
            )
        except OverBound as exc:
            where, message = self._where(exc, template), str(exc)
        except (jinja2.UndefinedError, jinja2.exceptions.SecurityError) as exc:
            where = self._where(exc, template)
            message = f"{str(exc).rstrip('.')}; themes may only use the page's values ({', '.join(sorted(context))})"
        except RecursionError as exc:
            where, message = (
                self._where(exc, template),
                "nested too deeply (brackets, filters, tags or includes); simplify it",
            )
        except Exception as exc:  # noqa: BLE001 - any error raised by template code is the theme's, reported with its line
            where, message = self._where(exc, template), f"{type(exc).__name__}: {exc}"
        raise CguError.at(where, f"theme template error: {message}") from None

    def _where(self, exc: BaseException, template: str) -> SourceLocation:
        """The innermost line of a theme file in the error's traceback (Jinja maps its frames to template lines)."""
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if self._relative(f.filename)]
        return (
            self._file(frames[-1].filename, frames[-1].lineno, template) if frames else self._file(None, None, template)
        )

    def _file(self, filename: str | None, line: int | None, template: str) -> SourceLocation:
        """`themes/<name>/<file>:<line>` for a file of the theme (as the loader names it), else for the page
        rendered."""
        return SourceLocation(f"themes/{self.name}/{self._relative(filename) or template}", line)

    def _relative(self, filename: str | None) -> str | None:
        folder, path = Path(os.path.normpath(self.path)), Path(os.path.normpath(filename or "/"))
        return path.relative_to(folder).as_posix() if filename and path.is_relative_to(folder) else None

    def having(self, template: str) -> ThemeFolder:
        """This theme, or the built-in one when this theme has no `template` (a theme copied into a project before
        that page existed keeps working)."""
        return self if (self.path / template).is_file() else builtin_theme()

    def assets(self) -> list[Path]:
        """Files copied next to the HTML output: stylesheets, fonts, images, licences."""
        return sorted(p for p in self.path.rglob("*") if p.is_file() and p.suffix in ASSET_SUFFIXES)


MAX_THEME_FILE_BYTES = 16 * 1024 * 1024
"""The largest file a theme may hold (a font is a few hundred KB: the shipped theme's largest is 700 KB)."""


def find_theme(root: Path, name: str) -> ThemeFolder:
    """Look the theme up in the project's `themes/`, then in the tool's own."""
    if not ID_PATTERN.match(name):
        raise CguError.at(
            SourceLocation("themes"), f"theme name {name!r} must be lower-case letters, digits and hyphens"
        )
    for base in (root / "themes", BUILTIN_THEMES):
        folder = base / name
        if (folder / "document.html").is_file():
            _confined(folder, base.parent if base != BUILTIN_THEMES else folder)
            return ThemeFolder(name, folder, theme_environment(folder))
    raise CguError.at(
        SourceLocation("themes"), f"theme {name!r} not found in themes/{name}/ (it needs a document.html)"
    )


def builtin_theme() -> ThemeFolder:
    """The theme cgu ships (`default`), for pages with no organism (a redline of two files, the preview's own)."""
    folder = BUILTIN_THEMES / "default"
    return ThemeFolder("default", folder, theme_environment(folder))


def theme_environment(folder: Path) -> jinja2.Environment:
    """The clauses' sandbox for a theme's pages: autoescaped, the theme's own files only (the loader refuses `..`),
    Jinja's filters plus `date`, `address`, `french` (French typography on a string of prose) and `de` (the
    preposition before the organism's name, contracted or elided: "du CETIP", "d'Harmonie Mutuelle"), and no global at
    all (no `range`, `lipsum`, `cycler`, `namespace`...): a page sees only the values it is given."""
    env = BoundedSandbox(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_compiled_pages(),
    )
    env.globals.clear()
    env.filters.update(
        {"date": long_date, "address": one_line_address, "french": prose_typography, "de": organism_with_de}
    )
    return env


@functools.cache
def _compiled_pages() -> SignedBytecodeCache | None:
    """The user's cache of compiled pages, looked up once a run (none: every page is compiled)."""
    return SignedBytecodeCache.for_user()


def organism_with_de(organism: Any) -> str:
    """The `de` filter of a theme: "de" before an organism's name as its facts say it ("du CETIP", "d'Harmonie")."""
    identity = getattr(organism, "data", {}).get("identity")
    return with_de(named(identity) if isinstance(identity, dict) and identity.get("name") else str(organism))


def prose_typography(value: Any, language: str = "fr") -> Any:
    """The `french` filter: a template string with French typography (in a French page: `|french(words.lang)` leaves
    another language's text as written); markup already made safe stays as it is."""
    if isinstance(value, markupsafe.Markup) or language != "fr":
        return value
    return french_typography(str(value))


def _confined(folder: Path, root: Path) -> None:
    """A theme's files are copied into the output: none may be a link to a file outside the theme (or the project)."""
    inside = folder.resolve()
    if not inside.is_relative_to(root.resolve()):
        raise CguError.at(
            SourceLocation(f"themes/{folder.name}"),
            "theme folder is a link to outside the project; copy the theme in instead",
        )
    for path in sorted(folder.rglob("*")):
        shown = f"themes/{folder.name}/{path.relative_to(folder).as_posix()}"
        if not path.resolve().is_relative_to(inside):
            raise CguError.at(
                SourceLocation(shown), "theme file is a link to outside the theme; copy the file in instead"
            )
        if path.is_file() and path.stat().st_size > MAX_THEME_FILE_BYTES:  # copied into every output, read whole
            raise CguError.at(
                SourceLocation(shown),
                f"theme file is {path.stat().st_size // (1024 * 1024)} MB, over the "
                f"{MAX_THEME_FILE_BYTES // (1024 * 1024)} MB limit for a theme file; use a smaller font or image",
            )
