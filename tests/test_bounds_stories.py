"""The story reads cost what their page holds (PROFILE's database hits, machine-independent):

- the tray does not read a followed account's expired stories, nor look up stories of followed
  accounts without a live one (`User.story_until`), nor build rings past the page;
- ordering the tray (unseen rings first) reads no story: 200 live rings cost a few property reads
  each more than 20, whatever the number of stories in them, the page's rings being the same;
- a story's viewers list costs a page whether 100 or 10,000 people saw it.

The graph is written straight to Neo4j, shaped as the API writes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from neo4j import Driver

from api.pagination import ID_CEILING
from cypher import query
from graph.admin import wipe
from graphgram.settings import Settings
from tests.fixtures.profile import db_hits

pytestmark = pytest.mark.slow

FACTOR = 1.5
# Ordering by seen state reads a few properties per live ring: 7 hits (before, ~100 each with 3
# stories in a ring: a story seek, the audience and seen checks per story; then 18, with a BLOCKS
# and a MUTES Expand(Into) per ring where the viewer's blocks and mutes are now read once).
RING_HITS = 10
RING_FACTOR = 3
NOW = datetime.now(UTC)
# A viewer follows `follows` accounts; `rings` of them have `live` live stories each (the first
# `seen_rings` of them seen by the viewer) and `expired` stories that ended earlier; a story seen
# by `seen` people. The authors' tray values are then stored by stories/summarize_author, as
# posting a story does.
BUILD = """
CREATE (v:User {id: $viewer, username: $viewer, display_name: 'V', private: false})
WITH v
UNWIND range(1, $follows) AS i
WITH v, i, $viewer + '-' + right('000000' + toString(i), 6) AS key
CREATE (a:User {id: 'a' + key, username: 'a' + key, display_name: 'A', private: false})
CREATE (v)-[fo:FOLLOWS {id: 'f' + key, follower: v.id, followee: a.id, since: datetime()}]->(a)
WITH v, fo, a, i, key WHERE i <= $rings
CALL (v, fo, a, i, key) {
  UNWIND range(1, $live) AS k
  CREATE (a)-[:POSTED_STORY]->(s:Story {id: 's' + key + '-' + toString(k), author: a.id,
    audience: 'everyone', created_at: $now - duration({hours: 12}),
    expires_at: $now + duration({hours: 12})})
  WITH s WHERE i <= $seen_rings
  CREATE (v)-[:SAW {id: 'v' + s.id, at: datetime(), story: s.id, viewer: v.id}]->(s)
  SET fo.seen_upto = CASE WHEN fo.seen_upto IS NULL OR fo.seen_upto < s.id THEN s.id
                          ELSE fo.seen_upto END
}
WITH a, key
CALL (a, key) {
  UNWIND range(1, $expired) AS j
  CREATE (a)-[:POSTED_STORY]->(:Story {id: 'x' + key + '-' + toString(j), author: a.id,
    audience: 'everyone', created_at: $now - duration({hours: 48}),
    expires_at: $now - duration({hours: 24})})
}
RETURN collect(a.id) AS authors
"""
SEEN = """
MATCH (s:Story {id: $story})
UNWIND range(1, $seen) AS i
WITH s, $story + '-' + right('000000' + toString(i), 6) AS key
CREATE (u:User {id: 'w' + key, username: 'w' + key, display_name: 'W', private: false})
CREATE (u)-[:SAW {id: 'r' + key, at: datetime(), story: s.id, viewer: u.id}]->(s)
"""


@pytest.fixture(scope="module")
def graph(neo4j_driver: Driver, settings: Settings) -> Iterator[None]:
    wipe(neo4j_driver, settings)
    one = {"live": 1, "seen_rings": 0}
    shapes = {
        # Both with dense authors (over 50 relationships): Neo4j stores a dense node's
        # relationships by type, which changes what the block check's Expand(Into) reads, so
        # the two differ in expired stories only.
        "few": {"follows": 40, "rings": 25, "expired": 60, **one},
        "many": {"follows": 40, "rings": 25, "expired": 600, **one},
        "wide": {"follows": 2000, "rings": 25, "expired": 60, **one},
        # 20 against 200 live rings of 3 stories each among 400 follows, the first 5 rings seen:
        # the page (11 unseen rings) is built alike in both.
        "rings20": {"follows": 400, "rings": 20, "expired": 0, "live": 3, "seen_rings": 5},
        "rings200": {"follows": 400, "rings": 200, "expired": 0, "live": 3, "seen_rings": 5},
    }
    for viewer, shape in shapes.items():
        records, _, _ = neo4j_driver.execute_query(
            BUILD, {"viewer": viewer, "now": NOW, **shape}, database_=settings.neo4j_database
        )
        for author in records[0]["authors"]:
            neo4j_driver.execute_query(
                query("stories/summarize_author"),
                {"author_id": author, "now": NOW},
                database_=settings.neo4j_database,
            )
    for story, seen in (("sfew-000001-1", 100), ("smany-000001-1", 10_000)):
        neo4j_driver.execute_query(
            SEEN, {"story": story, "seen": seen}, database_=settings.neo4j_database
        )
    yield None
    wipe(neo4j_driver, settings)


def tray(neo4j_driver: Driver, settings: Settings, viewer: str) -> tuple[int, list[Any]]:
    params = {"viewer_id": viewer, "now": NOW, "after": "", "limit": 11, "per_ring": 100}
    return db_hits(neo4j_driver, settings, "stories/tray", params)


@pytest.mark.no_clean
def test_the_tray_reads_no_expired_story(
    graph: None, neo4j_driver: Driver, settings: Settings
) -> None:
    few, few_rows = tray(neo4j_driver, settings, "few")
    many, many_rows = tray(neo4j_driver, settings, "many")
    assert len(few_rows) == len(many_rows) == 11
    assert all(len(row["stories"]) == 1 for row in many_rows)
    assert many <= few * FACTOR, f"tray: {many} db hits with 600 expired stories each vs {few}"


@pytest.mark.no_clean
def test_the_tray_looks_up_stories_only_for_accounts_with_a_live_one(
    graph: None, neo4j_driver: Driver, settings: Settings
) -> None:
    """2,000 follows against 40, the same 25 live rings: what grows is one relationship and one
    property per extra follow, never a story lookup (which would be several hits each)."""
    few, _ = tray(neo4j_driver, settings, "few")
    wide, rows = tray(neo4j_driver, settings, "wide")
    assert len(rows) == 11
    per_extra_follow = (wide - few) / (2000 - 40)
    assert per_extra_follow <= 4, f"tray: {per_extra_follow:.1f} db hits per followed account"


@pytest.mark.no_clean
def test_ordering_the_tray_reads_no_story(
    graph: None, neo4j_driver: Driver, settings: Settings
) -> None:
    few, few_rows = tray(neo4j_driver, settings, "rings20")
    many, many_rows = tray(neo4j_driver, settings, "rings200")
    for rows in (few_rows, many_rows):
        assert len(rows) == 11
        assert not any(row["seen"] for row in rows)
        assert all(len(row["stories"]) == 3 for row in rows)
    per_extra_ring = (many - few) / 180
    assert per_extra_ring <= RING_HITS, f"tray: {per_extra_ring:.1f} db hits per extra live ring"
    assert many <= few * RING_FACTOR, f"tray: {many} db hits with 200 live rings vs {few} with 20"


@pytest.mark.no_clean
def test_the_viewers_list_costs_a_page(
    graph: None, neo4j_driver: Driver, settings: Settings
) -> None:
    page = {"limit": 21, "newer_than": "", "older_than": ID_CEILING, "after": "", "before": ""}
    found = {}
    for viewer, story in (("few", "sfew-000001-1"), ("many", "smany-000001-1")):
        params = {"viewer_id": f"a{viewer}-000001", "story_id": story, "now": NOW, **page}
        found[viewer] = db_hits(neo4j_driver, settings, "stories/list_viewers", params)
    (small, small_rows), (big, big_rows) = found["few"], found["many"]
    assert len(small_rows) == len(big_rows) == 21
    assert big <= small * FACTOR, f"viewers: {big} db hits for 10,000 viewers vs {small} for 100"
