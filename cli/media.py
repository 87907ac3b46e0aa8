"""`graphgram media sweep|worker`: crash leftovers, and a standalone processing worker."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli import with_backends

app = typer.Typer(no_args_is_help=True, help="Media maintenance")
console = Console(stderr=True)


@app.command("sweep")
def sweep_command(
    grace: Annotated[
        int, typer.Option(help="Leave anything younger than this many seconds")
    ] = 3600,
) -> None:
    """Remove objects no Media node references, media stuck in processing, broken media, and
    stories past their 24 hours that no highlight keeps (with their media)."""
    from media.sweep import sweep

    with console.status("sweeping media"):
        report = with_backends(lambda backends: sweep(backends, grace_s=grace))
    table = Table(title="media sweep")
    table.add_column("removed")
    table.add_column("count", justify="right")
    table.add_row("media stuck in processing: enqueued again", str(report.retried))
    table.add_row("media stuck in processing or failed: removed", str(report.stale_media))
    table.add_row("media whose objects were missing", str(report.missing_objects_media))
    table.add_row("objects no media references", str(report.orphan_objects))
    table.add_row("direct uploads expired: aborted", str(report.expired_uploads))
    table.add_row("stories expired: deleted with their media", str(report.expired_stories))
    Console().print(table)


@app.command("worker")
def worker_command() -> None:
    """Process queued media (poster frames) and data exports and imports until interrupted."""
    from media.jobs import worker
    from services.jobs import HANDLERS

    console.print("media worker: waiting for jobs (Ctrl-C to stop)")
    with_backends(lambda backends: worker(backends, handlers=HANDLERS))
