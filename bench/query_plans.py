"""PROFILE of the saved analyst queries, before and after a rewrite: database hits and time.

    python -m bench.query_plans --before /tmp/before   # a folder of the old .cypher files

Runs each saved query (its `:params` example) with PROFILE on the graph of the current settings,
the old text from `--before` beside the catalog's, best of `--repeat`, and checks both return the
same rows. Writes bench/results/query-plans.json.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any, LiteralString

import typer
from neo4j import Driver

from bench.common import report
from cypher import catalog
from graph.analytics import saved_queries
from graph.driver import make_driver
from graphgram.settings import get_settings


def _hits(plan: Any) -> int:
    return int(plan.get("dbHits", 0)) + sum(_hits(child) for child in plan.get("children", []))


def profile(driver: Driver, text: str, params: dict[str, Any], repeat: int) -> dict[str, Any]:
    # The catalog's own text (or its older version), never input.
    statement: LiteralString = "PROFILE " + text
    best, hits, rows = float("inf"), 0, []
    for _ in range(repeat):
        started = time.perf_counter()
        records, summary, _ = driver.execute_query(statement, params, routing_="r")
        best = min(best, time.perf_counter() - started)
        hits = _hits(summary.profile or {})
        # Lists inside a row compared as sets: a rewrite may order a circle's members.
        rows = [[sorted(v) if isinstance(v, list) else v for v in r.values()] for r in records]
    return {"s": round(best, 3), "db_hits": hits, "rows": rows}


def main(
    before: Annotated[Path, typer.Option()],
    repeat: Annotated[int, typer.Option()] = 2,
) -> None:
    settings = get_settings()
    figures: dict[str, Any] = {}
    with make_driver(settings) as driver:
        for saved in saved_queries():
            old_file = before / f"{saved.name}.cypher"
            new = catalog()[f"analytics/{saved.name}"]
            if not old_file.exists() or old_file.read_text() == new:
                continue
            old_run = profile(driver, old_file.read_text(), saved.params, repeat)
            new_run = profile(driver, new, saved.params, repeat)
            figures[f"{saved.name}_before_s"] = old_run["s"]
            figures[f"{saved.name}_after_s"] = new_run["s"]
            figures[f"{saved.name}_before_db_hits"] = old_run["db_hits"]
            figures[f"{saved.name}_after_db_hits"] = new_run["db_hits"]
            figures[f"{saved.name}_same_rows"] = old_run["rows"] == new_run["rows"]
    report("query-plans", f"saved queries, PROFILE before/after ({settings.neo4j_uri})", figures)


if __name__ == "__main__":
    typer.run(main)
