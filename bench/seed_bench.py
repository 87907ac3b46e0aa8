"""Seeding speed, every way in, on the same generated rows, in one run.

    python -m bench.seed_bench [--preset large] [--baseline-rows 5000] [--follow-rows 300000] [--xl]

On its own stack instance (`GRAPHGRAM_BENCH_STACK_NAME`, `GRAPHGRAM_BENCH_PORT_OFFSET`; Neo4j
memory sized by ops.stack unless `GRAPHGRAM_BENCH_NEO4J_HEAP` / `_PAGECACHE` are set), it
generates the preset once and measures, as relationships per second:

1. bulk end to end: the preset generated afresh (the same seed gives the same rows) and
   streamed to CSV, `neo4j-admin database import`, server start, indexes online (CSV kept);
2. the importer alone on that same CSV;
3. row at a time: one statement per FOLLOWS row (the first `--baseline-rows`);
4. today's UNWIND (before issue 13): map rows, 5,000 per transaction, one at a time, on the
   first `--follow-rows` FOLLOWS rows;
5. the new online path on the same FOLLOWS rows, with 1 and with 2 transactions in flight,
   then on the whole preset (generated rows held in memory, so only writing is timed).

`--xl` also times `graphgram seed --preset xl` from an empty store to an API answering with the
graph (wall time). Figures go to bench/results/seed.json.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import httpx
from argon2 import PasswordHasher
from neo4j import Driver
from rich.console import Console

from bench.common import bench_settings, report
from cypher import query
from graph.admin import wipe
from graph.driver import make_driver
from graphgram.settings import Settings
from ops.stack import ApiService, Neo4jService, up
from seed.bulk import bulk_load, import_csv, import_heap
from seed.cli import END_MS, run_seed
from seed.generator import PRESETS, DemoGraph, Row, generate, relationship_count, stream
from seed.loader import DEMO_PASSWORD, load

console = Console()


def _settings() -> Settings:
    base = bench_settings()
    memory: dict[str, Any] = {}
    if "GRAPHGRAM_BENCH_NEO4J_HEAP" in os.environ:
        memory["neo4j_heap"] = base.neo4j_heap
    if "GRAPHGRAM_BENCH_NEO4J_PAGECACHE" in os.environ:
        memory["neo4j_pagecache"] = base.neo4j_pagecache
    return Settings(
        environment="test", stack_name=base.stack_name, port_offset=base.port_offset, **memory
    )


def _drop_follows(driver: Driver, settings: Settings) -> None:
    while True:
        records, _, _ = driver.execute_query(
            query("seed/drop_follows"), {"batch": 10_000}, database_=settings.neo4j_database
        )
        if records[0]["deleted"] == 0:
            return


def row_at_a_time(driver: Driver, settings: Settings, rows: list[Row]) -> float:
    started = time.perf_counter()
    with driver.session(database=settings.neo4j_database) as session:
        for a, b, rid, ts in rows:
            session.run(query("seed/follow_one"), {"a": a, "b": b, "id": rid, "ts": ts}).consume()
    return time.perf_counter() - started


def todays_unwind(driver: Driver, settings: Settings, rows: list[Row]) -> float:
    """The loader as it was before issue 13: map rows, 5,000 per transaction, one at a time."""
    started = time.perf_counter()
    for start in range(0, len(rows), 5_000):
        chunk = [{"a": a, "b": b, "id": i, "ts": t} for a, b, i, t in rows[start : start + 5_000]]
        driver.execute_query(
            query("seed/follows_maps"), {"rows": chunk}, database_=settings.neo4j_database
        )
    return time.perf_counter() - started


def _only(graph: DemoGraph, *phases: str) -> DemoGraph:
    part = DemoGraph()
    for phase in phases:
        part.rows[phase] = graph.rows[phase]
    return part


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", choices=sorted(PRESETS), default="large")
    parser.add_argument("--baseline-rows", type=int, default=5_000)
    parser.add_argument("--follow-rows", type=int, default=300_000)
    parser.add_argument("--xl", action="store_true", help="also time the xl preset end to end")
    args = parser.parse_args()

    settings = _settings()
    with console.status("starting the bench stack"):
        up(settings, with_api=False)
    secret = PasswordHasher().hash(DEMO_PASSWORD)
    preset = PRESETS[args.preset]
    result: dict[str, Any] = {"preset": args.preset}
    service = Neo4jService(settings)

    # 1-2. bulk end to end (generation included), then the importer alone on the same CSV.
    with console.status("bulk: generate, CSV, import, start, indexes"):
        chunks = stream(preset, seed=42, days=90, end_ms=END_MS)
        bulk = bulk_load(settings, chunks, secret, keep_csv=True)
    rels = relationship_count(bulk.csv.rows)
    result["relationships"] = rels
    result["bulk_generate_and_csv_s"] = bulk.csv.seconds
    result["bulk_import_s"] = bulk.import_s
    result["bulk_start_and_indexes_s"] = bulk.start_s + bulk.schema_s
    result["bulk_load_rels_per_s"] = rels / (bulk.csv.seconds + bulk.import_s)
    result["bulk_served_rels_per_s"] = rels / bulk.seconds
    result["store_gib"] = bulk.store_bytes / 1024**3
    result["neo4j_memory"] = bulk.memory
    with console.status("importer alone on the same CSV"):
        service.stop()
        alone = import_csv(service, bulk.csv.directory, settings.neo4j_database, heap=import_heap())
    result["importer_alone_s"] = alone
    result["importer_alone_rels_per_s"] = rels / alone
    result["bulk_load_vs_importer_alone"] = result["bulk_load_rels_per_s"] / (rels / alone)

    with console.status(f"generating {args.preset} in memory"):
        started = time.perf_counter()
        graph = generate(preset, seed=42, days=90, end_ms=END_MS)
        result["generate_s"] = time.perf_counter() - started
    result["generate_rels_per_s"] = rels / result["generate_s"]
    follows = graph.rows["follows"][: args.follow_rows]

    # 3-5. online paths, from a graph holding only the users (imported: quick to reset).
    with console.status("resetting to the users only"):
        bulk_load(settings, _only(graph, "hashtags", "users").chunks(), secret)
    with make_driver(settings) as driver:
        sample = follows[: args.baseline_rows]
        with console.status(f"row at a time: {len(sample):,} FOLLOWS"):
            slow = len(sample) / row_at_a_time(driver, settings, sample)
        _drop_follows(driver, settings)
        with console.status(f"today's UNWIND: {len(follows):,} FOLLOWS"):
            today = len(follows) / todays_unwind(driver, settings, follows)
        _drop_follows(driver, settings)
        online_follows: dict[int, float] = {}
        for workers in (1, 2):
            with console.status(f"new online path, {workers} in flight: {len(follows):,} FOLLOWS"):
                started = time.perf_counter()
                load(driver, settings, [("follows", follows)], secret, workers=workers)
                online_follows[workers] = len(follows) / (time.perf_counter() - started)
            _drop_follows(driver, settings)
        best = max(online_follows, key=lambda w: online_follows[w])
        with console.status("wiping"):
            _drop_follows(driver, settings)
            wipe(driver, settings)
        with console.status(f"new online path: the whole {args.preset} preset"):
            started = time.perf_counter()
            load(driver, settings, graph.chunks(), secret, workers=best)
            online_all = rels / (time.perf_counter() - started)
    result["follows_rows"] = len(follows)
    result["row_at_a_time_rels_per_s"] = slow
    result["todays_unwind_rels_per_s"] = today
    result["online_1_in_flight_follows_rels_per_s"] = online_follows[1]
    result["online_2_in_flight_follows_rels_per_s"] = online_follows[2]
    result["online_preset_workers"] = best
    result["online_preset_rels_per_s"] = online_all
    result["todays_unwind_vs_row_at_a_time"] = today / slow
    result["online_vs_todays_unwind"] = online_follows[best] / today
    result["online_preset_vs_row_at_a_time"] = online_all / slow
    result["bulk_load_vs_row_at_a_time"] = result["bulk_load_rels_per_s"] / slow
    result["bulk_load_vs_online_preset"] = result["bulk_load_rels_per_s"] / online_all
    del graph, follows

    if args.xl:
        result.update(xl_end_to_end(settings))
    report("seed", "seeding speed (same rows, same run)", result)


def xl_end_to_end(settings: Settings) -> dict[str, Any]:
    """`graphgram seed --preset xl --wipe` on a stopped stack, then the API serving it."""
    Neo4jService(settings).stop()
    started = time.perf_counter()
    seeded = run_seed(settings, preset="xl", wipe=True, method="bulk")
    api = ApiService(settings)
    api.start(lambda _: None, timeout_s=300)
    base = api.address()
    login = httpx.post(
        f"{base}/auth/login", json={"username": "dave", "password": DEMO_PASSWORD}, timeout=60
    )
    login.raise_for_status()
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    profile = httpx.get(f"{base}/users/carol", headers=headers, timeout=60).json()
    feed = httpx.get(f"{base}/feed", headers=headers, timeout=60)
    wall = time.perf_counter() - started
    api.stop()
    return {
        "xl_relationships": seeded.relationships,
        "xl_users": seeded.labels.get("User", 0),
        "xl_wall_s_empty_to_served_api": wall,
        "xl_seed_s": seeded.seconds,
        "xl_rels_per_s": seeded.relationships / seeded.seconds,
        "xl_carol_followers": profile.get("follower_count"),
        "xl_feed_status": feed.status_code,
        **{f"xl_{k}": v for k, v in seeded.details.items()},
    }


if __name__ == "__main__":
    main()
