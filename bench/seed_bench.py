"""Seeding speed, every way in, on the same generated rows, in one run.

    python -m bench.seed_bench [--preset large] [--baseline-rows 5000] [--follow-rows 300000] [--xl]

On its own stack instance (`GRAPHGRAM_BENCH_STACK_NAME`, `GRAPHGRAM_BENCH_PORT_OFFSET`; Neo4j
memory sized by ops.stack unless `GRAPHGRAM_BENCH_NEO4J_HEAP` / `_PAGECACHE` are set), it
generates the preset once and measures, as relationships per second:

1. bulk end to end: generation (timed on its own, rows kept for the other steps), CSV,
   `neo4j-admin database import`, server start, indexes online (the CSV is kept);
2. the importer alone on that same CSV;
3. row at a time: one statement per FOLLOWS row (the first `--baseline-rows`);
4. today's UNWIND (before issue 13): map rows, 5,000 per transaction, one at a time, on the
   first `--follow-rows` FOLLOWS rows;
5. the new online path on the same FOLLOWS rows, with 1 and with 2 transactions in flight
   (`--whole`: then on the whole preset).

`--xl` also times `graphgram seed --preset xl` from an empty store to an API answering with the
graph (wall time). Figures go to bench/results/seed.json.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

import httpx
from argon2 import PasswordHasher
from neo4j import Driver
from rich.console import Console

from bench.common import bench_settings, report, write_result
from cypher import query
from graph.admin import wipe
from graph.driver import make_driver
from graphgram.settings import Settings
from ops.stack import ApiService, Neo4jService, up
from seed.bulk import bulk_load, children_cpu, import_csv, import_heap
from seed.cli import END_MS, run_seed
from seed.generator import PRESETS, Frame, Row, frames, relationship_count
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


def server_cpu(settings: Settings) -> float:
    """CPU seconds the stack's Neo4j server has used so far (from /proc)."""
    service = Neo4jService(settings)
    pid = service.pid_file.read_text().strip()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Meter:
    """Wall time plus CPU time (this process and the Neo4j server) of one measured step: on a
    shared machine the CPU seconds say what the step costs, the wall time what it got."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __enter__(self) -> Meter:
        self.wall, self.client = time.perf_counter(), time.process_time()
        self.server = server_cpu(self.settings)
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.client = time.process_time() - self.client
        self.server = server_cpu(self.settings) - self.server

    @property
    def cpu(self) -> float:
        return self.client + self.server


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


def _only(graph: list[Frame], *phases: str) -> list[Frame]:
    return [frame for frame in graph if frame.phase in phases]


def _rows(graph: list[Frame], phase: str, limit: int) -> list[Row]:
    rows: list[Row] = []
    for frame in _only(graph, phase):
        rows += frame.rows()
        if len(rows) >= limit:
            break
    return rows[:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", choices=sorted(PRESETS), default="large")
    parser.add_argument("--baseline-rows", type=int, default=5_000)
    parser.add_argument("--follow-rows", type=int, default=300_000)
    parser.add_argument("--users", type=int, default=None, help="a cut of the preset")
    parser.add_argument("--whole", action="store_true", help="online path on the whole preset too")
    parser.add_argument("--xl", action="store_true", help="also time the xl preset end to end")
    args = parser.parse_args()

    settings = _settings()
    with console.status("starting the bench stack"):
        up(settings, with_api=False)
    secret = PasswordHasher().hash(DEMO_PASSWORD)
    preset = PRESETS[args.preset]
    result: dict[str, Any] = {"preset": args.preset, "users": args.users or preset.users}
    service = Neo4jService(settings)

    with console.status(f"generating {args.preset} in memory"):
        started, cpu = time.perf_counter(), time.process_time()
        graph = list(frames(preset, seed=42, days=90, end_ms=END_MS, users=args.users))
        result["generate_s"] = time.perf_counter() - started
        generate_cpu = time.process_time() - cpu
    counts: dict[str, int] = {}
    for frame in graph:
        counts[frame.phase] = counts.get(frame.phase, 0) + len(frame)
    rels = relationship_count(counts)
    result["relationships"] = rels
    result["generate_rels_per_s"] = rels / result["generate_s"]
    follows = _rows(graph, "follows", args.follow_rows)

    # 1-2. bulk end to end (generation included), then the importer alone on the same CSV.
    with console.status("bulk: CSV, import, start, indexes"):
        bulk = bulk_load(settings, graph, secret, keep_csv=True)
    result["bulk_csv_s"] = bulk.csv.seconds
    result["bulk_csv_cpu_s"] = bulk.csv.cpu_s
    result["bulk_import_cpu_s"] = bulk.import_cpu_s
    result["bulk_import_s"] = bulk.import_s
    result["bulk_start_and_indexes_s"] = bulk.start_s + bulk.schema_s
    result["bulk_load_rels_per_s"] = rels / (
        result["generate_s"] + bulk.csv.seconds + bulk.import_s
    )
    result["bulk_served_rels_per_s"] = rels / (result["generate_s"] + bulk.seconds)
    result["store_gib"] = bulk.store_bytes / 1024**3
    result["neo4j_memory"] = bulk.memory
    with console.status("importer alone on the same CSV"):
        service.stop()
        cpu = children_cpu()
        alone = import_csv(service, bulk.csv.directory, settings.neo4j_database, heap=import_heap())
        alone_cpu = children_cpu() - cpu
    result["importer_alone_s"] = alone
    result["importer_alone_rels_per_s"] = rels / alone
    result["bulk_load_vs_importer_alone"] = result["bulk_load_rels_per_s"] / (rels / alone)
    write_result("seed", result)  # so far, in case a later step fails

    # 3-5. online paths, from a graph holding only the users (imported: quick to reset).
    with console.status("resetting to the users only"):
        bulk_load(settings, _only(graph, "hashtags", "users"), secret)
    steps: dict[str, tuple[int, Meter]] = {}
    with make_driver(settings) as driver:
        sample = follows[: args.baseline_rows]
        with console.status(f"row at a time: {len(sample):,} FOLLOWS"), Meter(settings) as m:
            row_at_a_time(driver, settings, sample)
        steps["row_at_a_time"] = (len(sample), m)
        _drop_follows(driver, settings)
        with console.status(f"today's UNWIND: {len(follows):,} FOLLOWS"), Meter(settings) as m:
            todays_unwind(driver, settings, follows)
        steps["todays_unwind"] = (len(follows), m)
        _drop_follows(driver, settings)
        for workers in (1, 2):
            with (
                console.status(f"online, {workers} in flight: {len(follows):,} FOLLOWS"),
                Meter(settings) as m,
            ):
                load(driver, settings, [("follows", follows)], secret, workers=workers)
            steps[f"online_{workers}_in_flight"] = (len(follows), m)
            _drop_follows(driver, settings)
        best = min((1, 2), key=lambda w: steps[f"online_{w}_in_flight"][1].wall)
        if args.whole:
            with console.status("wiping"):
                wipe(driver, settings)
            with console.status(f"online: the whole {args.preset} preset"), Meter(settings) as m:
                load(driver, settings, ((f.phase, f.rows()) for f in graph), secret, workers=best)
            steps["online_whole_preset"] = (rels, m)
    for name, (count, meter) in steps.items():
        result[f"{name}_rels_per_s"] = count / meter.wall
        result[f"{name}_rels_per_cpu_s"] = count / meter.cpu
    slow = result["row_at_a_time_rels_per_s"]
    today = result["todays_unwind_rels_per_s"]
    online = result[f"online_{best}_in_flight_rels_per_s"]
    result["follows_rows"] = len(follows)
    result["online_workers_chosen"] = best
    result["todays_unwind_vs_row_at_a_time"] = today / slow
    result["online_vs_todays_unwind"] = online / today
    result["online_vs_row_at_a_time"] = online / slow
    result["bulk_load_vs_row_at_a_time"] = result["bulk_load_rels_per_s"] / slow
    result["bulk_load_vs_online"] = result["bulk_load_rels_per_s"] / online
    result["bulk_load_rels_per_cpu_s"] = rels / (generate_cpu + bulk.csv.cpu_s + bulk.import_cpu_s)
    result["importer_alone_rels_per_cpu_s"] = rels / alone_cpu
    result["online_vs_todays_unwind_per_cpu_s"] = (
        result[f"online_{best}_in_flight_rels_per_cpu_s"] / result["todays_unwind_rels_per_cpu_s"]
    )
    result["load_average_1m"] = os.getloadavg()[0]
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
