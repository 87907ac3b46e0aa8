"""Writes a generated demo graph to Neo4j through batched `UNWIND` statements (cypher/seed/)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from neo4j import Driver, ManagedTransaction

from cypher import query
from graphgram.settings import Settings
from seed.generator import DemoGraph, Row, batches

DEMO_PASSWORD = "graphgram-demo"
BATCH = 5_000

# (phase name, DemoGraph attribute, cypher file)
PHASES: tuple[tuple[str, str, str], ...] = (
    ("users", "users", "seed/users"),
    ("blocks", "blocks", "seed/blocks"),
    ("follows", "follows", "seed/follows"),
    ("requests", "requests", "seed/requests"),
    ("posts", "posts", "seed/posts"),
    ("tags", "tags", "seed/tags"),
    ("mentions", "mentions", "seed/mentions"),
    ("likes", "likes", "seed/likes"),
    ("comments", "comments", "seed/comments"),
    ("replies", "replies", "seed/replies"),
)

Progress = Callable[[str, int, int], None]  # (phase, rows done, rows in phase)


@dataclass
class LoadReport:
    seconds: float
    relationships: int
    labels: dict[str, int]
    types: dict[str, int]

    @property
    def relationships_per_second(self) -> float:
        return self.relationships / self.seconds if self.seconds else 0.0


class GraphNotEmpty(RuntimeError):
    pass


def user_count(driver: Driver, settings: Settings) -> int:
    records, _, _ = driver.execute_query(
        query("seed/count_users"), database_=settings.neo4j_database
    )
    return int(records[0]["users"])


def _write(driver: Driver, settings: Settings, name: str, params: dict[str, Any]) -> None:
    def work(tx: ManagedTransaction) -> None:
        tx.run(query(name), params).consume()

    with driver.session(database=settings.neo4j_database) as session:
        session.execute_write(work)


def load(
    driver: Driver,
    settings: Settings,
    graph: DemoGraph,
    *,
    progress: Progress | None = None,
    batch_size: int = BATCH,
) -> LoadReport:
    """Write every phase in order; the caller has checked the graph is empty (or wiped it)."""
    started = time.perf_counter()
    password_hash = PasswordHasher().hash(DEMO_PASSWORD)  # once: every demo user shares it
    _write(driver, settings, "seed/hashtags", {"names": graph.hashtags})
    for phase, attribute, name in PHASES:
        rows: list[Row] = getattr(graph, attribute)
        done = 0
        if progress:
            progress(phase, 0, len(rows))
        for batch in batches(rows, batch_size):
            params: dict[str, Any] = {"rows": batch}
            if phase == "users":
                params["password_hash"] = password_hash
            _write(driver, settings, name, params)
            done += len(batch)
            if progress:
                progress(phase, done, len(rows))
    seconds = time.perf_counter() - started
    labels, types = summary(driver, settings)
    return LoadReport(seconds, graph.relationship_count(), labels, types)


def summary(driver: Driver, settings: Settings) -> tuple[dict[str, int], dict[str, int]]:
    db = settings.neo4j_database
    labels, _, _ = driver.execute_query(query("seed/summary_labels"), database_=db)
    types, _, _ = driver.execute_query(query("seed/summary_types"), database_=db)
    return (
        {r["label"]: int(r["count"]) for r in labels},
        {r["type"]: int(r["count"]) for r in types},
    )


def fingerprint(driver: Driver, settings: Settings) -> str:
    """sha256 over a canonical listing of every node and relationship."""
    records, _, _ = driver.execute_query(
        query("seed/fingerprint"), database_=settings.neo4j_database
    )
    digest = hashlib.sha256()
    for record in records:
        digest.update(record["item"].encode())
        digest.update(b"\n")
    return digest.hexdigest()
