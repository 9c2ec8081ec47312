"""What an organism's logo may be: a PNG, JPEG or SVG image of the project, bounded, and an SVG that only draws.

A logo is copied as is onto the site's origin and drawn by WeasyPrint: any other file of the repository (`.git/config`
was published once), an HTML page, or an SVG with scripts, event handlers, embedded HTML or references to other
files or sites would run or leak there. SVGs are parsed with expat and no document type: entities cannot expand.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from xml.parsers import expat

MAX_LOGO_BYTES = 1024 * 1024
"""A logo is a few kilobytes (the shipped ones are under 10 KB); a megabyte is generous."""
MAX_LOGO_PIXELS = 8000
"""Width and height of a PNG logo, at most: a larger one is a decompression bomb, not a logo."""
MAX_SVG_ELEMENTS = 20_000
"""Elements an SVG logo may draw, `<use>` copies counted as many times as they are drawn (a `<use>` bomb is refused)."""
MAX_SVG_DEPTH = 64
LOGO_SUFFIXES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".svg": "svg"}
OUTPUT_FOLDERS = ("build", "public")
"""Where cgu writes by default: an output is not a source."""
SVG = "http://www.w3.org/2000/svg"
_FORBIDDEN = {
    "script": "a script",
    "foreignObject": "embedded HTML",
    "iframe": "a frame",
    "embed": "an embedded object",
    "object": "an embedded object",
    "handler": "a script (handler)",
    "listener": "an event listener",
    "set": "an animation",
    "animate": "an animation",
    "animateMotion": "an animation",
    "animateTransform": "an animation",
    "discard": "an animation",
}
_EMBEDDED_RASTER = re.compile(r"data:image/(png|jpeg);base64,[A-Za-z0-9+/=\s]*", re.ASCII)
_CSS_REFERENCE = re.compile(r"@import|url\(\s*(?![\"']?#)|expression\(|image-set\(|-moz-binding", re.IGNORECASE)
"""CSS that fetches something (any url() but a fragment of the logo itself, @import) or runs something."""


def logo_problem(root: Path, logo: str) -> str | None:
    """Why `logo` (a project-relative path that exists) cannot be a logo, or None; the reason ends with what to do."""
    parts = PurePosixPath(logo).parts
    kind = LOGO_SUFFIXES.get(PurePosixPath(logo).suffix.lower())
    if any(part.startswith(".") for part in parts):
        return "is in a hidden folder or file (.git, .github...), never published; put the logo under organisms/"
    if parts and parts[0] in OUTPUT_FOLDERS:
        return f"is in the output folder {parts[0]}/, which cgu replaces; put the logo under organisms/"
    if kind is None:
        return "is not an image; a logo is a PNG, JPEG or SVG file (.png, .jpg, .jpeg, .svg)"
    path = root / logo
    if path.stat().st_size > MAX_LOGO_BYTES:
        return f"is over {MAX_LOGO_BYTES // 1024} KB; export a smaller image"
    data = path.read_bytes()[: MAX_LOGO_BYTES + 1]
    if kind == "png":
        return _png_problem(data)
    if kind == "jpeg":
        return None if data.startswith(b"\xff\xd8\xff") else "is not a JPEG image; export the logo as JPEG or PNG"
    return svg_problem(data)


def _png_problem(data: bytes) -> str | None:
    if not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR":
        return "is not a PNG image; export the logo as PNG"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if max(width, height) > MAX_LOGO_PIXELS:
        return f"is {width} × {height} pixels (at most {MAX_LOGO_PIXELS} a side); export a smaller image"
    return None


class _Refused(Exception):
    pass


class _SvgCheck:
    """Walks an SVG with expat, refusing at the first thing a logo must not hold, and records `<use>` for the bound."""

    def __init__(self) -> None:
        self.depth = 0
        self.elements = 0
        self.stack: list[int] = []
        self.children: list[list[int]] = []
        self.uses: dict[int, str] = {}
        self.ids: dict[str, int] = {}
        self.in_style = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        if not self.stack and (namespace, local) != (SVG, "svg"):
            raise _Refused("is not an SVG image (its first element is not <svg>); export the logo as SVG")
        if local in _FORBIDDEN or namespace == "http://www.w3.org/1999/xhtml":
            raise _Refused(f"holds {_FORBIDDEN.get(local, 'HTML')} (<{local}>)")
        node = len(self.children)
        self.children.append([])
        if self.stack:
            self.children[self.stack[-1]].append(node)
        self.stack.append(node)
        if len(self.stack) > MAX_SVG_DEPTH or len(self.children) > MAX_SVG_ELEMENTS:
            raise _Refused(f"has more than {MAX_SVG_ELEMENTS} elements or {MAX_SVG_DEPTH} levels")
        self.in_style += local == "style"
        for attribute, value in attributes.items():
            short = attribute.rpartition(" ")[2]
            if short.lower().startswith("on"):
                raise _Refused(f"has an event handler ({short} on <{local}>)")
            if short in ("href", "src"):
                if value.strip().startswith("#") and local == "use":
                    self.uses[node] = value.strip()[1:]
                elif not value.strip().startswith("#") and not _EMBEDDED_RASTER.fullmatch(value.strip()):
                    raise _Refused(f"refers to another file or site ({short}={value[:60]!r} on <{local}>)")
            elif _CSS_REFERENCE.search(value):
                raise _Refused(f"refers to another file or site in CSS ({short} on <{local}>)")
            if short == "id":
                self.ids[value] = node

    def end(self, name: str) -> None:
        self.stack.pop()
        self.in_style -= name.endswith(" style")

    def text(self, data: str) -> None:
        if self.in_style and _CSS_REFERENCE.search(data):
            raise _Refused("refers to another file or site in its <style>")

    def drawn(self) -> int:
        """Elements drawn once every `<use>` is expanded (memoised; a `<use>` that reaches itself is refused)."""
        sizes: dict[int, int] = {}
        visiting: set[int] = set()

        def size(node: int) -> int:
            if node in sizes:
                return sizes[node]
            if node in visiting:
                raise _Refused("has a <use> that draws itself")
            visiting.add(node)
            total = 1 + sum(size(child) for child in self.children[node])
            if node in self.uses and self.uses[node] in self.ids:
                total += size(self.ids[self.uses[node]])
            visiting.discard(node)
            sizes[node] = min(total, MAX_SVG_ELEMENTS + 1)
            return sizes[node]

        for node in reversed(range(len(self.children))):  # children first: the recursion stays shallow
            size(node)
        return sizes.get(0, 0)


def svg_problem(data: bytes) -> str | None:
    """Why an SVG cannot be a logo (scripts, handlers, HTML, external references, entities, a `<use>` bomb), or None."""
    check = _SvgCheck()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = check.start
    parser.EndElementHandler = check.end
    parser.CharacterDataHandler = check.text

    def doctype(name: str, system: str | None, public: str | None, internal: bool) -> None:
        if internal:
            raise _Refused("declares entities in its DOCTYPE; remove the DOCTYPE")

    def entity(*_: object) -> None:
        raise _Refused("declares entities in its DOCTYPE; remove the DOCTYPE")

    def instruction(target: str, _: str) -> None:
        if target.lower() == "xml-stylesheet":
            raise _Refused("loads a stylesheet (<?xml-stylesheet?>); remove it")

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.ProcessingInstructionHandler = instruction
    parser.ExternalEntityRefHandler = lambda *_: 0  # never fetched (there is no DTD to declare one anyway)
    try:
        parser.Parse(data, True)
        if check.drawn() > MAX_SVG_ELEMENTS:
            raise _Refused(f"draws more than {MAX_SVG_ELEMENTS} elements once its <use> copies are counted")
    except _Refused as refused:
        reason = str(refused)
        return reason if "; " in reason else f"{reason}; a logo may only draw: remove it, or export a plain SVG"
    except (expat.ExpatError, RecursionError) as error:
        return f"is not well-formed XML ({error}); export the logo again as SVG"
    return None
