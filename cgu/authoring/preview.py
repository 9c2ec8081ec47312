"""A writer's preview: the draft of every document served on 127.0.0.1, rebuilt when a file is saved."""

from __future__ import annotations

import datetime as dt
import html
import threading
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from cgu.errors import CguError
from cgu.project import Project, load_project
from cgu.release.book import read_book
from cgu.release.history import History
from cgu.render.html import page_context

RELOAD_SCRIPT = """<script>
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
</script>"""


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

    def current(self) -> tuple[Project | None, list[str] | None]:
        """Compose again if a file changed since the last request."""
        with self.lock:
            if self.built_generation != self.generation:
                generation = self.generation
                try:
                    loaded = load_project(self.root)
                    self.project, self.errors = read_book(loaded, History(self.root)).mark_drafts(loaded), None
                except CguError as error:
                    self.project, self.errors = None, [str(p) for p in error.problems]
                except Exception as error:  # noqa: BLE001 - whatever breaks, the writer sees it in the page, not a blank one
                    self.project, self.errors = None, [f"{type(error).__name__}: {error}"]
                self.built_generation = generation
            return self.project, self.errors


def _page(title: str, body: str) -> bytes:
    return (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>{body}</main>'
        f"{RELOAD_SCRIPT}</body></html>"
    ).encode()


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
IDLE_SECONDS = 15
"""A connection that sends nothing for this long is closed: an idle client cannot hold a server thread forever."""


def host_allowed(header: str | None, names: tuple[str, ...]) -> bool:
    """Whether a request's Host header names this machine (a loopback name or one given with --host), any port.

    A web page elsewhere can point its own domain at 127.0.0.1 (DNS rebinding) and read the preview: its requests
    carry that domain as their Host, and are refused.
    """
    if header is None:
        return True  # HTTP/1.0 clients (curl -0): no browser sends a request without a Host
    name = header.strip().lower()
    name = name if name.endswith("]") else name.rsplit(":", 1)[0] if ":" in name else name
    return name in LOOPBACK_NAMES + tuple(n.lower() for n in names)


def handler_for(state: PreviewState, host_names: tuple[str, ...] = ()) -> type[BaseHTTPRequestHandler]:
    """The request handler, bound to one preview state."""

    class Handler(BaseHTTPRequestHandler):
        timeout = IDLE_SECONDS

        def log_message(self, *args: Any) -> None:
            pass

        def parse_request(self) -> bool:
            """http.server's parsing, then the Host check: refused before any handler runs."""
            if not super().parse_request():
                return False
            if not host_allowed(self.headers.get("Host"), host_names):
                self.send(
                    421, b"this preview answers only to http://127.0.0.1 (or a name given with --host)", "text/plain"
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
            items = "".join(f"<li><code>{html.escape(e)}</code></li>" for e in messages)
            return self.send(
                200,
                _page(
                    "Erreurs",
                    f'<h1>Le projet contient des erreurs</h1><ul class="errors">{items}</ul>'
                    "<p>Corrigez le fichier indiqué et enregistrez : la page se met à jour.</p>",
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
            links = "".join(
                f'<li><a href="/doc/{d.organism.id}/{d.kind}">'
                f"{html.escape(d.organism.name)} – {html.escape(d.title)}</a>"
                f"{' (projet)' if d.draft else ''}</li>"
                for d in project.documents
            )
            return self.send(200, _page("Aperçu", f"<h1>Aperçu des documents</h1><ul>{links}</ul>"))

        def document(self, project: Project, organism_id: str, kind: str, show_redline: bool) -> None:
            found = [d for d in project.documents if d.organism.id == organism_id and d.kind == kind]
            if not found:
                return self.send(404, _page("Introuvable", "<h1>Document introuvable</h1>"))
            document = found[0]
            toggle = (
                f'<p class="preview-bar"><a href="/doc/{organism_id}/{kind}">Projet</a> · '
                f'<a href="/doc/{organism_id}/{kind}?redline=1">'
                "Modifications depuis la dernière version publiée</a></p>"
            )
            if show_redline:
                page = redline_page(project, document, state.day)
                page = page.replace("<main>", "<main>" + toggle, 1)
                return self.send(
                    200,
                    (
                        page if "/__generation" in page else page.replace("</body>", RELOAD_SCRIPT + "</body>", 1)
                    ).encode(),
                )
            theme = project.themes[document.organism.theme.name]
            try:
                page = theme.render("document.html", **page_context(document, "html", f"/assets/{theme.name}/", None))
            except (
                CguError
            ) as error:  # the theme's template refused (or its bounds): shown like any error of the project
                return self.errors([str(p) for p in error.problems])
            self.send(
                200,
                page.replace("<body", "<body data-preview", 1)
                .replace("</main>", toggle + "</main>", 1)
                .replace("</body>", RELOAD_SCRIPT + "</body>")
                .encode(),
            )

        def asset(self, relative: str) -> None:
            project, _ = state.current()
            name, _, rest = relative.partition("/")
            themes = project.themes if project else {}
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


def redline_page(project: Project, document: Any, day: dt.date | None = None) -> str:
    """A standalone page (titled, styled, keyboard navigation) with the redline from the newest release published on
    `day` (default: the run's today) to the draft."""
    from cgu.compose.french import french_date
    from cgu.redline.compare import redline
    from cgu.redline.render import render_html_page
    from cgu.release.lifecycle import lifecycle, today

    name = f"{document.title} – {document.organism.name}"
    history = History(project.root)
    if not document.organism.documents[document.kind].releases or not history.available:
        return _page(
            f"Modifications : {name}",
            f"<h1>Modifications : {html.escape(name)}</h1><p>Aucune version publiée à comparer "
            "(pas de release déclarée, ou historique git indisponible).</p>",
        ).decode()
    try:
        unmarked = replace(document, draft=False)
        book = read_book(project, history, [unmarked])
        done = lifecycle(book.of(document.organism.id, document.kind).releases, day or today()).published
    except CguError as error:
        items = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in error.problems)
        return _page(
            f"Modifications : {name}", f'<h1>Modifications : {html.escape(name)}</h1><ul class="errors">{items}</ul>'
        ).decode()
    if not done:
        return _page(
            f"Modifications : {name}",
            f"<h1>Modifications : {html.escape(name)}</h1><p>Aucune version publiée à comparer "
            "(la release déclarée n'est pas encore validée dans git).</p>",
        ).decode()
    last = done[-1]
    return render_html_page(
        redline(last.document.articles, document.articles),
        f"{name} : modifications depuis la version du {french_date(last.spec.version)}",
    )


def serve(
    root: Path,
    port: int,
    ready: threading.Event | None = None,
    stop: threading.Event | None = None,
    host_names: tuple[str, ...] = (),
    day: dt.date | None = None,
) -> ThreadingHTTPServer:
    """Serve the preview on 127.0.0.1 until `stop` is set; a watcher bumps the generation on every saved file.

    Requests must name 127.0.0.1, localhost or [::1] (or one of `host_names`) as their Host, on any port.
    """
    import watchfiles

    state = PreviewState(root.resolve(), day)
    server = ThreadingHTTPServer(("127.0.0.1", port), handler_for(state, host_names))
    stop = stop or threading.Event()

    def watch() -> None:
        for _ in watchfiles.watch(
            state.root / "clauses",
            state.root / "organisms",
            *[p for p in [state.root / "themes"] if p.is_dir()],
            stop_event=stop,
            debounce=100,
            step=50,
        ):
            state.generation += 1

    threading.Thread(target=watch, daemon=True).start()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    if ready:
        ready.set()
    return server
