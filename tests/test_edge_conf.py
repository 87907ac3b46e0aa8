"""One nginx template for every edge: the committed compose config is a fresh render of it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from graphgram.settings import Settings
from ops import edge


def media_location(place: edge.Edge) -> str:
    """The signed media location of a render, with the values that differ per place named."""
    conf = edge.render(place)
    start = conf.index("location /m/ {")
    block = conf[start : conf.index("location / {", start)]
    for value, name in [
        (place.cdn_secret, "SECRET"),
        (place.bucket, "BUCKET"),
        (place.s3_upstream, "S3"),
    ]:
        assert value in block, name
        block = block.replace(value, name)
    # Who may purge differs per place (the API's addresses); the rest of the purge location not.
    return re.sub(r"(\n *(allow|deny) (?!all;)\S+;)+", "\n            RULES", block)


def nginx_binary() -> str:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists() or not Path(edge.PURGE_MODULE).exists():
        pytest.fail(f"nginx or {edge.PURGE_PACKAGE} is not installed; `make up` installs them")
    return binary


def test_compose_config_is_a_fresh_render() -> None:
    committed = edge.COMPOSE_CONF.read_text()
    assert committed == edge.render(edge.compose()), (
        f"{edge.COMPOSE_CONF} is stale: run `python -m ops.edge` and commit it"
    )
    assert "${GRAPHGRAM_CDN_SECRET}" in committed  # left for the edge image's envsubst
    assert "proxy_pass $api_pool;" in committed  # `api` resolved at run time: every replica


def test_every_edge_serves_media_the_same_way(tmp_path: Path) -> None:
    settings = Settings(environment="test")
    native = edge.native(settings, tmp_path, tmp_path / "nginx.pid", as_root=False)
    container, compose = edge.container(settings), edge.compose()
    assert "secure_link_md5" in media_location(native)
    assert media_location(container) == media_location(native)
    assert media_location(compose) == media_location(native)
    assert f"listen 127.0.0.1:{settings.edge_port};" in edge.render(native)
    assert "listen 0.0.0.0:8080;" in edge.render(container)
    assert "api_pool" not in edge.render(native)


def test_the_purge_location_keys_entries_as_the_cache_does(tmp_path: Path) -> None:
    """The purge key is the cache key of one slice: the rewritten path (the bucket and object
    key, nothing of the signed URL's query) followed by the slice's range."""
    settings = Settings(environment="test", edge_purge_allow=["127.0.0.1", "10.1.2.0/24"])
    conf = edge.render(edge.native(settings, tmp_path, tmp_path / "nginx.pid", as_root=False))
    assert conf.startswith("# Generated")
    assert f"load_module {edge.PURGE_MODULE};" in conf
    assert "proxy_cache_key $uri$slice_range;" in conf
    assert f"rewrite ^/m/(.*)$ /{settings.media_bucket}/$1 break;" in conf
    assert "slice 1m;" in conf
    purge = conf[conf.index("location ~ ^/purge/") :]
    assert (
        f'proxy_cache_purge media "/{settings.media_bucket}/${{purge_key}}bytes=${{purge_range}}";'
        in purge
    )
    rules = re.findall(r"(allow|deny) ([^;]+);", purge)
    assert rules == [("allow", "127.0.0.1"), ("allow", "10.1.2.0/24"), ("deny", "all")]
    assert "real_ip" not in conf  # nginx's $remote_addr stays the connection's own address
    # compose: its network may purge, never the gateway where published-port clients appear
    composed = edge.render(edge.compose())
    purge = composed[composed.index("location ~ ^/purge/") :]
    assert re.findall(r"(allow|deny) ([^;]+);", purge) == [
        ("deny", edge.COMPOSE_GATEWAY),
        ("allow", edge.COMPOSE_SUBNET),
        ("deny", "all"),
    ]


def test_every_edge_streams_upload_parts_through_a_large_buffer(tmp_path: Path) -> None:
    """Direct upload parts go to the store as they arrive (no spooling to disk), read and sent
    256 KiB at a time: nginx's default 16 KiB buffer costs the edge twice the CPU per part."""
    settings = Settings(environment="test")
    places = {
        "native": edge.native(settings, tmp_path, tmp_path / "nginx.pid", as_root=False),
        "container": edge.container(settings),
        "compose": edge.compose(),
    }
    for name, place in places.items():
        conf = edge.render(place)
        start = conf.index(f"location /{place.bucket}/upload/ {{")
        block = conf[start : conf.index("}", conf.index("proxy_pass", start))]
        assert "proxy_request_buffering off;" in block, name
        assert "client_body_buffer_size 256k;" in block, name
        assert "client_max_body_size 5g;" in block, name


def test_purge_allow_list_never_allows_everyone() -> None:
    for everyone in ("0.0.0.0/0", "::/0"):
        with pytest.raises(ValueError, match="edge_purge_allow"):
            Settings(environment="test", edge_purge_allow=[everyone])


def test_compose_render_passes_the_edge_images_nginx_config_check(tmp_path: Path) -> None:
    """The compose edge image installs the same Debian nginx and purge module as the native
    stack: its config (the secret filled in as the entrypoint does) passes `nginx -t` here, with
    the compose service names and paths swapped for ones this machine has."""
    conf = edge.COMPOSE_CONF.read_text()
    conf = conf.replace("${GRAPHGRAM_CDN_SECRET}", "s3cret").replace(
        "${GRAPHGRAM_MEDIA_BUCKET}", "graphgram-media"
    )
    assert "${" not in re.sub(r"\$\{purge_(key|range)\}", "", conf)
    for container_path, name in [
        ("/var/cache/graphgram", "cache"),
        ("/var/cache/nginx", "temp"),
        ("/var/log/nginx", "logs"),
        ("/var/run/nginx.pid", "nginx.pid"),
    ]:
        conf = conf.replace(container_path, str(tmp_path / name))
    conf = conf.replace("server minio:9000;", "server 127.0.0.1:9000;").replace("user nginx;", "")
    for sub in ("cache", "temp", "logs"):
        (tmp_path / sub).mkdir()
    path = tmp_path / "nginx.conf"
    path.write_text(conf)
    checked = subprocess.run(
        [nginx_binary(), "-t", "-q", "-p", str(tmp_path), "-c", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("as_root", [False, True])
def test_native_render_passes_nginx_config_check(tmp_path: Path, as_root: bool) -> None:
    binary = nginx_binary()
    for sub in ("cache", "temp", "logs", "run"):
        (tmp_path / sub).mkdir()
    settings = Settings(environment="test")
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        edge.render(
            edge.native(settings, tmp_path, tmp_path / "run" / "nginx.pid", as_root=as_root)
        )
    )
    checked = subprocess.run(
        [binary, "-t", "-q", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
