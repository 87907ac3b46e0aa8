"""PROFILE of the saved analyst queries, before and after a rewrite: database hits and time.

    python -m bench.query_plans --before /tmp/before   # a folder of the old .cypher files

Runs each saved query (its `:params` example) with PROFILE on the graph of the current settings,
the old text from `--before` beside the catalog's, best of `--repeat`, and checks both return the
same rows. Writes bench/results/query-plans.json.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from neo4j import Record

from bench.common import report
from bench.plans import profile
from cypher import catalog
from graph.analytics import saved_queries
from graph.driver import make_driver
from graphgram.settings import get_settings


def _lists_as_sets(record: Record) -> list[Any]:
    """A row's values, lists inside sorted: a rewrite may order a circle's members."""
    return [sorted(v) if isinstance(v, list) else v for v in record.values()]


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
            old_run = profile(
                driver, old_file.read_text(), saved.params, repeat, row=_lists_as_sets
            )
            new_run = profile(driver, new, saved.params, repeat, row=_lists_as_sets)
            figures[f"{saved.name}_before_s"] = round(old_run.seconds, 3)
            figures[f"{saved.name}_after_s"] = round(new_run.seconds, 3)
            figures[f"{saved.name}_before_db_hits"] = old_run.db_hits
            figures[f"{saved.name}_after_db_hits"] = new_run.db_hits
            figures[f"{saved.name}_same_rows"] = old_run.rows == new_run.rows
    report("query-plans", f"saved queries, PROFILE before/after ({settings.neo4j_uri})", figures)


if __name__ == "__main__":
    typer.run(main)
