"""Suggestions cost the same whatever the degrees: PROFILE on the real Neo4j, 100 vs 10,000.

Two viewers live in one graph, written straight with UNWIND: each follows N accounts; those
all follow one celebrity (N followers); the newest of them follows N accounts of its own; and the
viewer already follows, has requested and blocks one of those each. The request-path statements
(the bounded sample, the read-time re-check of a precomputed list, the popular sample) must
touch as much for the large viewer as for the small one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from neo4j import Driver

from api.discovery import suggestions as service
from graph.admin import wipe
from graphgram.settings import Settings
from tests.fixtures.profile import Ids, db_hits

SMALL, LARGE = 100, 10_000
FACTOR = 1.25
LIMIT = 20
SAMPLE = {
    "followees": service.SAMPLE_FOLLOWEES,
    "per_followee": service.SAMPLE_PER_FOLLOWEE,
    "limit": LIMIT + 1,
}

pytestmark = [pytest.mark.no_clean, pytest.mark.slow]


@dataclass
class Viewer:
    n: int
    tag: str
    me: str = ""
    celebrity: str = ""
    followees: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)


def build(driver: Driver, settings: Settings, new: Ids, n: int) -> Viewer:
    tag = f"s{n}_"
    v = Viewer(n, tag, me=new(), celebrity=new())
    v.followees = [new() for _ in range(n)]
    v.others = [new() for _ in range(n)]
    users = (
        [(v.me, f"{tag}me"), (v.celebrity, f"{tag}celebrity")]
        + [(u, f"{tag}f{i:05d}") for i, u in enumerate(v.followees)]
        + [(u, f"{tag}x{i:05d}") for i, u in enumerate(v.others)]
    )
    followed, requested, blocked = v.others[-1], v.others[-2], v.others[-3]
    # Oldest first: the viewer's own follows, the newest followee's, the celebrity's followers.
    follows = (
        [(v.me, followed)]
        + [(v.me, f) for f in v.followees]
        + [(v.followees[-1], x) for x in v.others]
        + [(f, v.celebrity) for f in v.followees]
    )

    def run(cypher: str, **params: Any) -> None:
        driver.execute_query(cypher, params, database_=settings.neo4j_database)

    run(
        """
        UNWIND $users AS u
        CREATE (:User {id: u[0], username: u[1], display_name: u[1], private: false})
        """,
        users=users,
    )
    run(
        """
        UNWIND $follows AS f
        MATCH (a:User {id: f[0]}), (b:User {id: f[1]})
        CREATE (a)-[:FOLLOWS {id: f[2], since: datetime(), follower: f[0], followee: f[1]}]->(b)
        """,
        follows=[[a, b, new()] for a, b in follows],
    )
    run(
        """
        MATCH (me:User {id: $me}), (r:User {id: $requested}), (b:User {id: $blocked})
        CREATE (me)-[:REQUESTED {id: $q, at: datetime(), requester: $me, target: $requested}]->(r)
        CREATE (me)-[:BLOCKS {id: $k, since: datetime()}]->(b)
        """,
        me=v.me,
        requested=requested,
        blocked=blocked,
        q=new(),
        k=new(),
    )
    return v


@pytest.fixture(scope="module")
def viewers(neo4j_driver: Driver, settings: Settings) -> dict[int, Viewer]:
    wipe(neo4j_driver, settings)
    new = Ids()
    return {n: build(neo4j_driver, settings, new, n) for n in (SMALL, LARGE)}


def test_sampled_suggestions_cost_the_same_for_100_and_10000(
    neo4j_driver: Driver, settings: Settings, viewers: dict[int, Viewer]
) -> None:
    hits = {}
    for n, v in viewers.items():
        hits[n], [row] = db_hits(
            neo4j_driver, settings, "discovery/suggestions", {"viewer_id": v.me, **SAMPLE}
        )
        assert row["following"] == n + 1
        got = row["suggestions"]
        # The 20 newest followees all follow the celebrity; its 3 first names by username.
        assert (got[0]["username"], got[0]["mutuals"]) == (f"{v.tag}celebrity", 20)
        assert got[0]["names"] == [f"{v.tag}f{i:05d}" for i in range(n - 20, n - 17)]
        # The newest followee's 19 other newest follows, less the followed, requested and blocked.
        assert [(s["username"], s["mutuals"]) for s in got[1:]] == [
            (f"{v.tag}x{i:05d}", 1) for i in range(n - 19, n - 3)
        ]
    assert hits[LARGE] <= hits[SMALL] * FACTOR, hits


def test_rechecking_a_precomputed_list_costs_the_same_for_100_and_10000(
    neo4j_driver: Driver, settings: Settings, viewers: dict[int, Viewer]
) -> None:
    hits = {}
    for n, v in viewers.items():
        window = [v.celebrity, *v.others[-5:], *v.followees[:14]]
        hits[n], [row] = db_hits(
            neo4j_driver,
            settings,
            "discovery/suggestions_check",
            {"viewer_id": v.me, "ids": window, "public_only": False},
        )
        assert row["following"] == n + 1
        # Followees, and the followed, requested and blocked accounts, are left out.
        assert [(a["id"], a["followers"]) for a in row["accounts"]] == [
            (v.celebrity, n),
            (v.others[-5], 1),
            (v.others[-4], 1),
        ]
    assert hits[LARGE] <= hits[SMALL] * FACTOR, hits


def test_popular_sample_costs_the_same_for_100_and_10000(
    neo4j_driver: Driver, settings: Settings, viewers: dict[int, Viewer]
) -> None:
    """The graph's newest follows are the large celebrity's: the sample finds it alone, with its
    10,000 followers, and checking it against a viewer who follows 10,001 costs what checking it
    against one who follows 101 does."""
    hits = {}
    for n, v in viewers.items():
        hits[n], rows = db_hits(
            neo4j_driver,
            settings,
            "discovery/popular",
            {"viewer_id": v.me, "sample": service.POPULAR_SAMPLE, "limit": LIMIT + 1},
        )
        assert [(row["id"], row["followers"]) for row in rows] == [
            (viewers[LARGE].celebrity, LARGE)
        ]
    assert hits[LARGE] <= hits[SMALL] * FACTOR, hits
