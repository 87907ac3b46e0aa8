"""Whole-graph maintenance: wiping (tests, `graphgram seed --wipe`)."""

from __future__ import annotations

from neo4j import Driver

from cypher import query
from graphgram.settings import Settings


def wipe(driver: Driver, settings: Settings, batch: int = 10_000) -> int:
    """Delete every node and relationship in batches; returns how many nodes went."""
    total = 0
    while True:
        records, _, _ = driver.execute_query(
            query("admin/wipe_batch"), {"batch": batch}, database_=settings.neo4j_database
        )
        deleted = int(records[0]["deleted"])
        total += deleted
        if deleted == 0:
            return total
