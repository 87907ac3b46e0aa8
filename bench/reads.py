"""Every read route at the `large` preset, for a typical viewer, a heavy viewer and a celebrity
(whose profile has an avatar): profiles, lists, posts, search, tags, notifications, suggestions,
Explore and its hashtags, the viewer's saved posts (`SAVED` of them, saved by the benchmark) and
the feed. p50/p99 at concurrency 1 and requests/s at concurrency 16 (wrk), each as a ratio to
GET /health measured in the same run against the same single API process.

    python -m bench.reads [--seconds 4] [--reseed] [--preset large]

Runs on the `bench` stack instance; seeds the preset there when the graph is smaller (several
minutes for `large`). A smaller preset (`--preset demo`, to try the benchmark) has no hard cases:
the heavy viewer and the routes of the hard cases' posts are left out. Writes
bench/results/reads.json (`reads-<preset>.json` for another preset).
"""

from __future__ import annotations

import argparse
import io
import os
from typing import Any

import httpx
from neo4j import GraphDatabase
from PIL import Image
from rich.console import Console
from rich.table import Table

from bench.common import EXISTS, TYPICAL, TYPICAL_ANY, bench_settings, write_result
from bench.wrk import Load, run
from graphgram.settings import Settings
from ops.stack import ApiService, up
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
    parser.add_argument("--preset", choices=sorted(PRESETS), default="large")
    args = parser.parse_args()

    # One API process, read routes measured, not throttled: the limits are a setting of their own.
    os.environ["GRAPHGRAM_RATE_LIMITS"] = "false"
    settings = bench_settings().model_copy(update={"api_workers": 1, "rate_limits": False})
    with console.status("starting the bench stack"):
        up(settings, with_api=False)
    if args.reseed or not _seeded(settings, args.preset):
        console.print(f"seeding the {args.preset} preset on the bench instance")
        run_seed(settings, preset=args.preset, wipe=True)
    api = ApiService(settings)
    api.stop()  # one fresh process on the current code
    with console.status("starting one API process"):
        api.start(lambda _: None)
    facts = _graph_facts(settings)
    base = api.address()
    viewers = {"typical": facts["typical"], "heavy": facts.get("heavy", ""), "celebrity": CELEBRITY}
    viewers = {kind: name for kind, name in viewers.items() if name}
    results: dict[str, Any] = {
        "preset": args.preset,
        "seconds": args.seconds,
        "viewers": viewers,
        "routes": {},
    }
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            _give_avatar(client, CELEBRITY)
            for kind, username in viewers.items():
                login = client.post(
                    "/auth/login", json={"username": username, "password": DEMO_PASSWORD}
                )
                login.raise_for_status()
                token = login.json()["access_token"]
                _save_some(client, settings, username, token)
                per_route: dict[str, Any] = {}
                for name, path in routes(facts, username).items():
                    with console.status(f"{kind} viewer ({username}): {name}"):
                        run(base + path, token=token, concurrency=1, seconds=1)  # warm up
                        one = run(base + path, token=token, concurrency=1, seconds=args.seconds)
                        many = run(base + path, token=token, concurrency=16, seconds=args.seconds)
                    per_route[name] = _figures(one, many)
                health = per_route["GET /health"]
                for figures in per_route.values():
                    figures["rps_vs_health"] = round(figures["rps_c16"] / health["rps_c16"], 3)
                results["routes"][kind] = per_route
    finally:
        api.stop()
    _print(results)
    name = "reads" if args.preset == "large" else f"reads-{args.preset}"
    console.print(f"written to {write_result(name, results)}")


def _figures(one: Load, many: Load) -> dict[str, float]:
    return {"p50_ms": one.p50_ms, "p99_ms": one.p99_ms, "rps_c16": many.rps}


def _print(results: dict[str, Any]) -> None:
    for kind, per_route in results["routes"].items():
        viewer = results["viewers"][kind]
        table = Table(title=f"{kind} viewer ({viewer}): one API process, same run")
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
