"""The demo-graph generator: deterministic, and faithful to the model's rules."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from neo4j import Driver

from graphgram.settings import Settings
from seed.cli import run_seed
from seed.loader import DEMO_PASSWORD, GraphNotEmpty, fingerprint

pytestmark = pytest.mark.slow


def rows(driver: Driver, settings: Settings, query: str) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(query, database_=settings.neo4j_database)
    return [r.data() for r in records]


def test_tiny_preset_is_deterministic(neo4j_driver: Driver, settings: Settings) -> None:
    first = run_seed(settings, preset="tiny", seed=7, quiet=True)
    print_one = fingerprint(neo4j_driver, settings)
    run_seed(settings, preset="tiny", seed=7, wipe=True, quiet=True)
    assert fingerprint(neo4j_driver, settings) == print_one
    run_seed(settings, preset="tiny", seed=8, wipe=True, quiet=True)
    assert fingerprint(neo4j_driver, settings) != print_one
    assert first.labels["User"] == 50
    assert first.types["FOLLOWS"] > 50
    assert first.relationships == sum(first.types.values())


def test_seeding_refuses_a_non_empty_graph(neo4j_driver: Driver, settings: Settings) -> None:
    run_seed(settings, preset="tiny", seed=1, quiet=True)
    with pytest.raises(GraphNotEmpty, match="--wipe"):
        run_seed(settings, preset="tiny", seed=1, quiet=True)


def test_tiny_preset_respects_the_model(neo4j_driver: Driver, settings: Settings) -> None:
    run_seed(settings, preset="tiny", seed=3, quiet=True)
    checks = {
        "self follows": "MATCH (u:User)-[:FOLLOWS|REQUESTED]->(u) RETURN count(*) AS n",
        "follows across blocks": (
            "MATCH (a:User)-[:FOLLOWS|REQUESTED]-(b:User) WHERE EXISTS { (a)-[:BLOCKS]-(b) }"
            " RETURN count(*) AS n"
        ),
        "posts without exactly one author": (
            "MATCH (p:Post) WHERE COUNT { (p)<-[:POSTED]-(:User) } <> 1 RETURN count(p) AS n"
        ),
        "likes across blocks": (
            "MATCH (u:User)-[:LIKES]->(:Post)<-[:POSTED]-(a:User)"
            " WHERE EXISTS { (u)-[:BLOCKS]-(a) } RETURN count(*) AS n"
        ),
        "private posts liked by non-followers": (
            "MATCH (u:User)-[:LIKES]->(:Post)<-[:POSTED]-(a:User {private: true})"
            " WHERE u <> a AND NOT EXISTS { (u)-[:FOLLOWS]->(a) } RETURN count(*) AS n"
        ),
        "replies older than their parent": (
            "MATCH (c:Comment)-[:REPLY_TO]->(p:Comment) WHERE c.created_at < p.created_at"
            " RETURN count(*) AS n"
        ),
        "replies across posts": (
            "MATCH (c:Comment)-[:REPLY_TO]->(p:Comment), (c)-[:ON]->(x), (p)-[:ON]->(y)"
            " WHERE x <> y RETURN count(*) AS n"
        ),
        "ids out of time order": (
            "MATCH (u:User)-[:POSTED]->(p:Post) WHERE p.created_at < u.created_at"
            " RETURN count(*) AS n"
        ),
    }
    for name, query in checks.items():
        assert rows(neo4j_driver, settings, query)[0]["n"] == 0, name
    private = rows(neo4j_driver, settings, "MATCH (u:User {private: true}) RETURN count(u) AS n")
    assert private[0]["n"] >= 1


def test_follower_counts_are_heavy_tailed(neo4j_driver: Driver, settings: Settings) -> None:
    run_seed(settings, preset="tiny", users=400, seed=5, quiet=True)
    counts = sorted(
        (
            r["n"]
            for r in rows(
                neo4j_driver,
                settings,
                "MATCH (u:User) RETURN COUNT { (u)<-[:FOLLOWS]-() } AS n",
            )
        ),
        reverse=True,
    )
    top_share = sum(counts[: len(counts) // 20]) / sum(counts)  # top 5% of accounts
    assert top_share > 0.25, top_share
    assert counts[0] > 10 * max(1, counts[len(counts) // 2])  # the top dwarfs the median


async def test_demo_accounts_can_log_in_and_see_a_living_feed(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    run_seed(settings, preset="tiny", seed=11, quiet=True)
    login = await client.post("/auth/login", json={"username": "alice", "password": DEMO_PASSWORD})
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert (await client.get("/feed", headers=headers)).json()
    me = await client.post("/auth/login", json={"username": "ana", "password": DEMO_PASSWORD})
    profile = await client.get(
        "/me", headers={"Authorization": f"Bearer {me.json()['access_token']}"}
    )
    assert profile.json()["role"] == "analyst"


async def test_with_media_uploads_real_pictures_onto_posts(
    client: httpx.AsyncClient, settings: Settings, neo4j_driver: Driver
) -> None:
    import asyncio

    await asyncio.to_thread(run_seed, settings, preset="tiny", seed=11, quiet=True, with_media=3)
    attached = rows(
        neo4j_driver,
        settings,
        "MATCH (u:User)-[:POSTED]->(p:Post)-[:HAS_MEDIA]->(m:Media {status: 'ready'})"
        " WHERE (u)-[:OWNS]->(m) RETURN count(DISTINCT p) AS posts, count(m) AS media",
    )[0]
    assert attached["posts"] == 3
    assert attached["media"] >= 3
    post_id = rows(
        neo4j_driver, settings, "MATCH (p:Post)-[:HAS_MEDIA]->() RETURN p.id AS id LIMIT 1"
    )[0]["id"]
    login = await client.post("/auth/login", json={"username": "alice", "password": DEMO_PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    shown = (await client.get(f"/posts/{post_id}", headers=headers)).json()
    picture = httpx.get(shown["media"][0]["url"])
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/webp"
