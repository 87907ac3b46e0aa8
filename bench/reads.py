"""Every read route at the `large` preset, for a typical viewer, a heavy viewer and a celebrity
(whose profile has an avatar): profiles, lists, posts, search, tags, notifications, suggestions,
Explore and its hashtags, the viewer's saved posts (`SAVED` of them, saved by the benchmark) and
the feed. p50/p99 at concurrency 1 and requests/s at concurrency 16 (wrk), each as a ratio to
GET /health measured in the same run against the same single API process.

    python -m bench.reads [--seconds 4] [--reseed] [--preset large] [--topology single|cluster]

Runs on the `bench` stack instance; seeds the preset there when it is not already loaded
(`large`: several minutes). The story tray gets its own setup: 200 of the heavy viewer's 2,000
followed accounts post a live story (half of them seen by the viewer, with interaction counts
spread over them), replaced on each run. Writes bench/results/reads.json (`--preset` other than
`large`: reads-<preset>.json, a check that the bench runs, not a figure).

`--topology cluster` (the instance's own topology when not given, bench/topology.py) measures
the cluster topology instead: 3 API processes behind the nginx balancer, Redis Cluster and the
4-process MinIO set, every route and `/health` through the balancer; the result is
reads-topology-cluster.json and records the topology.
"""

from __future__ import annotations

import argparse
import io
from datetime import UTC, datetime
from typing import Any

import httpx
from neo4j import GraphDatabase
from PIL import Image
from rich.console import Console
from rich.table import Table

from bench.common import EXISTS, TYPICAL, TYPICAL_ANY, bench_settings, write_result
from bench.topology import BenchApi, add_topology_option
from bench.wrk import Load, run
from cypher import query
from graphgram.ids import new_id
from graphgram.settings import Settings
from seed.cli import run_seed
from seed.generator import PRESETS, HardCases
from seed.loader import DEMO_PASSWORD

console = Console()
HARD = HardCases()
CELEBRITY = "carol"
SAVED = 30  # posts each viewer saves (GET /me/saved)

FIRST_POST = """
MATCH (p:Post) WHERE p.author = $author
RETURN p.id AS id ORDER BY p.author, p.id LIMIT 1
"""
USERS = "MATCH (u:User) RETURN count(u) AS n"
# The user following the most accounts, for presets without the hard cases (a check run).
MOST_FOLLOWING = """
MATCH (u:User) WHERE NOT u.private
RETURN u.username AS username ORDER BY COUNT { (u)-[:FOLLOWS]->() } DESC, u.username LIMIT 1
"""

# The tray's setup: live rings among the viewer's follows, made again on each run.
TRAY_RINGS = 200
DROP_BENCH_STORIES = """
MATCH (s:Story {bench: true})
OPTIONAL MATCH (s)-[:HAS_MEDIA]->(m:Media)
DETACH DELETE s, m
"""
SEED_STORIES = """
MATCH (v:User {username: $viewer})-[fo:FOLLOWS]->(a:User)
WITH v, fo, a ORDER BY a.id LIMIT $rings
WITH v, collect([fo, a]) AS pairs
UNWIND range(0, size(pairs) - 1) AS i
WITH v, pairs[i][0] AS fo, pairs[i][1] AS a, i, $ids[i] AS ids
CREATE (a)-[:OWNS]->(m:Media {id: ids.media, owner_id: a.id, kind: 'image', status: 'ready',
                              created_at: datetime()})
SET m += $picture
CREATE (a)-[:POSTED_STORY]->(s:Story {id: ids.story, author: a.id, created_at: datetime(),
                                      expires_at: datetime() + duration({hours: 23}),
                                      audience: 'everyone', bench: true})
CREATE (s)-[:HAS_MEDIA {position: 0}]->(m)
SET a.story_until = s.expires_at, fo.interactions = i % 7
FOREACH (_ IN CASE WHEN i % 2 = 0 THEN [1] ELSE [] END |
  CREATE (v)-[:SAW {id: ids.saw, at: datetime(), story: s.id, viewer: v.id}]->(s)
  SET fo.seen_upto = s.id)
RETURN count(s) AS rings, collect(a.id) AS authors
"""
PICTURE = """
MATCH (m:Media {id: $id})
RETURN m {.key, .thumb_key, .width, .height, .blurhash, .content_type, .bytes} AS picture
"""


def _graph_facts(settings: Settings) -> dict[str, str]:
    with GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    ) as driver:

        def one(statement: str, **params: Any) -> Any:
            records, _, _ = driver.execute_query(statement, params)
            return records[0][0] if records else None

        def user_id(username: str) -> str:
            return str(one("MATCH (u:User {username: $u}) RETURN u.id", u=username))

        named = ["alice", "bob", CELEBRITY, *HARD.usernames()]
        facts = {
            "typical": str(one(TYPICAL, named=named) or one(TYPICAL_ANY, named=named)),
            "celebrity_post": str(one(FIRST_POST, author=user_id(CELEBRITY))),
        }
        # The hard cases (the `large` and `xl` presets only).
        if one(EXISTS, u=HARD.liked_author):
            facts["liked_post"] = str(one(FIRST_POST, author=user_id(HARD.liked_author)))
            facts["thread_post"] = str(one(FIRST_POST, author=user_id(HARD.thread_author)))
            facts["heavy"] = HARD.heavy_viewers[0]
            facts["power"] = HARD.power_users[0]
        return facts


def _seeded(settings: Settings, preset: str) -> bool:
    with GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    ) as driver:
        records, _, _ = driver.execute_query(USERS)
        return int(records[0]["n"]) >= PRESETS[preset].users


def _most_following(settings: Settings) -> str:
    with GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    ) as driver:
        records, _, _ = driver.execute_query(MOST_FOLLOWING)
        return str(records[0]["username"])


def _seed_tray(settings: Settings, client: httpx.Client, viewer: str) -> int:
    """`TRAY_RINGS` accounts the viewer follows post a story of one picture (uploaded once by
    the viewer, its objects shared as content-addressed objects are); every other ring is seen
    by the viewer, and FOLLOWS.interactions varies, so the tray sorts both ways."""
    login = client.post("/auth/login", json={"username": viewer, "password": DEMO_PASSWORD})
    login.raise_for_status()
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    picture = io.BytesIO()
    Image.new("RGB", (360, 640), (40, 120, 200)).save(picture, format="JPEG")
    uploaded = client.post(
        "/media", files={"file": ("s.jpg", picture.getvalue(), "image/jpeg")}, headers=headers
    )
    uploaded.raise_for_status()
    client.post("/auth/logout", headers=headers)
    ids = [{"media": new_id(), "story": new_id(), "saw": new_id()} for _ in range(TRAY_RINGS)]
    with GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    ) as driver:
        driver.execute_query(DROP_BENCH_STORIES)
        records, _, _ = driver.execute_query(PICTURE, {"id": uploaded.json()["id"]})
        fields = {k: v for k, v in records[0]["picture"].items() if v is not None}
        records, _, _ = driver.execute_query(
            SEED_STORIES, {"viewer": viewer, "rings": TRAY_RINGS, "ids": ids, "picture": fields}
        )
        if not records:
            return 0
        now = datetime.now(UTC)
        for author in records[0]["authors"]:  # the tray's values, as posting a story stores them
            driver.execute_query(
                query("stories/summarize_author"), {"author_id": author, "now": now}
            )
        return int(records[0]["rings"])


def routes(facts: dict[str, str], viewer: str) -> dict[str, str]:
    power = facts.get("power", CELEBRITY)
    found = {
        "GET /health": "/health",
        f"GET /users/{CELEBRITY} (with avatar)": f"/users/{CELEBRITY}",
        f"GET /users/{CELEBRITY}/followers": f"/users/{CELEBRITY}/followers?limit=20",
        f"GET /users/{viewer}/following": f"/users/{viewer}/following?limit=20",
        f"GET /users/{power}/posts": f"/users/{power}/posts?limit=20",
    }
    if "liked_post" in facts:
        found |= {
            "GET /posts/{50k likes}": f"/posts/{facts['liked_post']}",
            "GET /posts/{50k likes}/likes": f"/posts/{facts['liked_post']}/likes?limit=20",
            "GET /posts/{5k comments}/comments": f"/posts/{facts['thread_post']}/comments?limit=20",
        }
    return found | {
        "GET /search?q=#sunset": "/search?q=%23sunset",
        "GET /tags/sunset/posts": "/tags/sunset/posts?limit=20",
        "GET /notifications": "/notifications?limit=20",
        "GET /suggestions": "/suggestions",
        "GET /explore": "/explore",
        "GET /explore/tags": "/explore/tags",
        f"GET /me/saved ({SAVED} saved)": "/me/saved?limit=20",
        "GET /feed": "/feed?limit=20",
        f"GET /stories (tray, {TRAY_RINGS} live rings for the heavy viewer)": "/stories?limit=20",
    }


SAVABLE = """
MATCH (:User {username: $u})-[:FOLLOWS]->(a:User)-[:POSTED]->(p:Post)
WHERE NOT a.private AND a.suspended_at IS NULL
RETURN p.id AS id ORDER BY p.id DESC LIMIT $n
"""


def _save_some(client: httpx.Client, settings: Settings, username: str, token: str) -> None:
    """The viewer saves the `SAVED` newest posts of the accounts they follow (idempotent: the
    same posts each run), so their saved list has a page and more."""
    with GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    ) as driver:
        records, _, _ = driver.execute_query(SAVABLE, {"u": username, "n": SAVED})
    headers = {"Authorization": f"Bearer {token}"}
    for record in records:
        client.put(f"/posts/{record['id']}/save", headers=headers).raise_for_status()


def _give_avatar(client: httpx.Client, username: str) -> None:
    """The profile read carries an avatar (signed URLs for its three variants and a header's
    default): the celebrity uploads one, the same bytes each run (content-addressed, so stored
    once)."""
    login = client.post("/auth/login", json={"username": username, "password": DEMO_PASSWORD})
    login.raise_for_status()
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    picture = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 120, 40)).save(picture, format="JPEG")
    answer = client.put(
        "/me/avatar", files={"file": ("a.jpg", picture.getvalue(), "image/jpeg")}, headers=headers
    )
    answer.raise_for_status()
    client.post("/auth/logout", headers=headers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--preset", default="large", choices=sorted(PRESETS))
    add_topology_option(parser)
    args = parser.parse_args()

    # One API process (one worker) on the single topology, read routes measured, not throttled:
    # the limits are a setting of their own.
    instance = bench_settings().model_copy(update={"api_workers": 1, "rate_limits": False})
    api = BenchApi.of(instance, args.topology)
    settings, topology = api.settings, api.topology
    with console.status(f"starting the bench stack ({topology} topology)"):
        api.up()
    if args.reseed or not _seeded(settings, args.preset):
        console.print(f"seeding the {args.preset} preset on the bench instance")
        run_seed(settings, preset=args.preset, wipe=True)
    with console.status(f"starting {api.processes} API process(es)"):
        api.start({"GRAPHGRAM_RATE_LIMITS": "false"})  # fresh processes on the current code
    facts = _graph_facts(settings)
    base = api.address
    served_before = api.served()
    hard = PRESETS[args.preset].hard is not None
    heavy = HARD.heavy_viewers[0] if hard else _most_following(settings)
    # Small presets have neither the hard cases nor a viewer following 200-400: a check run
    # takes who there is and leaves out the routes about posts it lacks.
    typical = facts["typical"] if facts["typical"] != "None" else "alice"
    viewers = {"typical": typical, "heavy": heavy, "celebrity": CELEBRITY}
    results: dict[str, Any] = {
        "seconds": args.seconds,
        "preset": args.preset,
        "viewers": viewers,
        "topology": api.describe(),
        "routes": {},
    }
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            _give_avatar(client, CELEBRITY)
            results["tray_rings"] = _seed_tray(settings, client, heavy)
            for kind, username in viewers.items():
                login = client.post(
                    "/auth/login", json={"username": username, "password": DEMO_PASSWORD}
                )
                login.raise_for_status()
                token = login.json()["access_token"]
                _save_some(client, settings, username, token)
                per_route: dict[str, Any] = {}
                measured = {k: v for k, v in routes(facts, username).items() if "None" not in v}
                if not hard:  # a check run: leave out what this small graph does not have
                    auth = {"Authorization": f"Bearer {token}"}
                    missing = [
                        k for k, v in measured.items() if client.get(v, headers=auth).is_error
                    ]
                    for name in missing:
                        console.print(f"{kind} viewer: {name} left out (not in this graph)")
                        del measured[name]
                for name, path in measured.items():
                    with console.status(f"{kind} viewer ({username}): {name}"):
                        # One request first, without wrk's 2 s timeout: Neo4j plans a statement on
                        # its first run after a restart, which takes seconds for the largest ones
                        # (notifications/list: 2-4 s here); the figures are of the planned route.
                        client.get(path, headers={"Authorization": f"Bearer {token}"}, timeout=120)
                        run(base + path, token=token, concurrency=1, seconds=1)  # warm up
                        one = run(base + path, token=token, concurrency=1, seconds=args.seconds)
                        many = run(base + path, token=token, concurrency=16, seconds=args.seconds)
                    per_route[name] = _figures(one, many)
                health = per_route["GET /health"]
                for figures in per_route.values():
                    figures["rps_vs_health"] = round(figures["rps_c16"] / health["rps_c16"], 3)
                results["routes"][kind] = per_route
        served = api.served()
        if served:  # what each process behind the balancer answered
            results["topology"]["requests_per_process"] = {
                name: count - served_before.get(name, 0) for name, count in served.items()
            }
    finally:
        api.stop()
    _print(results)
    name = "reads" + ("-topology-cluster" if topology == "cluster" else "")
    if args.preset != "large":
        name += f"-{args.preset}"
    console.print(f"written to {write_result(name, results)}")


def _figures(one: Load, many: Load) -> dict[str, float]:
    return {"p50_ms": one.p50_ms, "p99_ms": one.p99_ms, "rps_c16": many.rps}


def _print(results: dict[str, Any]) -> None:
    for kind, per_route in results["routes"].items():
        viewer = results["viewers"][kind]
        where = results["topology"]["measured_through"]
        table = Table(title=f"{kind} viewer ({viewer}): {where}, same run")
        for column in ("route", "p50 ms", "p99 ms", "req/s c=16", "÷ /health"):
            table.add_column(column, justify="right")
        for name, f in per_route.items():
            table.add_row(
                name,
                f"{f['p50_ms']:.2f}",
                f"{f['p99_ms']:.2f}",
                f"{f['rps_c16']:,.0f}",
                f"{f['rps_vs_health']:.2f}",
            )
        console.print(table)


if __name__ == "__main__":
    main()
