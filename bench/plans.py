"""PROFILE of a Cypher statement's text, best of a few runs: its database hits, its best time and
the rows it returned (bench/read_plans.py, bench/query_plans.py compare versions of a statement)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import Driver, Record


@dataclass
class Profiled:
    seconds: float  # the best run's
    db_hits: int  # the whole plan's, children included
    rows: list[Any]


def db_hits(plan: Any) -> int:
    return int(plan.get("dbHits", 0)) + sum(db_hits(child) for child in plan.get("children", []))


def as_dict(record: Record) -> Any:
    return record.data()


def profile(
    driver: Driver,
    text: str,
    params: dict[str, Any],
    repeat: int,
    *,
    warm: bool = False,
    row: Callable[[Record], Any] = as_dict,
) -> Profiled:
    """Run `PROFILE text` `repeat` times in read transactions (with `warm`, once more first, not
    timed: the plan cache and the page cache warmed); each row of the last run through `row`."""
    # A catalog statement (or its text at an older commit), never input.
    statement: LiteralString = "PROFILE " + text
    best, hits, rows = float("inf"), 0, []
    for i in range(repeat + 1 if warm else repeat):
        started = time.perf_counter()
        records, summary, _ = driver.execute_query(statement, params, routing_="r")
        took = time.perf_counter() - started
        if i or not warm:
            best = min(best, took)
        hits = db_hits(summary.profile or {})
        rows = [row(r) for r in records]
    return Profiled(best, hits, rows)
