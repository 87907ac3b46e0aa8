"""A graph's fingerprint: what a backup promises a restore gives back.

Counts per label and per relationship type, and a sha256 over every node's key and every
relationship's (type, id, start, end), sorted, so two graphs with the same fingerprint hold the
same nodes and the same relationships between them (properties other than the ids are not
compared). Whole-graph scans: run on a copy or a stopped-then-started graph, not under traffic.
"""

from __future__ import annotations

import hashlib
from typing import Any

from neo4j import Driver, Query

from cypher import query
from graphgram.settings import Settings

# Whole-graph scans take longer than the server's default transaction timeout (60 s) on big
# graphs; a timeout given by the client overrides it for these statements only.
SCAN_TIMEOUT_S = 3600.0


def _scan(name: str) -> Query:
    return Query(query(name), timeout=SCAN_TIMEOUT_S)


def _hash(lines: list[str]) -> str:
    digest = hashlib.sha256()
    for line in sorted(lines):
        digest.update(line.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def fingerprint(driver: Driver, settings: Settings) -> dict[str, Any]:
    """`{labels: {label: n}, types: {type: n}, nodes_sha256, relationships_sha256}`."""
    db = settings.neo4j_database
    labels, _, _ = driver.execute_query(_scan("admin/fingerprint_labels"), database_=db)
    types, _, _ = driver.execute_query(_scan("admin/fingerprint_types"), database_=db)
    with driver.session(database=db) as session:
        nodes = [
            f"{r['label']}\t{r['key']}" for r in session.run(_scan("admin/fingerprint_node_ids"))
        ]
        rels = [
            f"{r['type']}\t{r['id']}\t{r['start']}\t{r['end']}"
            for r in session.run(_scan("admin/fingerprint_relationship_ids"))
        ]
    return {
        "labels": {r["label"]: int(r["count"]) for r in labels},
        "types": {r["type"]: int(r["count"]) for r in types},
        "nodes_sha256": _hash(nodes),
        "relationships_sha256": _hash(rels),
    }


def media_keys(driver: Driver, settings: Settings) -> set[str]:
    """Every object key a Media node points at."""
    records, _, _ = driver.execute_query(
        _scan("admin/media_keys"), database_=settings.neo4j_database
    )
    return {str(r["key"]) for r in records}
