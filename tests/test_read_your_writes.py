"""Read-your-writes across requests and API processes (graph/bookmarks.py).

A request that wrote keeps its bookmark for its user in Redis before its answer leaves; the same
user's next request, on any process, starts its Neo4j sessions from it. One Community server
applies every write at once, so the end-to-end test alone could pass without the bookmark: the
chain tests show the bookmark itself travelling from one process's chain to another's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from redis import Redis

from backends import open_backends
from graph.bookmarks import bookmark_key
from graph.driver import causal_chain, join_chain, keep_bookmarks
from graphgram.ids import new_id
from graphgram.settings import Settings
from tests.fixtures.api_server import uvicorn_process
from tests.fixtures.factories import Factory
from tests.helpers import auth


def _new_user(name: str) -> dict[str, str]:
    return {
        "id": new_id(),
        "username": name,
        "display_name": name,
        "password_hash": "x",
        "role": "user",
    }


async def test_a_users_write_bookmark_reaches_their_next_chain_in_another_process(
    settings: Settings, factory: Factory, redis_client: Redis
) -> None:
    ada = factory.user("ada")
    async with open_backends(settings) as one, open_backends(settings) as two:
        new_user = _new_user("written")
        with causal_chain() as first:
            join_chain(ada["id"], one.bookmarks)
            await one.graph.write("accounts/create_user", new_user)
            written = set(await first.get_bookmarks())
            await keep_bookmarks()
        assert written
        ttl = redis_client.ttl(bookmark_key(ada["id"]))
        assert 0 < ttl <= settings.neo4j_bookmark_ttl_s

        with causal_chain() as second:
            join_chain(ada["id"], two.bookmarks)
            assert written <= set(await second.get_bookmarks())
            row = await two.graph.read_one("accounts/get_me", {"viewer_id": new_user["id"]})
            assert row is not None


async def test_no_bookmark_for_another_user_or_an_anonymous_chain(
    settings: Settings, factory: Factory
) -> None:
    ada, bob = factory.user("ada"), factory.user("bob")
    async with open_backends(settings) as backends:
        with causal_chain() as first:
            join_chain(ada["id"], backends.bookmarks)
            await backends.graph.write("accounts/create_user", _new_user("written"))
            written = set(await first.get_bookmarks())
            await keep_bookmarks()
        with causal_chain() as bobs:
            join_chain(bob["id"], backends.bookmarks)
            assert not written & set(await bobs.get_bookmarks())
        with causal_chain() as anonymous:
            assert not written & set(await anonymous.get_bookmarks())


async def test_a_chain_that_only_read_keeps_no_bookmark(
    settings: Settings, factory: Factory, redis_client: Redis
) -> None:
    ada = factory.user("ada")
    async with open_backends(settings) as backends:
        with causal_chain():
            join_chain(ada["id"], backends.bookmarks)
            await backends.graph.read_one("accounts/get_me", {"viewer_id": ada["id"]})
            await keep_bookmarks()
    assert redis_client.get(bookmark_key(ada["id"])) is None


@pytest.fixture
def two_processes(settings: Settings, tmp_path: Path) -> Iterator[tuple[str, str]]:
    with (
        uvicorn_process(settings, tmp_path / "one.log") as one,
        uvicorn_process(settings, tmp_path / "two.log") as two,
    ):
        yield one, two


def test_a_post_written_through_one_process_is_read_through_another_at_once(
    two_processes: tuple[str, str], factory: Factory, redis_client: Redis
) -> None:
    one, two = two_processes
    ada = factory.user("ada")
    for i in range(5):
        created = httpx.post(
            f"{one}/posts", json={"caption": f"mine {i}"}, headers=auth(ada["token"])
        )
        assert created.status_code == 201, created.text
        post_id = created.json()["id"]
        # The write's bookmark was kept before the answer left the first process.
        assert redis_client.get(bookmark_key(ada["id"]))
        profile = httpx.get(f"{two}/users/ada/posts", headers=auth(ada["token"]))
        assert profile.status_code == 200
        assert profile.json()[0]["id"] == post_id
        feed = httpx.get(f"{two}/feed", headers=auth(ada["token"]))
        assert feed.status_code == 200
        assert feed.json()[0]["id"] == post_id
        shown = httpx.get(f"{two}/posts/{post_id}", headers=auth(ada["token"]))
        assert shown.status_code == 200
