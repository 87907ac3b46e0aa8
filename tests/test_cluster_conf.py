"""The cluster topology's nginx (ops/cluster.py): edge, S3 endpoint and API balancer in one
render of the edge template, which nginx accepts; no server is started."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from graphgram.settings import Settings
from ops import cluster, edge
from ops.redis_cluster import RedisClusterService, node_ports
from tests.test_edge_conf import nginx_binary


def render(tmp_path: Path) -> tuple[Settings, str]:
    settings = Settings(environment="test", stack_root=tmp_path, stack_name="c", port_offset=300)
    return settings, cluster.ClusterNginx(settings).config()


def block(conf: str, opening: str) -> str:
    start = conf.index(opening)
    return conf[start : conf.index("\n    }\n", start)]


def test_every_minio_process_serves_the_edge_and_the_s3_endpoint(tmp_path: Path) -> None:
    settings, conf = render(tmp_path)
    pool = block(conf, "upstream object_store {")
    ports = re.findall(r"server 127\.0\.0\.1:(\d+) max_fails=1 fail_timeout=5s;", pool)
    assert [int(p) for p in ports] == [
        cluster.minio_port(settings, n) for n in range(1, cluster.MINIO_NODES + 1)
    ]
    assert settings.s3_port not in {int(p) for p in ports}  # that port is nginx's own
    s3 = block(conf, f"listen 127.0.0.1:{settings.s3_port};")
    assert "proxy_pass http://object_store;" in s3
    assert "proxy_set_header Host $http_host;" in s3  # SigV4 signs the Host header
    # A process rejoining the set answers NoSuchKey for objects it holds: the next one is asked.
    [s3_retry] = re.findall(r"proxy_next_upstream ([^;]*);", s3)
    assert s3_retry.split() == ["error", "timeout", "http_502", "http_503", "http_504", "http_404"]
    assert "proxy_next_upstream_tries 3;" in s3
    # The media edge is the single topology's, with the pool as its upstream.
    media = block(conf, f"listen 127.0.0.1:{settings.edge_port};")
    assert "secure_link_md5" in media
    assert "proxy_pass http://object_store;" in media
    [retry] = re.findall(r"proxy_next_upstream ([^;]*);", media)
    assert retry.split() == ["error", "timeout", "http_502", "http_503", "http_504", "http_404"]
    assert "proxy_next_upstream_tries 3;" in media


def test_the_balancer_retries_only_what_is_safe_on_the_next_process(tmp_path: Path) -> None:
    settings, conf = render(tmp_path)
    pool = block(conf, "upstream api_pool {")
    assert "least_conn;" in pool
    assert "keepalive" in pool
    ports = re.findall(r"server 127\.0\.0\.1:(\d+) max_fails=1 fail_timeout=5s;", pool)
    assert [int(p) for p in ports] == [
        cluster.api_port(settings, n) for n in range(1, cluster.API_PROCESSES + 1)
    ]
    balancer = block(conf, f"listen 127.0.0.1:{cluster.balancer_port(settings)};")
    [retry] = re.findall(r"proxy_next_upstream ([^;]*);", balancer)
    assert retry.split() == ["error", "timeout", "http_502"]  # never non_idempotent, no 503
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in balancer


def test_the_single_topology_render_is_unchanged_by_the_pool(tmp_path: Path) -> None:
    settings = Settings(environment="test")
    native = edge.native(settings, tmp_path, tmp_path / "nginx.pid", as_root=False)
    conf = edge.render(native)
    pool = block(conf, "upstream object_store {")
    assert re.findall(r"server (\S+);", pool) == [f"127.0.0.1:{settings.s3_port}"]
    assert "api_pool" not in conf


def test_cluster_render_passes_nginx_config_check(tmp_path: Path) -> None:
    settings, _ = render(tmp_path)
    service = cluster.ClusterNginx(settings)
    service.render()
    checked = subprocess.run(
        [nginx_binary(), "-t", "-q", "-p", str(service.dir), "-c", str(service.conf_path())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr


def test_topology_is_remembered_per_instance(tmp_path: Path) -> None:
    settings = Settings(environment="test", stack_root=tmp_path, stack_name="c")
    assert cluster.current_topology(settings) == "single"
    settings.instance_dir.mkdir(parents=True)
    cluster.topology_file(settings).write_text("cluster")
    assert cluster.current_topology(settings) == "cluster"
    names = [s.name for s in cluster.cluster_services(settings)]
    assert names == [
        "neo4j", "minio-1", "minio-2", "minio-3", "minio-4", "redis-cluster", "nginx",
        "api-1", "api-2", "api-3",
    ]  # fmt: skip


def test_the_balancer_is_the_api_address_and_redis_is_the_cluster(tmp_path: Path) -> None:
    """`make up-cluster` answers where `make up` does (the README's URLs and curl session work
    unchanged), its API processes sit just above, and every process of it uses the Redis
    Cluster (ops/redis_cluster.py) with a client of the cluster kind."""
    settings, conf = render(tmp_path)
    assert cluster.balancer_port(settings) == settings.api_port
    assert f"listen 127.0.0.1:{settings.api_port};" in conf
    processes = [cluster.api_port(settings, n) for n in range(1, cluster.API_PROCESSES + 1)]
    assert all(settings.api_port < port <= settings.api_port + 5 for port in processes)
    [redis] = cluster.redis_services(settings)
    assert isinstance(redis, RedisClusterService)
    configured = cluster.cluster_settings(settings)
    assert configured.redis_topology == "cluster"
    assert configured.redis_url == f"redis://127.0.0.1:{node_ports(settings)[0]}/0"
    env = cluster.ApiProcess(settings, 1).environment()
    assert env["GRAPHGRAM_REDIS_TOPOLOGY"] == "cluster"
    assert env["GRAPHGRAM_REDIS_URL"] == configured.redis_url
