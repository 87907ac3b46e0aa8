"""Redis bytes per active user: what the derived state of N active users costs, by key family.

    python -m bench.redis_memory [--preset large] [--users 1000] [--topology single|cluster]

On a seeded graph (`graphgram seed --preset large --wipe`), `--users` accounts picked at random
(seeded, not suspended) each use the service the way the web client does, through the API over
HTTP, each from a client address of its own (`X-Forwarded-For`, believed from 127.0.0.1 only):
sign in (`POST /auth/login`: the session cache, the sign-in counters), `GET /me`, the home feed
for `--pages` pages of 10 (the home timeline and celebrity set, built on first read and then kept
by fan-out; the liked, saved, block and mute windows; the fast page's cached post fragments and
views), the story tray, 5 suggestions, Explore and its trending hashtags (their precomputed
lists), and a like of the newest post of their feed (the write counters, the user's Neo4j
bookmark). Then `--post-share` of them post once (`POST /posts` with an `Idempotency-Key`, as
the Mastodon clients send it): the fan-out pushes each post into the timelines of the author's
active followers. Once the fan-out has drained, Redis is measured:

- `used_memory` (INFO memory, summed over the masters on Redis Cluster) before and after: the
  delta less that of the client connections' buffers (`mem_clients_normal`: they follow the
  API processes' connection pools, not the users), ÷ N, is `bytes_per_active_user`, the figure
  `graphgram estimate` reads (capacity/plan.py). It includes Redis's own overhead per key (its
  dictionary, expiry entries); the raw delta ÷ N is `used_memory_delta_per_active_user`;
- every key is scanned and put in its family (`family`: ids and hash tags replaced by `*`,
  graphgram/redis_keys.py names every family); each family's bytes are `MEMORY USAGE` of up to
  `--sample` of its keys (all of them when fewer), scaled to its key count, before and after.
  Each family also records the TTL of its keys (the median of the sample; -1: none), since a
  family that expires in minutes is held only for the users active in those minutes, while
  timelines stay for `GRAPHGRAM_TIMELINE_INACTIVE_DAYS`.

Post views and fragments (`{p:*}`) belong to posts, not users: N users share those of the posts
they saw, so their bytes per active user fall as more users see the same posts; at the `large`
preset with 1,000 active users few posts are seen twice. On Redis Cluster the replicas hold the
same bytes again; the figures are the masters'.

At the start the derived state of earlier runs is dropped (`graphgram timelines reset`, and the
session cache, rate-limit counters, Explore and suggestion lists and bookmarks), so the users
picked start cold; the API processes are restarted on the current code. Result:
`bench/results/redis-memory.json` at the `large` preset (`redis-memory-<preset>.json` for other
presets, `-cluster` appended on the cluster topology), with provenance.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, cast

import httpx
from neo4j import GraphDatabase
from redis import Redis
from rich.console import Console
from rich.table import Table

from bench.common import write_result
from bench.topology import (
    BenchApi,
    add_topology_option,
    bench_instance,
    primaries,
    redis_client,
)
from graphgram import redis_keys
from graphgram.settings import Settings
from seed.generator import PRESETS
from seed.loader import DEMO_PASSWORD

console = Console()

USERS = """
MATCH (u:User) WHERE u.suspended_at IS NULL
RETURN u.username AS username ORDER BY username
"""

_TAG = re.compile(r"\{(" + "|".join(redis_keys.TAG_KINDS) + r"):[^}]*\}")
_RATE = re.compile("^" + re.escape(redis_keys.rate_limit("")) + r"([\w-]+):(?:(user|addr):)?")
_DIGEST = re.compile(r"^[0-9a-f]{32,}$")


def family(key: str) -> str:
    """A key's family: its name with hash tags, digests and per-request parts replaced by `*`
    (`tl:{u:*}:home`, `session:*`, `ratelimit:writes:user:*`, `idempotency:{u:*}:*`)."""
    if fnmatchcase(key, redis_keys.SESSION_PATTERN):
        return redis_keys.SESSION_PATTERN
    rate = _RATE.match(key)
    if rate:
        kind, by = rate.groups()
        return redis_keys.rate_limit(f"{kind}:{by}:*" if by else f"{kind}:*")
    key = _TAG.sub(lambda m: "{" + m.group(1) + ":*}", key)
    return ":".join("*" if _DIGEST.match(part) else part for part in key.split(":"))


@dataclass
class Family:
    keys: int = 0
    sample: list[str] = field(default_factory=list)
    seen: int = 0  # keys offered to the reservoir

    def offer(self, key: str, size: int, rng: random.Random) -> None:
        self.keys += 1
        self.seen += 1
        if len(self.sample) < size:
            self.sample.append(key)
        else:
            slot = rng.randrange(self.seen)
            if slot < size:
                self.sample[slot] = key


# INFO memory fields recorded before and after, summed over the servers holding data.
MEMORY_FIELDS = (
    "used_memory",
    "used_memory_dataset",
    "used_memory_overhead",
    "mem_clients_normal",
    "mem_total_replication_buffers",
    "used_memory_scripts",
)


def memory(redis: Redis) -> dict[str, int]:
    """INFO memory's figures, summed over the servers holding data (the masters on a cluster)."""
    total = dict.fromkeys(MEMORY_FIELDS, 0)
    for node in primaries(redis):
        info: dict[str, Any] = node.info("memory")
        for name in MEMORY_FIELDS:
            total[name] += int(info.get(name, 0))
    return total


def _scan(node: Redis) -> Iterator[str]:
    yield from cast(Iterator[str], node.scan_iter(count=1_000))


def snapshot(redis: Redis, sample: int, seed: int) -> dict[str, dict[str, Any]]:
    """Every key family: its keys, bytes (MEMORY USAGE of a sample, scaled) and TTL."""
    rng = random.Random(seed)
    out: dict[str, dict[str, Any]] = {}
    for node in primaries(redis):
        families: dict[str, Family] = {}
        for key in _scan(node):
            families.setdefault(family(key), Family()).offer(key, sample, rng)
        for name, found in families.items():
            sizes: list[int] = []
            ttls: list[int] = []
            with node.pipeline(transaction=False) as pipe:
                for key in found.sample:
                    pipe.memory_usage(key, samples=0)
                    pipe.ttl(key)
                replies = pipe.execute()
            for size, ttl in zip(replies[::2], replies[1::2], strict=True):
                if size is not None:  # expired between the scan and now
                    sizes.append(int(size))
                    ttls.append(int(ttl))
            mean = statistics.fmean(sizes) if sizes else 0.0
            entry = out.setdefault(name, {"keys": 0, "bytes": 0.0, "sampled": 0, "ttls": []})
            entry["keys"] += found.keys
            entry["bytes"] += mean * found.keys
            entry["sampled"] += len(sizes)
            entry["ttls"].extend(ttls)
    for entry in out.values():
        ttls = entry.pop("ttls")
        entry["ttl_s_median"] = int(statistics.median(ttls)) if ttls else None
        entry["bytes"] = round(entry["bytes"])
    return out


def client_address(i: int) -> str:
    """A distinct client address per active user (10.0.0.0/8): per-address counters as in life."""
    return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"


@dataclass
class Tally:
    users: int = 0
    requests: int = 0
    failed_logins: int = 0
    feed_posts: int = 0
    likes: int = 0
    posts: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, what: str, response: httpx.Response) -> None:
        name = f"{what} {response.status_code}"
        self.errors[name] = self.errors.get(name, 0) + 1


async def _session(
    client: httpx.AsyncClient, i: int, username: str, pages: int, tally: Tally
) -> str | None:
    """One active user's visit; their token (None when they could not sign in)."""
    address = {"X-Forwarded-For": client_address(i)}
    login = await client.post(
        "/auth/login", json={"username": username, "password": DEMO_PASSWORD}, headers=address
    )
    tally.requests += 1
    if login.status_code != 200:
        tally.failed_logins += 1
        tally.error("POST /auth/login", login)
        return None
    headers = {**address, "Authorization": f"Bearer {login.json()['access_token']}"}

    async def get(path: str) -> httpx.Response:
        response = await client.get(path, headers=headers)
        tally.requests += 1
        if response.status_code != 200:
            tally.error(f"GET {path.split('?')[0]}", response)
        return response

    await get("/me")
    newest: str | None = None
    path: str | None = "/feed?limit=10"
    for _ in range(pages):
        if path is None:
            break
        page = await get(path)
        if page.status_code != 200:
            break
        items = page.json()
        tally.feed_posts += len(items)
        if newest is None and items:
            newest = str(items[0]["id"])
        following = page.links.get("next", {}).get("url")
        path = str(following) if following else None
    await get("/stories?limit=20")
    await get("/suggestions?limit=5")
    await get("/explore?limit=20")
    await get("/explore/tags?limit=10")
    if newest is not None:
        liked = await client.post(f"/posts/{newest}/like", headers=headers)
        tally.requests += 1
        if liked.status_code == 200:
            tally.likes += 1
        else:
            tally.error("POST /posts/{id}/like", liked)
    tally.users += 1
    return headers["Authorization"]


async def warm(
    base: str,
    users: list[str],
    *,
    pages: int,
    post_share: float,
    concurrency: int,
    seed: int,
) -> Tally:
    """Every user's visit, `concurrency` at a time; then `post_share` of them post once."""
    tally = Tally()
    tokens: dict[int, str] = {}
    queue = list(enumerate(users))
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:

        async def visits() -> None:
            while queue:
                i, username = queue.pop()
                token = await _session(client, i, username, pages, tally)
                if token is not None:
                    tokens[i] = token

        await asyncio.gather(*(visits() for _ in range(concurrency)))
        posters = sorted(tokens)
        random.Random(seed).shuffle(posters)
        posting = posters[: round(post_share * len(posters))]

        async def posts() -> None:
            while posting:
                i = posting.pop()
                response = await client.post(
                    "/posts",
                    json={"caption": f"redis memory benchmark {i}"},
                    headers={
                        "Authorization": tokens[i],
                        "X-Forwarded-For": client_address(i),
                        "Idempotency-Key": f"redis-memory-{seed}-{i}",
                    },
                )
                tally.requests += 1
                if response.status_code == 201:
                    tally.posts += 1
                else:
                    tally.error("POST /posts", response)

        await asyncio.gather(*(posts() for _ in range(concurrency)))
    return tally


def _drained(redis: Redis, settings: Settings, timeout_s: float = 120.0) -> float:
    """Seconds until no post's fan-out is in flight."""
    inflight = redis_keys.Keys(settings.timeline_namespace).inflight
    started = time.perf_counter()
    while redis.zcard(inflight):
        if time.perf_counter() - started > timeout_s:
            raise TimeoutError(f"fan-out still in flight after {timeout_s:.0f} s")
        time.sleep(0.1)
    return time.perf_counter() - started


def per_user(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]], users: int
) -> dict[str, dict[str, Any]]:
    """Each family's growth, and its bytes and keys per active user, largest first."""
    rows: dict[str, dict[str, Any]] = {}
    for name, now in after.items():
        was = before.get(name, {"keys": 0, "bytes": 0})
        added = now["bytes"] - was["bytes"]
        keys = now["keys"] - was["keys"]
        if keys == 0 and added == 0:
            continue
        rows[name] = {
            "keys_added": keys,
            "bytes_added": added,
            "keys_per_user": round(keys / users, 3),
            "bytes_per_user": round(added / users, 1),
            "bytes_per_key": round(now["bytes"] / now["keys"], 1) if now["keys"] else 0,
            "sampled": now["sampled"],
            "ttl_s_median": now["ttl_s_median"],
        }
    return dict(sorted(rows.items(), key=lambda item: -float(item[1]["bytes_added"])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", choices=sorted(PRESETS), default="large")
    parser.add_argument("--users", type=int, default=1_000, help="active users")
    parser.add_argument("--pages", type=int, default=3, help="feed pages of 10 per user")
    parser.add_argument(
        "--post-share", type=float, default=0.2, help="share of the users who post once"
    )
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--sample", type=int, default=300, help="keys sampled per family")
    parser.add_argument("--seed", type=int, default=27)
    add_topology_option(parser)
    args = parser.parse_args()

    instance = bench_instance()
    api = BenchApi.of(instance, args.topology)
    settings, topology = api.settings, api.topology
    with console.status(f"starting the stack ({topology} topology)"):
        api.up()
    with GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password),
        notifications_min_severity="OFF",  # `suspended_at` is absent until someone is suspended
    ) as driver:
        records, _, _ = driver.execute_query(USERS, database_=settings.neo4j_database)
    everyone = [str(record["username"]) for record in records]
    if len(everyone) < PRESETS[args.preset].users:
        raise SystemExit(f"seed the {args.preset} preset first ({len(everyone)} users found)")
    if args.users > len(everyone):
        raise SystemExit(f"--users {args.users}: the graph has {len(everyone)} users")
    active = random.Random(args.seed).sample(everyone, args.users)

    redis = redis_client(settings)
    try:
        with console.status(f"starting the API ({api.workers} worker processes)"):
            # Rate limits stay on (their counters are part of the state); clients are told
            # apart by X-Forwarded-For, believed from the benchmark's own address only. The
            # per-user state outside the timelines is dropped too, so the users start cold.
            dropped = api.restart(
                {"GRAPHGRAM_TRUSTED_PROXIES": '["127.0.0.1"]'}, drop=redis_keys.USER_STATE_PATTERNS
            )
        time.sleep(1.0)  # the processes' own start-up writes (stream groups) settle
        with console.status("measuring Redis before"):
            before_memory = memory(redis)
            before = snapshot(redis, args.sample, args.seed)
        started = time.perf_counter()
        with console.status(f"{args.users:,} active users visiting"):
            tally = asyncio.run(
                warm(
                    api.address,
                    active,
                    pages=args.pages,
                    post_share=args.post_share,
                    concurrency=args.concurrency,
                    seed=args.seed,
                )
            )
        warm_s = time.perf_counter() - started
        drain_s = _drained(redis, settings)
        with console.status("measuring Redis after"):
            after_memory = memory(redis)
            after = snapshot(redis, args.sample, args.seed)
    finally:
        api.stop()
        redis.close()
    if tally.users == 0:
        raise SystemExit(f"no user could sign in: {tally.errors}")
    families = per_user(before, after, tally.users)

    def grew(name: str) -> int:
        return after_memory[name] - before_memory[name]

    sampled_total = sum(row["bytes_added"] for row in families.values())
    results: dict[str, Any] = {
        "preset": args.preset,
        "graph_users": len(everyone),
        "active_users": tally.users,
        "failed_logins": tally.failed_logins,
        "topology": api.describe(),
        "visit": {
            "feed_pages": args.pages,
            "feed_page_size": 10,
            "post_share": args.post_share,
            "concurrency": args.concurrency,
            "seed": args.seed,
            "requests": tally.requests,
            "feed_posts_seen": tally.feed_posts,
            "likes": tally.likes,
            "posts": tally.posts,
            "errors": tally.errors,
            "seconds": round(warm_s, 1),
            "fanout_drain_s": round(drain_s, 2),
        },
        "settings": {
            "timeline_cap": settings.timeline_cap,
            "timeline_celebrity_followers": settings.timeline_celebrity_followers,
            "timeline_inactive_days": settings.timeline_inactive_days,
            "session_cache_ttl_s": settings.session_cache_ttl_s,
        },
        "keys_dropped_at_start": dropped,
        "memory_before": before_memory,
        "memory_after": after_memory,
        "bytes_per_active_user": round(
            (grew("used_memory") - grew("mem_clients_normal")) / tally.users, 1
        ),
        "used_memory_delta_per_active_user": round(grew("used_memory") / tally.users, 1),
        "sampled_bytes_per_active_user": round(sampled_total / tally.users, 1),
        "families": families,
    }
    _print(results)
    name = "redis-memory" if args.preset == "large" else f"redis-memory-{args.preset}"
    if topology == "cluster":
        name += "-cluster"
    console.print(f"written to {write_result(name, results)}")


def _print(results: dict[str, Any]) -> None:
    table = Table(
        title=(
            f"Redis bytes per active user: {results['active_users']:,} users, "
            f"{results['preset']} preset, {results['topology']['name']} topology"
        )
    )
    for column in ("family", "keys/user", "bytes/user", "bytes/key", "TTL s (median)"):
        table.add_column(column, justify="left" if column == "family" else "right")
    for name, row in results["families"].items():
        table.add_row(
            name,
            str(row["keys_per_user"]),
            f"{row['bytes_per_user']:,.0f}",
            f"{row['bytes_per_key']:,.0f}",
            str(row["ttl_s_median"]),
        )
    table.add_row(
        "all (MEMORY USAGE, sampled)",
        "",
        f"{results['sampled_bytes_per_active_user']:,.0f}",
        "",
        "",
    )
    table.add_row(
        "all (used_memory delta, less client buffers)",
        "",
        f"{results['bytes_per_active_user']:,.0f}",
        "",
        "",
    )
    table.add_row(
        "all (used_memory delta)",
        "",
        f"{results['used_memory_delta_per_active_user']:,.0f}",
        "",
        "",
    )
    console.print(table)
    if results["visit"]["errors"]:
        console.print(f"answers other than 2xx: {results['visit']['errors']}")


if __name__ == "__main__":
    main()
