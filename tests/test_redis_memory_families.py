"""bench/redis_memory.py puts every Redis key in its family: one row per kind of key, whoever
owns it, so bytes per active user are told by family (docs/benchmarks.md)."""

from __future__ import annotations

from fnmatch import fnmatchcase

import pytest

from bench.redis_memory import client_address, family
from bench.topology import redis_client, unlink_matching
from graphgram import redis_keys
from graphgram.settings import Settings

USER = "01jd4x1v2k3m4n5p6q7r8s9t0v"
OTHER = "01jd4x1v2k3m4n5p6q7r8s9t0w"
POST = "01jd4y0000000000000000000a"
DIGEST = "a" * 64
keys = redis_keys.Keys("tl")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (keys.home(USER), "tl:{u:*}:home"),
        (keys.celebs(USER), "tl:{u:*}:celebs"),
        (keys.liked_generation(USER), "tl:{u:*}:gen-liked"),
        (keys.mutes(USER), "tl:{u:*}:mutes"),
        (keys.celebrity_merge(USER), "tl:{u:*}:cm"),
        (keys.fragment(POST), "tl:{p:*}:pf"),
        (keys.view(POST), "tl:{p:*}:pv"),
        (keys.stream(3), "tl:{fanout:*}"),
        (keys.inflight, "tl:inflight"),
        (keys.epoch, "tl-epoch"),
        (redis_keys.session(DIGEST), "session:*"),
        (redis_keys.rate_limit(f"writes:user:{USER}"), "ratelimit:writes:user:*"),
        (redis_keys.rate_limit("writes:addr:10.0.3.7"), "ratelimit:writes:addr:*"),
        (redis_keys.rate_limit("signin:addr:2001:db8::/64"), "ratelimit:signin:addr:*"),
        (redis_keys.rate_limit("login:10.0.0.1:alice"), "ratelimit:login:*"),
        (redis_keys.idempotency("idempotency", USER, DIGEST), "idempotency:{u:*}:*"),
        (
            redis_keys.idempotency("idempotency:mastodon-status", USER, DIGEST),
            "idempotency:mastodon-status:{u:*}:*",
        ),
        (redis_keys.suggestions(USER), "suggestions:{u:*}"),
        (redis_keys.explore(USER), "explore:{u:*}"),
        (redis_keys.explore_tags(USER), "explore-tags:{u:*}"),
        (redis_keys.bookmark(USER), "bm:{u:*}"),
        (redis_keys.MEDIA_JOBS, "media:jobs"),
    ],
)
def test_each_key_is_in_its_family(key: str, expected: str) -> None:
    assert family(key) == expected


def test_two_users_keys_of_one_kind_share_a_family() -> None:
    assert family(keys.home(USER)) == family(keys.home(OTHER))
    assert family(keys.home(USER)) != family(keys.author(USER))


def test_each_active_user_has_an_address_of_their_own() -> None:
    addresses = {client_address(i) for i in range(70_000)}
    assert len(addresses) == 70_000
    assert all(a.startswith("10.") for a in addresses)


USER_STATE = [
    redis_keys.session(DIGEST),
    redis_keys.rate_limit(f"writes:user:{USER}"),
    redis_keys.rate_limit("login:10.0.0.1:alice"),
    redis_keys.explore(USER),
    redis_keys.explore_tags(USER),
    redis_keys.suggestions(USER),
    redis_keys.POPULAR_SUGGESTIONS,
    redis_keys.bookmark(USER),
]
KEPT = [
    keys.home(USER),
    keys.view(POST),
    keys.stream(3),
    keys.inflight,
    keys.epoch,
    redis_keys.idempotency("idempotency", USER, DIGEST),
    redis_keys.MEDIA_JOBS,
    redis_keys.EDGE_PURGES,
]


def test_the_user_state_patterns_name_the_state_outside_the_timelines_and_nothing_else() -> None:
    """What bench/redis_memory.py drops at its start, besides `graphgram timelines reset`."""

    def dropped(key: str) -> bool:
        return any(fnmatchcase(key, p) for p in redis_keys.USER_STATE_PATTERNS)

    assert [k for k in USER_STATE if not dropped(k)] == []
    assert [k for k in KEPT if dropped(k)] == []


def test_unlink_matching_drops_the_matching_keys_on_the_real_redis(settings: Settings) -> None:
    redis = redis_client(settings)
    try:
        for key in ("bench-unlink:{u:1}:a", "bench-unlink:{u:2}:b", "bench-kept:c"):
            redis.set(key, "3")  # one call a key: on a cluster they sit in different slots
        assert unlink_matching(redis, ["bench-unlink:*", "bench-none:*"]) == 2
        assert redis.get("bench-unlink:{u:1}:a") is None
        assert redis.get("bench-unlink:{u:2}:b") is None
        assert redis.get("bench-kept:c") == "3"
        redis.delete("bench-kept:c")
    finally:
        redis.close()
