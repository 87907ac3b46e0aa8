"""The API a benchmark measures, on either topology of the local stack (docs/scaling.md).

`single`: one uvicorn process with one worker per core (`make up`), one Redis server, one MinIO
process. `cluster`: 3 uvicorn processes of one worker behind the nginx balancer, Redis Cluster
(3 masters + 3 replicas) and MinIO as an erasure set of 4 processes (`make up-cluster`,
ops/cluster.py). Either way the benchmark talks to one address, the instance's API port: the
API itself on the single topology, the balancer on the cluster one, so `/health` and every route
are measured through the same hops.

A benchmark restarts the API processes itself (fresh processes on the current code, with the
environment it asks for, and Redis's derived state dropped while they are down: `restart`); the
other processes of the topology are started when missing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Iterator, Sequence
from typing import Any, cast

import httpx
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis
from redis.cluster import RedisCluster

from graphgram.settings import Settings
from ops import cluster, redis_cluster
from ops.cluster import TOPOLOGIES, Topology, current_topology
from ops.stack import ApiService, Progress, _noop

__all__ = [
    "TOPOLOGIES",
    "Topology",
    "BenchApi",
    "add_topology_option",
    "bench_instance",
    "current_topology",
    "primaries",
    "redis_client",
]


def bench_instance() -> Settings:
    """The stack instance the feed and memory benchmarks run on: GRAPHGRAM_STACK_NAME and
    GRAPHGRAM_PORT_OFFSET (the `tl` instance at +10190 when unset)."""
    return Settings(
        environment="test",
        stack_name=os.environ.get("GRAPHGRAM_STACK_NAME", "tl"),
        port_offset=int(os.environ.get("GRAPHGRAM_PORT_OFFSET", "10190")),
    )


def add_topology_option(parser: argparse.ArgumentParser) -> None:
    """`--topology single|cluster`; None (the instance's own) when not given: see `BenchApi.of`."""
    parser.add_argument(
        "--topology",
        choices=TOPOLOGIES,
        default=None,
        help="the instance's own when not given (.stack/<instance>/topology)",
    )


def redis_client(settings: Settings) -> Redis:
    """A plain (synchronous) client of the instance's Redis, replies decoded: the benchmark's own,
    beside the API's; a `RedisCluster` on Redis Cluster."""
    if settings.redis_topology == "cluster":
        return cast(Redis, RedisCluster.from_url(settings.redis_url, decode_responses=True))
    return Redis.from_url(settings.redis_url, decode_responses=True)


def primaries(redis: Redis) -> list[Redis]:
    """One plain client per server holding data: every master on Redis Cluster, else the one."""
    if isinstance(redis, RedisCluster):
        return [cast(Redis, redis.get_redis_connection(node)) for node in redis.get_primaries()]
    return [redis]


def unlink_matching(redis: Redis, patterns: Sequence[str]) -> int:
    """Unlink every key matching one of `patterns` on every master; how many were."""
    dropped = 0
    for node in primaries(redis):
        for pattern in patterns:
            batch = list(cast(Iterator[str], node.scan_iter(match=pattern, count=1_000)))
            for i in range(0, len(batch), 500):
                # One key per call: on a cluster the keys of one batch sit in many slots.
                with node.pipeline(transaction=False) as pipe:
                    for key in batch[i : i + 500]:
                        pipe.unlink(key)
                    dropped += sum(int(n) for n in pipe.execute())
    return dropped


class BenchApi:
    """The API processes of one topology, restarted by the benchmark with its environment."""

    def __init__(self, settings: Settings, topology: Topology) -> None:
        self.topology = topology
        self.settings = cluster.cluster_settings(settings) if topology == "cluster" else settings

    @classmethod
    def of(cls, instance: Settings, topology: Topology | None) -> BenchApi:
        """The instance's API on `topology`, or on the instance's own when None."""
        return cls(instance, topology or current_topology(instance))

    def up(self, progress: Progress = _noop) -> None:
        """Every process of the topology but the API (a running instance of the other
        topology is stopped first: they share ports)."""
        cluster.up(self.settings, topology=self.topology, with_api=False, progress=progress)

    def _single(self) -> ApiService:
        return ApiService(self.settings)

    def stop(self) -> None:
        if self.topology == "cluster":
            for process in cluster.api_processes(self.settings):
                process.stop()
        else:
            self._single().stop()

    def start(self, env: dict[str, str], progress: Progress = _noop) -> None:
        """Fresh API processes with `env` added to their environment (stopped first). Their
        background warm-up of query plans is off (graph/warmup.py): it would share the cores with
        the first routes measured; the benchmarks plan each route with one request before timing
        it instead."""
        env = {"GRAPHGRAM_WARM_QUERY_PLANS": "false", **env}
        self.stop()
        if self.topology == "cluster":
            # Only the API processes: the rest of the topology is up already.
            cluster.up(self.settings, topology="cluster", api_env=env, progress=progress)
            return
        # ApiService hands the benchmark's own environment to uvicorn.
        os.environ.update(env)
        self._single().start(progress)

    def reset_redis(self, drop: Sequence[str] = ()) -> int:
        """`graphgram timelines reset` on the instance (the timelines and views of an earlier run
        or policy dropped), then the keys matching `drop` unlinked; how many of those were."""
        from backends import open_backends
        from timelines.maintenance import reset

        async def _reset() -> None:
            async with open_backends(self.settings) as backends:
                await reset(backends)

        asyncio.run(_reset())
        if not drop:
            return 0
        redis = redis_client(self.settings)
        try:
            return unlink_matching(redis, drop)
        finally:
            redis.close()

    def restart(
        self, env: dict[str, str], *, drop: Sequence[str] = (), progress: Progress = _noop
    ) -> int:
        """Fresh API processes on the current code with `env`, and no Redis state left from an
        earlier run: stopped, Redis reset (`reset_redis`) while none runs, started; how many keys
        matching `drop` were dropped."""
        self.stop()
        dropped = self.reset_redis(drop)
        self.start(env, progress)
        return dropped

    @property
    def address(self) -> str:
        """The one address every request of the benchmark goes to."""
        if self.topology == "cluster":
            return f"http://127.0.0.1:{cluster.balancer_port(self.settings)}"
        return self._single().address()

    @property
    def processes(self) -> int:
        return cluster.API_PROCESSES if self.topology == "cluster" else 1

    @property
    def workers_per_process(self) -> int:
        return 1 if self.topology == "cluster" else self._single().workers()

    @property
    def workers(self) -> int:
        """uvicorn worker processes in all (each one an OS process serving requests)."""
        return self.processes * self.workers_per_process

    def served(self) -> dict[str, int]:
        """Requests each API process has answered so far (its own `/metrics`), on the cluster
        topology: how the balancer spread the load. Empty on the single topology, whose one
        address is answered by whichever of its workers takes the connection."""
        if self.topology != "cluster":
            return {}
        out: dict[str, int] = {}
        for process in cluster.api_processes(self.settings):
            text = httpx.get(f"{process.address()}/metrics", timeout=10).text
            out[process.name] = int(
                sum(
                    sample.value
                    for metric in text_string_to_metric_families(text)
                    if metric.name == "graphgram_http_requests"
                    for sample in metric.samples
                    if sample.name == "graphgram_http_requests_total"
                )
            )
        return out

    def describe(self) -> dict[str, Any]:
        """What the figures were measured on, for the result file."""
        s = self.settings
        if self.topology == "cluster":
            masters = redis_cluster.NODES // (1 + redis_cluster.REPLICAS_PER_MASTER)
            return {
                "name": "cluster",
                "measured_through": f"{self.address} (nginx balancer, least_conn)",
                "api_processes": self.processes,
                "workers_per_process": 1,
                "api_ports": [cluster.api_port(s, n) for n in range(1, self.processes + 1)],
                "redis": (
                    f"Redis Cluster, {masters} masters + {redis_cluster.NODES - masters} replicas"
                ),
                "redis_ports": redis_cluster.node_ports(s),
                "object_store": (
                    f"MinIO erasure set of {cluster.MINIO_NODES} processes "
                    f"({cluster.MINIO_STORAGE_CLASS}) behind nginx"
                ),
                "neo4j": s.neo4j_uri,
            }
        return {
            "name": "single",
            "measured_through": f"{self.address} (uvicorn, no balancer)",
            "api_processes": 1,
            "workers_per_process": self.workers_per_process,
            "redis": (
                "Redis Cluster (GRAPHGRAM_REDIS_TOPOLOGY=cluster)"
                if s.redis_topology == "cluster"
                else "one Redis server"
            ),
            "object_store": "one MinIO process",
            "neo4j": s.neo4j_uri,
        }
