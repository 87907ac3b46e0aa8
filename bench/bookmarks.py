"""What read-your-writes costs a read: the same requests, interleaved, against two API processes
on one stack, one running this checkout and one running the code before bookmarks were kept
(`--base`, a commit: its files are exported with `git archive` into a temporary directory).

    python -m bench.bookmarks [--base e73ef37] [--requests 1500]

The viewer wrote just before (their bookmark is in Redis), so every Neo4j read of theirs in this
checkout reads the key and hands the bookmark to its session; the fast feed page answers from
Redis without reading it. Runs on the stack instance of GRAPHGRAM_STACK_NAME /
GRAPHGRAM_PORT_OFFSET (started if needed, single topology unless it runs as a cluster).
Writes bench/results/bookmarks.json.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path

import httpx
from redis import Redis

from bench.common import write_result
from graph.bookmarks import bookmark_key
from graphgram.settings import PROJECT_ROOT, Settings, get_settings


@contextmanager
def api_process(settings: Settings, root: Path, port: int) -> Iterator[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "GRAPHGRAM_RATE_LIMITS": "false",
        "GRAPHGRAM_STACK_NAME": settings.stack_name,
        "GRAPHGRAM_PORT_OFFSET": str(settings.port_offset),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def export(commit: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", commit], cwd=PROJECT_ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 3),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="e73ef37")
    parser.add_argument("--requests", type=int, default=1500)
    args = parser.parse_args()
    settings = get_settings()
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    port = settings.api_port + 5
    with tempfile.TemporaryDirectory() as tmp, api_process(settings, PROJECT_ROOT, port) as new:
        root = export(args.base, Path(tmp))
        with api_process(settings, root, port - 1) as old:
            name = f"bm{int(time.time()) % 100000}"
            password = "bench-bookmarks-pw"
            httpx.post(f"{new}/auth/register", json={"username": name, "password": password})
            token = httpx.post(
                f"{new}/auth/login", json={"username": name, "password": password}
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            for i in range(3):
                assert httpx.post(f"{new}/posts", json={"caption": f"b {i}"}, headers=headers)
            assert redis.get(bookmark_key(_user_id(new, headers)))
            routes = ["/me", f"/users/{name}/posts", f"/users/{name}", "/feed"]
            seen: dict[str, dict[str, list[float]]] = {
                r: {"before": [], "after": []} for r in routes
            }
            with httpx.Client(headers=headers) as client:
                for i in range(args.requests):
                    for route in routes:
                        order = [("before", old), ("after", new)]
                        for label, base in order if i % 2 else order[::-1]:
                            started = time.perf_counter()
                            answer = client.get(f"{base}{route}")
                            seen[route][label].append(time.perf_counter() - started)
                            assert answer.status_code == 200, answer.text
            figures = {
                route: {label: ms(values) for label, values in by.items()}
                for route, by in seen.items()
            }
    for route, by in figures.items():
        print(route, "before", by["before"], "after", by["after"])
    path = write_result(
        "bookmarks",
        {
            "what": (
                "p50/p99 of sequential GETs (concurrency 1) by a viewer whose write bookmark is "
                "in Redis, interleaved against two API processes on one stack: `before` runs "
                f"{args.base} (no bookmark kept), `after` this commit"
            ),
            "stack": {"name": settings.stack_name, "offset": settings.port_offset},
            "requests_per_route_and_process": args.requests,
            "routes": figures,
        },
    )
    print(f"wrote {path}")


def _user_id(base: str, headers: dict[str, str]) -> str:
    user_id: str = httpx.get(f"{base}/me", headers=headers).json()["id"]
    return user_id


if __name__ == "__main__":
    main()
