"""Bulk seeding (CSV + neo4j-admin import) and the large preset's named hard cases."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from neo4j import Driver

from cypher import query
from graph.driver import make_driver
from graphgram.settings import Settings
from seed.bulk import Spec, iso, write_csv
from seed.cli import END_MS, is_local, run_seed
from seed.generator import PRESETS, generate
from seed.loader import fingerprint

pytestmark = pytest.mark.bulk

MISSING = """
RETURN COUNT { ()-[r:FOLLOWS]->() WHERE r.followee IS NULL OR r.follower IS NULL } AS follows,
       COUNT { ()-[r:REQUESTED]->() WHERE r.target IS NULL } AS requests,
       COUNT { ()-[r:LIKES]->() WHERE r.owner IS NULL OR r.post IS NULL } AS likes,
       COUNT { (p:Post) WHERE p.author IS NULL } AS posts,
       COUNT { ()-[r:TAGGED]->() WHERE r.tag IS NULL OR r.post IS NULL } AS tags,
       COUNT { ()-[r:MENTIONS]->() WHERE r.user IS NULL } AS mentions,
       COUNT { (c:Comment) WHERE c.post IS NULL OR c.post_owner IS NULL } AS comments,
       COUNT { (c:Comment)-[:REPLY_TO]->() WHERE c.reply_owner IS NULL } AS replies,
       COUNT { (p:Post)<-[:LIKES]-() WHERE p.last_like IS NULL AND p.liked_by_author IS NULL }
         AS like_groups
"""


def test_bulk_and_online_paths_build_the_same_graph_id_for_id(
    neo4j_driver: Driver, settings: Settings
) -> None:
    if not is_local(settings):
        pytest.skip("the bulk path imports into the local stack's own store")
    online = run_seed(settings, preset="tiny", seed=21, quiet=True, method="online")
    by_online = fingerprint(neo4j_driver, settings)
    bulk = run_seed(settings, preset="tiny", seed=21, wipe=True, quiet=True, method="bulk")
    assert bulk.method == "bulk"
    # The imported store numbers its transactions afresh, so bookmarks this long-lived driver
    # holds from before would wait for a transaction the new store never reaches: swap them
    # for one from the new store.
    with make_driver(settings) as fresh, fresh.session(database=settings.neo4j_database) as s:
        s.run(query("seed/count_users")).consume()
        current = s.last_bookmarks().raw_values
    bookmarks = neo4j_driver.execute_query_bookmark_manager
    bookmarks.update_bookmarks(bookmarks.get_bookmarks(), current)
    assert fingerprint(neo4j_driver, settings) == by_online  # ids, ends and every property
    # The ordered-page indexes lead with endpoint ids: a seeded graph has every one of them.
    missing = neo4j_driver.execute_query(MISSING, database_=settings.neo4j_database).records
    assert dict(missing[0]) == dict.fromkeys(dict(missing[0]), 0)

    def nonzero(counts: dict[str, int]) -> dict[str, int]:  # a label or type seen once stays
        return {name: count for name, count in counts.items() if count}

    assert nonzero(bulk.labels) == nonzero(online.labels)
    assert nonzero(bulk.types) == nonzero(online.types)
    assert bulk.relationships == sum(bulk.types.values())


def test_csv_instants_match_neo4j_epoch_millis() -> None:
    assert iso(0) == "1970-01-01T00:00:00.000Z"
    assert iso(END_MS + 123) == "2026-09-21T14:13:20.123Z"


def test_csv_is_the_same_from_one_process_or_several(tmp_path: Path) -> None:
    """Blocks draw from their own generators: written by forked workers in any order, the CSV
    holds the same lines as written by one process (parts differ, their union does not)."""
    spec = Spec(PRESETS["large"], seed=5, days=90, end_ms=END_MS, users=21_000)  # three blocks

    def lines(workers: int) -> dict[str, list[bytes]]:
        report = write_csv(spec, tmp_path / str(workers), "secret", workers=workers)
        assert report.rows["follows"] > 21_000
        found: dict[str, list[bytes]] = {}
        for part in sorted(report.directory.glob("*.part-*.csv")):
            stem = part.name.split(".")[0]
            found.setdefault(stem, []).extend(part.read_bytes().splitlines())
        return {stem: sorted(rows) for stem, rows in found.items()}

    one, two = lines(1), lines(2)
    assert one == two
    assert len(one["users"]) == 21_000


def test_large_preset_has_its_named_hard_cases() -> None:
    """The large preset's hard cases, on a 6,000-user cut of it (same rules, smaller numbers)."""
    n = 6_000
    rows = generate(PRESETS["large"], seed=42, days=90, end_ms=END_MS, users=n).rows
    username = {u[0]: u[1] for u in rows["users"]}
    user_id = {name: uid for uid, name in username.items()}
    private = {u[0] for u in rows["users"] if u[4]}
    following = Counter(username[f[0]] for f in rows["follows"])
    for viewer in ("dave", "erin", "frank"):
        assert following[viewer] == 2_000
    posts_by = Counter(username[p[1]] for p in rows["posts"])
    assert posts_by["grace"] == posts_by["heidi"] == 600
    first_post: dict[str, str] = {}
    for pid, author, _, _ in rows["posts"]:
        first_post.setdefault(username[author], pid)
    likes = Counter(like[1] for like in rows["likes"])
    assert likes[first_post["ivan"]] == n - 2  # 50,000 on the full preset
    comments = Counter(c[2] for c in rows["comments"])
    assert comments[first_post["judy"]] == 5_000
    assert user_id["carol"] == rows["users"][2][0]

    # The hard cases keep the model's rules: no follow or like across a block, and a private
    # account's posts are liked and commented on only by its followers.
    blocked = {(b[0], b[1]) for b in rows["blocks"]} | {(b[1], b[0]) for b in rows["blocks"]}
    assert not any((f[0], f[1]) in blocked for f in rows["follows"] + rows["requests"])
    followers = {(f[1], f[0]) for f in rows["follows"]}
    author_of = {p[0]: p[1] for p in rows["posts"]}
    for who, post in [(x[0], x[1]) for x in rows["likes"]] + [
        (c[1], c[2]) for c in rows["comments"]
    ]:
        author = author_of[post]
        assert (who, author) not in blocked
        assert author not in private or (author, who) in followers
