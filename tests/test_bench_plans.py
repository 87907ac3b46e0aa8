"""bench/plans.py's PROFILE helper, on the test stack's Neo4j: what bench/read_plans.py and
bench/query_plans.py report for each version of a statement."""

from __future__ import annotations

from typing import Any

from neo4j import Driver, Record

from bench.plans import profile


def test_profile_counts_the_plans_db_hits_and_returns_the_rows(neo4j_driver: Driver) -> None:
    text = "UNWIND $xs AS x WITH x WHERE x > 1 RETURN x, [x, 0] AS pair ORDER BY x"
    run = profile(neo4j_driver, text, {"xs": [3, 1, 2]}, repeat=2)
    assert run.rows == [{"x": 2, "pair": [2, 0]}, {"x": 3, "pair": [3, 0]}]
    assert run.seconds > 0
    assert run.db_hits == 0  # nothing read from the store


def test_profile_reads_db_hits_from_the_plan_and_maps_rows(neo4j_driver: Driver) -> None:
    def sorted_values(record: Record) -> list[Any]:
        return [sorted(v) if isinstance(v, list) else v for v in record.values()]

    text = "MATCH (n) WITH count(n) AS n RETURN n, [2, 1] AS xs"
    run = profile(neo4j_driver, text, {}, repeat=1, warm=True, row=sorted_values)
    assert len(run.rows) == 1
    assert run.rows[0][1] == [1, 2]
    assert run.db_hits >= 1  # the count reads the store's node count
