"""`cgu preview`: serve the drafts on 127.0.0.1 until interrupted."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    pass


def run_preview(project: Path, port: int, hosts: tuple[str, ...] = (), day: str | None = None) -> None:
    """`cgu preview`: serve until interrupted, comparing drafts with the releases published on `day` (`--date`)."""
    import threading

    from cgu.authoring.preview import serve
    from cgu.release.lifecycle import today

    stop = threading.Event()
    server = serve(project, port, stop=stop, host_names=hosts, day=today(day))
    click.echo(f"preview on http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C to stop)")
    try:
        stop.wait()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        stop.set()
        server.shutdown()
