"""PROFILE of the statements behind the read routes of bench/reads.py, at older commits and now:
database hits and time per viewer, on the `large` graph of the `bench` stack instance.

    python -m bench.read_plans --rev 62dc60d --rev main [--only users/] [--repeat 3]

For each route's statements (the ones its api/ → services/ → graph/ path runs, with the params it
passes) and each viewer (typical, heavy, celebrity, as bench/reads.py picks them), runs the text
of the statement at each `--rev` (`git show REV:cypher/NAME.cypher`, left out where it did not
exist yet) and the working tree's, each with PROFILE, warm (the first run discarded), best time
of `--repeat`; checks the working tree returns the rows the last `--rev` does. Read-only: only
PROFILE of read statements, through read transactions. Writes bench/results/read-plans.json.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, LiteralString

import typer
from neo4j import Driver
from neo4j.exceptions import Neo4jError
from rich.console import Console
from rich.table import Table

from bench.common import TYPICAL, bench_settings, write_result
from bench.plans import profile
from bench.reads import CELEBRITY, FIRST_POST, HARD
from cypher import catalog
from graph.driver import make_driver
from graphgram.ids import new_id
from graphgram.settings import PROJECT_ROOT

console = Console()
Params = dict[str, Any]
PAGE: Params = {
    "limit": 21,
    "max_id": None,
    "since_id": None,
    "min_id": None,
    "newer_than": "",
    "older_than": "~",
    "after": "",
    "before": "",
}
# Who a heavy viewer follows, and their newest posts: the ids of a hydrated page.
FOLLOWED_POSTS = """
MATCH (:User {id: $viewer_id})-[:FOLLOWS]->(a:User)-[:POSTED]->(p:Post)
WHERE NOT a.private AND a.suspended_at IS NULL
RETURN p.id AS id ORDER BY p.id DESC LIMIT 20
"""
FRIENDS_OF_FRIENDS = """
MATCH (:User {id: $viewer_id})-[:FOLLOWS]->(:User)-[:FOLLOWS]->(s:User)
RETURN DISTINCT s.id AS id LIMIT 20
"""


def _attempt(driver: Driver, text: str, params: Params, repeat: int) -> dict[str, Any]:
    """One version's figures, or what stopped it (the server's transaction timeout)."""
    try:
        run = profile(driver, text, params, repeat, warm=True)
    except Neo4jError as exc:
        return {"ms": None, "db_hits": None, "rows": None, "error": exc.code}
    return {"ms": round(run.seconds * 1000, 2), "db_hits": run.db_hits, "rows": run.rows}


def _old_text(rev: str, name: str) -> str | None:
    done = subprocess.run(
        ["git", "show", f"{rev}:cypher/{name}.cypher"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout if done.returncode == 0 else None


def _facts(driver: Driver) -> dict[str, Any]:
    def one(statement: LiteralString, **params: Any) -> Any:
        records, _, _ = driver.execute_query(statement, params, routing_="r")
        return records[0][0] if records else None

    def user_id(username: str) -> str:
        return str(one("MATCH (u:User {username: $u}) RETURN u.id", u=username))

    typical = str(one(TYPICAL, named=["alice", "bob", CELEBRITY, *HARD.usernames()]))
    viewers = {"typical": typical, "heavy": HARD.heavy_viewers[0], "celebrity": CELEBRITY}
    facts: dict[str, Any] = {
        "viewers": {role: {"username": u, "id": user_id(u)} for role, u in viewers.items()},
        "power": HARD.power_users[0],
        "power_id": user_id(HARD.power_users[0]),
        "celebrity_id": user_id(CELEBRITY),
        "liked_post": one(FIRST_POST, author=user_id(HARD.liked_author)),
        "thread_post": one(FIRST_POST, author=user_id(HARD.thread_author)),
    }
    for viewer in facts["viewers"].values():
        records, _, _ = driver.execute_query(
            FOLLOWED_POSTS, {"viewer_id": viewer["id"]}, routing_="r"
        )
        viewer["page"] = [r["id"] for r in records]
        records, _, _ = driver.execute_query(
            FRIENDS_OF_FRIENDS, {"viewer_id": viewer["id"]}, routing_="r"
        )
        viewer["fof"] = [r["id"] for r in records]
    return facts


# (route, statement, params for a viewer): what each route of bench/reads.py runs on Neo4j (its
# Redis-served parts left out), with the params its graph/ function passes.
Case = tuple[str, str, Callable[[dict[str, Any], dict[str, Any]], Params]]


def cases() -> list[Case]:
    since = new_id(datetime.now(UTC) - timedelta(days=1))
    now = datetime.now(UTC)
    return [
        (
            "GET /users/carol",
            "users/get_profile",
            lambda f, v: {"viewer_id": v["id"], "username": CELEBRITY},
        ),
        (
            "GET /users/carol/followers",
            "users/get_access",
            lambda f, v: {"viewer_id": v["id"], "username": CELEBRITY},
        ),
        (
            "GET /users/carol/followers",
            "users/list_followers",
            lambda f, v: {"viewer_id": v["id"], "user_id": f["celebrity_id"], **PAGE},
        ),
        (
            "GET /users/{viewer}/following",
            "users/list_following",
            lambda f, v: {"viewer_id": v["id"], "user_id": v["id"], **PAGE},
        ),
        (
            "GET /users/{power}/posts",
            "posts/list_user_posts",
            lambda f, v: {"viewer_id": v["id"], "user_id": f["power_id"], **PAGE},
        ),
        (
            "GET /posts/{50k likes}",
            "posts/get_access",
            lambda f, v: {"viewer_id": v["id"], "post_id": f["liked_post"]},
        ),
        (
            "GET /posts/{50k likes}/likes",
            "posts/list_likers",
            lambda f, v: {"viewer_id": v["id"], "post_id": f["liked_post"], **PAGE},
        ),
        (
            "GET /posts/{5k comments}/comments",
            "posts/list_comments",
            lambda f, v: {"viewer_id": v["id"], "post_id": f["thread_post"], **PAGE},
        ),
        ("hydrate (20 posts)", "posts/views", lambda f, v: {"ids": v["page"]}),
        (
            "hydrate (20 posts)",
            "posts/viewer_state",
            lambda f, v: {"viewer_id": v["id"], "ids": v["page"]},
        ),
        (
            "GET /search?q=#sunset",
            "discovery/search_hashtags",
            lambda f, v: {"viewer_id": v["id"], "lucene": "sunset*", "limit": 20},
        ),
        (
            "GET /tags/sunset/posts",
            "tags/get_tag",
            lambda f, v: {"viewer_id": v["id"], "tag": "sunset"},
        ),
        (
            "GET /tags/sunset/posts",
            "tags/list_posts",
            lambda f, v: {"viewer_id": v["id"], "tag": "sunset", **PAGE},
        ),
        ("GET /notifications", "timelines/muted_ids", lambda f, v: {"viewer_id": v["id"]}),
        (
            "GET /notifications",
            "notifications/list",
            lambda f, v: {"viewer_id": v["id"], "muted": [], **PAGE},
        ),
        ("GET /notifications", "accounts/pictures", lambda f, v: {"ids": v["fof"]}),
        (
            "GET /suggestions (no list yet)",
            "discovery/suggestions",
            lambda f, v: {"viewer_id": v["id"], "followees": 50, "per_followee": 20, "limit": 20},
        ),
        (
            "GET /suggestions",
            "discovery/suggestions_check",
            lambda f, v: {"viewer_id": v["id"], "ids": v["fof"], "public_only": False},
        ),
        (
            "GET /suggestions",
            "discovery/popular",
            lambda f, v: {"viewer_id": v["id"], "sample": 1000, "limit": 20},
        ),
        (
            "GET /explore (no list yet: the small sample)",
            "explore/candidates",
            lambda f, v: {
                "viewer_id": v["id"],
                "followees": 10,
                "scan": 20,
                "per_followee": 10,
                "tags": 3,
                "per_tag": 10,
                "half_life_h": 72.0,
                "limit": 40,
            },
        ),
        (
            "Explore's list, computed off the request",
            "explore/candidates",
            lambda f, v: {
                "viewer_id": v["id"],
                "followees": 50,
                "scan": 200,
                "per_followee": 20,
                "tags": 5,
                "per_tag": 20,
                "half_life_h": 72.0,
                "limit": 200,
            },
        ),
        (
            "GET /explore",
            "explore/still_shown",
            lambda f, v: {"viewer_id": v["id"], "ids": v["page"]},
        ),
        (
            "Explore's tags, computed off the request",
            "explore/trending_tags",
            lambda f, v: {
                "viewer_id": v["id"],
                "since": since,
                "followees": 200,
                "per_author": 50,
                "limit": 20,
            },
        ),
        ("GET /me/saved", "posts/list_saved", lambda f, v: {"viewer_id": v["id"], **PAGE}),
        ("GET /feed", "feed/home", lambda f, v: {"viewer_id": v["id"], **PAGE}),
        (
            "GET /stories",
            "stories/tray",
            lambda f, v: {
                "viewer_id": v["id"],
                "now": now,
                "after": "",
                "limit": 21,
                "per_ring": 100,
            },
        ),
    ]


def main(
    rev: Annotated[list[str], typer.Option(help="older commits to compare (git revisions)")],
    only: Annotated[str, typer.Option(help="statements whose name starts with this")] = "",
    repeat: Annotated[int, typer.Option()] = 3,
) -> None:
    settings = bench_settings()
    texts = catalog()
    figures: dict[str, Any] = {"revs": rev, "statements": []}
    table = Table("route", "statement", "viewer", *rev, "working tree", "same rows")
    with make_driver(settings) as driver:
        facts = _facts(driver)
        for route, name, params_of in cases():
            if not name.startswith(only):
                continue
            versions = {r: _old_text(r, name) for r in rev} | {"tree": texts[name]}
            for role, viewer in facts["viewers"].items():
                params = params_of(facts, viewer)
                runs = {
                    r: _attempt(driver, text, params, repeat)
                    for r, text in versions.items()
                    if text is not None
                }
                last = next((runs[r] for r in reversed(rev) if r in runs), None)
                same = last is None or last["rows"] == runs["tree"]["rows"]
                cells = [
                    f"{runs[r]['db_hits']} / {runs[r]['ms']} ms" if r in runs else "-"
                    for r in [*rev, "tree"]
                ]
                table.add_row(route, name, role, *cells, str(same))
                console.print(name, role, *cells, same)
                figures["statements"].append(
                    {
                        "route": route,
                        "statement": name,
                        "viewer": role,
                        **{
                            r: {k: run[k] for k in ("db_hits", "ms", "error") if k in run}
                            for r, run in runs.items()
                        },
                        "same_rows": same,
                    }
                )
    console.print(table)
    console.print(f"written to {write_result('read-plans', figures)}")


if __name__ == "__main__":
    typer.run(main)
