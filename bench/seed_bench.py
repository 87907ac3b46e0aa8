"""Seeding speed: batched UNWIND writes against one statement per row, on the same rows.

    python -m bench.seed_bench [--rows 5000] [--preset demo|large]

Both loaders write the same FOLLOWS rows into the same users in one run on the `bench` stack
instance; the result is relationships per second for each and their ratio. `--preset` also times
a whole `graphgram seed` of that preset.
"""

from __future__ import annotations

import argparse
import time

from neo4j import Driver
from rich.console import Console

from bench.common import bench_settings
from cypher import query
from graph.admin import wipe
from graph.driver import make_driver
from graphgram.settings import Settings
from ops.stack import up
from seed.cli import END_MS, run_seed
from seed.generator import PRESETS, generate
from seed.loader import load

console = Console()


def _follow_rows(rows: int) -> tuple[object, list[dict[str, object]]]:
    graph = generate(PRESETS["demo"], seed=99, days=90, end_ms=END_MS, users=2_000)
    follows = graph.follows[:rows]
    graph.follows, graph.requests, graph.posts, graph.tags = [], [], [], []
    graph.mentions, graph.likes, graph.comments, graph.replies = [], [], [], []
    return graph, follows


def _drop_follows(driver: Driver, settings: Settings) -> None:
    while True:
        records, _, _ = driver.execute_query(
            query("seed/drop_follows"), {"batch": 10_000}, database_=settings.neo4j_database
        )
        if records[0]["deleted"] == 0:
            return


def row_at_a_time(driver: Driver, settings: Settings, rows: list[dict[str, object]]) -> float:
    started = time.perf_counter()
    with driver.session(database=settings.neo4j_database) as session:
        for row in rows:
            session.run(query("seed/follow_one"), row).consume()
    return time.perf_counter() - started


def batched(driver: Driver, settings: Settings, rows: list[dict[str, object]]) -> float:
    started = time.perf_counter()
    for start in range(0, len(rows), 5_000):
        chunk = rows[start : start + 5_000]
        driver.execute_query(
            query("seed/follows"), {"rows": chunk}, database_=settings.neo4j_database
        )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--preset", choices=sorted(PRESETS), default=None)
    args = parser.parse_args()

    settings = bench_settings()
    with console.status("starting the bench stack"):
        up(settings, with_api=False)
    with make_driver(settings) as driver:
        wipe(driver, settings)
        users_only, follows = _follow_rows(args.rows)
        load(driver, settings, users_only)  # type: ignore[arg-type]
        with console.status(f"row at a time: {len(follows):,} follows"):
            slow = row_at_a_time(driver, settings, follows)
        _drop_follows(driver, settings)
        with console.status(f"batched UNWIND: {len(follows):,} follows"):
            fast = batched(driver, settings, follows)
        wipe(driver, settings)
    result: dict[str, object] = {
        "rows": len(follows),
        "row_at_a_time_rels_per_s": len(follows) / slow,
        "batched_unwind_rels_per_s": len(follows) / fast,
        "speedup": slow / fast,
    }
    if args.preset:
        report = run_seed(settings, preset=args.preset, wipe=True)
        result["preset"] = args.preset
        result["preset_relationships"] = report.relationships
        result["preset_seconds"] = report.seconds
        result["preset_rels_per_s"] = report.relationships_per_second
        result["preset_vs_row_at_a_time"] = report.relationships_per_second / (len(follows) / slow)
    report("seed", "seeding speed (same rows, same run)", result)


if __name__ == "__main__":
    main()
