"""CPU time per request, by process: the API's workers and Redis, read from `/proc` around a wrk
run of one route, beside `/health` in the same run.

Requests/s on two shared cores mixes the cost of a request with whatever else runs; CPU seconds
per request does not, so this is how a change to the feed's code path is judged before the
slower, noisier `bench.feed` confirms it. Runs against the `bench` stack instance as it is (the
feed benchmark leaves it seeded and started):

    python -m bench.cpu_per_request --user alice --route '/feed?limit=20' --rounds 3
"""

from __future__ import annotations

import argparse
import os
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from bench import wrk
from bench.common import write_result
from graphgram.settings import Settings
from seed.loader import DEMO_PASSWORD

_TICK = os.sysconf("SC_CLK_TCK")
console = Console()


@dataclass(frozen=True)
class Sample:
    route: str
    requests: int
    rps: float
    api_us: float
    redis_us: float


def _tree(pid: int) -> list[int]:
    """`pid` and every process below it (uvicorn's workers are its children)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _cpu_s(pids: list[int]) -> float:
    """User plus system CPU seconds of these processes so far (a vanished one counts 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / _TICK


def _pid(settings: Settings, service: str) -> int:
    path = settings.instance_dir / service / "run" / f"{service}.pid"
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        raise SystemExit(
            f"no {service} pid file at {path}: start the stack first "
            f"(GRAPHGRAM_STACK_NAME={settings.stack_name} graphgram stack up)"
        ) from None


def measure(
    url: str, *, token: str | None, seconds: float, concurrency: int, api: list[int], redis: int
) -> tuple[int, float, float, float]:
    """(requests, requests/s, API CPU µs per request, Redis CPU µs per request) of one wrk run."""
    api_before, redis_before = _cpu_s(api), _cpu_s([redis])
    load = wrk.run(url, token=token, concurrency=concurrency, seconds=seconds, timeout_s=30)
    api_after, redis_after = _cpu_s(api), _cpu_s([redis])
    per = 1e6 / max(load.requests, 1)
    return (
        load.requests,
        load.rps,
        (api_after - api_before) * per,
        (redis_after - redis_before) * per,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--user", required=True, help="the viewer (a seeded account)")
    parser.add_argument("--route", default="/feed?limit=20")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="alternating /health and route runs")
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--out", default="", help="also write bench/results/<out>.json")
    args = parser.parse_args()

    settings = Settings()
    base = f"http://127.0.0.1:{settings.api_port}"
    with httpx.Client(base_url=base, timeout=30) as client:
        answer = client.post("/auth/login", json={"username": args.user, "password": args.password})
        if answer.status_code != 200:
            raise SystemExit(f"login as {args.user} failed ({answer.status_code}): {answer.text}")
        token = str(answer.json()["access_token"])
        client.get(args.route, headers={"Authorization": f"Bearer {token}"}).raise_for_status()
    api = _tree(_pid(settings, "api"))
    redis = _pid(settings, "redis")
    samples: list[Sample] = []
    for _ in range(args.rounds):
        for route, auth in (("/health", None), (args.route, token)):
            requests, rps, api_us, redis_us = measure(
                base + route,
                token=auth,
                seconds=args.seconds,
                concurrency=args.concurrency,
                api=api,
                redis=redis,
            )
            samples.append(Sample(route, requests, rps, api_us, redis_us))

    table = Table(title=f"CPU per request ({len(api)} API processes, c={args.concurrency})")
    for column in ("route", "requests/s", "API µs", "Redis µs"):
        table.add_column(column, justify="right" if column != "route" else "left")
    summary: dict[str, Any] = {}
    for route in ("/health", args.route):
        mine = [s for s in samples if s.route == route]
        summary[route] = {
            "rps_median": statistics.median(s.rps for s in mine),
            "api_us_median": statistics.median(s.api_us for s in mine),
            "redis_us_median": statistics.median(s.redis_us for s in mine),
            "runs": [s.__dict__ for s in mine],
        }
        for s in mine:
            table.add_row(route, f"{s.rps:,.0f}", f"{s.api_us:,.0f}", f"{s.redis_us:,.0f}")
    console.print(table)
    ratio = summary[args.route]["rps_median"] / summary["/health"]["rps_median"]
    console.print(f"{args.route} ÷ /health requests/s (medians): {ratio:.2f}")
    if args.out:
        path = write_result(
            args.out,
            {"user": args.user, "route": args.route, "ratio": ratio, "routes": summary},
        )
        console.print(f"written to {path}")


if __name__ == "__main__":
    main()
