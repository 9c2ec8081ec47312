"""Themes: folders of Jinja2 page templates (autoescaped), a stylesheet and fonts; the project's first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from cgu.errors import CguError
from cgu.french import french_date, one_line_address
from cgu.model import SourceLocation
from cgu.schema import ID_PATTERN

BUILTIN_THEMES = Path(__file__).resolve().parent.parent / "themes"
"""The themes shipped with the tool; a project's own `themes/<name>/` takes precedence."""
ASSET_SUFFIXES = (".css", ".ttf", ".otf", ".woff", ".woff2", ".svg", ".png", ".jpg", ".txt")


@dataclass(frozen=True)
class ThemeFolder:
    """A resolved theme: where it lives and its template environment."""

    name: str
    path: Path
    env: jinja2.Environment

    def render(self, template: str, **context: Any) -> str:
        """Render one page template of the theme (values are HTML-escaped)."""
        try:
            return self.env.get_template(template).render(**context)
        except jinja2.TemplateError as exc:
            line = getattr(exc, "lineno", None)
            raise CguError.at(SourceLocation(f"themes/{self.name}/{template}", line), f"theme template error: {exc}") from None

    def assets(self) -> list[Path]:
        """Files copied next to the HTML output: stylesheets, fonts, images, licences."""
        return sorted(p for p in self.path.rglob("*") if p.is_file() and p.suffix in ASSET_SUFFIXES)


def find_theme(root: Path, name: str) -> ThemeFolder:
    """Look the theme up in the project's `themes/`, then in the tool's own."""
    if not ID_PATTERN.match(name):
        raise CguError.at(SourceLocation("themes"), f"theme name {name!r} must be lower-case letters, digits and hyphens")
    for base in (root / "themes", BUILTIN_THEMES):
        folder = base / name
        if (folder / "document.html").is_file():
            _confined(folder, base.parent if base != BUILTIN_THEMES else folder)
            env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
            env.filters.update({"date": french_date, "address": one_line_address})
            return ThemeFolder(name, folder, env)
    raise CguError.at(SourceLocation("themes"), f"theme {name!r} not found in themes/{name}/ (it needs a document.html)")


def _confined(folder: Path, root: Path) -> None:
    """A theme's files are copied into the output: none may be a link to a file outside the theme (or the project)."""
    inside = folder.resolve()
    if not inside.is_relative_to(root.resolve()):
        raise CguError.at(SourceLocation(f"themes/{folder.name}"), "theme folder is a link to outside the project; copy the theme in instead")
    for path in sorted(folder.rglob("*")):
        if not path.resolve().is_relative_to(inside):
            shown = f"themes/{folder.name}/{path.relative_to(folder).as_posix()}"
            raise CguError.at(SourceLocation(shown), "theme file is a link to outside the theme; copy the file in instead")
