"""NetworKit and igraph on the same follow graph: which `graphgram analytics run` uses, and why.

The follow graph is made by the seed generator in memory (the same follows a `--preset` seeds,
without Neo4j), then each library runs PageRank, community detection (NetworKit's PLM, igraph's
multilevel: both Louvain) and weakly connected components on it; wall time per step, the
library's own graph construction included. Run:

    python -m bench.algorithms --preset large --users 20000

Writes bench/results/algorithms-<users>.json.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

import numpy as np
import typer

from bench.common import report
from graph.algorithms import Projection
from ops.analytics import Algorithm, Engine, compute
from seed.generator import PRESETS, follows_block, setup

ALGORITHMS: list[Algorithm] = ["pagerank", "communities", "components"]
ENGINES: list[Engine] = ["networkit", "igraph"]


def follow_graph(preset: str, users: int | None, seed: int = 42) -> Projection:
    plan, _ = setup(PRESETS[preset], seed=seed, days=90, end_ms=1_780_000_000_000, users=users)
    src, dst = [], []
    for block in plan.user_blocks():
        made = follows_block(plan, block)
        src.append(made[0].cols["a"])
        dst.append(made[0].cols["b"])
    a = np.concatenate(src).astype(np.int64)
    b = np.concatenate(dst).astype(np.int64)
    return Projection([str(i) for i in range(plan.world.n)], a, b)


def main(
    preset: Annotated[str, typer.Option()] = "large",
    users: Annotated[int | None, typer.Option()] = 20_000,
    repeat: Annotated[int, typer.Option()] = 3,
) -> None:
    graph = follow_graph(preset, users)
    figures: dict[str, Any] = {"users": graph.vertices, "follows": graph.edges}
    for algorithm in ALGORITHMS:
        for engine in ENGINES:
            best = float("inf")
            for _ in range(repeat):
                started = time.perf_counter()
                values = compute(algorithm, graph, engine)
                best = min(best, time.perf_counter() - started)
            figures[f"{algorithm}_{engine}_s"] = round(best, 3)
            if algorithm != "pagerank":
                figures[f"{algorithm}_{engine}_groups"] = len(set(values))
    report(
        f"algorithms-{graph.vertices}",
        f"algorithms on {graph.vertices:,} users, {graph.edges:,} follows (best of {repeat})",
        figures,
    )


if __name__ == "__main__":
    typer.run(main)
