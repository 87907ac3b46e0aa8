"""`graphgram seed`: build a reproducible demo graph of any size with one command."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from graph.driver import make_driver
from graphgram.settings import Settings, get_settings
from seed.generator import PRESETS, generate
from seed.loader import (
    DEMO_PASSWORD,
    GraphNotEmpty,
    LoadReport,
    load,
    summary,
    user_count,
)

console = Console(stderr=True)
# Timestamps end at a fixed instant, so the same seed gives the same graph on any day.
END_MS = 1_790_000_000_000  # 2026-09-22


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
) -> LoadReport:
    """Generate the graph for `preset` and load it; refuses a non-empty graph unless `wipe`."""
    from graph.admin import wipe as wipe_graph

    with make_driver(settings) as driver:
        if user_count(driver, settings):
            if not wipe:
                raise GraphNotEmpty(
                    "the graph already has users: pass --wipe to replace it with a demo graph"
                )
            wipe_graph(driver, settings)
        started = time.perf_counter()
        graph = generate(PRESETS[preset], seed=seed, days=days, end_ms=END_MS, users=users)
        generated_s = time.perf_counter() - started
        with Progress(
            TextColumn("[bold]{task.description:<9}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=quiet,
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(phase, total=total or 1)
                bar.update(tasks[phase], completed=done if total else 1)

            report = load(driver, settings, graph, progress=progress)
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
                report.labels, report.types = summary(driver, settings)
        if not quiet:
            console.print(f"generated in {generated_s:.1f}s")
        return report


def seed_command(
    preset: Annotated[
        str, typer.Option(help="tiny (tests), demo (~1,000 users), large (100,000)")
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
) -> None:
    """Generate and load a demo graph (batched UNWIND writes), with progress and a summary."""
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
        )
    except GraphNotEmpty as exc:
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
    console.print(
        f"loaded {report.relationships:,} relationships in {report.seconds:.1f}s "
        f"({report.relationships_per_second:,.0f}/s); every demo account's password is "
        f"[bold]{DEMO_PASSWORD}[/] (try alice, bob, carol, or the analyst ana)"
    )
