"""One nginx template for every edge: the committed compose config is a fresh render of it."""

from __future__ import annotations

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
    return block


def test_compose_config_is_a_fresh_render() -> None:
    committed = edge.COMPOSE_CONF.read_text()
    assert committed == edge.render(edge.compose()), (
        f"{edge.COMPOSE_CONF} is stale: run `python -m ops.edge` and commit it"
    )
    assert "${GRAPHGRAM_CDN_SECRET}" in committed  # left for the nginx image's envsubst
    assert "server api:8000 resolve;" in committed


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


@pytest.mark.parametrize("as_root", [False, True])
def test_native_render_passes_nginx_config_check(tmp_path: Path, as_root: bool) -> None:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        pytest.fail("nginx is not installed; `make up` installs it")
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
