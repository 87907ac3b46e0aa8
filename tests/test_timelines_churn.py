"""The Redis-backed home feed equals the pure Cypher feed, page by page, under random churn.

Random sequences of follow, unfollow, block, unblock, post, delete, like, privacy switches and
accepted requests over four users, with a tiny policy (timelines capped at 3, celebrities above
one follower) so that trimming, deep pages from the graph and celebrity merges all happen.
Every feed read in the sequence must already match the graph (removals are immediate, new posts
are merged while in flight); after the worker drains, every user's feed is compared page by
page, newest first, and from `since_id` and `min_id`. Half the runs flush Redis mid-sequence.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from neo4j import Driver
from redis import Redis

from api.app import create_app
from api.auth.security import hash_password, new_token, session_id
from api.posts.views import post_view
from backends import Backends
from graph import accounts
from graph import feed as feed_graph
from graph import posts as posts_graph
from graph.admin import wipe
from graphgram.ids import new_id
from graphgram.settings import Settings
from tests.helpers import auth
from timelines import fanout

pytestmark = pytest.mark.slow

USERS = 4
NAMES = [f"user{i}" for i in range(USERS)]
user = st.integers(0, USERS - 1)
ops = st.lists(
    st.one_of(
        st.tuples(st.just("follow"), user, user),
        st.tuples(st.just("unfollow"), user, user),
        st.tuples(st.just("block"), user, user),
        st.tuples(st.just("unblock"), user, user),
        st.tuples(st.just("post"), user),
        st.tuples(st.just("post"), user),
        st.tuples(st.just("delete"), user, st.integers(0, 20)),
        st.tuples(st.just("like"), user, st.integers(0, 20)),
        st.tuples(st.just("private"), user, st.booleans()),
        st.tuples(st.just("accept"), user, user),
        st.tuples(st.just("read"), user),
    ),
    min_size=4,
    max_size=28,
)


@pytest.fixture
async def churn_app(settings: Settings) -> AsyncIterator[FastAPI]:
    policy = settings.model_copy(
        update={
            "timeline_namespace": "tlc",
            "timeline_cap": 3,
            "timeline_celebrity_followers": 1,
            "media_worker": False,
        }
    )
    application = create_app(policy)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="module")
def password_digest() -> str:
    import asyncio

    return asyncio.run(hash_password("correct-horse-1", Settings(environment="test")))


class World:
    def __init__(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        self.app = app
        self.client = client
        self.backends: Backends = app.state.backends
        self.users: list[dict[str, Any]] = []
        self.posts: list[tuple[int, str]] = []  # (author, post id), oldest first

    async def create_users(self, digest: str) -> None:
        graph = self.backends.graph
        for name in NAMES:
            row = await accounts.create_user(
                graph, id=new_id(), username=name, display_name=name, password_hash=digest,
                role="user",
            )  # fmt: skip
            token = new_token()
            await accounts.create_session(graph, row["id"], session_id(token), 3600)
            self.users.append({**row, "headers": auth(token)})

    async def call(self, method: str, path: str, who: int, **kwargs: Any) -> httpx.Response:
        response = await self.client.request(
            method, path, headers=self.users[who]["headers"], **kwargs
        )
        assert response.status_code < 500, response.text
        return response

    async def apply(self, op: tuple[Any, ...]) -> None:
        kind, who = op[0], op[1]
        name = NAMES[op[2]] if kind in {"follow", "unfollow", "block", "unblock", "accept"} else ""
        if kind == "follow":
            await self.call("POST", f"/users/{name}/follow", who)
        elif kind == "unfollow":
            await self.call("DELETE", f"/users/{name}/follow", who)
        elif kind == "block":
            await self.call("POST", f"/users/{name}/block", who)
        elif kind == "unblock":
            await self.call("DELETE", f"/users/{name}/block", who)
        elif kind == "accept":
            await self.call("POST", f"/me/follow-requests/{name}/accept", who)
        elif kind == "post":
            created = await self.call("POST", "/posts", who, json={"caption": f"by {who}"})
            self.posts.append((who, created.json()["id"]))
        elif kind == "delete":
            own = [p for a, p in self.posts if a == who]
            if own:
                target = own[op[2] % len(own)]
                await self.call("DELETE", f"/posts/{target}", who)
                self.posts = [(a, p) for a, p in self.posts if p != target]
        elif kind == "like":
            if self.posts:
                await self.call(
                    "POST", f"/posts/{self.posts[op[2] % len(self.posts)][1]}/like", who
                )
        elif kind == "private":
            await self.call("PATCH", "/me", who, json={"private": op[2]})
        elif kind == "read":
            await self.compare(who, limit=20)

    async def redis_page(self, who: int, **params: Any) -> list[dict[str, Any]]:
        response = await self.call("GET", "/feed", who, params=params)
        body: list[dict[str, Any]] = response.json()
        return body

    async def cypher_page(self, who: int, limit: int, **cursors: str) -> list[dict[str, Any]]:
        """The pure Cypher feed: the fan-in ids, hydrated, as the API used to serve them."""
        params = {"limit": limit, "max_id": None, "since_id": None, "min_id": None, **cursors}
        viewer = self.users[who]["id"]
        ids = await feed_graph.home_post_ids(self.backends.graph, viewer, params)
        rows = await posts_graph.hydrate(self.backends.graph, viewer, ids)
        views = [post_view(self.backends.settings, row).model_dump(mode="json") for row in rows]
        return views[::-1] if "min_id" in cursors and cursors["min_id"] else views

    async def compare(self, who: int, limit: int) -> None:
        cursor: dict[str, str] = {}
        pages = 0
        while True:
            got = await self.redis_page(who, limit=limit, **cursor)
            want = await self.cypher_page(who, limit, **cursor)
            assert got == want, (NAMES[who], cursor)
            if not want:
                break
            pages += 1
            cursor = {"max_id": want[-1]["id"]}
        everything = await self.cypher_page(who, 100)
        if len(everything) > 2:
            middle = everything[len(everything) // 2]["id"]
            for key in ("since_id", "min_id"):
                got = await self.redis_page(who, limit=2, **{key: middle})
                assert got == await self.cypher_page(who, 2, **{key: middle}), (NAMES[who], key)


@pytest.mark.parametrize("flush", [False, True], ids=["redis-kept", "redis-flushed"])
@hypothesis_settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=ops)
async def test_redis_feed_equals_cypher_feed_under_churn(
    flush: bool,
    sequence: list[tuple[Any, ...]],
    churn_app: FastAPI,
    neo4j_driver: Driver,
    redis_client: Redis,
    settings: Settings,
    password_digest: str,
) -> None:
    wipe(neo4j_driver, settings)
    redis_client.flushdb()
    transport = httpx.ASGITransport(app=churn_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        world = World(churn_app, client)
        await world.create_users(password_digest)
        for who in range(USERS):  # start connected: everyone follows everyone, a post each
            for other in range(USERS):
                if other != who:
                    await world.apply(("follow", who, other))
            await world.apply(("post", who))
        for who in range(USERS):  # every user active: timelines exist and get fan-out
            await world.compare(who, limit=20)
        for step, op in enumerate(sequence):
            if flush and step == len(sequence) // 2:
                redis_client.flushdb()
            await world.apply(op)
        await fanout.wait_drained(world.backends, timeout_s=20)
        for who in range(USERS):
            await world.compare(who, limit=3)
