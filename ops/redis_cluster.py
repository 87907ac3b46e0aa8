"""A Redis Cluster in the local stack: 3 masters and 3 replicas on loopback, Debian's redis-server.

Chosen by `redis_topology = "cluster"` (`GRAPHGRAM_REDIS_TOPOLOGY=cluster`) in place of the one
Redis server. The nodes listen on `redis_port + 1..6` and talk on their cluster bus on
`redis_port + 7..12` (`cluster-port`), so an instance keeps every port within 12 of its Redis port.
Each node keeps its data, `nodes.conf`, log and pid file under `.stack/<instance>/redis-cluster/`.
The cluster is created once (`redis-cli --cluster create ... --cluster-replicas 1`); a restart
finds its `nodes.conf` and rejoins. Ready means every node says `cluster_state:ok`.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from graphgram.settings import Settings
from ops.stack import (
    Progress,
    RedisService,
    Service,
    ServiceStatus,
    StackError,
    _ensure_debian_package,
    _pid_alive,
    _read_pid,
    _render,
    _spawn,
    _tail,
    _terminate,
    _wait_until,
)

NODES = 6
REPLICAS_PER_MASTER = 1
# How long a master may be silent before its replica takes over (redis.conf's default is 15 s).
NODE_TIMEOUT_MS = 3000


def node_ports(settings: Settings) -> list[int]:
    return [settings.redis_port + i for i in range(1, NODES + 1)]


def bus_port(settings: Settings, port: int) -> int:
    return port + NODES


class RedisClusterService(Service):
    name = "redis-cluster"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.ports = node_ports(settings)
        self.pid_file = self.node_dir(self.ports[0]) / "redis.pid"
        self.log_file = self.node_dir(self.ports[0]) / "redis.log"

    def node_dir(self, port: int) -> Path:
        return self.dir / str(port)

    def address(self) -> str:
        return f"redis://127.0.0.1:{self.ports[0]}"

    def install(self, progress: Progress) -> None:
        self.binary = _ensure_debian_package("redis-server", "redis-server", progress)
        self.cli = _ensure_debian_package("redis-cli", "redis-tools", progress)

    def launch(self) -> None:
        for port in self.ports:
            self.launch_node(port)

    def launch_node(self, port: int) -> None:
        """Start one node (again) unless it runs: the failover tests restart a killed master."""
        home = self.node_dir(port)
        if self.node_running(port):
            return
        (home / "data").mkdir(parents=True, exist_ok=True)
        conf = home / "redis.conf"
        _render(
            "redis/redis-cluster.conf.template",
            conf,
            port=port,
            bus_port=bus_port(self.s, port),
            data_dir=home / "data",
            node_timeout_ms=NODE_TIMEOUT_MS,
        )
        binary = getattr(self, "binary", None) or _ensure_debian_package(
            "redis-server", "redis-server", lambda _: None
        )
        _spawn(
            [binary, str(conf)],
            log=home / "redis.log",
            pid_file=home / "redis.pid",
            env=dict(os.environ),
        )

    def node_pid(self, port: int) -> int | None:
        return _read_pid(self.node_dir(port) / "redis.pid")

    def node_running(self, port: int) -> bool:
        pid = self.node_pid(port)
        return pid is not None and _pid_alive(pid)

    def _info(self, port: int) -> dict[str, str]:
        import redis

        client = redis.Redis(port=port, socket_connect_timeout=1, socket_timeout=2)
        try:
            text = client.execute_command("CLUSTER INFO")  # type: ignore[no-untyped-call]
        finally:
            client.close()
        if isinstance(text, bytes):
            text = text.decode()
        if isinstance(text, dict):
            return {str(k): str(v) for k, v in text.items()}
        return dict(line.split(":", 1) for line in str(text).splitlines() if ":" in line)

    def ready(self) -> bool:
        import redis

        try:
            infos = [self._info(port) for port in self.ports]
        except redis.RedisError:
            return False
        return all(
            info.get("cluster_state") == "ok" and info.get("cluster_known_nodes") == str(NODES)
            for info in infos
        )

    def _answering(self) -> bool:
        import redis

        try:
            for port in self.ports:
                self._info(port)
        except redis.RedisError:
            return False
        return True

    def after_ready(self) -> None: ...

    def start(self, progress: Progress, timeout_s: float = 120.0) -> bool:
        if self.running() and self.ready():
            return False
        self.install(progress)
        progress(f"{self.name}: starting nodes on {self.ports[0]}..{self.ports[-1]}")
        self.launch()
        if not _wait_until(self._answering, 30):
            raise StackError(f"{self.name}: a node did not answer; see {self.dir}/*/redis.log")
        if all(self._info(port).get("cluster_known_nodes") == "1" for port in self.ports):
            progress(f"{self.name}: creating the cluster (3 masters, 3 replicas)")
            self.create()
        if not _wait_until(self.ready, timeout_s):
            raise StackError(
                f"{self.name} did not reach cluster_state:ok within {timeout_s:.0f}s.\n"
                f"Last lines of {self.log_file}:\n{_tail(self.log_file)}"
            )
        return True

    def create(self) -> None:
        cli = getattr(self, "cli", None) or _ensure_debian_package(
            "redis-cli", "redis-tools", lambda _: None
        )
        cmd = [
            cli,
            "--cluster",
            "create",
            *(f"127.0.0.1:{port}" for port in self.ports),
            "--cluster-replicas",
            str(REPLICAS_PER_MASTER),
            "--cluster-yes",
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise StackError(f"redis-cli --cluster create failed:\n{done.stdout}{done.stderr}")

    def running(self) -> bool:
        return any(self.node_running(port) for port in self.ports)

    def stop(self) -> None:
        for port in self.ports:
            _terminate(self.node_dir(port) / "redis.pid")

    def status(self) -> ServiceStatus:
        running = self.running()
        return ServiceStatus(
            self.name, running, running and self.ready(), self.address(), self.log_file
        )


def redis_services(settings: Settings, *, every: bool = False) -> list[Service]:
    """The Redis of the chosen topology; `every`: both kinds, so `stack down` stops either."""
    if every:
        return [RedisService(settings), RedisClusterService(settings)]
    if settings.redis_topology == "cluster":
        return [RedisClusterService(settings)]
    return [RedisService(settings)]
