"""Every read route at the `large` preset, for a typical viewer, a heavy viewer and a celebrity
(whose profile has an avatar):
p50/p99 at concurrency 1 and requests/s at concurrency 16 (wrk), each as a ratio to GET /health
measured in the same run against the same single API process.

    python -m bench.reads [--seconds 4] [--reseed]

Runs on the `bench` stack instance; seeds the `large` preset there when it is not already
loaded (several minutes). Writes bench/results/reads.json.
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

from bench.common import TYPICAL, bench_settings, write_result
from bench.wrk import Load, run
from graphgram.settings import Settings
from ops.stack import ApiService, up
from seed.cli import run_seed
from seed.generator import HardCases
from seed.loader import DEMO_PASSWORD

console = Console()
HARD = HardCases()
CELEBRITY = "carol"

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
        return {
            "typical": str(one(TYPICAL, named=named)),
            "liked_post": str(one(FIRST_POST, author=user_id(HARD.liked_author))),
            "thread_post": str(one(FIRST_POST, author=user_id(HARD.thread_author))),
            "celebrity_post": str(one(FIRST_POST, author=user_id(CELEBRITY))),
        }


def _seeded(settings: Settings) -> bool:
    with GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    ) as driver:
        records, _, _ = driver.execute_query(USERS)
        return int(records[0]["n"]) >= 100_000


def routes(facts: dict[str, str], viewer: str) -> dict[str, str]:
    power = HARD.power_users[0]
    return {
        "GET /health": "/health",
        f"GET /users/{CELEBRITY} (with avatar)": f"/users/{CELEBRITY}",
        f"GET /users/{CELEBRITY}/followers": f"/users/{CELEBRITY}/followers?limit=20",
        f"GET /users/{viewer}/following": f"/users/{viewer}/following?limit=20",
        f"GET /users/{power}/posts": f"/users/{power}/posts?limit=20",
        "GET /posts/{50k likes}": f"/posts/{facts['liked_post']}",
        "GET /posts/{50k likes}/likes": f"/posts/{facts['liked_post']}/likes?limit=20",
        "GET /posts/{5k comments}/comments": f"/posts/{facts['thread_post']}/comments?limit=20",
        "GET /search?q=#sunset": "/search?q=%23sunset",
        "GET /tags/sunset/posts": "/tags/sunset/posts?limit=20",
        "GET /notifications": "/notifications?limit=20",
        "GET /suggestions": "/suggestions",
        "GET /explore": "/explore",
        "GET /explore/tags": "/explore/tags",
        "GET /feed": "/feed?limit=20",
    }


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
    args = parser.parse_args()

    # One API process, read routes measured, not throttled: the limits are a setting of their own.
    os.environ["GRAPHGRAM_RATE_LIMITS"] = "false"
    settings = bench_settings().model_copy(update={"api_workers": 1, "rate_limits": False})
    with console.status("starting the bench stack"):
        up(settings, with_api=False)
    if args.reseed or not _seeded(settings):
        console.print("seeding the large preset on the bench instance (several minutes)")
        run_seed(settings, preset="large", wipe=True)
    api = ApiService(settings)
    api.stop()  # one fresh process on the current code
    with console.status("starting one API process"):
        api.start(lambda _: None)
    facts = _graph_facts(settings)
    base = api.address()
    viewers = {"typical": facts["typical"], "heavy": HARD.heavy_viewers[0], "celebrity": CELEBRITY}
    results: dict[str, Any] = {"seconds": args.seconds, "viewers": viewers, "routes": {}}
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            _give_avatar(client, CELEBRITY)
            for kind, username in viewers.items():
                login = client.post(
                    "/auth/login", json={"username": username, "password": DEMO_PASSWORD}
                )
                login.raise_for_status()
                token = login.json()["access_token"]
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
    console.print(f"written to {write_result('reads', results)}")


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
