"""Whole-graph maintenance: wiping (tests, `graphgram seed --wipe`)."""

from __future__ import annotations

from neo4j import Driver

from cypher import query
from graphgram.settings import Settings


def _drain(driver: Driver, settings: Settings, name: str, batch: int) -> int:
    total = 0
    while True:
        records, _, _ = driver.execute_query(
            query(name), {"batch": batch}, database_=settings.neo4j_database
        )
        deleted = int(records[0]["deleted"])
        total += deleted
        if deleted < batch:  # a short batch was the last: no query to find nothing is left
            return total


def wipe(driver: Driver, settings: Settings, batch: int = 10_000) -> int:
    """Delete every relationship, then every node, in bounded batches; returns nodes deleted."""
    _drain(driver, settings, "admin/wipe_relationships_batch", batch)
    return _drain(driver, settings, "admin/wipe_batch", batch)
