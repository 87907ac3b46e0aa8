"""The local stack's cluster topology: the same servers, several of each, as one process each.

`graphgram stack up --topology cluster` (`make up-cluster`) starts, on loopback and under
`.stack/<instance>/`, next to nothing of the single topology:

- Neo4j: the one Community server (Community has no clustering), reached through `neo4j://`
  like the single topology, so the driver routes and carries bookmarks as it would on a cluster;
- the object store: MinIO as one erasure set of 4 server processes, each with its own port and
  drive directory (`minio-1..4`), standard storage class EC:2 (2 data + 2 parity shards per
  object: reads survive 2 lost drives, writes 1);
- Redis: `redis_services()`, the one place the topology takes its Redis from: a Redis Cluster
  of 3 masters and 3 replicas (ops/redis_cluster.py, on `redis_port + 1..6`); every process of
  the topology is configured with `redis_topology = "cluster"` (`cluster_settings()`, and
  `GRAPHGRAM_REDIS_TOPOLOGY=cluster` for the API processes);
- nginx, one process, three servers: the media edge (`edge_port`, its upstream all 4 MinIO
  processes), the S3 endpoint the API uses (`s3_port`: the same 4, so the API keeps one S3
  address) and the API balancer on the API's own address (`api_port`, as `make up`'s API, so
  the README's URLs and curl session work unchanged);
- 3 uvicorn API processes (`api-1..3`, one worker each, on `api_port + 1..3`) behind that
  balancer.

The balancer is open-source nginx: health checks are passive (`max_fails`/`fail_timeout`: a
process that refused a connection or timed out is skipped for `fail_timeout`), there are no
active ones. It retries a request on the next process only for a connection error, a timeout or
a 502, and only for methods nginx holds idempotent (never POST or PATCH: `non_idempotent` is
off), so a write is never sent twice by the balancer; a client retries it with its
`Idempotency-Key`. A 503 is not retried: the API answers 503 when Neo4j, Redis or the object
store is away, which every process shares, and counting those as failures would mark every
process down and turn the API's own 503 (with `Retry-After`) into nginx's bare 502.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import Literal

from graphgram.settings import PROJECT_ROOT, Settings
from ops import redis_cluster, stack
from ops.stack import (
    ApiService,
    MinioService,
    NginxService,
    Progress,
    Service,
    ServiceStatus,
    StackError,
    _http_ok,
    _noop,
    _spawn,
    _wait_until,
)

Topology = Literal["single", "cluster"]
TOPOLOGIES: tuple[Topology, ...] = ("single", "cluster")

MINIO_NODES = 4
# 4 drives in one erasure set: MinIO's default parity for 4 drives is EC:2 as well; it is set so
# the layout does not change with MinIO's defaults. Read quorum 2 drives, write quorum 3.
MINIO_STORAGE_CLASS = "EC:2"
API_PROCESSES = 3
# Passive health checks of both pools: one failed connection takes a server out for 5 s.
FAIL_TIMEOUT_S = 5


def topology_file(settings: Settings) -> Path:
    return settings.instance_dir / "topology"


def current_topology(settings: Settings) -> Topology:
    """The topology this instance was last brought up as (single when never said)."""
    try:
        text = topology_file(settings).read_text().strip()
    except OSError:
        return "single"
    return "cluster" if text == "cluster" else "single"


def balancer_port(settings: Settings) -> int:
    """The API's one address in this topology: the single topology's API port."""
    return settings.api_port


def cluster_settings(settings: Settings) -> Settings:
    """`settings` for an instance of this topology: Redis is the cluster (a Redis URL derived
    from the instance's ports follows it; one set explicitly is kept)."""
    if settings.redis_topology == "cluster":
        return settings
    update: dict[str, object] = {"redis_topology": "cluster"}
    if settings.redis_url == f"redis://127.0.0.1:{settings.redis_port}/0":
        update["redis_url"] = f"redis://127.0.0.1:{redis_cluster.node_ports(settings)[0]}/0"
    return settings.model_copy(update=update)


def minio_port(settings: Settings, node: int) -> int:
    """MinIO process `node` (1..4): s3_port + 1 + node; s3_port itself is nginx's S3 endpoint."""
    return settings.s3_port + 1 + node


def api_port(settings: Settings, process: int) -> int:
    """API process `process` (1..3): api_port + process; the balancer is the one address."""
    return settings.api_port + process


def redis_services(settings: Settings) -> list[Service]:
    """Where the cluster topology's Redis comes from: Redis Cluster, 3 masters + 3 replicas."""
    return [redis_cluster.RedisClusterService(settings)]


class MinioNode(MinioService):
    """One server process of the erasure set, with its own port and drive directory."""

    def __init__(self, settings: Settings, node: int) -> None:
        self.node = node
        self.name = f"minio-{node}"
        super().__init__(settings)

    @property
    def port(self) -> int:
        return minio_port(self.s, self.node)

    @property
    def drive(self) -> Path:
        return self.dir / "data"

    def address(self) -> str:
        return f"http://127.0.0.1:{self.port} (drive {self.drive})"

    def endpoints(self) -> list[str]:
        """Every drive of the set, as each process names it: the same list for all four."""
        return [
            f"http://127.0.0.1:{minio_port(self.s, n)}{self.s.instance_dir / f'minio-{n}' / 'data'}"
            for n in range(1, MINIO_NODES + 1)
        ]

    def launch(self) -> None:
        self.drive.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "MINIO_ROOT_USER": self.s.s3_access_key,
            "MINIO_ROOT_PASSWORD": self.s.s3_secret_key,
            "MINIO_BROWSER": "off",
            "MINIO_UPDATE": "off",
            "MINIO_STORAGE_CLASS_STANDARD": MINIO_STORAGE_CLASS,
            # The drives sit on the root disk, which MinIO refuses outside CI/CD mode.
            "MINIO_CI_CD": "1",
            # Without it each process waits forever for "127.0.0.1 resolves to localhost in a
            # containerized deployment": it names which endpoint of the list is this process.
            "_MINIO_SERVER_LOCAL": f"127.0.0.1:{self.port}",
            # The erasure set's quorum as metrics, readable without a token on loopback.
            "MINIO_PROMETHEUS_AUTH_TYPE": "public",
        }
        _spawn(
            [
                str(self.binary),
                "server",
                "--address",
                f"127.0.0.1:{self.port}",
                "--quiet",
                *self.endpoints(),
            ],
            log=self.log_file,
            pid_file=self.pid_file,
            env=env,
        )

    def ready(self) -> bool:
        # Each process answers `cluster` once the set has write quorum.
        return _http_ok(f"http://127.0.0.1:{self.port}/minio/health/cluster")

    def after_ready(self) -> None:
        return None


class MinioSet:
    """The 4 processes of the erasure set, started together: none is ready until a quorum is."""

    def __init__(self, settings: Settings) -> None:
        self.s = settings
        self.nodes = [MinioNode(settings, n) for n in range(1, MINIO_NODES + 1)]

    def start(self, progress: Progress, timeout_s: float = 120.0) -> list[str]:
        started = []
        self.nodes[0].install(progress)
        for node in self.nodes:
            if not node.running():
                progress(f"{node.name}: starting on {node.address()}")
                node.launch()
                started.append(node.name)
        for node in self.nodes:
            if not _wait_until(node.ready, timeout_s):
                raise StackError(
                    f"{node.name} did not join the erasure set within {timeout_s:.0f}s; its log "
                    f"is {node.log_file}:\n{stack._tail(node.log_file)}"
                )
        return started


class ClusterNginx(NginxService):
    """The single topology's nginx edge, plus the S3 endpoint and the API balancer."""

    def config(self) -> str:
        from ops import edge

        s3_pool = tuple(
            f"127.0.0.1:{minio_port(self.s, n)} max_fails=1 fail_timeout={FAIL_TIMEOUT_S}s"
            for n in range(1, MINIO_NODES + 1)
        )
        apis = "\n".join(
            f"        server 127.0.0.1:{api_port(self.s, n)} "
            f"max_fails=1 fail_timeout={FAIL_TIMEOUT_S}s;"
            for n in range(1, API_PROCESSES + 1)
        )
        conf = edge.native(self.s, self.dir, self.pid_file, as_root=os.geteuid() == 0)
        servers = CLUSTER_SERVERS.format(
            s3_listen=f"127.0.0.1:{self.s.s3_port}",
            balancer_listen=f"127.0.0.1:{balancer_port(self.s)}",
            api_servers=apis,
        )
        return edge.render(dataclasses.replace(conf, s3_pool=s3_pool, extra_servers=servers))

    def address(self) -> str:
        return (
            f"http://127.0.0.1:{self.s.edge_port} (edge), "
            f"http://127.0.0.1:{balancer_port(self.s)} (API balancer), "
            f"http://127.0.0.1:{self.s.s3_port} (S3)"
        )

    def ready(self) -> bool:
        return _http_ok(f"http://127.0.0.1:{self.s.edge_port}/healthz")


# Inserted into the edge template's http block (ops/nginx/nginx.conf.template, `api_proxy`).
CLUSTER_SERVERS = """
    # The S3 endpoint the API writes to: every MinIO process of the erasure set. Signed
    # requests keep their Host header (SigV4 signs it). A request that could not reach a process
    # goes to the next one unless it is a POST (nginx's idempotent methods only); so does a 404,
    # since a process rejoining the set answers NoSuchKey for objects the set holds for seconds
    # after its health check passes (docs/scaling.md): a HEAD before a PUT, or a GET, is asked
    # of up to 3 processes before the object is called missing.
    server {{
        listen {s3_listen};
        client_max_body_size 0;
        ignore_invalid_headers off;
        proxy_buffering off;
        location / {{
            proxy_pass http://object_store;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_connect_timeout 2s;
            proxy_next_upstream error timeout http_502 http_503 http_504 http_404;
            proxy_next_upstream_tries 3;
            proxy_next_upstream_timeout 10s;
        }}
    }}

    # The API balancer: the process with the fewest open requests; passive health checks.
    upstream api_pool {{
        least_conn;
{api_servers}
        keepalive 32;
    }}

    server {{
        listen {balancer_listen};
        client_max_body_size 210m;
        location / {{
            proxy_pass http://api_pool;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_request_buffering off;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            proxy_next_upstream error timeout http_502;
            proxy_next_upstream_tries 3;
            proxy_next_upstream_timeout 10s;
        }}
    }}
"""


class ApiProcess(ApiService):
    """One uvicorn process (one worker) behind the balancer, which is its only trusted proxy."""

    def __init__(self, settings: Settings, process: int, env: dict[str, str] | None = None) -> None:
        self.process = process
        self.name = f"api-{process}"
        self.extra_env = env or {}
        super().__init__(settings)

    @property
    def port(self) -> int:
        return api_port(self.s, self.process)

    def address(self) -> str:
        return f"http://{self.s.api_host}:{self.port}"

    def environment(self) -> dict[str, str]:
        """The process's environment: this instance, behind the balancer, on the Redis Cluster."""
        return {
            **os.environ,
            "GRAPHGRAM_STACK_NAME": self.s.stack_name,
            "GRAPHGRAM_PORT_OFFSET": str(self.s.port_offset),
            "GRAPHGRAM_STACK_ROOT": str(self.s.stack_root),
            "GRAPHGRAM_TRUSTED_PROXIES": '["127.0.0.1"]',
            "GRAPHGRAM_CDN_BASE_URL": self.s.cdn_base_url,
            "GRAPHGRAM_REDIS_TOPOLOGY": "cluster",
            "GRAPHGRAM_REDIS_URL": cluster_settings(self.s).redis_url,
            "PYTHONPATH": str(PROJECT_ROOT),
            **self.extra_env,
        }

    def launch(self) -> None:
        env = self.environment()
        _spawn(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.app:create_app",
                "--factory",
                "--host",
                self.s.api_host,
                "--port",
                str(self.port),
                "--workers",
                "1",
                "--no-access-log",
                "--forwarded-allow-ips",
                "127.0.0.1",
            ],
            log=self.log_file,
            pid_file=self.pid_file,
            env=env,
        )

    def ready(self) -> bool:
        return _http_ok(f"{self.address()}/ready")


def api_processes(settings: Settings, env: dict[str, str] | None = None) -> list[ApiProcess]:
    return [ApiProcess(settings, n, env) for n in range(1, API_PROCESSES + 1)]


def cluster_services(settings: Settings, *, with_api: bool = True) -> list[Service]:
    """Every process of the cluster topology, in start order (status shows each)."""
    found: list[Service] = [
        stack.Neo4jService(settings),
        *MinioSet(settings).nodes,
        *redis_services(settings),
        ClusterNginx(settings),
    ]
    if with_api:
        found.extend(api_processes(settings))
    return found


def up(
    settings: Settings,
    *,
    topology: Topology = "single",
    with_api: bool = True,
    progress: Progress = _noop,
    api_env: dict[str, str] | None = None,
) -> list[str]:
    """Bring the instance up as `topology`; a running instance of the other one is stopped
    first (they share ports). Returns the names of the processes that had to be started."""
    if current_topology(settings) != topology:
        down(settings, progress=progress)
    if topology == "cluster":
        settings = cluster_settings(settings)
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    topology_file(settings).write_text(topology)
    if topology == "single":
        return stack.up(settings, with_api=with_api, progress=progress)
    started = []
    if stack.Neo4jService(settings).start(progress):
        started.append("neo4j")
    started.extend(MinioSet(settings).start(progress))
    for service in [*redis_services(settings), ClusterNginx(settings)]:
        if service.start(progress):
            started.append(service.name)
    MinioService(settings).after_ready()  # the bucket, through nginx's S3 endpoint
    if with_api:
        processes = api_processes(settings, api_env)
        for process in processes:
            if not process.running():
                progress(f"{process.name}: starting on {process.address()}")
                process.launch()
                started.append(process.name)
        for process in processes:
            if not _wait_until(process.ready, 120):
                raise StackError(
                    f"{process.name} did not answer /ready on {process.address()}; its log is "
                    f"{process.log_file}:\n{stack._tail(process.log_file)}"
                )
    return started


def down(settings: Settings, *, progress: Progress = _noop) -> None:
    """Stop every process of this instance, whichever topology it runs (data is kept)."""
    every: list[Service] = [*stack.services(settings), *cluster_services(settings)]
    seen: set[str] = set()
    for service in reversed(every):
        if service.name in seen:
            continue
        seen.add(service.name)
        if service.running():
            progress(f"{service.name}: stopping")
        service.stop()


def status(settings: Settings) -> list[ServiceStatus]:
    if current_topology(settings) == "cluster":
        return [service.status() for service in cluster_services(settings)]
    return stack.status(settings)
