"""Home timelines in Redis: fan-out on write, merge on read for celebrities, rebuilds, churn.

Each test runs its own app with a small policy (cap 5, celebrities above 2 followers) under its
own Redis namespace, so the session app's worker never touches its stream.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import TypeAdapter
from redis.asyncio.cluster import RedisCluster

from api.app import create_app
from api.auth.deps import cache_key
from api.auth.security import session_id
from api.posts.schemas import Post
from backends import Backends
from backends.batching import Command, MultiGet
from graphgram.metrics import REGISTRY
from graphgram.settings import Settings
from tests.fixtures import media_files
from tests.fixtures.feeds import cypher_feed
from tests.helpers import block, follow, ids, post, register
from timelines import fanout, fastpage, store, views
from timelines import feed as timelines_feed
from timelines.store import GROUP, Keys
from wire import sessions

NS = "tlx"
NS_KEYS = Keys(NS)


def policy(settings: Settings, **changes: Any) -> Settings:
    base: dict[str, Any] = {
        "timeline_namespace": NS,
        "timeline_cap": 5,
        "timeline_celebrity_followers": 2,
        "timeline_claim_idle_s": 0.2,
        "media_worker": False,
    }
    return settings.model_copy(update={**base, **changes})


@pytest.fixture
async def tl_app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(policy(settings))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def tl(tl_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=tl_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def backends_of(app: FastAPI) -> Backends:
    found: Backends = app.state.backends
    return found


async def feed(client: httpx.AsyncClient, user: dict[str, Any], **params: Any) -> list[str]:
    response = await client.get("/feed", params=params, headers=user["headers"])
    assert response.status_code == 200, response.text
    return ids(response.json())


async def drain(app: FastAPI) -> None:
    await fanout.wait_drained(backends_of(app), timeout_s=20)


async def members(app: FastAPI, key: str) -> list[str]:
    found = await backends_of(app).redis.zrange(key, 0, -1)
    return [str(m) for m in found]


async def test_fan_out_reaches_active_followers_only(
    tl: httpx.AsyncClient, tl_app: FastAPI
) -> None:
    keys = Keys(NS)
    bob, ann, cid = [await register(tl, n) for n in ("bob", "ann", "cid")]
    await follow(tl, ann, bob)
    await follow(tl, cid, bob)
    assert await feed(tl, ann) == []  # ann is active: her timeline now exists; cid never reads
    new = await post(tl, bob, "hello")
    await drain(tl_app)
    assert new["id"] in await members(tl_app, keys.home(ann["id"]))
    assert not await backends_of(tl_app).redis.exists(keys.home(cid["id"]))
    assert await feed(tl, cid) == [new["id"]]  # rebuilt from the graph on return
    assert new["id"] in await members(tl_app, keys.home(cid["id"]))


async def test_celebrity_posts_are_merged_at_read_time(
    tl: httpx.AsyncClient, tl_app: FastAPI
) -> None:
    keys = Keys(NS)
    star = await register(tl, "star")
    fans = [await register(tl, f"fan{i}") for i in range(3)]
    for fan in fans:
        await follow(tl, fan, star)
        await feed(tl, fan)
    first = await post(tl, star, "above the threshold")
    await drain(tl_app)
    redis = backends_of(tl_app).redis
    assert await redis.sismember(keys.celebrities, star["id"])
    for fan in fans:
        assert first["id"] not in await members(tl_app, keys.home(fan["id"]))
        assert await redis.sismember(keys.celebs(fan["id"]), star["id"])
        assert await feed(tl, fan) == [first["id"]]
    second = await post(tl, star, "merged, never pushed")
    await drain(tl_app)
    assert second["id"] not in await members(tl_app, keys.home(fans[0]["id"]))
    assert await feed(tl, fans[0]) == [second["id"], first["id"]]
    await tl.delete(f"/users/{star['username']}/follow", headers=fans[0]["headers"])
    assert await feed(tl, fans[0]) == []


@pytest.fixture
async def quiet_app(settings: Settings) -> AsyncIterator[FastAPI]:
    """An app whose fan-out worker is not running: tests start one when they want it."""
    application = create_app(policy(settings, timeline_worker=False))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def quiet(quiet_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=quiet_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def run_worker(app: FastAPI) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(fanout.worker(backends_of(app), stop=stop, block_ms=100))
    try:
        yield
    finally:
        stop.set()
        await task


async def test_a_new_post_is_in_followers_feeds_before_its_fan_out(
    quiet: httpx.AsyncClient, quiet_app: FastAPI
) -> None:
    keys = Keys(NS)
    bob, ann, cid = [await register(quiet, n) for n in ("bob", "ann", "cid")]
    await follow(quiet, ann, bob)
    await feed(quiet, ann)
    await feed(quiet, cid)
    new = await post(quiet, bob, "in flight")
    assert await fanout.backlog(backends_of(quiet_app)) == 1  # nobody fanned it out
    assert new["id"] not in await members(quiet_app, keys.home(ann["id"]))
    assert await feed(quiet, ann) == [new["id"]]  # merged from the in-flight set
    assert await feed(quiet, cid) == []  # in flight too, but cid does not follow bob
    async for _ in run_worker(quiet_app):
        await drain(quiet_app)
    assert new["id"] in await members(quiet_app, keys.home(ann["id"]))
    assert await backends_of(quiet_app).redis.zscore(keys.inflight, new["id"]) is None
    assert await feed(quiet, ann) == [new["id"]]


async def test_a_crashed_fan_out_is_claimed_by_another_worker(
    quiet: httpx.AsyncClient, quiet_app: FastAPI
) -> None:
    keys = Keys(NS)
    backends = backends_of(quiet_app)
    redis = backends.redis
    bob, ann = await register(quiet, "bob"), await register(quiet, "ann")
    await follow(quiet, ann, bob)
    await feed(quiet, ann)
    await fanout.ensure_group(backends)
    new = await post(quiet, bob, "the worker dies on this one")
    # A worker reads the entry (from bob's shard) and dies before acknowledging it: it stays
    # pending.
    stream = keys.stream(fanout.shard_of(bob["id"], backends.settings.timeline_fanout_shards))
    taken: Any = await redis.xreadgroup(GROUP, "dead", {stream: ">"}, count=10)
    assert len(taken[0][1]) == 1
    assert (await redis.xpending(stream, GROUP))["pending"] == 1
    async for _ in run_worker(quiet_app):  # claims entries idle for timeline_claim_idle_s
        await drain(quiet_app)
    assert new["id"] in await members(quiet_app, keys.home(ann["id"]))
    assert (await redis.xpending(stream, GROUP))["pending"] == 0


async def test_losing_redis_costs_speed_not_posts(tl: httpx.AsyncClient, tl_app: FastAPI) -> None:
    bob, ann = await register(tl, "bob"), await register(tl, "ann")
    await follow(tl, ann, bob)
    made = [(await post(tl, bob, f"p{i}"))["id"] for i in range(7)]
    before = await feed(tl, ann, limit=4)
    await backends_of(tl_app).redis.flushdb()
    assert await feed(tl, ann, limit=4) == before == made[::-1][:4]
    more = await post(tl, bob, "after the flush")
    await drain(tl_app)
    assert await feed(tl, ann, limit=2) == [more["id"], made[-1]]


async def test_pages_below_the_cap_come_from_the_graph(
    tl: httpx.AsyncClient, tl_app: FastAPI
) -> None:
    bob, ann = await register(tl, "bob"), await register(tl, "ann")
    await follow(tl, ann, bob)
    await feed(tl, ann)
    made = [(await post(tl, bob, f"p{i}"))["id"] for i in range(12)]
    await drain(tl_app)
    assert len(await members(tl_app, Keys(NS).home(ann["id"]))) == 6  # sentinel + cap of 5
    seen: list[str] = []
    cursor: dict[str, str] = {}
    while page := await feed(tl, ann, limit=4, **cursor):
        seen += page
        cursor = {"max_id": page[-1]}
    assert seen == made[::-1]
    assert await feed(tl, ann, min_id=made[1], limit=3) == made[2:5][::-1]
    assert await feed(tl, ann, since_id=made[5], max_id=made[9]) == made[6:9][::-1]


async def test_churn_removes_at_once(tl: httpx.AsyncClient, tl_app: FastAPI) -> None:
    bob, ann, cid = [await register(tl, n) for n in ("bob", "ann", "cid")]
    await follow(tl, ann, bob)
    await follow(tl, ann, cid)
    await follow(tl, bob, ann)
    await feed(tl, ann)
    await feed(tl, bob)
    b1, c1 = await post(tl, bob, "b1"), await post(tl, cid, "c1")
    a1 = await post(tl, ann, "a1")
    await drain(tl_app)
    assert await feed(tl, ann) == [a1["id"], c1["id"], b1["id"]]
    await block(tl, bob, ann)  # bob blocks ann: each leaves the other's feed
    assert await feed(tl, ann) == [a1["id"], c1["id"]]
    assert await feed(tl, bob) == [b1["id"]]
    await tl.delete(f"/posts/{c1['id']}", headers=cid["headers"])
    assert await feed(tl, ann) == [a1["id"]]
    await tl.delete("/me", headers=ann["headers"])
    assert await feed(tl, bob) == [b1["id"]]
    await follow(tl, cid, bob)
    assert await feed(tl, cid) == [b1["id"]]


async def test_post_views_follow_likes_comments_and_renames(
    tl: httpx.AsyncClient, tl_app: FastAPI
) -> None:
    bob, ann = await register(tl, "bob"), await register(tl, "ann")
    await follow(tl, ann, bob)
    new = await post(tl, bob, "count me")

    async def shown() -> dict[str, Any]:
        response = await tl.get("/feed", headers=ann["headers"])
        body: list[dict[str, Any]] = response.json()
        return body[0]

    assert (await shown())["like_count"] == 0
    await tl.post(f"/posts/{new['id']}/like", headers=ann["headers"])
    first = await shown()
    assert (first["like_count"], first["liked"]) == (1, True)
    comment = await tl.post(
        f"/posts/{new['id']}/comments", json={"text": "hi"}, headers=ann["headers"]
    )
    assert (await shown())["comment_count"] == 1
    await tl.delete(f"/comments/{comment.json()['id']}", headers=ann["headers"])
    assert (await shown())["comment_count"] == 0
    await tl.delete(f"/posts/{new['id']}/like", headers=ann["headers"])
    after = await shown()
    assert (after["like_count"], after["liked"]) == (0, False)
    await tl.patch("/me", json={"display_name": "Robert"}, headers=bob["headers"])
    assert (await shown())["author"]["display_name"] == "Robert"


async def test_fan_out_lag_is_a_metric(tl: httpx.AsyncClient, tl_app: FastAPI) -> None:
    def observed() -> float:
        value = REGISTRY.get_sample_value("graphgram_timeline_fanout_lag_seconds_count")
        return value or 0.0

    before = observed()
    bob = await register(tl, "bob")
    await post(tl, bob, "timed")
    await drain(tl_app)
    await asyncio.sleep(0)
    assert observed() == before + 1
    text = (await tl.get("/metrics")).text
    assert "graphgram_timeline_fanout_lag_seconds_bucket" in text


def fast_pages() -> float:
    found = REGISTRY.get_sample_value(
        "graphgram_cache_lookups_total", {"cache": "feed_page", "result": "hit"}
    )
    return found or 0.0


@pytest.mark.slow
async def test_the_one_script_page_matches_the_graph_and_follows_every_change(
    tl: httpx.AsyncClient, tl_app: FastAPI
) -> None:
    """timelines/fastpage.py: the common page from one Lua script equals the Cypher feed, and
    likes, renames, edits, deletions and blocks show at once (or send the page down the full
    path)."""
    ann, bob, cid, dee = [await register(tl, n) for n in ("ann", "bob", "cid", "dee")]
    for author in (bob, cid):
        await follow(tl, ann, author)
    await follow(tl, dee, cid)  # cid has two followers: a celebrity, merged on read
    await feed(tl, ann)
    posts = [await post(tl, bob, "one"), await post(tl, cid, "two"), await post(tl, bob, "three")]
    await drain(tl_app)

    async def page(served_fast: bool | None, **params: Any) -> list[dict[str, Any]]:
        """The timeline page, checked against the Cypher feed, read three times (the first read
        caches the post views, the second their fragments); `served_fast`: whether the last
        read came from the script (None: either)."""
        for _ in range(3):
            before = fast_pages()
            response = await tl.get("/feed", params=params, headers=ann["headers"])
            assert response.status_code == 200, response.text
        want = await cypher_feed(backends_of(tl_app), ann["id"], **params)
        assert response.json() == want.items
        assert response.headers["link"] == want.link(str(response.request.url))
        if served_fast is not None:
            assert (fast_pages() > before) is served_fast
        body: list[dict[str, Any]] = response.json()
        return body

    assert ids(await page(True)) == [p["id"] for p in reversed(posts)]
    assert ids(await page(True, limit=1, max_id=posts[2]["id"])) == [posts[1]["id"]]
    # Each change shows at once, and the script serves the page again two reads later (the full
    # path re-caches the view, then its fragment), however recent the invalidation: a post liked
    # every second stays cached.
    await tl.post(f"/posts/{posts[2]['id']}/like", headers=ann["headers"])
    shown = (await page(True))[0]
    assert (shown["like_count"], shown["liked"]) == (1, True)
    await tl.patch("/me", json={"display_name": "Robert"}, headers=bob["headers"])
    assert (await page(True))[0]["author"]["display_name"] == "Robert"
    edited = await tl.patch(
        f"/posts/{posts[2]['id']}", json={"caption": "three, edited"}, headers=bob["headers"]
    )
    shown = (await page(True))[0]
    assert (shown["caption"], shown["edited_at"]) == ("three, edited", edited.json()["edited_at"])
    await tl.delete(f"/posts/{posts[0]['id']}", headers=bob["headers"])
    assert ids(await page(True)) == [posts[2]["id"], posts[1]["id"]]
    await block(tl, ann, cid)
    assert ids(await page(False)) == [posts[2]["id"]]
    # The script also authenticates (the cached session): an ended session is refused at once.
    await tl.delete(f"/users/{cid['username']}/block", headers=ann["headers"])
    await page(True)
    assert (await tl.post("/auth/logout", headers=ann["headers"])).status_code == 204
    refused = await tl.get("/feed", headers=ann["headers"])
    assert refused.status_code == 401, refused.text
    assert (await tl.get("/feed")).status_code == 401


@pytest.mark.slow
async def test_a_kept_celebrity_merge_serves_until_a_celebrity_posts_or_deletes(
    tl: httpx.AsyncClient, tl_app: FastAPI
) -> None:
    """timelines/fastpage.py keeps the first page's merge of the viewer's celebrities' lists and
    reads no author list while it holds: a celebrity's new post or deletion replaces its version
    and the next page has it, from the script; a version that went missing (evicted) is minted
    again and the merge made again."""
    keys = Keys(NS)
    redis = backends_of(tl_app).redis
    ann, cid, eve, dee, fay = [await register(tl, n) for n in ("ann", "cid", "eve", "dee", "fay")]
    for fan in (ann, dee, fay):  # three followers each: celebrities, merged on read
        for star in (cid, eve):
            await follow(tl, fan, star)
    await feed(tl, ann)
    posts = [await post(tl, cid, "c1"), await post(tl, eve, "e1"), await post(tl, cid, "c2")]
    await drain(tl_app)

    async def page() -> list[str]:
        """Ann's first page, served by the script (after the reads that cache the views and
        their fragments) and equal to the Cypher feed."""
        for _ in range(3):
            before = fast_pages()
            response = await tl.get("/feed", headers=ann["headers"])
            assert response.status_code == 200, response.text
        assert fast_pages() == before + 1
        assert response.json() == (await cypher_feed(backends_of(tl_app), ann["id"])).items
        return ids(response.json())

    async def author_reads() -> int:
        """ZREVRANGEBYLEX calls so far, on every primary of a cluster."""
        if isinstance(redis, RedisCluster):
            per_node = await redis.info("commandstats", target_nodes=RedisCluster.PRIMARIES)
        else:
            per_node = {"redis": await redis.info("commandstats")}
        return sum(
            int(stats.get("cmdstat_zrevrangebylex", {}).get("calls", 0))
            for stats in per_node.values()
        )

    assert await page() == [p["id"] for p in reversed(posts)]
    kept = json.loads(str(await redis.get(keys.celebrity_merge(ann["id"]))))
    versions = {a: str(await redis.get(keys.author_version(a))) for a in (cid["id"], eve["id"])}
    assert all(v.startswith("r") for v in versions.values())  # minted by the first merge
    assert dict(part.split("=", 1) for part in kept["sig"].split(",")) == versions
    # A shorter page takes the newest of the merge kept for the longer one.
    before = fast_pages()
    short = await tl.get("/feed", params={"limit": 1}, headers=ann["headers"])
    assert fast_pages() == before + 1
    graph_short = await cypher_feed(backends_of(tl_app), ann["id"], limit=1)
    assert short.json() == graph_short.items
    assert short.headers["link"] == graph_short.link(str(short.request.url))
    # While it holds, a page reads two lists (the timeline and the in-flight set), not the
    # celebrities' lists.
    before = await author_reads()
    await tl.get("/feed", headers=ann["headers"])
    assert await author_reads() == before + 2
    newer = await post(tl, eve, "e2")
    await drain(tl_app)
    assert await redis.get(keys.author_version(eve["id"])) == f"+{newer['id']}"
    assert await page() == [newer["id"], *(p["id"] for p in reversed(posts))]
    await tl.delete(f"/posts/{posts[2]['id']}", headers=cid["headers"])
    await drain(tl_app)
    assert await redis.get(keys.author_version(cid["id"])) == f"-{posts[2]['id']}"
    assert await page() == [newer["id"], posts[1]["id"], posts[0]["id"]]
    # Evicted: minted again from Redis's clock, and the merge made again.
    await redis.delete(keys.author_version(cid["id"]))
    assert await page() == [newer["id"], posts[1]["id"], posts[0]["id"]]
    assert str(await redis.get(keys.author_version(cid["id"]))).startswith("r")
    # Unfollowing a celebrity changes the set the merge was made for.
    unfollowed = await tl.delete(f"/users/{eve['username']}/follow", headers=ann["headers"])
    assert unfollowed.status_code == 200, unfollowed.text
    assert await page() == [posts[0]["id"]]


def served(route: str, status: str = "200") -> float:
    found = REGISTRY.get_sample_value(
        "graphgram_http_requests_total", {"method": "GET", "route": route, "status": status}
    )
    return found or 0.0


async def test_the_hot_path_answers_like_the_route_and_leaves_the_rest_to_it(
    tl: httpx.AsyncClient, tl_app: FastAPI
) -> None:
    """api/feed/hotpath.py serves the common page in front of the framework: with the route's
    headers, request id and metrics; any other query (or one the route refuses) reaches the
    route, which answers it as before."""
    ann, bob = [await register(tl, n) for n in ("ann", "bob")]
    await follow(tl, ann, bob)
    await feed(tl, ann)
    posts = [await post(tl, bob, f"p{i}") for i in range(3)]
    await drain(tl_app)
    for _ in range(2):  # the first reads cache the views, then their fragments
        await feed(tl, ann, limit=2)
    before, requests_before = fast_pages(), served("/feed")
    hot = await tl.get(
        "/feed", params={"limit": 2}, headers={**ann["headers"], "X-Request-ID": "hot-1"}
    )
    assert fast_pages() == before + 1
    assert served("/feed") == requests_before + 1
    assert hot.status_code == 200
    assert hot.headers["content-type"] == "application/json"
    assert hot.headers["x-request-id"] == "hot-1"
    # The security headers of every response (api/security.py), as the route's answer has them.
    assert hot.headers["x-content-type-options"] == "nosniff"
    assert hot.headers["x-frame-options"] == "DENY"
    assert ids(hot.json()) == [posts[2]["id"], posts[1]["id"]]
    graph = await cypher_feed(backends_of(tl_app), ann["id"], limit=2)
    assert hot.json() == graph.items
    assert hot.headers["link"] == graph.link(str(hot.request.url))
    assert int(hot.headers["content-length"]) == len(hot.content)
    # A Redis that lost its scripts (restarted, SCRIPT FLUSH) gets the script again at once.
    await backends_of(tl_app).redis.script_flush()
    before = fast_pages()
    again = await tl.get("/feed", params={"limit": 2}, headers=ann["headers"])
    assert fast_pages() == before + 1
    assert again.content == hot.content
    older = await tl.get("/feed", params={"max_id": posts[1]["id"]}, headers=ann["headers"])
    assert ids(older.json()) == [posts[0]["id"]]
    assert 'rel="next"' not in older.headers["link"]
    # Queries the hot path does not take: the route's answers (422 in the one error shape).
    for bad in ({"limit": "0"}, {"limit": "abc"}, {"limit": "101"}):
        before = fast_pages()
        refused = await tl.get("/feed", params=bad, headers=ann["headers"])
        assert refused.status_code == 422, (bad, refused.text)
        assert refused.json()["error"]["code"] == "validation_error", refused.text
        assert fast_pages() == before
    # The Cypher fan-in is no query switch: `source` is a parameter the feed does not know (the
    # route answers, as for any other), and the OpenAPI document does not offer it.
    unknown = await tl.get("/feed", params={"limit": 2, "source": "graph"}, headers=ann["headers"])
    assert unknown.json() == hot.json()
    spec = (await tl.get("/openapi.json")).json()
    assert "source" not in {p["name"] for p in spec["paths"]["/feed"]["get"]["parameters"]}
    newer = await tl.get("/feed", params={"since_id": posts[0]["id"]}, headers=ann["headers"])
    assert ids(newer.json()) == [posts[2]["id"], posts[1]["id"]]
    twice = await tl.get("/feed?limit=1&limit=2", headers=ann["headers"])
    assert twice.status_code == 200
    assert len(twice.json()) == 2
    # No credentials, or a token with no session: the route's 401.
    assert (await tl.get("/feed")).status_code == 401
    wrong = await tl.get("/feed", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "unauthorized"


async def test_the_liked_window_extends_down_to_older_pages(
    tl: httpx.AsyncClient, tl_app: FastAPI
) -> None:
    """A page older than the viewer's liked window reads the viewer's likes from its oldest post
    on and lowers the window's floor, so the next read of it needs no graph; a removal that races
    the graph read (the generation moved) leaves the window as it was."""
    keys = Keys(NS)
    redis = backends_of(tl_app).redis
    ann, bob = await register(tl, "ann"), await register(tl, "bob")
    await follow(tl, ann, bob)
    old, middle, new = [await post(tl, bob, text) for text in ("old", "middle", "new")]
    assert (await tl.post(f"/posts/{old['id']}/like", headers=ann["headers"])).status_code == 200

    async def liked(**params: Any) -> list[tuple[str, bool]]:
        response = await tl.get("/users/bob/posts", params=params, headers=ann["headers"])
        assert response.status_code == 200, response.text
        return [(p["id"], p["liked"]) for p in response.json()]

    window = keys.liked(ann["id"])
    assert await liked(limit=1) == [(new["id"], False)]
    assert await members(tl_app, window) == [f"!{new['id']}"]
    assert await liked(limit=1, max_id=middle["id"]) == [(old["id"], True)]
    assert await members(tl_app, window) == [f"!{old['id']}", old["id"]]
    await tl.delete(f"/posts/{old['id']}/like", headers=ann["headers"])
    assert await liked(limit=1, max_id=middle["id"]) == [(old["id"], False)]

    await redis.delete(window)
    assert await liked(limit=1) == [(new["id"], False)]
    seen = await store.generation(redis, keys.liked_generation(ann["id"]), epoch_key=keys.epoch)
    await redis.incr(keys.liked_generation(ann["id"]))  # an unlike landed after `seen`
    applied = await store.extend_down(
        redis,
        window,
        keys.liked_generation(ann["id"]),
        seen,
        [old["id"]],
        floor=old["id"],
        cap=views.LIKED_CAP,
        epoch_key=keys.epoch,
    )
    assert not applied
    assert await members(tl_app, window) == [f"!{new['id']}"]


async def test_a_window_extended_down_keeps_its_inactivity_ttl(
    tl: httpx.AsyncClient, tl_app: FastAPI
) -> None:
    """A window holding only its sentinel (a viewer who liked or saved nothing) keeps its TTL when
    its floor is lowered: Redis deletes a sorted set when its last member goes, so swapping the
    sentinel must not leave a window that never expires."""
    keys = Keys(NS)
    redis = backends_of(tl_app).redis
    ann, bob = await register(tl, "ann"), await register(tl, "bob")
    await follow(tl, ann, bob)
    old, middle, new = [await post(tl, bob, text) for text in ("old", "middle", "new")]

    async def page(**params: Any) -> list[str]:
        response = await tl.get("/users/bob/posts", params=params, headers=ann["headers"])
        assert response.status_code == 200, response.text
        return [p["id"] for p in response.json()]

    window = keys.liked(ann["id"])
    assert await page(limit=1) == [new["id"]]
    assert await members(tl_app, window) == [f"!{new['id']}"]
    assert await redis.ttl(window) > 0
    assert await page(limit=1, max_id=middle["id"]) == [old["id"]]
    assert await members(tl_app, window) == [f"!{old['id']}"]
    assert await redis.ttl(window) > 0


async def test_a_fill_replaces_only_tombstones_older_than_its_read(tl_app: FastAPI) -> None:
    """store.FILL_AFTER: a reader that began before an invalidation cannot put its (possibly
    stale) value over the tombstone; one that began after it replaces the tombstone at once."""
    redis = backends_of(tl_app).redis
    key = f"{NS}:pv:fill-after"
    before = await store.now_us(redis)
    await store.tombstone(redis, [key], ttl_s=views.TOMBSTONE_TTL_S)
    assert await store.fill_after(redis, {key: "stale"}, started_us=before, ttl_s=60) == 0
    assert str(await redis.get(key)).startswith(views.TOMBSTONE)
    after = await store.now_us(redis)
    assert await store.fill_after(redis, {key: "fresh"}, started_us=after, ttl_s=60) == 1
    assert await redis.get(key) == "fresh"
    assert await store.fill_after(redis, {key: "other"}, started_us=after, ttl_s=60) == 0
    assert await redis.get(key) == "fresh"


async def test_follows_read_before_a_follow_change_are_not_loaded(tl_app: FastAPI) -> None:
    """store.FILL_SET: a viewer's follows read from the graph before their generation moved (a
    follow change) are not loaded; read after it, they replace the set whole, with its TTL."""
    redis = backends_of(tl_app).redis
    viewer = "01jd4x1v2k3m4n5p6q7r8s9t0v"
    key, generation_key = NS_KEYS.follows(viewer), NS_KEYS.generation(viewer)
    await redis.delete(key, generation_key)
    before = await store.generation(redis, generation_key, epoch_key=NS_KEYS.epoch)
    await redis.incr(generation_key)  # a follow change between the read and the load
    kwargs: dict[str, Any] = {"sentinel": "0", "ttl_s": 60, "epoch_key": NS_KEYS.epoch}
    assert not await store.fill_set(redis, key, generation_key, before, ["1", "2"], **kwargs)
    assert not await redis.exists(key)
    after = await store.generation(redis, generation_key, epoch_key=NS_KEYS.epoch)
    assert await store.fill_set(redis, key, generation_key, after, ["1", "2"], **kwargs)
    assert await store.fill_set(redis, key, generation_key, after, ["3"], **kwargs)
    assert {str(m) for m in await redis.smembers(key)} == {"0", "3"}
    assert 0 < await redis.ttl(key) <= 60


async def test_the_fast_page_is_the_post_model_and_equals_the_full_path(
    tl: httpx.AsyncClient, tl_app: FastAPI, settings: Settings
) -> None:
    """The script's page joins fragments made from the `Post` model (wire.posts.open_json) with
    the viewer's `liked` and `saved`: every item validates against the model and the page equals
    what the full path (`timelines.feed.home` behind the route) and the graph answer, with text
    that JSON escapes, hashtags, mentions, a picture with signed URLs, likes, comments, saves."""
    ann, bob = await register(tl, "ann"), await register(tl, "bob")
    await follow(tl, ann, bob)
    await feed(tl, ann)  # ann is active: her timeline exists and takes fan-out
    uploaded = await tl.post(
        "/media",
        files={"file": ("f", media_files.picture("PNG", 40, 20), "application/octet-stream")},
        headers=bob["headers"],
    )
    assert uploaded.status_code == 201, uploaded.text
    caption = 'Café "au lait" \\ ☕ </script> \u2028 #Morning @ann'
    pictured = await tl.post(
        "/posts",
        json={"caption": caption, "media_ids": [uploaded.json()["id"]]},
        headers=bob["headers"],
    )
    assert pictured.status_code == 201, pictured.text
    plain = await post(tl, bob, "plain")
    await tl.post(f"/posts/{pictured.json()['id']}/like", headers=ann["headers"])
    await tl.post(f"/posts/{plain['id']}/comments", json={"text": "hi"}, headers=ann["headers"])
    saved = await tl.put(f"/posts/{plain['id']}/save", headers=ann["headers"])
    assert saved.status_code == 200, saved.text
    await drain(tl_app)
    for _ in range(2):  # the full path caches the views, then their fragments
        await feed(tl, ann)
    before = fast_pages()
    hot = await tl.get("/feed", headers=ann["headers"])
    assert hot.status_code == 200, hot.text
    assert fast_pages() == before + 1
    page = TypeAdapter(list[Post]).validate_json(hot.content)
    assert [p.id for p in page] == [plain["id"], pictured.json()["id"]]
    shown = page[1]
    assert (shown.caption, shown.liked, shown.saved, shown.like_count) == (caption, True, False, 1)
    assert (shown.hashtags, shown.mentions) == (["morning"], ["ann"])
    assert shown.media[0].status == "ready"
    assert shown.media[0].url
    assert (page[0].liked, page[0].saved, page[0].comment_count) == (False, True, 1)
    # The same request through the full path (an app with the fast page off), and the graph.
    full_app = create_app(policy(settings, timeline_fast_page=False))
    async with full_app.router.lifespan_context(full_app):
        transport = httpx.ASGITransport(app=full_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as full:
            before = fast_pages()
            slow = await full.get("/feed", headers=ann["headers"])
            assert fast_pages() == before
    assert slow.status_code == 200, slow.text
    assert hot.json() == slow.json()
    assert hot.json() == (await cypher_feed(backends_of(tl_app), ann["id"])).items
    # Saving and unsaving show on the next fast page at once (the saved window is kept current).
    await tl.delete(f"/posts/{plain['id']}/save", headers=ann["headers"])
    await tl.put(f"/posts/{pictured.json()['id']}/save", headers=ann["headers"])
    before = fast_pages()
    again = await tl.get("/feed", headers=ann["headers"])
    assert fast_pages() == before + 1
    assert [(p["id"], p["saved"]) for p in again.json()] == [
        (plain["id"], False),
        (pictured.json()["id"], True),
    ]


async def test_the_fast_page_reads_the_session_format_the_api_writes(
    tl: httpx.AsyncClient, tl_app: FastAPI
) -> None:
    """wire.sessions is the one definition of the session cache: the script serves the viewer of
    a session the API cached (first-party: `scopes` null) and of an app's token with `read`, and
    leaves a token without a read scope to the route, which refuses it from the same value."""
    backends = backends_of(tl_app)
    ann, bob = await register(tl, "ann"), await register(tl, "bob")
    await follow(tl, ann, bob)
    await feed(tl, ann)
    await post(tl, bob, "one")
    await drain(tl_app)
    for _ in range(2):
        await feed(tl, ann)
    key = cache_key(session_id(ann["token"]))
    cached = sessions.decode(str(await backends.redis.get(key)))  # what the API wrote
    assert cached == {"id": ann["id"], "username": "ann", "role": "user", "scopes": None}

    async def script_page(scopes: list[str] | None) -> str | None:
        """The viewer the script serves for a session cached with `scopes` (None: declined)."""
        value = sessions.encode(id=ann["id"], username="ann", role="user", scopes=scopes)
        await backends.redis.set(key, value)
        found = await fastpage.home_page(backends, session_key=key, limit=20, max_id=None)
        return None if found is None else found[0]

    assert await script_page(None) == ann["id"]
    assert await script_page(["read"]) == ann["id"]
    assert await script_page(["read:statuses", "write"]) == ann["id"]
    assert await script_page([]) is None
    assert await script_page(["write"]) is None
    # Through the API: the script declines, the route reads the same value and refuses it.
    before = fast_pages()
    refused = await tl.get("/feed", headers=ann["headers"])
    assert refused.status_code == 403, refused.text
    assert fast_pages() == before


async def test_both_merges_take_in_flight_posts_only_from_followed_authors(
    settings: Settings,
) -> None:
    """The in-flight set holds every author's posts until their fan-out is done: the full path
    (`timelines.feed.home`) keeps those of authors the viewer follows, and the fast page leaves
    a page with one of those to the full path; a stranger's post is on no page of the viewer's,
    so the fast page (the pipelines and the hinted script alike) serves it at once, checking the
    post's author against the viewer's follows loaded in Redis. A follow drops those follows:
    the new followee's next post in flight sends the page to the full path again. Once the
    fan-out is done the fast page serves every page."""
    app = create_app(policy(settings, timeline_worker=False))  # fan-out held: posts stay in flight
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            backends = backends_of(app)
            ann, bob, cid = [await register(http, n) for n in ("ann", "bob", "cid")]
            await follow(http, ann, bob)
            older = await post(http, cid, "cid's, before")
            for user in (ann, cid):
                await feed(http, user)  # timelines built from the graph
            held = await post(http, bob, "in flight")
            for _ in range(2):  # the full path caches the views, then the fragments
                for user in (ann, cid):
                    await feed(http, user)

            async def pages(user: dict[str, Any]) -> tuple[list[str], list[str] | None]:
                rows = await timelines_feed.home(backends, user["id"], timelines_feed.Cursors(21))
                served = []
                # The pipelines (no hints of this viewer), then the hinted script (hints from
                # the pipelines' page, when they served it).
                fastpage.HINTS.pages.pop(user["id"], None)
                for _ in range(2):
                    found = await fastpage.home_page(
                        backends, limit=20, max_id=None, viewer_id=user["id"]
                    )
                    served.append(None if found is None else ids(json.loads(found[2])))
                assert served[0] == served[1], served
                want = (await cypher_feed(backends, user["id"])).ids
                assert ids(rows) == want
                return ids(rows), served[0]

            # A follower: the full path shows it, the fast page leaves it to the full path. A
            # stranger: not shown, and the fast page serves the page without it.
            assert await pages(ann) == ([held["id"]], None)
            assert await pages(cid) == ([older["id"]], [older["id"]])
            # The post's author is known to this process now (it never changes): the next
            # pages read only cid's follows, even with the author's key gone from Redis.
            await backends.redis.delete(NS_KEYS.inflight_author(held["id"]))
            assert await pages(cid) == ([older["id"]], [older["id"]])
            follows = await backends.redis.smembers(NS_KEYS.follows(cid["id"]))
            loaded = {fastpage.FOLLOWS_SENTINEL, fastpage.follow_tag(cid["id"])}  # bob not in
            assert {str(m) for m in follows} == loaded
            assert await backends.redis.object("encoding", NS_KEYS.follows(cid["id"])) in (
                "intset",
                b"intset",
            )
            # cid follows bob: their posts join cid's timeline, and the loaded follows go.
            await follow(http, cid, bob)
            assert not await backends.redis.exists(NS_KEYS.follows(cid["id"]))
            both = sorted([held["id"], older["id"]], reverse=True)
            assert await pages(cid) == (both, both)
            later = await post(http, bob, "in flight, after the follow")
            for _ in range(2):  # the full path caches the views, then the fragments
                await feed(http, cid)
            assert await pages(cid) == ([later["id"], *both], None)
            stop = asyncio.Event()
            worker = asyncio.create_task(fanout.worker(backends, stop=stop, block_ms=50))
            await fanout.wait_drained(backends, timeout_s=20)
            stop.set()
            await worker
            assert await pages(ann) == ([later["id"], held["id"]], [later["id"], held["id"]])
            assert await pages(cid) == ([later["id"], *both], [later["id"], *both])


async def test_a_page_of_a_session_seen_before_is_one_round_trip_and_revocation_still_holds(
    tl: httpx.AsyncClient, tl_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second fast page of a session in a process sends its reads in one batch (the session,
    the viewer's script, the celebrities' versions, the last page's fragments and flags, from the
    process's hints); the session is read in that same batch, so a session ended since is
    declined at once, hint or not, and the route refuses it."""
    backends = backends_of(tl_app)
    ann, bob = await register(tl, "ann"), await register(tl, "bob")
    await follow(tl, ann, bob)
    await feed(tl, ann)
    await post(tl, bob, "one")
    await drain(tl_app)
    for _ in range(2):
        await feed(tl, ann)  # the full path caches the views, then the fragments
    key = cache_key(session_id(ann["token"]))
    batches: list[int] = []
    batcher = backends.redis_batched
    one, many = batcher.execute, batcher.execute_many

    async def counted_one(*args: Any) -> Any:
        batches.append(1)
        return await one(*args)

    async def counted_many(commands: list[tuple[Any, ...]]) -> list[Any]:
        batches.append(len(commands))
        return await many(commands)

    monkeypatch.setattr(batcher, "execute", counted_one)
    monkeypatch.setattr(batcher, "execute_many", counted_many)
    fastpage.HINTS.forget_viewer(key)
    first = await fastpage.home_page(backends, session_key=key, limit=20, max_id=None)
    assert first is not None
    assert first[0] == ann["id"]
    assert len(batches) >= 2  # the session first, then the page
    batches.clear()
    second = await fastpage.home_page(backends, session_key=key, limit=20, max_id=None)
    assert second == first
    assert len(batches) == 1, batches
    want = (await cypher_feed(backends, ann["id"])).items
    assert json.loads(second[2]) == want

    assert (await tl.post("/auth/logout", headers=ann["headers"])).status_code == 204
    assert fastpage.HINTS.viewer(key) == ann["id"]  # another process would still hold it
    assert await fastpage.home_page(backends, session_key=key, limit=20, max_id=None) is None
    assert fastpage.HINTS.viewer(key) == ""
    refused = await tl.get("/feed", headers=ann["headers"])
    assert refused.status_code == 401, refused.text


async def test_a_hinted_page_is_one_script_and_a_changed_page_falls_back(
    tl: httpx.AsyncClient, tl_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The newest page of a viewer seen before is one call of `timelines/hinted_page` with the
    read of the hinted posts' fragments in the same write (on one Redis server the hints name
    every key the script reads; on a cluster it has the viewer's slot and the rest is read
    beside it); when the page changed since (a new post, a post still in flight) the page is
    declined and the pipelines answer. Either way the page is the Cypher feed's."""
    backends = backends_of(tl_app)
    ann, bob = await register(tl, "ann"), await register(tl, "bob")
    await follow(tl, ann, bob)
    await feed(tl, ann)
    for text in ("one", "two"):
        await post(tl, bob, text)
    await drain(tl_app)
    for _ in range(2):
        await feed(tl, ann)
    key = cache_key(session_id(ann["token"]))
    answers: list[int] = []
    batcher = backends.redis_batched
    one, many = batcher.execute, batcher.execute_many

    def seen_script(args: Command) -> bool:
        return isinstance(args, tuple) and args[:2] == ("EVALSHA", fastpage.HINTED_PAGE.sha)

    def seen(args: Command, reply: Any) -> None:
        if seen_script(args):
            answers.append(int(reply[0]))

    async def watched(*args: Any) -> Any:
        reply = await one(*args)
        seen(args, reply)
        return reply

    async def watched_many(commands: list[Command]) -> list[Any]:
        replies = await many(commands)
        if len(commands) > 1 and seen_script(commands[1]):
            # The in-flight set's read, the script, then the read of the hinted posts' fragments
            # (an MGET, or a MultiGet on a cluster): a page whose post has no fragment is
            # declined too (by the caller, after the script).
            reply, fragments = replies[1:3]
            fragments_read = commands[2]
            read_keys = (
                fragments_read.keys if isinstance(fragments_read, MultiGet) else fragments_read[1:]
            )
            read = dict(zip(read_keys, fragments, strict=True))
            named = [NS_KEYS.fragment(post_id.decode()) for post_id in reply[4:]]
            answers.append(int(reply[0]) if all(read[key] for key in named) else 0)
            return replies
        for args, reply in zip(commands, replies, strict=True):
            seen(args, reply)
        return replies

    def hints(result: str) -> float:
        labels = {"cache": "feed_page_hints", "result": result}
        return REGISTRY.get_sample_value("graphgram_cache_lookups_total", labels) or 0.0

    monkeypatch.setattr(batcher, "execute", watched)
    monkeypatch.setattr(batcher, "execute_many", watched_many)
    first = await fastpage.home_page(backends, session_key=key, limit=20, max_id=None)
    assert first is not None
    del answers[:]
    hit, miss = hints("hit"), hints("miss")
    second = await fastpage.home_page(backends, session_key=key, limit=20, max_id=None)
    assert answers == [1], answers  # served by the script
    assert (hints("hit") - hit, hints("miss") - miss) == (1, 0)
    assert second == first
    assert json.loads(second[2]) == (await cypher_feed(backends, ann["id"])).items

    # A post acknowledged and not yet fanned out (in the in-flight set only), newer than the
    # page, whose author is not known (no `inflight_author`: it counts as followed): the hinted
    # page is declined, and so is the fast page (the full path answers).
    in_flight = "~" + second[1][0]  # sorts above every id of the page
    await backends.redis.zadd(NS_KEYS.inflight, {in_flight: 0})
    try:
        miss = hints("miss")
        assert await fastpage.home_page(backends, session_key=key, limit=20, max_id=None) is None
        assert hints("miss") - miss == 1
    finally:
        await backends.redis.zrem(NS_KEYS.inflight, in_flight)

    await post(tl, bob, "three")
    await drain(tl_app)
    del answers[:]
    miss = hints("miss")
    for _ in range(2):  # the new post is not in the hints: declined, then the pipelines or the
        await feed(tl, ann)  # full path (which caches the new post's fragment) answer
    assert answers[:1] == [0]
    assert hints("miss") - miss == answers.count(0)  # each decline counted
    del answers[:]
    third = await fastpage.home_page(backends, session_key=key, limit=20, max_id=None)
    assert answers == [1]
    assert third is not None
    want = (await cypher_feed(backends, ann["id"])).items
    assert json.loads(third[2]) == want
    assert len(want) == 3
