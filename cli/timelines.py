"""`graphgram timelines worker|reset|drain`: the fan-out worker on its own, and maintenance."""

from __future__ import annotations

import typer
from rich.console import Console

from cli import with_backends

app = typer.Typer(no_args_is_help=True, help="Home timelines in Redis (fan-out on write)")
console = Console(stderr=True)


@app.command("worker")
def worker_command() -> None:
    """Fan new posts out to followers' timelines until interrupted (set
    GRAPHGRAM_TIMELINE_WORKER=false on the API to run only these), and repair Redis's derived
    state after a Redis failure (docs/outages.md)."""
    import asyncio

    from backends import Backends
    from timelines.fanout import worker
    from timelines.repair import worker as repair_worker

    async def both(backends: Backends) -> None:
        jobs = [worker(backends)]
        if backends.settings.timeline_repair:
            jobs.append(repair_worker(backends))
        await asyncio.gather(*jobs)

    console.print("timeline fan-out worker: waiting for posts (Ctrl-C to stop)")
    with_backends(both)


@app.command("reset")
def reset_command() -> None:
    """Drop every timeline, list and cached view (after writing to the graph outside the API,
    e.g. `graphgram seed`); each is rebuilt from Neo4j when next read."""
    from timelines.maintenance import reset

    count = with_backends(reset)
    console.print(f"dropped {count} keys; timelines rebuild from Neo4j on their next read")


@app.command("drain")
def drain_command(
    timeout: float = typer.Option(60.0, help="Give up after this many seconds"),
) -> None:
    """Wait until every queued fan-out is done."""
    from timelines.fanout import wait_drained

    with_backends(lambda backends: wait_drained(backends, timeout))
    console.print("fan-out queue drained")
