"""The online path: writes generated chunks to a running Neo4j with batched `UNWIND` statements.

Used when the database already has data, or is not the local stack (the bulk path needs to stop
the server). Three things make it faster than one batch after another:

- rows are lists, not maps (less to pack, send and unpack per row);
- several batches are in flight (`workers` sessions) while the generator keeps producing on
  the main thread;
- batches that run at the same time share neither start nor end nodes. Each phase's rows are
  bucketed by start node and by end node (`k` buckets each, `k` = workers) into a k×k grid and
  written in k rounds; round j runs cells (i, (i + j) mod k) side by side, which differ in
  both start and end bucket. When both ends have the same label (FOLLOWS, BLOCKS, REPLY_TO), a
  node can still be the start in one cell and the end in another of the same round, so those
  may wait on each other (a deadlock is retried by the driver).

One transaction in flight is the default: on 2 cores a second measured 1.41× on a quiet
machine and 0.95× on a loaded one (README, Seeding › Benchmark).
"""

from __future__ import annotations

import hashlib
import queue
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from neo4j import Driver, ManagedTransaction, RoutingControl

from cypher import query
from graphgram.settings import Settings
from seed.generator import PHASES, Chunk, Row

DEMO_PASSWORD = "graphgram-demo"
BATCH = 10_000
WORKERS = 1

# Phases whose rows must be committed before a phase's rows can find their nodes.
DEPENDS: dict[str, tuple[str, ...]] = {
    "blocks": ("users",),
    "follows": ("users",),
    "requests": ("users",),
    "posts": ("users",),
    "tags": ("posts", "hashtags"),
    "mentions": ("posts",),
    "likes": ("posts",),
    "comments": ("posts",),
    "replies": ("comments",),
}
# Which row fields are the nodes a phase's statement locks: (start, end), -1 for none.
LOCKED: dict[str, tuple[int, int]] = {
    "hashtags": (-1, -1),
    "users": (-1, -1),
    "blocks": (0, 1),
    "follows": (0, 1),
    "requests": (0, 1),
    "posts": (1, -1),
    "tags": (0, 1),
    "mentions": (0, 1),
    "likes": (0, 1),
    "comments": (1, 2),
    "replies": (0, 1),
}

Progress = Callable[[str, int, int], None]  # (phase, rows done, rows in phase; 0 if unknown)


@dataclass
class LoadReport:
    seconds: float
    relationships: int
    labels: dict[str, int]
    types: dict[str, int]
    method: str = "online"
    details: dict[str, float] = field(default_factory=dict)

    @property
    def relationships_per_second(self) -> float:
        return self.relationships / self.seconds if self.seconds else 0.0


class GraphNotEmpty(RuntimeError):
    pass


def user_count(driver: Driver, settings: Settings) -> int:
    records, _, _ = driver.execute_query(
        query("seed/count_users"), database_=settings.neo4j_database, routing_=RoutingControl.READ
    )
    return int(records[0]["users"])


def _write(driver: Driver, settings: Settings, name: str, params: dict[str, Any]) -> None:
    def work(tx: ManagedTransaction) -> None:
        tx.run(query(name), params).consume()

    with driver.session(database=settings.neo4j_database) as session:
        session.execute_write(work)


def _bucket(value: Any, k: int) -> int:
    return hash(value) % k


class _Writer:
    """Writes flushed phases in order on a background thread, k transactions at a time."""

    def __init__(
        self,
        driver: Driver,
        settings: Settings,
        extra: dict[str, dict[str, Any]],
        batch_size: int,
        workers: int,
        progress: Progress | None,
    ) -> None:
        self.driver, self.settings, self.extra = driver, settings, extra
        self.batch_size, self.k, self.progress = batch_size, max(1, workers), progress
        self.done: dict[str, int] = {}
        self.jobs: queue.Queue[tuple[str, list[Row]] | None] = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.pool = ThreadPoolExecutor(self.k, thread_name_prefix="seed-writer")
        self.thread = threading.Thread(target=self._run, name="seed-loader", daemon=True)
        self.thread.start()

    def put(self, phase: str, rows: list[Row]) -> None:
        if self.error:
            raise self.error
        self.jobs.put((phase, rows))

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join()
        self.pool.shutdown()
        if self.error:
            raise self.error

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            if self.error:
                continue  # drain, so the producer never blocks on a dead writer
            try:
                self._phase(*job)
            except BaseException as exc:  # noqa: BLE001 - re-raised on the producer's thread
                self.error = exc

    def _batches(self, phase: str, rows: list[Row]) -> None:
        params = dict(self.extra.get(phase, {}))
        for start in range(0, len(rows), self.batch_size):
            params["rows"] = rows[start : start + self.batch_size]
            _write(self.driver, self.settings, f"seed/{phase}", params)

    def _phase(self, phase: str, rows: list[Row]) -> None:
        first, second = LOCKED[phase]
        k = self.k
        if k == 1 or first < 0:
            parts = [rows[i::k] for i in range(k)] if first < 0 else [rows]
            list(self.pool.map(lambda part: self._batches(phase, part), parts))
        else:
            grid: list[list[list[Row]]] = [[[] for _ in range(k)] for _ in range(k)]
            for row in rows:
                end = _bucket(row[second], k) if second >= 0 else 0
                grid[_bucket(row[first], k)][end].append(row)
            for shift in range(k):
                cells = [grid[i][(i + shift) % k] for i in range(k)]
                list(self.pool.map(lambda cell: self._batches(phase, cell), cells))
        self.done[phase] = self.done.get(phase, 0) + len(rows)
        if self.progress:
            self.progress(phase, self.done[phase], 0)


def load(
    driver: Driver,
    settings: Settings,
    chunks: Iterable[Chunk],
    password_hash: str,
    *,
    progress: Progress | None = None,
    batch_size: int = BATCH,
    workers: int = WORKERS,
) -> dict[str, int]:
    """Write every chunk, nodes before the relationships that need them; returns rows per phase.

    The caller has checked that the graph is empty (or wiped it)."""
    extra = {"users": {"password_hash": password_hash}}
    writer = _Writer(driver, settings, extra, batch_size, workers, progress)
    # Rows wait per phase until there is a grid's worth; a phase is flushed only after what it
    # depends on, and the writer runs flushes in order, so a MATCH always finds its nodes.
    pending: dict[str, list[Row]] = {p: [] for p in PHASES}
    flush_at = batch_size * max(1, workers) ** 2
    rows_seen: dict[str, int] = {}

    def flush(phase: str) -> None:
        for before in DEPENDS.get(phase, ()):
            flush(before)
        if pending[phase]:
            writer.put(phase, pending[phase])
            pending[phase] = []

    try:
        for phase, rows in chunks:
            rows_seen[phase] = rows_seen.get(phase, 0) + len(rows)
            pending[phase].extend(rows)
            if len(pending[phase]) >= flush_at:
                flush(phase)
        for phase in PHASES:
            flush(phase)
    finally:
        writer.close()
    return rows_seen


def summary(driver: Driver, settings: Settings) -> tuple[dict[str, int], dict[str, int]]:
    db = settings.neo4j_database
    read = RoutingControl.READ
    labels, _, _ = driver.execute_query(query("seed/summary_labels"), database_=db, routing_=read)
    types, _, _ = driver.execute_query(query("seed/summary_types"), database_=db, routing_=read)
    return (
        {r["label"]: int(r["count"]) for r in labels},
        {r["type"]: int(r["count"]) for r in types},
    )


def fingerprint(driver: Driver, settings: Settings) -> str:
    """sha256 over a canonical listing of every node and relationship, with their properties
    (except the password hash, which is salted afresh on every run)."""
    records, _, _ = driver.execute_query(
        query("seed/fingerprint"), database_=settings.neo4j_database, routing_=RoutingControl.READ
    )
    digest = hashlib.sha256()
    for record in records:
        digest.update(record["item"].encode())
        digest.update(b"\n")
    return digest.hexdigest()


def timed(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started
