"""`graphgram cypher list|run`: the analysts' saved queries from the command line."""

from __future__ import annotations

import asyncio
import csv
import json
import sys
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table

from backends import open_backends
from graph import analytics
from graphgram.settings import get_settings

app = typer.Typer(no_args_is_help=True, help="Saved, read-only analyst queries (cypher/analytics)")
console = Console(stderr=True)


@app.command("list")
def list_queries() -> None:
    """Every saved query with its parameters."""
    table = Table(title="cypher/analytics")
    for column in ("name", "title", "params"):
        table.add_column(column)
    for saved in analytics.saved_queries():
        table.add_row(saved.name, saved.title, json.dumps(saved.params))
    Console().print(table)


@app.command("run")
def run(
    name: str,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="k=v, repeatable")
    ] = None,
    fmt: Annotated[Literal["table", "csv", "json"], typer.Option("--format")] = "table",
    timeout: Annotated[float, typer.Option(help="Seconds before the query is stopped")] = 30.0,
) -> None:
    """Run a saved query in a read-only transaction and print its rows."""
    given = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep:
            console.print(f"[red]--param {item!r}[/]: write it as key=value")
            raise typer.Exit(2)
        given[key] = value
    try:
        result = asyncio.run(_run(name, given, timeout))
    except analytics.UnknownQuery:
        console.print(f"[red]no saved query {name!r}[/]: `graphgram cypher list` shows them")
        raise typer.Exit(2) from None
    except (analytics.BadParameters, analytics.NotReadOnly) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    if fmt == "json":
        print(
            json.dumps(
                [dict(zip(result.columns, row, strict=True)) for row in result.rows], indent=2
            )
        )
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(result.columns)
        writer.writerows(result.rows)
    else:
        table = Table(title=name)
        for column in result.columns:
            table.add_column(column)
        for row in result.rows:
            table.add_row(*(json.dumps(v) if not isinstance(v, str) else v for v in row))
        Console().print(table)
    if result.truncated:
        console.print(f"[yellow]showing the first {analytics.ROW_CAP} rows[/]")


async def _run(name: str, given: dict[str, str], timeout_s: float) -> analytics.Result:
    async with open_backends(get_settings()) as backends:
        return await analytics.run_saved(backends.graph, name, given, timeout_s=timeout_s)
