"""The analysts' saved queries: expected rows on a hand-built graph, and read-only enforcement."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from neo4j import Driver
from typer.testing import CliRunner

from backends import Backends
from graph import analytics
from graphgram.settings import Settings
from tests.fixtures.factories import Factory

# a, b, c, d; d never posts. Mutual follows: a<->b, b<->c. c blocks d.
HAND_BUILT = """
CREATE (a:User {id: '01a', username: 'a', created_at: datetime('2026-01-01T00:00:00Z')}),
       (b:User {id: '01b', username: 'b', created_at: datetime('2026-01-02T00:00:00Z')}),
       (c:User {id: '01c', username: 'c', created_at: datetime('2026-01-03T00:00:00Z')}),
       (d:User {id: '01d', username: 'd', created_at: datetime('2026-01-04T00:00:00Z')}),
       (b)-[:FOLLOWS]->(a), (c)-[:FOLLOWS]->(a), (d)-[:FOLLOWS]->(a),
       (a)-[:FOLLOWS]->(b), (b)-[:FOLLOWS]->(c), (c)-[:FOLLOWS]->(b),
       (x:Hashtag {name: 'x'}), (y:Hashtag {name: 'y'}),
       (a)-[:POSTED]->(pa1:Post {id: 'pa1', created_at: datetime('2026-03-02T10:00:00Z')}),
       (a)-[:POSTED]->(pa2:Post {id: 'pa2', created_at: datetime('2026-03-10T10:00:00Z')}),
       (b)-[:POSTED]->(pb1:Post {id: 'pb1', created_at: datetime('2026-03-03T10:00:00Z')}),
       (pa1)-[:TAGGED]->(x), (pa1)-[:TAGGED]->(y), (pa2)-[:TAGGED]->(x), (pb1)-[:TAGGED]->(y),
       (b)-[:LIKES]->(pa1), (c)-[:LIKES]->(pa1), (c)-[:LIKES]->(pb1),
       (d)-[:WROTE]->(:Comment {id: 'c1', created_at: datetime('2026-03-02T11:00:00Z')})
         -[:ON]->(pa1),
       (c)-[:BLOCKS {since: datetime('2026-03-04T09:00:00Z')}]->(d)
"""

EXPECTED: dict[str, tuple[dict[str, Any], list[list[Any]]]] = {
    "top_influencers": ({}, [["a", 3, 2, 1], ["b", 2, 1, 0], ["c", 1, 0, 0], ["d", 0, 0, 0]]),
    # (likes + comments) / posts / followers: a = 3 / 2 / 3, b = 1 / 1 / 2
    "engagement_rate": ({}, [["a", 2, 3, 2, 1, 0.5], ["b", 1, 2, 1, 0, 0.5]]),
    "mutual_circles": ({}, [["b", 2, ["a", "c"], 0.0]]),
    "hashtag_trends": (
        {"since": "2026-03-01", "top": 1},
        [["2026-03-02", "y", 2], ["2026-03-09", "x", 1]],
    ),
    # likers b, c; their followers a, c, b; minus the author a
    "post_reach": ({"post_id": "pa1"}, [["pa1", "a", 2, 2]]),
    "never_posted": (
        {},
        [["c", 1, 2, "2026-01-03T00:00:00Z"], ["d", 0, 1, "2026-01-04T00:00:00Z"]],
    ),
    "block_churn": ({"since": "2026-03-01"}, [["2026-03-02", 1, 1, 1]]),
}


@pytest.fixture
def hand_built(neo4j_driver: Driver, settings: Settings) -> None:
    neo4j_driver.execute_query(HAND_BUILT, database_=settings.neo4j_database)


def sort_members(rows: list[list[Any]]) -> list[list[Any]]:
    return [[sorted(v) if isinstance(v, list) else v for v in row] for row in rows]


def test_every_saved_query_is_documented() -> None:
    saved = analytics.saved_queries()
    assert {q.name for q in saved} == set(EXPECTED)
    for q in saved:
        assert q.title, q.name


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_saved_query_returns_expected_rows(name: str, hand_built: None, app: FastAPI) -> None:
    params, rows = EXPECTED[name]
    state: Backends = app.state.backends
    result = await analytics.run_saved(state.graph, name, params)
    assert sort_members(result.rows) == rows
    assert result.truncated is False


async def test_a_write_is_refused_and_changes_nothing(
    app: FastAPI, neo4j_driver: Driver, settings: Settings
) -> None:
    state: Backends = app.state.backends
    with pytest.raises(analytics.NotReadOnly):
        await analytics.run_statement(state.graph, "CREATE (n:Intruder) RETURN n", {})
    with pytest.raises(analytics.NotReadOnly):
        await analytics.run_statement(state.graph, "MATCH (u:User) SET u.x = 1", {})
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (n:Intruder) RETURN count(n) AS n", database_=settings.neo4j_database
    )
    assert records[0]["n"] == 0


async def test_row_cap_truncates(app: FastAPI) -> None:
    state: Backends = app.state.backends
    result = await analytics.run_statement(
        state.graph, "UNWIND range(1, 50) AS i RETURN i", {}, row_cap=10
    )
    assert len(result.rows) == 10
    assert result.truncated is True


async def test_api_runs_saved_queries_for_analysts_only(
    client: httpx.AsyncClient, factory: Factory, hand_built: None
) -> None:
    ana = factory.user("ana", role="analyst")
    listed = await client.get("/analytics/queries", headers=ana["headers"])
    assert {q["name"] for q in listed.json()} == set(EXPECTED)
    ran = await client.post(
        "/analytics/queries/post_reach", json={"params": {"post_id": "pa1"}}, headers=ana["headers"]
    )
    assert ran.json() == {
        "columns": ["post_id", "author", "likers", "reach"],
        "rows": [["pa1", "a", 2, 2]],
        "truncated": False,
    }
    user = factory.user("plain")
    assert (await client.get("/analytics/queries", headers=user["headers"])).status_code == 403
    refused = await client.post(
        "/analytics/queries/top_influencers", json={}, headers=user["headers"]
    )
    assert refused.status_code == 403


async def test_api_rejects_bad_requests(client: httpx.AsyncClient, factory: Factory) -> None:
    ana = factory.user("ana", role="analyst")
    unknown = await client.post("/analytics/queries/drop_all", json={}, headers=ana["headers"])
    assert unknown.status_code == 404
    for params in ({"limit": "ten"}, {"limit": 1.5}, {"nope": 1}):
        bad = await client.post(
            "/analytics/queries/top_influencers", json={"params": params}, headers=ana["headers"]
        )
        assert bad.status_code == 422, params
        assert bad.json()["error"]["fields"][0]["field"] == "params"
    raw = await client.post(
        "/analytics/queries/top_influencers",
        json={"params": {}, "cypher": "MATCH (n) DETACH DELETE n"},
        headers=ana["headers"],
    )
    assert raw.status_code == 422  # arbitrary Cypher is not a field the API knows


def test_cli_runs_a_saved_query_as_csv(
    hand_built: None, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli.main import app as cli

    for key, value in {
        "GRAPHGRAM_NEO4J_URI": settings.neo4j_uri,
        "GRAPHGRAM_NEO4J_PASSWORD": settings.neo4j_password,
    }.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(
        cli, ["cypher", "run", "post_reach", "--param", "post_id=pa1", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["post_id,author,likers,reach", "pa1,a,2,2"]
