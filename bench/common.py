"""Shared by the benchmarks: a dedicated `bench` stack instance, and writing results."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from graphgram.settings import PROJECT_ROOT, Settings

RESULTS = PROJECT_ROOT / "bench" / "results"

# A typical account for the read benchmarks: public, follows a few hundred (not one of the
# named hard cases in $named), picked deterministically.
TYPICAL = """
MATCH (u:User) WHERE NOT u.private AND NOT u.username IN $named
WITH u, COUNT { (u)-[:FOLLOWS]->() } AS following
WHERE 200 <= following <= 400
RETURN u.username AS username ORDER BY u.username LIMIT 1
"""


def bench_settings() -> Settings:
    """A stack instance of its own (ports +17700), so benchmarks never touch dev or test data."""
    return Settings(
        environment="test",
        stack_name=os.environ.get("GRAPHGRAM_BENCH_STACK_NAME", "bench"),
        port_offset=int(os.environ.get("GRAPHGRAM_BENCH_PORT_OFFSET", "17700")),
        neo4j_heap=os.environ.get("GRAPHGRAM_BENCH_NEO4J_HEAP", "2g"),
        neo4j_pagecache=os.environ.get("GRAPHGRAM_BENCH_NEO4J_PAGECACHE", "2g"),
    )


def write_result(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2))
    return path


def report(name: str, title: str, data: dict[str, Any]) -> None:
    """Print the figures as a table and write them to bench/results/<name>.json."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in data.items():
        table.add_row(key, f"{value:,.2f}" if isinstance(value, float) else str(value))
    console = Console()
    console.print(table)
    console.print(f"written to {write_result(name, data)}")
