"""Does an analyst's query hurt users? A read route's latency under wrk, in one run: alone, while
`mutual_circles` runs over and over on the serving graph, and while it runs on the analytics copy.

    python -m bench.analytics_isolation [--seconds 20] [--route /users/carol/followers]

Runs on the current settings' stack instance (GRAPHGRAM_STACK_NAME / _PORT_OFFSET) with its
graph as seeded (the `large` preset for the figures in docs/analytics.md), one API process,
rate limits off; the copy must exist (`graphgram analytics refresh`). Writes
bench/results/analytics-isolation-<users>.json.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Annotated, Any

import httpx
import typer
from neo4j import GraphDatabase

from bench.common import write_result
from bench.wrk import Load, run
from cypher import query
from graph.analytics import get_saved
from graphgram.settings import Settings, get_settings
from ops.analytics import copy_settings, has_copy
from ops.stack import ApiService
from seed.loader import DEMO_PASSWORD


def _hammer(settings: Settings, stop: threading.Event, runs: list[float]) -> None:
    """Run mutual_circles back to back on `settings`' graph until `stop` is set."""
    statement = query("analytics/mutual_circles")
    params = get_saved("mutual_circles").params
    with GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    ) as driver:
        while not stop.is_set():
            started = time.perf_counter()
            driver.execute_query(statement, params, database_=settings.neo4j_database, routing_="r")
            runs.append(time.perf_counter() - started)


def _under(url: str, token: str, seconds: float, graph: Settings | None) -> dict[str, Any]:
    stop = threading.Event()
    runs: list[float] = []
    worker = None
    if graph is not None:
        worker = threading.Thread(target=_hammer, args=(graph, stop, runs), daemon=True)
        worker.start()
        time.sleep(2)  # the query is under way before the first request
    try:
        load: Load = run(url, token=token, concurrency=1, seconds=seconds, timeout_s=10)
    finally:
        stop.set()
        if worker is not None:
            worker.join()
    return {
        "p50_ms": load.p50_ms,
        "p99_ms": load.p99_ms,
        "rps": load.rps,
        "mutual_circles_runs": len(runs),
        "mutual_circles_s": round(sum(runs) / len(runs), 2) if runs else None,
    }


def main(
    seconds: Annotated[float, typer.Option()] = 20.0,
    route: Annotated[str, typer.Option()] = "/users/carol/followers",
    username: Annotated[str, typer.Option()] = "alice",
) -> None:
    os.environ["GRAPHGRAM_RATE_LIMITS"] = "false"
    settings = get_settings().model_copy(update={"api_workers": 1, "rate_limits": False})
    if not has_copy(settings):
        raise typer.BadParameter("no analytics copy: run `graphgram analytics refresh` first")
    api = ApiService(settings)
    api.stop()
    api.start(lambda _: None)
    try:
        base = api.address()
        with httpx.Client(base_url=base, timeout=30) as client:
            login = client.post(
                "/auth/login", json={"username": username, "password": DEMO_PASSWORD}
            )
            login.raise_for_status()
            token = login.json()["access_token"]
        url = base + route
        run(url, token=token, concurrency=1, seconds=2)  # warm up
        quiet = _under(url, token, seconds, None)
        on_serving = _under(url, token, seconds, settings)
        on_copy = _under(url, token, seconds, copy_settings(settings))
    finally:
        api.stop()
    with GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    ) as driver:
        records, _, _ = driver.execute_query("MATCH (u:User) RETURN count(u) AS n")
    n = int(records[0]["n"])
    result = {
        "route": route,
        "seconds": seconds,
        "users": n,
        "quiet": quiet,
        "mutual_circles_on_serving": on_serving,
        "mutual_circles_on_copy": on_copy,
        "p99_vs_quiet_serving": round(on_serving["p99_ms"] / quiet["p99_ms"], 2),
        "p99_vs_quiet_copy": round(on_copy["p99_ms"] / quiet["p99_ms"], 2),
    }
    print(result)
    print(f"written to {write_result(f'analytics-isolation-{n}', result)}")


if __name__ == "__main__":
    typer.run(main)
