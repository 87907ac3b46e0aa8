"""API throughput per process: requests/s of one real uvicorn process, per route, against the
`/health` baseline measured in the same run (same machine, same load generator).

    python -m bench.api_bench [--requests 1000] [--concurrency 16]

Seeds the `demo` graph on the `bench` stack instance, logs in as `alice`, and drives each route
with a bounded number of requests. Writes bench/results/api.json, which
`graphgram estimate --from-bench bench/results/api.json` reads.
"""

from __future__ import annotations

import argparse
import asyncio
import time

import httpx
from rich.console import Console
from rich.table import Table

from bench.common import bench_settings, write_result
from ops.stack import up
from seed.cli import run_seed
from seed.loader import DEMO_PASSWORD

console = Console()


async def drive(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], total: int, concurrency: int
) -> float:
    """Requests per second for `total` GETs of `path` at `concurrency`; every one must be 200."""
    remaining = total

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            response = await client.get(path, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return total / (time.perf_counter() - started)


async def main_async(total: int, concurrency: int) -> dict[str, object]:
    settings = bench_settings()
    with console.status("starting the bench stack and API"):
        up(settings, with_api=True)
    run_seed(settings, preset="demo", wipe=True, quiet=True)
    base = f"http://{settings.api_host}:{settings.api_port}"
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        login = await client.post(
            "/auth/login", json={"username": "alice", "password": DEMO_PASSWORD}
        )
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        routes = {
            "/health": "/health",
            "/users/{username}": "/users/bob",
            "/posts/{post_id}": None,
            "/feed": "/feed",
        }
        first = (await client.get("/feed", headers=headers)).json()
        routes["/posts/{post_id}"] = f"/posts/{first[0]['id']}"
        rps: dict[str, float] = {}
        for name, path in routes.items():
            assert path is not None
            await drive(client, path, headers, min(50, total), concurrency)  # warm up
            with console.status(f"{name}: {total} requests at concurrency {concurrency}"):
                rps[name] = await drive(client, path, headers, total, concurrency)
    return {
        "requests": total,
        "concurrency": concurrency,
        "rps_per_process": rps,
        "ratio_vs_health": {name: value / rps["/health"] for name, value in rps.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    result = asyncio.run(main_async(args.requests, args.concurrency))
    table = Table(title="requests/s of one API process (same run)")
    for column in ("route", "requests/s", "÷ /health"):
        table.add_column(column, justify="right")
    rps = result["rps_per_process"]
    ratios = result["ratio_vs_health"]
    assert isinstance(rps, dict)
    assert isinstance(ratios, dict)
    for name, value in rps.items():
        table.add_row(name, f"{value:,.0f}", f"{ratios[name]:.2f}")
    console.print(table)
    console.print(f"written to {write_result('api', result)}")


if __name__ == "__main__":
    main()
