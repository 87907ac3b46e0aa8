"""The analytics copy: refreshed from the latest backup, its freshness, and graph algorithms run
on it (docs/analytics.md).

The copy is a second Neo4j server (`ops.stack.AnalyticsService`), read-only, loaded from a
backup's dump with `neo4j-admin database load`. `refresh` takes a new backup first when the
latest is older than `max_age` (a backup loads the copy itself, to fingerprint the dump), and
otherwise loads the latest backup unless the copy already holds it.

`run` projects the follow graph out of the copy in one stream (graph/algorithms.py), runs the
algorithm in NetworKit (parallel, C++; igraph is kept as a measured alternative), restarts the
copy writable for the write-back (`UNWIND $rows` batches), then read-only again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from graph import algorithms
from graph.driver import make_driver
from graphgram.settings import Settings
from ops.backup import Manifest, backup, copy_state, latest, load_copy, write_copy_state
from ops.stack import AnalyticsService

Progress = Callable[[str, int, int], None]
Algorithm = Literal["pagerank", "communities", "components"]
Engine = Literal["networkit", "igraph"]
# The property each algorithm's result is written to, per projected graph.
PROPERTY: dict[algorithms.Graph, dict[str, algorithms.Property]] = {
    "follows": {"pagerank": "pagerank", "communities": "community", "components": "component"},
    "interactions": {
        "pagerank": "interaction_pagerank",
        "communities": "interaction_community",
        "components": "interaction_component",
    },
}


def _quiet(_: str, __: int, ___: int) -> None:
    return None


def copy_settings(settings: Settings) -> Settings:
    """The settings with the analytics copy as the graph: `analytics_neo4j_uri`, or this
    stack's own copy."""
    uri = settings.analytics_neo4j_uri or AnalyticsService(settings).uri
    return settings.model_copy(update={"neo4j_uri": uri})


def has_copy(settings: Settings) -> bool:
    return bool(settings.analytics_neo4j_uri) or AnalyticsService(settings).exists()


def _age_s(created_at: str) -> float:
    return (datetime.now(UTC) - datetime.fromisoformat(created_at)).total_seconds()


@dataclass
class Status:
    uri: str
    running: bool
    backup: str | None
    backup_created_at: str | None
    age_s: float | None
    latest_backup: str | None
    latest_age_s: float | None


def status(settings: Settings) -> Status:
    copy = AnalyticsService(settings)
    state = copy_state(settings)
    newest = latest(settings)
    newest_manifest = Manifest.read(newest) if newest else None
    return Status(
        uri=copy_settings(settings).neo4j_uri,
        running=copy.running() and copy.ready(),
        backup=state["backup"] if state else None,
        backup_created_at=state["created_at"] if state else None,
        age_s=_age_s(state["created_at"]) if state else None,
        latest_backup=newest_manifest.name if newest_manifest else None,
        latest_age_s=_age_s(newest_manifest.created_at) if newest_manifest else None,
    )


def refresh(settings: Settings, max_age_s: float, progress: Progress = _quiet) -> str:
    """Bring the copy to a backup at most `max_age_s` old; returns what was done."""
    newest = latest(settings)
    manifest = Manifest.read(newest) if newest else None
    if manifest is None or _age_s(manifest.created_at) > max_age_s:
        made = backup(settings, progress)
        return f"took backup {made.name} and loaded it into the copy"
    assert newest is not None
    state = copy_state(settings)
    if state and state.get("backup") == manifest.name and AnalyticsService(settings).running():
        return f"the copy already holds the latest backup {manifest.name}"
    load_copy(settings, (newest / manifest.dump_file).parent, progress)
    write_copy_state(settings, manifest)
    return f"loaded backup {manifest.name} into the copy"


@contextmanager
def writable(settings: Settings, progress: Progress = _quiet) -> Iterator[None]:
    """The copy restarted writable for a write-back, and read-only again afterwards."""
    copy = AnalyticsService(settings)
    progress("restart writable", 0, 1)
    copy.stop()
    copy.read_only = False
    copy.start(lambda _: None)
    progress("restart writable", 1, 1)
    try:
        yield
    finally:
        progress("restart read-only", 0, 1)
        copy.stop()
        copy.read_only = True
        copy.start(lambda _: None)
        progress("restart read-only", 1, 1)


def compute(
    algorithm: Algorithm, projection: algorithms.Projection, engine: Engine = "networkit"
) -> list[float] | list[int]:
    """One value per vertex: a PageRank score, a community or a weak component number."""
    if engine == "igraph":
        return _igraph(algorithm, projection)
    return _networkit(algorithm, projection)


def _networkit(algorithm: Algorithm, p: algorithms.Projection) -> list[float] | list[int]:
    import networkit as nk

    nk.engineering.setNumberOfThreads(0)  # every core
    graph = nk.GraphFromCoo(
        (p.src, p.dst), n=p.vertices, directed=algorithm != "communities", weighted=False
    )
    if algorithm == "pagerank":
        rank = nk.centrality.PageRank(graph, damp=0.85, tol=1e-9)
        rank.run()
        return [float(x) for x in rank.scores()]
    if algorithm == "components":
        found = nk.components.WeaklyConnectedComponents(graph)
        found.run()
        return [int(x) for x in found.getPartition().getVector()]
    graph.removeMultiEdges()  # a mutual follow is two edges between the same pair
    plm = nk.community.PLM(graph, refine=True)
    plm.run()
    return [int(x) for x in plm.getPartition().getVector()]


def _igraph(algorithm: Algorithm, p: algorithms.Projection) -> list[float] | list[int]:
    import igraph as ig

    edges = list(zip(p.src.tolist(), p.dst.tolist(), strict=True))
    graph = ig.Graph(n=p.vertices, edges=edges, directed=True)
    if algorithm == "pagerank":
        return [float(x) for x in graph.pagerank(damping=0.85, directed=True)]
    if algorithm == "components":
        return [int(x) for x in graph.connected_components(mode="weak").membership]
    undirected = graph.as_undirected(mode="collapse")
    return [int(x) for x in undirected.community_multilevel().membership]


@dataclass
class RunReport:
    vertices: int
    edges: int
    timings_s: dict[str, float]
    summary: dict[str, dict[str, Any]]  # per algorithm


def run(
    settings: Settings,
    chosen: list[Algorithm],
    *,
    engine: Engine = "networkit",
    graph: algorithms.Graph = "follows",
    write_back: bool = True,
    progress: Progress = _quiet,
) -> RunReport:
    """Project `graph` once, compute each algorithm, and write every result onto the copy's
    users in one writable window (see module doc)."""
    target = copy_settings(settings)
    timings: dict[str, float] = {}
    mark = time.perf_counter()
    with make_driver(target) as driver:
        projection = algorithms.project(
            driver, target, lambda done, total: progress(f"project {graph}", done, total), graph
        )
    timings["project"] = time.perf_counter() - mark
    results: dict[Algorithm, list[float] | list[int]] = {}
    for algorithm in dict.fromkeys(chosen):
        mark = time.perf_counter()
        progress(f"{algorithm} ({engine})", 0, 1)
        results[algorithm] = compute(algorithm, projection, engine)
        progress(f"{algorithm} ({engine})", 1, 1)
        timings[algorithm] = time.perf_counter() - mark
    if write_back:
        mark = time.perf_counter()
        local = not settings.analytics_neo4j_uri
        with writable(settings, progress) if local else _nothing(), make_driver(target) as driver:
            for algorithm, values in results.items():
                prop = PROPERTY[graph][algorithm]
                algorithms.write(
                    driver, target, prop, projection.ids, values, _phase(progress, prop)
                )
        timings["write"] = time.perf_counter() - mark
    return RunReport(
        projection.vertices,
        projection.edges,
        {k: round(v, 3) for k, v in timings.items()},
        {a: _summary(a, values) for a, values in results.items()},
    )


def _phase(progress: Progress, prop: str) -> algorithms.Tick:
    return lambda done, total: progress(f"write {prop}", done, total)


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _summary(algorithm: Algorithm, values: list[float] | list[int]) -> dict[str, Any]:
    if not values:
        return {}
    if algorithm == "pagerank":
        return {"max": max(values), "sum": round(float(sum(values)), 6)}
    sizes: dict[int, int] = {}
    for v in values:
        sizes[int(v)] = sizes.get(int(v), 0) + 1
    return {"groups": len(sizes), "largest": max(sizes.values())}
