"""Factories write what the API writes: a factory account looks exactly like a registered one."""

from __future__ import annotations

from typing import Any

import httpx
from neo4j import Driver

from graphgram.settings import Settings
from tests.fixtures.factories import Factory
from tests.helpers import PASSWORD, register


def shape(driver: Driver, settings: Settings, username: str) -> dict[str, Any]:
    """Property names and value types of a user, its sessions and its relationships."""
    records, _, _ = driver.execute_query(
        "MATCH (u:User {username: $username}) "
        "RETURN properties(u) AS user, "
        "COLLECT { MATCH (u)-[:HAS_SESSION]->(s:Session) RETURN properties(s) } AS sessions, "
        "COLLECT { MATCH (u)-[r]-() RETURN type(r) } AS rels",
        {"username": username},
        database_=settings.neo4j_database,
    )
    row = records[0]

    def types(props: dict[str, Any]) -> dict[str, str]:
        return {key: type(value).__name__ for key, value in props.items()}

    return {
        "user": types(row["user"]),
        "sessions": [types(s) for s in row["sessions"]],
        "rels": sorted(row["rels"]),
    }


async def test_factory_user_matches_a_registered_one(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    await register(client, "viahttp")
    made = factory.user("ViaFactory")
    assert made["username"] == "viafactory"
    registered = shape(neo4j_driver, settings, "viahttp")
    assert registered["sessions"]  # login opened one
    assert shape(neo4j_driver, settings, "viafactory") == registered


async def test_factory_user_logs_in_and_its_token_authenticates(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    made = factory.user("carol", display_name="Carol C", private=True)
    me = await client.get("/me", headers=made["headers"])
    assert me.status_code == 200
    assert me.json() | {"created_at": ""} == {
        "id": made["id"],
        "username": "carol",
        "display_name": "Carol C",
        "bio": "",
        "private": True,
        "role": "user",
        "created_at": "",
        # No pictures: the generated defaults.
        "avatar": {
            "url": "/avatars/default/carol.png",
            "urls": dict.fromkeys(("48", "150", "300"), "/avatars/default/carol.png"),
            "blurhash": None,
            "default": True,
        },
        "header": {
            "url": "/headers/default/carol.png",
            "urls": dict.fromkeys(("600", "1500"), "/headers/default/carol.png"),
            "blurhash": None,
            "default": True,
        },
    }
    login = await client.post("/auth/login", json={"username": "carol", "password": PASSWORD})
    assert login.status_code == 200


async def test_factory_graph_reads_back_through_the_api(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    factory.follow(bob, alice)
    made = factory.post(alice, "hello #graph @bob")
    factory.like(bob, made)
    first = factory.comment(bob, made, "hi")
    factory.comment(alice, made, "re", reply_to=first["id"])
    view = (await client.get(f"/posts/{made['id']}", headers=bob["headers"])).json()
    assert (view["hashtags"], view["mentions"]) == (["graph"], ["bob"])
    assert (view["like_count"], view["liked"], view["comment_count"]) == (1, True, 2)
    feed = (await client.get("/feed", headers=bob["headers"])).json()
    assert [p["id"] for p in feed] == [made["id"]]
    factory.block(alice, bob)
    assert (await client.get(f"/posts/{made['id']}", headers=bob["headers"])).status_code == 404
