"""bench/redis_memory.py puts every Redis key in its family: one row per kind of key, whoever
owns it, so bytes per active user are told by family (docs/benchmarks.md)."""

from __future__ import annotations

import pytest

from bench.redis_memory import client_address, family
from graphgram import redis_keys

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
