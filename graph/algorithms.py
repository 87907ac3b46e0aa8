"""The follow graph out of Neo4j in bulk, and algorithm results back in, for the analytics copy.

`project` streams every user id and then every follow as an id pair (two statements, no
per-node round trips) into integer edge arrays a graph library takes as they are; `write`
sets one property per user in `UNWIND $rows` batches, one transaction each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from neo4j import Driver, Query

from cypher import query
from graph.fingerprint import SCAN_TIMEOUT_S
from graphgram.settings import Settings

Tick = Callable[[int, int], None]
Property = Literal[
    "pagerank",
    "community",
    "component",
    "interaction_pagerank",
    "interaction_community",
    "interaction_component",
]
_WRITE = {
    "pagerank": "algorithms/set_pagerank",
    "community": "algorithms/set_community",
    "component": "algorithms/set_component",
    "interaction_pagerank": "algorithms/set_interaction_pagerank",
    "interaction_community": "algorithms/set_interaction_community",
    "interaction_component": "algorithms/set_interaction_component",
}
# The edges each projection streams: who follows whom, or who liked or commented on whose post.
Graph = Literal["follows", "interactions"]
EDGES: dict[Graph, str] = {
    "follows": "algorithms/follow_pairs",
    "interactions": "algorithms/interaction_pairs",
}
BATCH = 10_000


@dataclass(frozen=True)
class Projection:
    ids: list[str]  # vertex i is the user with ids[i]
    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]

    @property
    def vertices(self) -> int:
        return len(self.ids)

    @property
    def edges(self) -> int:
        return int(self.src.size)


def project(driver: Driver, settings: Settings, tick: Tick, graph: Graph = "follows") -> Projection:
    """Users and `graph`'s edges (follows, or likes and comments from the liker to the post's
    author) as integer edge arrays; `tick(edges read, 0)` every 100,000 edges."""
    with driver.session(database=settings.neo4j_database, fetch_size=20_000) as session:
        ids = [
            str(r["id"])
            for r in session.run(Query(query("algorithms/user_ids"), timeout=SCAN_TIMEOUT_S))
        ]
        index = {user_id: i for i, user_id in enumerate(ids)}
        src: list[int] = []
        dst: list[int] = []
        for n, record in enumerate(
            session.run(Query(query(EDGES[graph]), timeout=SCAN_TIMEOUT_S)), 1
        ):
            src.append(index[record["src"]])
            dst.append(index[record["dst"]])
            if n % 100_000 == 0:
                tick(n, 0)
    tick(len(src), len(src))
    return Projection(ids, np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64))


def write(
    driver: Driver,
    settings: Settings,
    prop: Property,
    ids: Sequence[str],
    values: Sequence[float] | Sequence[int],
    tick: Tick,
    batch: int = BATCH,
) -> int:
    """Set `prop` on every user, `batch` users per transaction; returns users written."""
    statement = query(_WRITE[prop])
    total = len(ids)
    for start in range(0, total, batch):
        rows = [{"id": ids[i], "value": values[i]} for i in range(start, min(start + batch, total))]
        driver.execute_query(statement, {"rows": rows}, database_=settings.neo4j_database)
        tick(min(start + batch, total), total)
    return total
