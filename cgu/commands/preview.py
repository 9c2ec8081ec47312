"""`cgu preview`: serve the drafts (on 127.0.0.1 unless --host) until interrupted."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    pass


def run_preview(
    project: Path, port: int, hosts: tuple[str, ...] = (), day: str | None = None, host: str = "127.0.0.1"
) -> None:
    """`cgu preview`: serve on `host` until interrupted, comparing drafts with the releases published on `day`
    (`--date`); one line per rebuild on the terminal."""
    import threading

    from cgu.authoring.preview import serve
    from cgu.release.lifecycle import today

    stop = threading.Event()
    server = serve(project, port, stop=stop, host_names=hosts, day=today(day), host=host, log=click.echo)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else f"[{host}]" if ":" in host else host
    everywhere = " (and on every address of this machine)" if host in ("0.0.0.0", "::") else ""
    click.echo(f"preview on http://{shown}:{server.server_address[1]}/{everywhere} (Ctrl+C to stop)")
    try:
        stop.wait()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        stop.set()
        server.shutdown()
