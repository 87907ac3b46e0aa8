"""The home feed's newest page while a post is in fan-out, against the same page with nothing in
fan-out (docs/home-feed.md#performance, "Known limit").

    python -m bench.inflight [--seconds 3] [--rounds 3] [--topology single|cluster] [--out NAME]

A post stays in the in-flight set while its fan-out runs. A page that a newer in-flight post
would top takes the full path, which asks the graph whether the viewer follows its author. The
set is global, so this happens whoever the author is. For the typical viewer and the heavy one
(2,000 followed), GET /feed?limit=20 runs in two states, alternating `--rounds` times:
- `empty`: nothing in the in-flight set;
- `in flight`: one post in the set, by an author neither viewer follows. It is a real post, made
  by the benchmark through `POST /posts` and put back in the set once its own fan-out ended.
  It is newer than every page, as a post being fanned out is.

Each state gets p50/p99 at concurrency 1 and requests/s at concurrency 16 (wrk). The figure is the
median of the rounds' ratios of the two states, in-flight ÷ empty, so both states share the
machine's drift. The post is deleted at the end. Runs on the `bench` stack instance at the
`large` preset (`graphgram seed --preset large --wipe` first). Writes bench/results/inflight.json
(`inflight-topology-cluster.json` on the cluster topology).
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from bench.common import EXISTS, TYPICAL, TYPICAL_ANY, graph_query, login, write_result
from bench.topology import BenchApi, add_topology_option, bench_instance, redis_client
from bench.wrk import run
from seed.generator import PRESETS, HardCases
from timelines.store import Keys

console = Console()
HARD = HardCases()
PAGE = "/feed?limit=20"
STATES = ("empty", "in flight")
# A public author neither viewer follows (nor blocks), with few followers: its post's own fan-out
# is short, and the page's followed-author check answers no.
STRANGER = """
MATCH (u:User) WHERE NOT u.private AND u.suspended_at IS NULL AND NOT u.username IN $viewers
  AND NOT EXISTS { MATCH (v:User)-[:FOLLOWS|BLOCKS]-(u) WHERE v.username IN $viewers }
WITH u, COUNT { (u)<-[:FOLLOWS]-() } AS followers WHERE followers <= 50
RETURN u.username AS username ORDER BY u.username LIMIT 1
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    add_topology_option(parser)
    parser.add_argument("--out", default=None, help="result file name under bench/results")
    args = parser.parse_args()

    api = BenchApi.of(bench_instance(), args.topology)
    settings = api.settings
    with console.status(f"starting the stack ({api.topology} topology)"):
        api.up()
    users = graph_query(settings, "MATCH (u:User) RETURN count(u) AS n")[0]["n"]
    if users < PRESETS["large"].users:
        raise SystemExit(
            f"seed the large preset first: graphgram seed --preset large --wipe "
            f"({users} users found)"
        )
    with console.status("starting the API on the current code"):
        api.restart({})
    base = api.address
    named = ["alice", "bob", "carol", *HARD.usernames()]
    typical = graph_query(settings, TYPICAL, named=named) or graph_query(
        settings, TYPICAL_ANY, named=named
    )
    viewers = {"typical": str(typical[0]["username"])}
    if graph_query(settings, EXISTS, u=HARD.heavy_viewers[0]):
        viewers["heavy (2,000 followed)"] = HARD.heavy_viewers[0]
    stranger = graph_query(settings, STRANGER, viewers=list(viewers.values()))
    if not stranger:
        raise SystemExit("no public author with at most 50 followers that no viewer follows")
    author = str(stranger[0]["username"])
    keys = Keys(settings.timeline_namespace)
    redis = redis_client(settings)
    results: dict[str, Any] = {
        "preset": "large",
        "users": users,
        "topology": api.describe(),
        "api_workers": api.workers,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "in_flight_author": author,
        "viewers": {},
    }
    with httpx.Client(base_url=base, timeout=60) as client:
        author_auth = {"Authorization": f"Bearer {login(client, author)}"}
        created = client.post("/posts", json={"caption": "in flight"}, headers=author_auth)
        created.raise_for_status()
        post_id = str(created.json()["id"])
        deadline = time.monotonic() + 30
        while redis.zscore(keys.inflight, post_id) is not None:  # its own fan-out first
            if time.monotonic() > deadline:
                raise SystemExit(f"post {post_id} still in fan-out after 30 s")
            time.sleep(0.01)
        try:
            for kind, username in viewers.items():
                token = login(client, username)
                client.get(PAGE, headers={"Authorization": f"Bearer {token}"}, timeout=120)
                run(base + PAGE, token=token, concurrency=1, seconds=1)  # warm up
                figures: dict[str, dict[str, list[float]]] = {
                    state: {"p50_ms_c1": [], "p99_ms_c1": [], "rps_c16": []} for state in STATES
                }
                for i in range(args.rounds):
                    for state in STATES:
                        if state == "in flight":
                            redis.zadd(keys.inflight, {post_id: 0})
                        else:
                            redis.zrem(keys.inflight, post_id)
                        with console.status(f"{kind} viewer ({username}): {state}, round {i + 1}"):
                            one = run(base + PAGE, token=token, concurrency=1, seconds=args.seconds)
                            many = run(
                                base + PAGE, token=token, concurrency=16, seconds=args.seconds
                            )
                        figures[state]["p50_ms_c1"].append(round(one.p50_ms, 2))
                        figures[state]["p99_ms_c1"].append(round(one.p99_ms, 2))
                        figures[state]["rps_c16"].append(round(many.rps, 1))
                redis.zrem(keys.inflight, post_id)
                per_state = {
                    state: {name: statistics.median(samples) for name, samples in values.items()}
                    | {f"{name}_rounds": samples for name, samples in values.items()}
                    for state, values in figures.items()
                }
                empty, busy = figures["empty"], figures["in flight"]
                results["viewers"][kind] = {
                    "username": username,
                    "states": per_state,
                    "p50_c1_in_flight_vs_empty": round(
                        statistics.median(
                            b / e
                            for b, e in zip(busy["p50_ms_c1"], empty["p50_ms_c1"], strict=True)
                        ),
                        2,
                    ),
                    "rps_c16_in_flight_vs_empty": round(
                        statistics.median(
                            b / e for b, e in zip(busy["rps_c16"], empty["rps_c16"], strict=True)
                        ),
                        3,
                    ),
                }
        finally:
            redis.zrem(keys.inflight, post_id)
            client.delete(f"/posts/{post_id}", headers=author_auth)

    table = Table(title=f"GET {PAGE}: one post of a stranger in fan-out ÷ nothing in fan-out")
    for column in ("viewer", "p50 ms empty", "p50 ms in flight", "p50 ×", "req/s c=16 ×"):
        table.add_column(column, justify="right")
    for kind, found in results["viewers"].items():
        states = found["states"]
        table.add_row(
            kind,
            f"{states['empty']['p50_ms_c1']:.2f}",
            f"{states['in flight']['p50_ms_c1']:.2f}",
            f"{found['p50_c1_in_flight_vs_empty']:.2f}",
            f"{found['rps_c16_in_flight_vs_empty']:.3f}",
        )
    console.print(table)
    name = args.out or ("inflight-topology-cluster" if api.topology == "cluster" else "inflight")
    console.print(f"written to {write_result(name, results)}")


if __name__ == "__main__":
    main()
