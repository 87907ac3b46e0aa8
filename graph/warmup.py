"""Query plans made before the first request needs them.

Neo4j plans a statement the first time it runs after the server starts (and again once its
cached plan is evicted or found stale). For the catalog's largest statements that is seconds, not
milliseconds: at the `large` preset on 2 cores `notifications/list` (twelve UNION branches) takes
2-4 s to plan, `posts/list_saved` and `stories/tray` 1-2 s, and whoever asks first waits for it
(Neo4j Community has no plan-cache warm-up of its own; Enterprise's warms only the page cache).

`warm` plans catalog statements ahead with `EXPLAIN`, which plans and caches without running.
The plan cache is keyed by the statement and its parameters' types, so each statement is explained
with its own example parameters, the `/* :params {...} */` header every catalog file carries (the
catalog test checks they are there). Each API process warms the whole catalog in the background
when it starts (`Settings.warm_query_plans`); a Neo4j that restarts under running API processes
is cold again until they restart (docs/operations.md).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from neo4j import READ_ACCESS
from neo4j.exceptions import Neo4jError

from cypher import catalog, example_params, has_example, query
from graph.driver import Graph

log = logging.getLogger(__name__)


@dataclass
class Warmed:
    planned: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def warmable() -> list[str]:
    """Every catalog statement with example parameters (the schema files, several statements
    each and run once by the migrations, have none)."""
    return [name for name in sorted(catalog()) if has_example(name)]


async def warm(graph: Graph, names: Iterable[str] | None = None) -> Warmed:
    """Plan `names` (default: `warmable()`) on the graph's database with EXPLAIN, one after the
    other (a warm-up must not crowd out the requests it is for). A statement that fails to plan is
    recorded, not raised: the rest still get their plans."""
    report = Warmed()
    started = time.perf_counter()
    async with graph.driver.session(
        database=graph.database, default_access_mode=READ_ACCESS
    ) as session:
        for name in names if names is not None else warmable():
            params = example_params(name)
            try:
                result = await session.run("EXPLAIN " + query(name), params)
                await result.consume()
            except Neo4jError as exc:
                report.failed[name] = exc.message or type(exc).__name__
            else:
                report.planned.append(name)
    report.seconds = time.perf_counter() - started
    return report


async def warm_in_background(graph: Graph) -> None:
    """`warm` for an API process's start: logs what it planned and what failed, and never raises
    (a Neo4j that is not up yet leaves the plans to the first requests, as without a warm-up)."""
    try:
        report = await warm(graph)
    except Exception as exc:  # noqa: BLE001 - a warm-up is best effort; requests plan as before
        log.warning("query plans not warmed: %r", exc)
        return
    log.info(
        "query plans warmed: %d statements in %.1f s, %d failed %s",
        len(report.planned),
        report.seconds,
        len(report.failed),
        sorted(report.failed)[:5],
    )
