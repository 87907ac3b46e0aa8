"""The home feed at the `large` preset: Redis timelines against the Cypher fan-in, and fan-out lag.

    python -m bench.feed [--seconds 5] [--posts 20] [--rounds 3] [--preset large]
                         [--topology single|cluster] [--out NAME]

One run, one topology of one stack instance (the `tl` instance, or GRAPHGRAM_STACK_NAME /
GRAPHGRAM_PORT_OFFSET; `--topology`: the instance's own unless given, bench/topology.py). On the
single topology the API runs as `make up` runs it, one uvicorn worker process per core; on the
cluster topology (`make up-cluster`) as 3 uvicorn processes of one worker behind the nginx
balancer, on Redis Cluster and the 4-process MinIO set, and every request of the benchmark,
`/health` included, goes through the balancer. The result records the topology and its
processes (`topology`). For a typical viewer, a
viewer following 2,000 accounts, one following 20 celebrities and one following what the
typical viewer follows with 20 of them muted: GET /health and the timeline
feed, each p50/p99 at concurrency 1 and requests/s at concurrency 16 (wrk), with ratios to
/health measured in the same run: /health and the timeline alternate `--rounds` times and the
medians are compared. Beside them the Cypher fan-in (the path the feed had before timelines,
`GET /feed?source=graph` until that switch went): `tests.fixtures.feeds.cypher_feed`, the fan-in
and its hydration, called in processes of this benchmark (as many as the API has workers at
c=16), so without HTTP, authentication and the JSON response: its figures flatter it a little.
Then fan-out lag: `--posts` posts by an author with about 100 and one with about 10,000
followers, all of them active (their timelines exist), timed from the POST to the post being in
the last follower's timeline (the in-flight set empties once every follower has it).

The graph must be seeded first (`graphgram seed --preset large --wipe`). A smaller preset
(`--preset demo`, to try the benchmark) has no heavy viewer and may have no author with the
followers a lag measurement asks for: those are left out. Redis state derived
from an older graph is dropped at the start (`graphgram timelines reset`), and the placeholder
timelines made for the lag measurement are dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import httpx
from redis import Redis
from rich.console import Console
from rich.table import Table

from bench import wrk
from bench.common import EXISTS, TYPICAL, TYPICAL_ANY, graph_query, login, write_result
from bench.topology import (
    BenchApi,
    add_topology_option,
    bench_instance,
    redis_client,
)
from bench.wrk import Load
from graphgram.settings import Settings
from seed.generator import PRESETS, HardCases
from seed.loader import DEMO_PASSWORD
from timelines.store import Keys

console = Console()
HARD = HardCases()
FAN = "benchfan"  # registered by the benchmark: follows the 20 most-followed accounts
# Registered by the benchmark: follows what the typical viewer follows, and mutes 20 of them.
MUTER = "benchmuter"
MUTES = 20
HEALTH = "GET /health"
CYPHER = "Cypher fan-in (in process, no HTTP)"
TIMELINE = "GET /feed (timeline)"

TOP = """
MATCH (u:User) WHERE NOT u.private
WITH u, COUNT { (u)<-[:FOLLOWS]-() } AS followers
ORDER BY followers DESC LIMIT $n
RETURN u.username AS username, followers
"""
AUTHOR_NEAR = """
MATCH (u:User) WHERE NOT u.private AND NOT u.username IN $named
WITH u, COUNT { (u)<-[:FOLLOWS]-() } AS followers
WHERE $low <= followers <= $high
RETURN u.id AS id, u.username AS username, followers
ORDER BY abs(followers - $target), u.username LIMIT 1
"""
FOLLOWER_IDS = "MATCH (:User {id: $id})<-[:FOLLOWS]-(f) RETURN f.id AS id"


def stack_settings() -> Settings:
    """The instance's settings as its single topology sees them (bench/topology.py)."""
    return bench_instance()


def _celebrity_fan(client: httpx.Client, celebrities: list[str]) -> str:
    """A user who follows exactly the 20 most-followed accounts (created on the first run)."""
    created = client.post(
        "/auth/register", json={"username": FAN, "password": DEMO_PASSWORD}
    )  # 409 on later runs
    if created.status_code not in (201, 409):
        created.raise_for_status()
    token = login(client, FAN)
    for username in celebrities:
        client.post(f"/users/{username}/follow", headers={"Authorization": f"Bearer {token}"})
    return token


def _muting_viewer(client: httpx.Client, settings: Settings, like: str) -> str:
    """A user who follows the accounts `like` follows and mutes `MUTES` of them (created on the
    first run): the feed of a viewer with mutes, which the fast page must still serve."""
    created = client.post("/auth/register", json={"username": MUTER, "password": DEMO_PASSWORD})
    if created.status_code not in (201, 409):
        created.raise_for_status()
    token = login(client, MUTER)
    headers = {"Authorization": f"Bearer {token}"}
    followed = graph_query(
        settings,
        "MATCH (:User {username: $u})-[:FOLLOWS]->(a:User) WHERE NOT a.private "
        "RETURN a.username AS username ORDER BY username LIMIT 500",
        u=like,
    )
    names = [row["username"] for row in followed]
    for username in names:
        client.post(f"/users/{username}/follow", headers=headers)
    for username in names[:MUTES]:
        client.put(f"/users/{username}/mute", headers=headers).raise_for_status()
    return token


def run(url: str, *, token: str, concurrency: int, seconds: float) -> Load:
    """wrk with a 30 s request timeout: the Cypher feed of a heavy viewer under load takes longer
    than wrk's default 2 s, and a timed-out request would count as no sample at all."""
    return wrk.run(url, token=token, concurrency=concurrency, seconds=seconds, timeout_s=30)


def _cypher_samples(
    settings: Settings, viewer_id: str, concurrency: int, seconds: float
) -> tuple[list[float], float]:
    """In one process: `concurrency` loops of the Cypher feed's first page for `seconds`; the
    seconds each page took, and the seconds the loops ran."""
    from backends import open_backends
    from tests.fixtures.feeds import cypher_feed

    async def loops() -> tuple[list[float], float]:
        samples: list[float] = []
        async with open_backends(settings) as backends:
            began = time.perf_counter()
            deadline = began + seconds

            async def loop() -> None:
                while time.perf_counter() < deadline:
                    started = time.perf_counter()
                    await cypher_feed(backends, viewer_id, limit=20)
                    samples.append(time.perf_counter() - started)

            await asyncio.gather(*(loop() for _ in range(concurrency)))
            return samples, time.perf_counter() - began

    return asyncio.run(loops())


def cypher_load(
    settings: Settings, username: str, *, concurrency: int, seconds: float, processes: int
) -> Load:
    """The Cypher feed (fan-in and hydration) at `concurrency`, spread over `processes`."""
    viewer_id = graph_query(settings, "MATCH (u:User {username: $u}) RETURN u.id AS id", u=username)
    processes = max(1, min(processes, concurrency))
    shares = [concurrency // processes + (i < concurrency % processes) for i in range(processes)]
    with ProcessPoolExecutor(processes) as pool:
        done = list(
            pool.map(
                _cypher_samples,
                [settings] * processes,
                [viewer_id[0]["id"]] * processes,
                shares,
                [seconds] * processes,
            )
        )
    samples = [s for part, _ in done for s in part]
    rps = sum(len(part) / elapsed for part, elapsed in done)
    return Load(
        rps=rps,
        p50_ms=1000 * statistics.median(samples),
        p99_ms=1000 * _percentile(samples, 0.99),
        requests=len(samples),
    )


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _lag(
    settings: Settings, client: httpx.Client, redis: Redis, author: dict[str, Any], posts: int
) -> dict[str, Any]:
    """Post `posts` times as `author`; seconds until the first and the last follower have it."""
    keys = Keys(settings.timeline_namespace)
    followers = [row["id"] for row in graph_query(settings, FOLLOWER_IDS, id=author["id"])]
    # Every follower active: a timeline of 50 placeholder ids (exact from the oldest of them).
    with redis.pipeline(transaction=False) as pipe:
        for follower in followers:
            key = keys.home(follower)
            pipe.delete(key)
            pipe.zadd(key, {"!00000000000000000000000000": 0})
            pipe.zadd(key, {f"00000000000000000000{i:06d}": 0 for i in range(50)})
        pipe.execute()
    token = login(client, author["username"])
    first_key, last_key = keys.home(followers[0]), keys.home(followers[-1])
    first: list[float] = []
    last: list[float] = []
    client.post(  # warm-up, not timed: the workers' first read of the stream and the graph
        "/posts", json={"caption": "warm-up"}, headers={"Authorization": f"Bearer {token}"}
    ).raise_for_status()
    time.sleep(1.0)
    for i in range(posts):
        started = time.perf_counter()
        response = client.post(
            "/posts",
            json={"caption": f"fan-out lag {i}"},
            headers={"Authorization": f"Bearer {token}"},
        )
        response.raise_for_status()
        post_id = response.json()["id"]
        seen_first = seen_last = None
        while seen_last is None:
            now = time.perf_counter() - started
            if seen_first is None and redis.zscore(first_key, post_id) is not None:
                seen_first = now
            if redis.zscore(last_key, post_id) is not None and (
                redis.zscore(keys.inflight, post_id) is None
            ):
                seen_last = now
            if now > 30:
                raise TimeoutError(f"post {post_id} not fanned out in 30 s")
            time.sleep(0.001)
        first.append(seen_first or seen_last)
        last.append(seen_last)
        time.sleep(0.2)
    return {
        "author": author["username"],
        "followers": author["followers"],
        "posts": posts,
        "first_follower_p50_ms": round(1000 * statistics.median(first), 1),
        "first_follower_p99_ms": round(1000 * _percentile(first, 0.99), 1),
        "every_follower_p50_ms": round(1000 * statistics.median(last), 1),
        "every_follower_p99_ms": round(1000 * _percentile(last, 0.99), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating /health and timeline runs at c=16"
    )
    parser.add_argument("--preset", choices=sorted(PRESETS), default="large")
    add_topology_option(parser)
    parser.add_argument(
        "--out",
        default=None,
        help="result file name under bench/results, without .json (default: feed, "
        "feed-topology-cluster on the cluster topology, -<preset> below `large`)",
    )
    args = parser.parse_args()

    instance = stack_settings()
    api = BenchApi.of(instance, args.topology)
    settings, topology = api.settings, api.topology
    with console.status(f"starting the stack ({topology} topology)"):
        api.up()
    users = graph_query(settings, "MATCH (u:User) RETURN count(u) AS n")[0]["n"]
    if users < PRESETS[args.preset].users:
        raise SystemExit(f"seed the {args.preset} preset first ({users} users found)")

    def restart_api(celebrity_followers: int) -> None:
        """Fresh API processes on the current code, with this celebrity threshold, and no
        Redis state left from another policy."""
        with console.status(
            f"starting the API ({api.processes} process(es), {api.workers} worker processes)"
        ):
            api.restart({"GRAPHGRAM_TIMELINE_CELEBRITY_FOLLOWERS": str(celebrity_followers)})

    # The read path at its worst: every one of the 20 most-followed accounts merged on read (the
    # threshold just under the 20th's followers, whatever the graph's shape).
    top = graph_query(settings, TOP, n=20)
    read_threshold = min(row["followers"] for row in top) - 1
    restart_api(read_threshold)
    base = api.address
    served_before = api.served()
    named = ["alice", "bob", "carol", FAN, *HARD.usernames()]
    results: dict[str, Any] = {
        "preset": args.preset,
        "users": users,
        "topology": api.describe(),
        "api_workers": api.workers,
        "cpu_cores": os.cpu_count(),
        "seconds": args.seconds,
        "rounds": args.rounds,
        "celebrity_threshold_reads": read_threshold,
        "celebrity_threshold_fanout": settings.timeline_celebrity_followers,
        "timeline_cap": settings.timeline_cap,
        "celebrities_followed": {row["username"]: row["followers"] for row in top},
        "viewers": {},
    }
    redis = redis_client(settings)
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            typical = (
                graph_query(settings, TYPICAL, named=named)
                or graph_query(settings, TYPICAL_ANY, named=named)
            )[0]["username"]
            tokens = {"typical": typical}
            if graph_query(settings, EXISTS, u=HARD.heavy_viewers[0]):
                tokens["heavy (2,000 followed)"] = HARD.heavy_viewers[0]
            viewers = {kind: (name, login(client, name)) for kind, name in tokens.items()}
            viewers["20 celebrities followed"] = (
                FAN,
                _celebrity_fan(client, [row["username"] for row in top]),
            )
            viewers[f"typical, {MUTES} mutes"] = (
                MUTER,
                _muting_viewer(client, settings, typical),
            )
            del typical
            for kind, (username, token) in viewers.items():
                following = graph_query(
                    settings,
                    "MATCH (:User {username: $u})-[:FOLLOWS]->(a) RETURN count(a) AS n",
                    u=username,
                )[0]["n"]
                routes = {HEALTH: "/health", TIMELINE: "/feed?limit=20"}
                per_route: dict[str, Any] = {}
                for name, path in routes.items():
                    with console.status(f"{kind} viewer ({username}): {name}, c=1"):
                        # One request first, without wrk's 2 s timeout: a viewer's first page in a
                        # fresh API process may build its timeline (and Neo4j plan the statement).
                        client.get(path, headers={"Authorization": f"Bearer {token}"}, timeout=120)
                        run(base + path, token=token, concurrency=1, seconds=1)  # warm up
                        one = run(base + path, token=token, concurrency=1, seconds=args.seconds)
                    per_route[name] = {
                        "p50_ms_c1": round(one.p50_ms, 2),
                        "p99_ms_c1": round(one.p99_ms, 2),
                    }
                with console.status(f"{kind} viewer ({username}): {CYPHER}, c=1"):
                    cypher_load(settings, username, concurrency=1, seconds=1, processes=1)
                    one = cypher_load(
                        settings, username, concurrency=1, seconds=args.seconds, processes=1
                    )
                per_route[CYPHER] = {
                    "p50_ms_c1": round(one.p50_ms, 2),
                    "p99_ms_c1": round(one.p99_ms, 2),
                }
                # Requests/s at c=16: /health and the timeline alternate, `rounds` times each
                # (this machine's speed drifts from one run to the next; the medians of
                # neighbours in time are the fair comparison), the slow fan-in once.
                rounds: dict[str, list[float]] = {HEALTH: [], TIMELINE: []}
                for i in range(args.rounds):
                    for name in (HEALTH, TIMELINE):
                        with console.status(f"{kind} viewer ({username}): {name}, round {i + 1}"):
                            many = run(
                                base + routes[name],
                                token=token,
                                concurrency=16,
                                seconds=args.seconds,
                            )
                        rounds[name].append(round(many.rps, 1))
                with console.status(f"{kind} viewer ({username}): {CYPHER}, c=16"):
                    many = cypher_load(
                        settings,
                        username,
                        concurrency=16,
                        seconds=args.seconds,
                        processes=api.workers,
                    )
                rounds[CYPHER] = [round(many.rps, 1)]
                for name, samples in rounds.items():
                    per_route[name]["rps_c16"] = round(statistics.median(samples), 1)
                    per_route[name]["rps_c16_rounds"] = samples
                health = per_route[HEALTH]["rps_c16"]
                cypher = per_route[CYPHER]["rps_c16"]
                timeline = per_route[TIMELINE]
                timeline["rps_vs_health"] = round(timeline["rps_c16"] / health, 3)
                timeline["rps_vs_health_rounds"] = [
                    round(t / h, 3) for t, h in zip(rounds[TIMELINE], rounds[HEALTH], strict=True)
                ]
                timeline["rps_vs_cypher_feed"] = round(timeline["rps_c16"] / cypher, 2)
                per_route[CYPHER]["rps_vs_health"] = round(cypher / health, 3)
                results["viewers"][kind] = {
                    "username": username,
                    "following": following,
                    "routes": per_route,
                }
            served = api.served()
            if served:  # what each process behind the balancer answered of the runs above
                results["topology"]["requests_per_process"] = {
                    name: count - served_before.get(name, 0) for name, count in served.items()
                }
            # Fan-out with the default policy: 10,000 followers are below the threshold.
            restart_api(settings.timeline_celebrity_followers)
            lag: dict[str, Any] = {}
            for target in (100, 10_000):
                # The public author nearest above the target who is still fanned out (the
                # large preset's tail has gaps: none between 8,000 and 12,500 followers).
                found = graph_query(
                    settings,
                    AUTHOR_NEAR,
                    named=named,
                    low=target,
                    high=settings.timeline_celebrity_followers,
                    target=target,
                )
                if not found and args.preset != "large":
                    console.print(f"no public author with {target:,} followers: no lag measured")
                    continue
                if not found:
                    raise SystemExit(
                        f"no public author with {target:,} to "
                        f"{settings.timeline_celebrity_followers:,} followers: seed the large "
                        "preset (graphgram seed --preset large --wipe)"
                    )
                author = found[0]
                with console.status(f"fan-out lag: {author['followers']} followers"):
                    lag[str(target)] = _lag(settings, client, redis, author, args.posts)
            results["fanout_lag"] = lag
    finally:
        api.stop()
        api.reset_redis()
        redis.close()
    _print(results)
    name = args.out or "feed" + ("-topology-cluster" if topology == "cluster" else "")
    if args.out is None and args.preset != "large":
        name += f"-{args.preset}"
    console.print(f"written to {write_result(name, results)}")


def _print(results: dict[str, Any]) -> None:
    table = Table(
        title=(
            f"home feed, {results['preset']} preset, {results['topology']['name']} topology: "
            f"{results['topology']['measured_through']}, {results['api_workers']} API worker "
            "processes"
        )
    )
    for column in ("viewer", "route", "p50 ms (c=1)", "p99 ms (c=1)", "req/s (c=16)", "÷ /health"):
        table.add_column(column)
    for kind, viewer in results["viewers"].items():
        for route, figures in viewer["routes"].items():
            table.add_row(
                f"{kind} ({viewer['following']} followed)",
                route,
                str(figures["p50_ms_c1"]),
                str(figures["p99_ms_c1"]),
                str(figures["rps_c16"]),
                str(figures.get("rps_vs_health", 1.0)),
            )
    console.print(table)
    lag = Table(title="fan-out lag (POST /posts to the post in the timeline)")
    for column in ("followers", "first p50", "first p99", "all p50", "all p99"):
        lag.add_column(column)
    for figures in results["fanout_lag"].values():
        lag.add_row(
            str(figures["followers"]),
            f"{figures['first_follower_p50_ms']} ms",
            f"{figures['first_follower_p99_ms']} ms",
            f"{figures['every_follower_p50_ms']} ms",
            f"{figures['every_follower_p99_ms']} ms",
        )
    console.print(lag)


if __name__ == "__main__":
    main()
