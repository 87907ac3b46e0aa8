"""Applies `cypher/schema/*.cypher` (constraints, indexes) idempotently, waits for indexes, and
runs the data migrations that fill properties those indexes need."""

from __future__ import annotations

from cypher import names, query, statements
from graph.driver import make_driver
from graphgram.settings import Settings


def apply_schema(settings: Settings) -> int:
    """Run every schema statement (all use IF NOT EXISTS); returns how many ran."""
    count = 0
    with make_driver(settings) as driver:
        for name in names("schema/"):
            for statement in statements(name):
                driver.execute_query(statement, database_=settings.neo4j_database)
                count += 1
        driver.execute_query(
            query("admin/await_indexes"), {"seconds": 60}, database_=settings.neo4j_database
        )
        # Data migrations batch with CALL { } IN TRANSACTIONS, which needs auto-commit sessions.
        with driver.session(database=settings.neo4j_database) as session:
            for name in ("admin/backfill_endpoints", "admin/backfill_notifications"):
                for statement in statements(name):
                    session.run(statement).consume()
    return count
