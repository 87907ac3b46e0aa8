"""Seeding speed, every way in, on the same generated rows, in one run.

    python -m bench.seed_bench [--preset large] [--users N] [--baseline-rows 5000]
                               [--follow-rows 300000] [--whole] [--xl] [--skip-steps]

On its own stack instance (`GRAPHGRAM_BENCH_STACK_NAME`, `GRAPHGRAM_BENCH_PORT_OFFSET`; Neo4j
memory sized by ops.stack unless `GRAPHGRAM_BENCH_NEO4J_HEAP` / `_PAGECACHE` are set), it
measures, as relationships per second (wall) and per CPU-second (this process, its workers and
the Neo4j server, or the importer's JVM):

1. bulk end to end: generation + CSV (in one process per core), `neo4j-admin database import`,
   server start, indexes online (the CSV is kept for step 2);
2. the importer alone on that same CSV;
3. row at a time: one statement per FOLLOWS row (the first `--baseline-rows`);
4. today's UNWIND (before issue 13): map rows, 5,000 per transaction, one at a time, on the
   first `--follow-rows` FOLLOWS rows;
5. online options on the same FOLLOWS rows: the loader (list rows, 10,000 per transaction) with
   1 and with 2 transactions in flight; 50,000 rows per transaction; `CALL { } IN 2 CONCURRENT
   TRANSACTIONS`; both ends matched by element id from a map built once; and, as a ceiling, the
   same relationships without their properties (so without their four indexes) (`--whole`:
   then the loader on the whole preset).

`--xl` also times `graphgram seed --preset xl` from an empty store to an API answering with the
graph (wall time; `--skip-steps` for that alone). Figures go to bench/results/seed.json, with
the load average before, between and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
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
from seed.bulk import Spec, bulk_load, children_cpu, import_csv, import_heap
from seed.cli import END_MS, run_seed
from seed.generator import PRESETS, Frame, Row, frames, relationship_count, stream
from seed.loader import BATCH, DEMO_PASSWORD, load

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


def batches(driver: Driver, settings: Settings, name: str, rows: list[Row], size: int) -> None:
    """One managed transaction per `size` rows, one at a time."""
    for start in range(0, len(rows), size):
        driver.execute_query(
            query(name), {"rows": rows[start : start + size]}, database_=settings.neo4j_database
        )


def concurrent(driver: Driver, settings: Settings, rows: list[Row], size: int) -> None:
    """`CALL { } IN 2 CONCURRENT TRANSACTIONS` (needs auto-commit transactions)."""
    with driver.session(database=settings.neo4j_database) as session:
        for start in range(0, len(rows), size):
            rows_now = {"rows": rows[start : start + size]}
            session.run(query("seed/follows_concurrent"), rows_now).consume()


def by_element_id(driver: Driver, settings: Settings, rows: list[Row]) -> None:
    """Both ends matched by element id, from a map of every user built once (timed with it)."""
    records, _, _ = driver.execute_query(
        query("seed/user_element_ids"), database_=settings.neo4j_database
    )
    element = {r["id"]: r["element"] for r in records}
    keyed = [(a, b, i, t, element[a], element[b]) for a, b, i, t in rows]
    batches(driver, settings, "seed/follows_by_element_id", keyed, BATCH)


def _rows(graph: Iterable[Frame], phase: str, limit: int) -> list[Row]:
    rows: list[Row] = []
    for frame in graph:
        if frame.phase == phase:
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
    parser.add_argument("--skip-steps", action="store_true", help="only the xl run (with --xl)")
    args = parser.parse_args()

    settings = _settings()
    with console.status("starting the bench stack"):
        up(settings, with_api=False)
    secret = PasswordHasher().hash(DEMO_PASSWORD)
    preset = PRESETS[args.preset]
    result: dict[str, Any] = {"preset": args.preset, "users": args.users or preset.users}
    result["load_average_at_start"] = os.getloadavg()
    if not args.skip_steps:
        result.update(steps(settings, args, secret))
        write_result("seed", result)  # before the long xl run
    if args.xl:
        result["load_average_before_xl"] = os.getloadavg()
        result.update(xl_end_to_end(settings))
    result["load_average_at_end"] = os.getloadavg()
    report("seed", "seeding speed (same rows, same run)", result)


def steps(settings: Settings, args: argparse.Namespace, secret: str) -> dict[str, Any]:
    preset = PRESETS[args.preset]
    result: dict[str, Any] = {}
    service = Neo4jService(settings)
    spec = Spec(preset, seed=42, days=90, end_ms=END_MS, users=args.users)

    # 1-2. bulk end to end (generation included), then the importer alone on the same CSV.
    with console.status("bulk: generation + CSV, import, start, indexes"):
        bulk = bulk_load(settings, spec, secret, keep_csv=True)
    rels = relationship_count(bulk.csv.rows)
    result["relationships"] = rels
    result["bulk_generate_and_csv_s"] = bulk.csv.seconds
    result["bulk_generate_and_csv_cpu_s"] = bulk.csv.cpu_s
    result["bulk_import_s"] = bulk.import_s
    result["bulk_import_cpu_s"] = bulk.import_cpu_s
    result["bulk_start_s"] = bulk.start_s
    result["bulk_indexes_s"] = bulk.schema_s
    result["bulk_load_rels_per_s"] = rels / (bulk.csv.seconds + bulk.import_s)
    result["bulk_load_rels_per_cpu_s"] = rels / (bulk.csv.cpu_s + bulk.import_cpu_s)
    result["bulk_served_rels_per_s"] = rels / bulk.seconds
    result["store_gib"] = bulk.store_bytes / 1024**3
    result["neo4j_memory"] = bulk.memory
    result["load_average_after_bulk"] = os.getloadavg()
    with console.status("importer alone on the same CSV"):
        service.stop()
        cpu = children_cpu()
        alone = import_csv(service, bulk.csv.directory, settings.neo4j_database, heap=import_heap())
        alone_cpu = children_cpu() - cpu
    shutil.rmtree(bulk.csv.directory, ignore_errors=True)
    result["importer_alone_s"] = alone
    result["importer_alone_rels_per_s"] = rels / alone
    result["importer_alone_rels_per_cpu_s"] = rels / alone_cpu
    result["bulk_load_vs_importer_alone"] = result["bulk_load_rels_per_s"] / (rels / alone)
    write_result("seed", result)  # so far, in case a later step fails

    # 3-5. online paths, from a graph holding only the users (imported: quick to reset).
    with console.status("resetting to the users only"):
        bulk_load(settings, replace(spec, nodes_only=True), secret)
    follows = _rows(
        frames(preset, seed=42, days=90, end_ms=END_MS, users=args.users),
        "follows",
        args.follow_rows,
    )
    runs: dict[str, tuple[int, Callable[[Driver], Any]]] = {
        "row_at_a_time": (
            args.baseline_rows,
            lambda d: row_at_a_time(d, settings, follows[: args.baseline_rows]),
        ),
        "todays_unwind": (len(follows), lambda d: todays_unwind(d, settings, follows)),
        "online_1_in_flight": (
            len(follows),
            lambda d: load(d, settings, [("follows", follows)], secret, workers=1),
        ),
        "online_2_in_flight": (
            len(follows),
            lambda d: load(d, settings, [("follows", follows)], secret, workers=2),
        ),
        "online_50k_per_transaction": (
            len(follows),
            lambda d: batches(d, settings, "seed/follows", follows, 50_000),
        ),
        "online_concurrent_transactions": (
            len(follows),
            lambda d: concurrent(d, settings, follows, BATCH),
        ),
        "online_by_element_id": (len(follows), lambda d: by_element_id(d, settings, follows)),
        "ceiling_without_properties": (
            len(follows),
            lambda d: batches(d, settings, "seed/follows_bare", follows, BATCH),
        ),
    }
    meters: dict[str, tuple[int, Meter]] = {}
    with make_driver(settings) as driver:
        for name, (count, run) in runs.items():
            with console.status(f"{name}: {count:,} FOLLOWS"), Meter(settings) as m:
                run(driver)
            meters[name] = (count, m)
            _drop_follows(driver, settings)
        if args.whole:
            with console.status("wiping"):
                wipe(driver, settings)
            chunks = stream(preset, seed=42, days=90, end_ms=END_MS, users=args.users)
            with console.status(f"online: the whole {args.preset} preset"), Meter(settings) as m:
                load(driver, settings, chunks, secret)
            meters["online_whole_preset"] = (rels, m)
    for name, (count, meter) in meters.items():
        result[f"{name}_rels_per_s"] = count / meter.wall
        result[f"{name}_rels_per_cpu_s"] = count / meter.cpu
    slow = result["row_at_a_time_rels_per_s"]
    for name in [*meters, "bulk_load", "importer_alone"]:
        result[f"{name}_vs_row_at_a_time"] = result[f"{name}_rels_per_s"] / slow
    result["online_vs_todays_unwind"] = (
        result["online_1_in_flight_rels_per_s"] / result["todays_unwind_rels_per_s"]
    )
    result["follows_rows"] = len(follows)
    result["baseline_rows"] = min(args.baseline_rows, len(follows))
    result["load_average_after_online"] = os.getloadavg()
    return result


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
