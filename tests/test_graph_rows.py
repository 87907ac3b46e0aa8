"""`graph.driver.as_row` gives exactly what `record.data()` gives, for every kind of value a
statement can return (it skips the driver's deep copy only where nothing needs converting)."""

from __future__ import annotations

from neo4j import Driver

from graph.driver import as_row
from graphgram.settings import Settings

VALUES = """
CREATE (a:RowProbe {name: 'a', tags: ['x', 'y'], at: datetime('2026-01-02T03:04:05Z')})
CREATE (b:RowProbe {name: 'b'})
CREATE (a)-[r:PROBES {weight: 0.5}]->(b)
WITH a, b, r
MATCH p = (a)-[:PROBES]->(b)
RETURN 1 AS int, 1.5 AS float, 'text' AS text, true AS bool, null AS nothing, [] AS empty,
       {} AS empty_map, [1, 'two', [3.0, null]] AS nested_list,
       {k: {deep: [1, {deeper: 'x'}]}, none: null} AS nested_map,
       a AS node, r AS relationship, p AS path,
       [a, b] AS nodes, {who: a, list: [{rel: r}]} AS node_in_map,
       datetime('2026-01-02T03:04:05Z') AS datetime, date('2026-01-02') AS date,
       duration({days: 2}) AS duration, point({x: 1.0, y: 2.0}) AS point,
       [datetime('2026-01-02T03:04:05Z')] AS temporal_in_list
"""


def test_as_row_is_record_data(neo4j_driver: Driver, settings: Settings) -> None:
    with neo4j_driver.session(database=settings.neo4j_database) as session:
        records = list(session.run(VALUES))
        session.run("MATCH (n:RowProbe) DETACH DELETE n").consume()
    [record] = records
    expected = record.data()
    row = as_row(record)
    assert row == expected
    assert list(row) == list(expected)
    for key, value in expected.items():
        assert type(row[key]) is type(value), key
    assert row["node"] == {"name": "a", "tags": ["x", "y"], "at": expected["node"]["at"]}
    assert row["relationship"][1] == "PROBES"
    assert row["nested_map"] == {"k": {"deep": [1, {"deeper": "x"}]}, "none": None}
