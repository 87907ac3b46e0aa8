"""`graphgram analytics refresh|status|run`: the analysts' copy of the graph (docs/analytics.md)."""

from __future__ import annotations

import json
import time
from typing import Annotated

import typer
from rich.console import Console

from cli.backup import _Bars, bars
from graphgram.settings import get_settings

app = typer.Typer(no_args_is_help=True, help="The analytics copy: refresh, status, algorithms")
console = Console(stderr=True)


def _ago(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    if seconds < 120:
        return f"{seconds:.0f} s ago"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min ago"
    return f"{seconds / 3600:.1f} h ago"


@app.command("refresh")
def refresh_command(
    max_age: Annotated[
        float, typer.Option(help="Take a new backup first when the latest is older (minutes)")
    ] = 60.0,
    every: Annotated[
        float | None, typer.Option(help="Refresh again every this many minutes, until stopped")
    ] = None,
) -> None:
    """Load the latest backup into the analytics copy (taking a backup first when the latest is
    older than --max-age; a backup stops the serving Neo4j for its dump)."""
    from ops.analytics import refresh

    settings = get_settings()
    while True:
        with bars() as progress:
            done = refresh(settings, max_age * 60, _Bars(progress))
        console.print(done)
        if every is None:
            return
        console.print(f"next refresh in {every:g} min (Ctrl-C to stop)")
        time.sleep(every * 60)


@app.command("status")
def status_command() -> None:
    """Where the copy is, whether it answers, which backup it holds and how old that is."""
    from ops.analytics import status

    found = status(get_settings())
    console.print(f"analytics copy: {found.uri} ({'ready' if found.running else 'not running'})")
    console.print(
        f"holds backup {found.backup or '(none)'}, made {_ago(found.age_s)}"
        + (f" ({found.backup_created_at})" if found.backup_created_at else "")
    )
    console.print(f"latest backup: {found.latest_backup or '(none)'}, {_ago(found.latest_age_s)}")
    if found.backup is None:
        console.print("run `graphgram analytics refresh` to make it")
        raise typer.Exit(1)


@app.command("run")
def run_command(
    chosen: Annotated[
        list[str], typer.Argument(help="pagerank, communities and/or components", metavar="ALG...")
    ],
    engine: Annotated[str, typer.Option(help="networkit (default) or igraph")] = "networkit",
    graph: Annotated[
        str,
        typer.Option(
            help="follows (default), or interactions: each like and comment an edge from the "
            "liker to the post's author; results go to interaction_pagerank, ..."
        ),
    ] = "follows",
    write: Annotated[bool, typer.Option(help="Write the results onto the copy's users")] = True,
) -> None:
    """Run graph algorithms over the copy's follow graph, or its interaction graph (likes and
    comments), projected once, and write each user's results as properties (`pagerank`,
    `community`, `component`, or `interaction_pagerank`, ...) on the copy."""
    from ops.analytics import has_copy, run

    unknown = [a for a in chosen if a not in ("pagerank", "communities", "components")]
    if unknown:
        console.print(
            f"[red]unknown algorithm {unknown[0]!r}[/]: pagerank, communities, components"
        )
        raise typer.Exit(2)
    if graph not in ("follows", "interactions"):
        console.print(f"[red]unknown graph {graph!r}[/]: follows or interactions")
        raise typer.Exit(2)
    if engine not in ("networkit", "igraph"):
        console.print(f"[red]unknown engine {engine!r}[/]: networkit or igraph")
        raise typer.Exit(2)
    settings = get_settings()
    if not has_copy(settings):
        console.print("[red]no analytics copy[/]: run `graphgram analytics refresh` first")
        raise typer.Exit(2)
    with bars() as progress:
        report = run(
            settings,
            chosen,  # type: ignore[arg-type]
            engine=engine,  # type: ignore[arg-type]
            graph=graph,  # type: ignore[arg-type]
            write_back=write,
            progress=_Bars(progress),
        )
    console.print(
        f"{report.vertices:,} users, {report.edges:,} "
        f"{'follows' if graph == 'follows' else 'likes and comments'}; "
        f"{json.dumps(report.summary)}; "
        f"seconds {json.dumps(report.timings_s)}"
    )
