"""Shared by the benchmarks: a dedicated `bench` stack instance, and writing results."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from neo4j import GraphDatabase

from graphgram.settings import PROJECT_ROOT, Settings
from seed.loader import DEMO_PASSWORD

RESULTS = PROJECT_ROOT / "bench" / "results"

# A typical account for the read benchmarks: public, follows a few hundred (not one of the
# named hard cases in $named), picked deterministically.
TYPICAL = """
MATCH (u:User) WHERE NOT u.private AND NOT u.username IN $named
WITH u, COUNT { (u)-[:FOLLOWS]->() } AS following
WHERE 200 <= following <= 400
RETURN u.username AS username ORDER BY u.username LIMIT 1
"""

# On a graph too small for one (the `demo` preset follows ~25 each): the public account that
# follows the most, not a named hard case.
TYPICAL_ANY = """
MATCH (u:User) WHERE NOT u.private AND NOT u.username IN $named
WITH u, COUNT { (u)-[:FOLLOWS]->() } AS following
RETURN u.username AS username ORDER BY following DESC, u.username LIMIT 1
"""
EXISTS = "MATCH (u:User {username: $u}) RETURN u.username AS username"


def bench_settings(stack_name: str = "", port_offset: int | None = None) -> Settings:
    """A stack instance of its own (ports +17700), so benchmarks never touch dev or test data;
    `stack_name` and `port_offset` pick another. Always a new Settings, never a `model_copy` of
    one with another instance: the URLs (`neo4j_uri`, `s3_endpoint`, `redis_url`) are derived
    from the port offset when the settings are made, and a copy would keep the first
    instance's."""
    return Settings(
        environment="test",
        stack_name=stack_name or os.environ.get("GRAPHGRAM_BENCH_STACK_NAME", "bench"),
        port_offset=(
            port_offset
            if port_offset is not None
            else int(os.environ.get("GRAPHGRAM_BENCH_PORT_OFFSET", "17700"))
        ),
        neo4j_heap=os.environ.get("GRAPHGRAM_BENCH_NEO4J_HEAP", "2g"),
        neo4j_pagecache=os.environ.get("GRAPHGRAM_BENCH_NEO4J_PAGECACHE", "2g"),
    )


def provenance() -> dict[str, Any]:
    """What a result was measured on: the commit (and whether the tree had changes beside it),
    the machine and the time, so a figure can be traced to its code and hardware."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gib = 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        first = Path("/proc/meminfo").read_text().splitlines()[0]  # MemTotal: N kB
        memory_gib = round(int(first.split()[1]) / 2**20, 1)
    return {
        "commit": git("rev-parse", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "hostname": platform.node(),
            "cpu": cpu or platform.processor(),
            "cores": os.cpu_count(),
            "memory_gib": memory_gib,
            "kernel": platform.release(),
            "python": platform.python_version(),
        },
    }


def write_result(name: str, data: dict[str, Any]) -> Path:
    """bench/results/<name>.json: the figures and their provenance (commit, machine, date)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"provenance": provenance(), **data}, indent=2))
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


def graph_query(settings: Settings, statement: str, **params: Any) -> list[dict[str, Any]]:
    """A benchmark's own read of the instance's graph (its setup, not what it measures)."""
    with GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password),
        notifications_min_severity="OFF",
    ) as driver:
        records, _, _ = driver.execute_query(statement, params)
        return [record.data() for record in records]


def login(client: httpx.Client, username: str) -> str:
    """A seeded user's bearer token (every seeded user has the demo password)."""
    response = client.post("/auth/login", json={"username": username, "password": DEMO_PASSWORD})
    response.raise_for_status()
    return str(response.json()["access_token"])
