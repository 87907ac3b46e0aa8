"""`graphgram seed`: build a reproducible demo graph of any size with one command.

Two ways in, one generator (so the same seed gives the same graph either way):
- bulk (`seed.bulk`): CSV + `neo4j-admin database import`, for an empty database on the local
  stack (or `--wipe`); the server is stopped for the import and started again;
- online (`seed.loader`): batched UNWIND writes into a running server.
`--method auto` picks bulk for big presets on the local stack and online otherwise.
"""

from __future__ import annotations

import time
from typing import Annotated

import typer
from argon2 import PasswordHasher
from neo4j.exceptions import ServiceUnavailable
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from graph.driver import make_driver
from graph.schema import migrate
from graphgram.settings import Settings, get_settings
from seed.generator import PRESETS, relationship_count, stream
from seed.loader import (
    DEMO_PASSWORD,
    WORKERS,
    GraphNotEmpty,
    LoadReport,
    load,
    summary,
    user_count,
)

console = Console(stderr=True)
# Timestamps end at a fixed instant, so the same seed gives the same graph on any day.
END_MS = 1_790_000_000_000  # 2026-09-22
# From this many users, `--method auto` takes the bulk path on the local stack: below it the
# importer's JVM start and the server restart cost more than the writes they save.
BULK_FROM_USERS = 50_000
METHODS = ("auto", "bulk", "online")


class SeedError(RuntimeError):
    pass


def is_local(settings: Settings) -> bool:
    """Whether the graph is this machine's stack instance (the bulk path restarts it)."""
    from ops.stack import Neo4jService

    service = Neo4jService(settings)
    return (
        settings.neo4j_uri
        in {f"{scheme}://127.0.0.1:{settings.neo4j_bolt_port}" for scheme in ("neo4j", "bolt")}
        and (service.home / "lib").exists()
    )


def _users_now(settings: Settings, local: bool) -> int | None:
    """Users in the graph, or None when no server answers."""
    from ops.stack import Neo4jService

    if local and not Neo4jService(settings).running():
        return None  # a stopped local stack: don't wait out the driver's retries
    try:
        with make_driver(settings) as driver:
            return user_count(driver, settings)
    except (ServiceUnavailable, OSError):
        return None


# Relationship types the data migrations make from the seeded rows (counted in the report).
DERIVED_TYPES = ("USES_TAG",)


def run_seed(
    settings: Settings,
    *,
    preset: str = "demo",
    users: int | None = None,
    seed: int = 42,
    days: int = 90,
    wipe: bool = False,
    quiet: bool = False,
    with_media: int = 0,
    method: str = "auto",
    workers: int = WORKERS,
) -> LoadReport:
    """Generate the graph for `preset` and load it; refuses a non-empty graph unless `wipe`."""
    from graph.admin import wipe as wipe_graph

    if method not in METHODS:
        raise SeedError(f"unknown method {method!r}: choose one of {', '.join(METHODS)}")
    size = users or PRESETS[preset].users
    local = is_local(settings)
    if method == "auto":
        method = "bulk" if local and size >= BULK_FROM_USERS else "online"
    if method == "bulk" and not local:
        raise SeedError(
            f"the bulk path imports into this machine's stack instance ({settings.stack_name}), "
            f"but the graph is at {settings.neo4j_uri}: use --method online"
        )
    present = _users_now(settings, local)
    if present is None:
        if method == "online" or not wipe:
            raise SeedError(
                f"no Neo4j answers at {settings.neo4j_uri}: start it with `graphgram stack up` "
                "(or pass --wipe to bulk-import into the stopped local stack)"
            )
    elif present and not wipe:
        raise GraphNotEmpty(
            "the graph already has users: pass --wipe to replace it with a demo graph"
        )
    password_hash = PasswordHasher().hash(DEMO_PASSWORD)  # once: every demo user shares it
    with Progress(
        TextColumn("[bold]{task.description:<30}"),
        BarColumn(),
        TextColumn("{task.fields[count]:>14}"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(phase: str, done: int, total: int) -> None:
            count = f"{done}%" if total == 100 else f"{done:,}"
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total or None, count=count)
            bar.update(tasks[phase], completed=done, count=count)
            if total and done >= total:
                bar.update(tasks[phase], total=total, completed=total)

        started = time.perf_counter()
        details: dict[str, float] = {}
        if method == "bulk":
            from seed.bulk import Spec, bulk_load

            spec = Spec(PRESETS[preset], seed=seed, days=days, end_ms=END_MS, users=users)
            bulk = bulk_load(settings, spec, password_hash, progress=progress)
            rows = bulk.csv.rows
            details = {
                "generate_and_csv_s": bulk.csv.seconds,
                "import_s": bulk.import_s,
                "start_s": bulk.start_s,
                "indexes_s": bulk.schema_s,
                "store_gib": bulk.store_bytes / 1024**3,
            }
            if not quiet:
                console.print(f"neo4j memory: {bulk.memory}")
        else:
            with make_driver(settings) as driver:
                if present:
                    wipe_graph(driver, settings)
                chunks = stream(PRESETS[preset], seed=seed, days=days, end_ms=END_MS, users=users)
                rows = load(
                    driver, settings, chunks, password_hash, progress=progress, workers=workers
                )
            migrate(settings)  # what the rows cannot carry (a post's newest like)
        seconds = time.perf_counter() - started
        for phase, task in tasks.items():
            if phase in rows:
                bar.update(task, total=rows[phase], completed=rows[phase])
        with make_driver(settings) as driver:
            if with_media:
                import asyncio

                from seed.media import upload_media

                asyncio.run(
                    upload_media(
                        settings,
                        posts=with_media,
                        seed=seed,
                        progress=lambda done, total: progress("media", done, total),
                    )
                )
            labels, types = summary(driver, settings)
    # What the data migrations derive from the rows is the seed's too: each author's USES_TAG
    # count per hashtag (admin/backfill_tag_counts, run by migrate or by the bulk path's schema).
    derived = sum(types.get(name, 0) for name in DERIVED_TYPES)
    return LoadReport(seconds, relationship_count(rows) + derived, labels, types, method, details)


def seed_command(
    preset: Annotated[
        str,
        typer.Option(help="tiny (tests), demo (1,000 users), large (100,000), xl (1,000,000)"),
    ] = "demo",
    users: Annotated[int | None, typer.Option(help="Override the preset's number of users")] = None,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same graph")] = 42,
    days: Annotated[int, typer.Option(help="Spread timestamps over this many days")] = 90,
    wipe: Annotated[bool, typer.Option(help="Delete the existing graph first")] = False,
    with_media: Annotated[
        int,
        typer.Option(
            help="Upload Pillow-drawn pictures through the real media path for this many posts"
        ),
    ] = 0,
    method: Annotated[
        str,
        typer.Option(
            help="bulk: neo4j-admin import into the local stack (restarts Neo4j); online: "
            f"UNWIND writes to a running server; auto: bulk from {BULK_FROM_USERS:,} users"
        ),
    ] = "auto",
    workers: Annotated[
        int, typer.Option(help="Online path: transactions in flight at once")
    ] = WORKERS,
) -> None:
    """Generate and load a demo graph, with progress per phase and a summary."""
    if preset not in PRESETS:
        console.print(f"[red]unknown preset {preset!r}[/]: choose one of {', '.join(PRESETS)}")
        raise typer.Exit(2)
    settings = get_settings()
    try:
        report = run_seed(
            settings,
            preset=preset,
            users=users,
            seed=seed,
            days=days,
            wipe=wipe,
            with_media=with_media,
            method=method,
            workers=workers,
        )
    except (GraphNotEmpty, SeedError) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    print_report(report)


def print_report(report: LoadReport) -> None:
    table = Table(title="demo graph")
    table.add_column("label / relationship")
    table.add_column("count", justify="right")
    for name, count in sorted(report.labels.items()):
        if count:
            table.add_row(f":{name}", f"{count:,}")
    for name, count in sorted(report.types.items()):
        if count:
            table.add_row(f"[:{name}]", f"{count:,}")
    Console().print(table)
    steps = ", ".join(f"{k} {v:.1f}" for k, v in report.details.items())
    console.print(
        f"{report.method}: {report.relationships:,} relationships in {report.seconds:.1f}s "
        f"({report.relationships_per_second:,.0f}/s{'; ' + steps if steps else ''}); every demo "
        f"account's password is [bold]{DEMO_PASSWORD}[/] (try alice, bob, carol or ana)"
    )
