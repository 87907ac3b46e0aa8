"""`graphgram cypher list|run`: the analysts' saved queries from the command line."""

from __future__ import annotations

import asyncio
import csv
import json
import sys
from pathlib import Path
from typing import IO, Annotated, Any, Literal

import typer
from rich.console import Console
from rich.table import Table

from backends import open_backends
from graph import analytics
from graphgram.settings import Settings, get_settings

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


Format = Literal["table", "csv", "json", "jsonl", "parquet"]


@app.command("run")
def run(
    name: str,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="k=v, repeatable")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = "table",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file (parquet needs one)")
    ] = None,
    graph: Annotated[
        Literal["copy", "serving"] | None,
        typer.Option(
            help="copy: the analytics copy (the default when there is one); serving: the "
            "graph that serves users, explicitly"
        ),
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds before the query is stopped")] = 30.0,
    max_rows: Annotated[int, typer.Option(help="Stop after this many rows")] = 1_000_000,
) -> None:
    """Run a saved query in a read-only transaction and print or export its rows."""
    from ops.analytics import copy_settings, has_copy

    given = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep:
            console.print(f"[red]--param {item!r}[/]: write it as key=value")
            raise typer.Exit(2)
        given[key] = value
    if fmt == "parquet" and out is None:
        console.print("[red]--format parquet[/] needs --out FILE")
        raise typer.Exit(2)
    settings = get_settings()
    copy = has_copy(settings)
    if graph == "copy" and not copy:
        console.print("[red]no analytics copy[/]: `graphgram analytics refresh` makes one")
        raise typer.Exit(2)
    if graph is None and not copy:
        console.print("[yellow]no analytics copy: running on the serving graph[/]")
    target = copy_settings(settings) if copy and graph != "serving" else settings
    try:
        result = asyncio.run(_run(target, name, given, timeout, max_rows))
    except analytics.UnknownQuery:
        console.print(f"[red]no saved query {name!r}[/]: `graphgram cypher list` shows them")
        raise typer.Exit(2) from None
    except (analytics.BadParameters, analytics.NotReadOnly) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    if fmt == "table":
        table = Table(title=name)
        for column in result.columns:
            table.add_column(column)
        for row in result.rows:
            table.add_row(*(json.dumps(v) if not isinstance(v, str) else v for v in row))
        Console(file=out.open("w") if out else None).print(table)
    else:
        export(result, fmt, out)
    if out is not None:
        console.print(f"{len(result.rows):,} rows written to {out}")
    if result.truncated:
        console.print(f"[yellow]stopped at {max_rows:,} rows (--max-rows)[/]")


def _records(result: analytics.Result) -> list[dict[str, Any]]:
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def export(result: analytics.Result, fmt: Format, out: Path | None) -> None:
    """A result as CSV (lists as JSON text), JSON, JSON Lines or Parquet (typed columns)."""
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        assert out is not None
        table = (
            pa.Table.from_pylist(_records(result))
            if result.rows
            else pa.table({c: pa.array([], pa.null()) for c in result.columns})
        )
        pq.write_table(table, out)
        return
    stream: IO[str] = out.open("w", newline="") if out else sys.stdout
    try:
        if fmt == "json":
            json.dump(_records(result), stream, indent=2)
            stream.write("\n")
        elif fmt == "jsonl":
            for record in _records(result):
                stream.write(json.dumps(record) + "\n")
        else:
            writer = csv.writer(stream)
            writer.writerow(result.columns)
            writer.writerows(
                [json.dumps(v) if isinstance(v, (list, dict)) else v for v in row]
                for row in result.rows
            )
    finally:
        if out:
            stream.close()


async def _run(
    settings: Settings, name: str, given: dict[str, str], timeout_s: float, max_rows: int
) -> analytics.Result:
    async with open_backends(settings) as backends:
        return await analytics.run_saved(
            backends.graph, name, given, timeout_s=timeout_s, row_cap=max_rows
        )
