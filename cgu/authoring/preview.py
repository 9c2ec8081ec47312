"""A writer's preview: the draft of every document served on 127.0.0.1, rebuilt when a file is saved."""

from __future__ import annotations

import datetime as dt
import errno
import ipaddress
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from markupsafe import Markup

from cgu.compose.language import alternates
from cgu.compose.page_words import page_words
from cgu.errors import CguError
from cgu.load.themes import builtin_theme
from cgu.model import SourceLocation
from cgu.project import Project, load_project
from cgu.release.book import read_book
from cgu.release.history import History
from cgu.render.html import PreviewBar, page_context

RELOAD_SCRIPT = Markup(
    """
(function () {
  var seen = null;
  function poll() {
    fetch('/__generation').then(function (r) { return r.text(); }).then(function (g) {
      if (seen !== null && g !== seen) { location.reload(); }
      seen = g; setTimeout(poll, 400);
    }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""
)
"""Reloads a preview page when a file is saved (the generation changes); themes place it with `preview.script`."""


@dataclass
class PreviewState:
    """The last composed project (or its errors) and a generation number bumped on every saved file."""

    root: Path
    day: dt.date | None = None
    """The day whose published releases the drafts are compared with (`--date`; None: the run's today)."""
    generation: int = 0
    built_generation: int = -1
    project: Project | None = None
    errors: list[str] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    changed: set[str] = field(default_factory=set)
    """Files saved since the last composition, relative to the project (for the log line)."""
    log: Callable[[str], None] | None = None
    """Where one line per rebuild goes (what changed, how long): the terminal, never an output file."""

    def saved(self, paths: set[str]) -> None:
        """The watcher saw these files change: the next request composes again."""
        with self.lock:
            self.changed |= paths
            self.generation += 1

    def current(self) -> tuple[Project | None, list[str] | None]:
        """Compose again if a file changed since the last request."""
        with self.lock:
            if self.built_generation != self.generation:
                generation, changed, self.changed = self.generation, self.changed, set()
                start = time.perf_counter()
                try:
                    loaded = load_project(self.root)
                    self.project, self.errors = read_book(loaded, History(self.root)).mark_drafts(loaded), None
                except CguError as error:
                    self.project, self.errors = None, [str(p) for p in error.problems]
                except Exception as error:  # noqa: BLE001 - whatever breaks, the writer sees it in the page, not a blank one
                    self.project, self.errors = None, [f"{type(error).__name__}: {error}"]
                self.built_generation = generation
                if self.log is not None:
                    self.log(_rebuild_line(changed, time.perf_counter() - start, self.errors))
            return self.project, self.errors


def _rebuild_line(changed: set[str], seconds: float, errors: list[str] | None) -> str:
    """'rebuilt after clauses/a.md changed: 0.42 s', or the first build's, or with the number of errors."""
    shown = sorted(changed)
    what = (
        "built"
        if not shown
        else f"rebuilt after {', '.join(shown[:3])}{f' and {len(shown) - 3} more' if len(shown) > 3 else ''} changed"
    )
    outcome = f", {len(errors)} error{'s' * (len(errors) != 1)} shown in the page" if errors else ""
    return f"{what}: {seconds:.2f} s{outcome}"


PAGE_TEMPLATE = "preview.html"
"""The preview's own pages (the list, errors, nothing to compare), in the built-in theme: they belong to no organism."""


def _page(title: str, heading: str = "", preview: PreviewBar | None = None, **shown: Any) -> bytes:
    """One of the preview's own pages: `documents` listed, `errors` shown, or a `message`."""
    values: dict[str, Any] = {"documents": (), "errors": (), "message": "", **shown}
    page = builtin_theme().render(
        PAGE_TEMPLATE,
        title=title,
        heading=heading or title,
        asset_base="/assets/default/",
        preview=preview,
        says=page_words("fr"),
        script=RELOAD_SCRIPT,
        **values,
    )
    return page.encode()


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
IDLE_SECONDS = 15
"""A connection that sends nothing for this long is closed: an idle client cannot hold a server thread forever."""


def host_allowed(header: str | None, names: tuple[str, ...], beyond_loopback: bool = False) -> bool:
    """Whether a request's Host header names this machine (a loopback name or one given with --allow-host), any port.

    A web page elsewhere can point its own domain at 127.0.0.1 (DNS rebinding) and read the preview: its requests
    carry that domain as their Host, and are refused. Served `beyond_loopback` (--host), a Host that is an IP address
    is answered too: a colleague's link names this machine's address.
    """
    if header is None:
        return True  # HTTP/1.0 clients (curl -0): no browser sends a request without a Host
    name = header.strip().lower()
    name = name if name.endswith("]") else name.rsplit(":", 1)[0] if ":" in name else name
    if beyond_loopback and _is_address(name.strip("[]")):
        return True  # a colleague's link to this machine's address: no DNS name, nothing to rebind
    return name in LOOPBACK_NAMES + tuple(n.lower() for n in names)


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def handler_for(
    state: PreviewState, host_names: tuple[str, ...] = (), beyond_loopback: bool = False
) -> type[BaseHTTPRequestHandler]:
    """The request handler, bound to one preview state."""

    class Handler(BaseHTTPRequestHandler):
        timeout = IDLE_SECONDS

        def log_message(self, *args: Any) -> None:
            pass

        def parse_request(self) -> bool:
            """http.server's parsing, then the Host check: refused before any handler runs."""
            if not super().parse_request():
                return False
            if not host_allowed(self.headers.get("Host"), host_names, beyond_loopback):
                self.send(
                    421,
                    b"this preview answers only to http://127.0.0.1 (or a name given with --allow-host)",
                    "text/plain",
                )
                return False
            return True

        def send(self, status: int, content: bytes, kind: str = "text/html; charset=utf-8") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(content)

        def errors(self, messages: list[str]) -> None:
            return self.send(
                200,
                _page(
                    "Erreurs",
                    "Le projet contient des erreurs",
                    errors=messages,
                    message="Corrigez le fichier indiqué et enregistrez : la page se met à jour.",
                ),
            )

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            url = urlparse(self.path)
            if url.path == "/__generation":
                return self.send(200, str(state.generation).encode(), "text/plain")
            if url.path.startswith("/assets/"):
                return self.asset(unquote(url.path[len("/assets/") :]))
            project, errors = state.current()
            if errors is not None or project is None:
                return self.errors(errors or [])
            parts = [p for p in url.path.split("/") if p]
            if len(parts) == 3 and parts[0] == "doc":
                return self.document(project, parts[1], parts[2], "redline" in parse_qs(url.query))
            if len(parts) == 4 and parts[0] == "doc":  # a translation: /doc/<organism>/<kind>/<language>
                return self.document(project, parts[1], parts[2], False, parts[3])
            listed = (*project.documents, *project.translations)
            return self.send(200, _page("Aperçu", "Aperçu des documents", documents=listed))

        def document(
            self, project: Project, organism_id: str, kind: str, show_redline: bool, language: str | None = None
        ) -> None:
            among = project.documents if language is None else project.translations
            found = [
                d
                for d in among
                if d.organism.id == organism_id and d.kind == kind and (language is None or d.language == language)
            ]
            if not found:
                return self.send(404, _page("Introuvable", "Document introuvable"))
            document = found[0]
            bar = PreviewBar(f"/doc/{organism_id}/{kind}", f"/doc/{organism_id}/{kind}?redline=1", RELOAD_SCRIPT)
            theme = project.themes[document.organism.theme.name]
            try:  # the theme's template refused (or its bounds): shown like any error of the project
                if show_redline:
                    return self.send(200, redline_page(project, document, state.day, bar).encode())
                others = tuple(  # the preview's own addresses of the same document in each language
                    replace(other, href=f"/doc/{organism_id}/{kind}" + ("" if i == 0 else f"/{other.lang}"))
                    for i, other in enumerate(alternates(document.organism.languages, document.language, ""))
                )
                context = page_context(
                    document,
                    "html",
                    f"/assets/{theme.name}/",
                    None,
                    preview=bar,
                    others=others,
                    address=lambda _, other: other,
                )  # /doc/<organism>/<kind>: the organism's other documents are its neighbours
                return self.send(200, theme.render("document.html", **context).encode())
            except CguError as error:
                return self.errors([str(p) for p in error.problems])

        def asset(self, relative: str) -> None:
            project, _ = state.current()
            name, _, rest = relative.partition("/")
            themes = {"default": builtin_theme(), **(project.themes if project else {})}  # the preview's own pages
            folder = themes[name].path.resolve() if name in themes else None
            try:  # an address may hold anything once unquoted, a NUL byte included (no path can)
                target = (folder / rest).resolve() if folder and "\x00" not in rest else None
                found = target is not None and folder in target.parents and target.is_file()
            except (OSError, ValueError):
                found = False
            if not found or target is None:
                return self.send(404, b"not found", "text/plain")
            kind = {".css": "text/css", ".ttf": "font/ttf", ".svg": "image/svg+xml", ".png": "image/png"}.get(
                target.suffix, "application/octet-stream"
            )
            self.send(200, target.read_bytes(), kind)

    return Handler


def redline_page(project: Project, document: Any, day: dt.date | None = None, preview: PreviewBar | None = None) -> str:
    """A standalone page (titled, styled, keyboard navigation) in the organism's theme, with the redline from the
    newest release published on `day` (default: the run's today) to the draft."""
    from cgu.compose.french import french_date
    from cgu.redline.compare import redline
    from cgu.redline.render import render_html_page
    from cgu.release.lifecycle import lifecycle, today

    name = f"{document.title} – {document.organism.name}"
    heading = f"Modifications : {name}"
    history = History(project.root)
    if not document.organism.documents[document.kind].releases or not history.available:
        return _page(
            heading,
            preview=preview,
            message="Aucune version publiée à comparer (pas de release déclarée, ou historique git indisponible).",
        ).decode()
    try:
        unmarked = replace(document, draft=False)
        book = read_book(project, history, [unmarked])
        done = lifecycle(book.of(document.organism.id, document.kind).releases, day or today()).published
    except CguError as error:
        return _page(heading, preview=preview, errors=[str(p) for p in error.problems]).decode()
    if not done:
        return _page(
            heading,
            preview=preview,
            message="Aucune version publiée à comparer (la release déclarée n'est pas encore validée dans git).",
        ).decode()
    last = done[-1]
    return render_html_page(
        redline(last.document.articles, document.articles),
        f"{name} : modifications depuis la version du {french_date(last.spec.version)}",
        project.themes.get(document.organism.theme.name),
        preview,
    )


def serve(
    root: Path,
    port: int,
    ready: threading.Event | None = None,
    stop: threading.Event | None = None,
    host_names: tuple[str, ...] = (),
    day: dt.date | None = None,
    host: str = "127.0.0.1",
    log: Callable[[str], None] | None = None,
) -> ThreadingHTTPServer:
    """Serve the preview on `host` (127.0.0.1 unless told) until `stop` is set; a watcher bumps the generation on
    every saved file, and `log` gets one line per rebuild.

    Requests must name 127.0.0.1, localhost or [::1], the address served on, one of `host_names`, or (served beyond
    the loopback) any IP address as their Host.
    A folder that is not a project, or a port already in use, is refused before anything is served.
    """
    import watchfiles

    state = PreviewState(root.resolve(), day, log=log)
    if not (state.root / "clauses").is_dir() or not (state.root / "organisms").is_dir():
        raise CguError.at(
            SourceLocation(str(state.root)),
            "not a cgu project: it needs 'clauses/' and 'organisms/' folders (use --project DIR)",
        )
    beyond_loopback = host not in ("127.0.0.1", "localhost", "::1")
    try:
        server = ThreadingHTTPServer((host, port), handler_for(state, host_names + (host,), beyond_loopback))
    except OSError as error:
        raise CguError.at(SourceLocation(f"{host}:{port}"), _bind_refused(error, host, port)) from None
    stop = stop or threading.Event()

    def watch() -> None:
        for changes in watchfiles.watch(
            state.root / "clauses",
            state.root / "organisms",
            *[p for p in [state.root / "themes"] if p.is_dir()],
            stop_event=stop,
            debounce=100,
            step=50,
        ):
            saved = {Path(path).relative_to(state.root).as_posix() for _, path in changes}
            if written := {path for path in saved if writers_file(path)}:  # an editor's scratch file: no rebuild
                state.saved(written)

    threading.Thread(target=watch, daemon=True).start()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    if ready:
        ready.set()
    return server


SCRATCH_SUFFIXES = (".swp", ".swx", ".swo", ".tmp", ".bak", ".part", ".crdownload", "~", "___")
"""How editors and tools name the files they write beside the one being saved (vim, JetBrains, sed -i's
`sedXXXXXX`...): never a clause, an organism or a theme file."""


def writers_file(path: str) -> bool:
    """Whether a file the watcher saw is one the writer saves (a clause, an organism, a theme file or a logo: a name
    with a suffix), not an editor's scratch file (hidden, backup, swap, or with no suffix, as sed -i's)."""
    name = Path(path).name
    return (
        not name.startswith((".", "#"))
        and not name.endswith(SCRATCH_SUFFIXES)
        and Path(name).suffix not in ("", ".")
        and name != "4913"  # vim's test of whether it may write in the folder
    )


def _bind_refused(error: OSError, host: str, port: int) -> str:
    """Why the preview cannot listen, in the writer's words."""
    if error.errno == errno.EADDRINUSE:
        return f"port {port} is already in use (another preview?): stop it, or choose another with --port"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"this machine has no address {host}: give one of its own addresses with --host (or 0.0.0.0)"
    if error.errno == errno.EACCES:
        return f"port {port} needs administrator rights: choose one above 1023 with --port"
    return f"cannot listen on {host}:{port} ({error.strerror}): choose another --host or --port"
