"""`graphgram media sweep|worker`: crash leftovers, and a standalone processing worker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, TypeVar

import typer
from redis.asyncio import Redis
from rich.console import Console
from rich.table import Table

from api.state import AppState
from graph.driver import Graph, make_async_driver
from graphgram.settings import get_settings
from media.storage import make_client

app = typer.Typer(no_args_is_help=True, help="Media maintenance")
console = Console(stderr=True)
T = TypeVar("T")


@asynccontextmanager
async def _state() -> AsyncIterator[AppState]:
    settings = get_settings()
    driver = make_async_driver(settings)
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    try:
        yield AppState(
            settings, driver, Graph(driver, settings.neo4j_database), redis, make_client(settings)
        )
    finally:
        await redis.aclose()
        await driver.close()


def _run(work: Callable[[AppState], Awaitable[T]]) -> T:
    async def main() -> T:
        async with _state() as state:
            return await work(state)

    return asyncio.run(main())


@app.command("sweep")
def sweep_command(
    grace: Annotated[
        int, typer.Option(help="Leave anything younger than this many seconds")
    ] = 3600,
) -> None:
    """Remove objects no Media node references, media stuck in processing, and broken media."""
    from media.sweep import sweep

    with console.status("sweeping media"):
        report = _run(lambda state: sweep(state, grace_s=grace))
    table = Table(title="media sweep")
    table.add_column("removed")
    table.add_column("count", justify="right")
    table.add_row("media stuck in processing or failed", str(report.stale_media))
    table.add_row("media whose objects were missing", str(report.missing_objects_media))
    table.add_row("objects no media references", str(report.orphan_objects))
    Console().print(table)


@app.command("worker")
def worker_command() -> None:
    """Process queued media (poster frames) until interrupted."""
    from media.jobs import worker

    console.print("media worker: waiting for jobs (Ctrl-C to stop)")
    _run(lambda state: worker(state))
