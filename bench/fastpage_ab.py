"""The fast feed page in process (no HTTP), with and without this process's hints, interleaved.

    python -m bench.fastpage_ab [--pages 400] [--seconds 3] [--rounds 3]

On the `bench` instance's `large` graph (GRAPHGRAM_STACK_NAME / GRAPHGRAM_PORT_OFFSET, and
GRAPHGRAM_REDIS_TOPOLOGY=cluster for its Redis Cluster): for a typical viewer and one following
2,000 accounts, `timelines.fastpage.home_page` from a cached session, "hinted" (the process has
served the session before: one round trip) against "cold" (its hints dropped before every page:
the session read first, then the viewer's script, then the rest, three round trips, as the code
before the hints did). p50/p99 at concurrency 1 (blocks of `--pages` pages alternating) and
pages/s at concurrency 16 (`--rounds` alternating rounds of `--seconds`), with the Redis round
trips per page counted. Timelines are built through the full path first; the session is
written to the session cache in the API's format (wire/sessions.py), as the API's first
authenticated request does. Writes bench/results/fastpage.json.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import time
from collections.abc import Sequence
from typing import Any

from backends.batching import Command
from bench.common import TYPICAL, graph_query, write_result
from bench.feed import stack_settings
from seed.generator import HardCases
from services.security import session_id
from services.sessions import cache_key
from timelines import fastpage
from timelines import feed as timelines_feed
from wire import sessions

HARD = HardCases()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    from backends import open_backends
    from ops.stack import up

    settings = stack_settings()
    up(settings, with_api=False)
    named = ["alice", "bob", "carol", "benchfan", *HARD.usernames()]
    typical = graph_query(settings, TYPICAL, named=named)[0]["username"]
    results: dict[str, Any] = {
        "topology": settings.redis_topology,
        "pages_c1_block": args.pages,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "viewers": {},
    }
    async with open_backends(settings) as backends:
        batcher = backends.redis_batched
        counted = {"trips": 0}
        one, many = batcher.execute, batcher.execute_many

        async def counted_one(*a: Any) -> Any:
            counted["trips"] += 1
            return await one(*a)

        async def counted_many(commands: Sequence[Command]) -> list[Any]:
            counted["trips"] += 1
            return await many(commands)

        batcher.execute = counted_one  # type: ignore[method-assign]
        batcher.execute_many = counted_many  # type: ignore[method-assign]
        for kind, username in (("typical", typical), ("heavy", HARD.heavy_viewers[0])):
            row = graph_query(
                settings,
                "MATCH (u:User {username: $u}) RETURN u.id AS id, u.role AS role",
                u=username,
            )[0]
            viewer = row["id"]
            key = cache_key(session_id(secrets.token_urlsafe(32)))
            await backends.redis.set(
                key,
                sessions.encode(id=viewer, username=username, role=row["role"], scopes=None),
                ex=3600,
            )
            for _ in range(2):  # the views, then the fragments
                await timelines_feed.home(backends, viewer, timelines_feed.Cursors(21))

            async def page(
                hinted: bool, key: str = key, viewer: str = viewer, username: str = username
            ) -> None:
                if not hinted:
                    fastpage.HINTS.forget_viewer(key)
                    fastpage.HINTS.pages.pop(viewer, None)
                found = await fastpage.home_page(backends, session_key=key, limit=20, max_id=None)
                if found is None:
                    raise SystemExit(f"{username}: the fast page declined")

            await page(True)
            per_mode: dict[str, Any] = {"hinted": {}, "cold": {}}
            times: dict[str, list[float]] = {"hinted": [], "cold": []}
            trips: dict[str, list[int]] = {"hinted": [], "cold": []}
            for _ in range(3):
                for mode in ("hinted", "cold"):
                    for _ in range(args.pages):
                        counted["trips"] = 0
                        started = time.perf_counter()
                        await page(mode == "hinted")
                        times[mode].append((time.perf_counter() - started) * 1000)
                        trips[mode].append(counted["trips"])
            rps: dict[str, list[float]] = {"hinted": [], "cold": []}
            for _ in range(args.rounds):
                for mode in ("hinted", "cold"):
                    done = 0
                    deadline = time.perf_counter() + args.seconds

                    async def loop(hinted: bool, deadline: float = deadline) -> None:
                        nonlocal done
                        while time.perf_counter() < deadline:
                            await page(hinted)
                            done += 1

                    started = time.perf_counter()
                    await asyncio.gather(*(loop(mode == "hinted") for _ in range(16)))
                    rps[mode].append(round(done / (time.perf_counter() - started), 1))
            for mode in ("hinted", "cold"):
                per_mode[mode] = {
                    "p50_ms_c1": round(statistics.median(times[mode]), 3),
                    "p99_ms_c1": round(_percentile(times[mode], 0.99), 3),
                    "round_trips_per_page": round(statistics.mean(trips[mode]), 2),
                    "pages_per_s_c16": statistics.median(rps[mode]),
                    "pages_per_s_c16_rounds": rps[mode],
                }
            per_mode["hinted_vs_cold_c16"] = round(
                per_mode["hinted"]["pages_per_s_c16"] / per_mode["cold"]["pages_per_s_c16"], 2
            )
            results["viewers"][kind] = {"username": username, **per_mode}
            await backends.redis.delete(key)
        batcher.execute, batcher.execute_many = one, many  # type: ignore[method-assign]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results = asyncio.run(_run(args))
    name = "fastpage" if results["topology"] == "single" else "fastpage-cluster"
    print(results)
    print(f"written to {write_result(name, results)}")


if __name__ == "__main__":
    main()
