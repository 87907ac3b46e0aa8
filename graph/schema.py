"""Applies `cypher/schema/*.cypher` (constraints, indexes) idempotently, waits for indexes, and
runs the data migrations that fill properties those indexes need."""

from __future__ import annotations

import logging

from neo4j import Driver, Query
from neo4j.exceptions import ClientError

from cypher import names, query, statements
from graph.driver import make_driver
from graphgram.settings import Settings

log = logging.getLogger(__name__)

LONG_S = 3600.0
TIMED_OUT = "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"
# Each fills properties that graphs written before them lack; on a graph that has them, a scan.
MIGRATIONS = (
    "admin/backfill_endpoints",
    "admin/backfill_notifications",
    "admin/backfill_tag_counts",
    "admin/backfill_audience_counts",
)


def apply_schema(settings: Settings) -> int:
    """Run every schema statement (all use IF NOT EXISTS); returns how many ran."""
    count = 0
    with make_driver(settings) as driver:
        for name in names("schema/"):
            for statement in statements(name):
                driver.execute_query(statement, database_=settings.neo4j_database)
                count += 1
        # Index population and data migrations on a big graph outlast the server's default
        # transaction timeout (neo4j.conf), so these carry their own. Migrations batch with
        # CALL { } IN TRANSACTIONS, which needs auto-commit transactions (session.run).
        with driver.session(database=settings.neo4j_database) as session:
            wait = Query(query("admin/await_indexes"), timeout=LONG_S)
            session.run(wait, {"seconds": int(LONG_S)}).consume()
        _migrate(driver, settings)
    return count


# What a bulk import's CSV does not carry: the kept per-tag and per-author counts of hashtags.
DERIVED = ("admin/backfill_tag_counts",)


def migrate(settings: Settings, names: tuple[str, ...] = MIGRATIONS) -> None:
    """Run the data migrations alone (after a seed, once the indexes are online); `names`: only
    these (the bulk path's CSV carries what the others fill in)."""
    with make_driver(settings) as driver:
        _migrate(driver, settings, names)


# How often a migration statement is run again after an inner transaction of its batches timed
# out (`db.transaction.timeout` bounds each inner transaction of CALL { } IN TRANSACTIONS, not the
# client's timeout; a batch on a hot hashtag of a big graph on a loaded machine can pass it).
# Every migration skips what it already filled, so a rerun carries on from the batches that
# committed.
RERUNS = 5


def _migrate(driver: Driver, settings: Settings, names: tuple[str, ...] = MIGRATIONS) -> None:
    with driver.session(database=settings.neo4j_database) as session:
        for name in names:
            for statement in statements(name):
                for attempt in range(RERUNS + 1):
                    try:
                        session.run(Query(statement, timeout=LONG_S)).consume()
                        break
                    except ClientError as exc:
                        timed_out = exc.code == TIMED_OUT
                        if not timed_out or attempt == RERUNS:
                            raise
                        log.warning("%s: a batch timed out; running it again (%s)", name, exc)
