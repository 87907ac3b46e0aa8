"""How the API process serves the web client and the offline docs (api/web.py), on real files.

These need no stack: a bare FastAPI app with `install_web` over a built-looking folder. The
browser tests in tests/e2e/ drive the real build on the real stack.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from api.web import install_web

SHELL = "<!doctype html><title>Graphgram</title><div id=app></div>"
BUNDLE = "console.log('graphgram');" * 50


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(SHELL)
    (tmp_path / "assets" / "index-abc123.js").write_text(BUNDLE)
    (tmp_path / "assets" / "index-abc123.js.gz").write_bytes(gzip.compress(BUNDLE.encode()))
    swagger = tmp_path / "docs-assets" / "swagger-ui"
    swagger.mkdir(parents=True)
    (swagger / "swagger-ui-bundle.js").write_text("/* swagger */")
    (tmp_path.parent / "secret.txt").write_text("not for the web")
    return tmp_path


def _client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_client_urls_get_the_app_shell_revalidated(dist: Path) -> None:
    app = FastAPI()
    install_web(app, dist)
    async with _client(app) as http:
        for path in ("/web/", "/web/p/01abc", "/web/u/ada/followers", "/web/tags/sunrise"):
            response = await http.get(path)
            assert response.status_code == 200, path
            assert response.text == SHELL
            assert response.headers["cache-control"] == "no-cache"
            assert response.headers["x-frame-options"] == "DENY"
        assert (await http.get("/web")).headers["location"] == "/web/"


async def test_hashed_assets_are_immutable_and_gzipped_when_accepted(dist: Path) -> None:
    app = FastAPI()
    install_web(app, dist)
    async with _client(app) as http:
        plain = await http.get("/web/assets/index-abc123.js", headers={"Accept-Encoding": ""})
        zipped = await http.get("/web/assets/index-abc123.js", headers={"Accept-Encoding": "gzip"})
    assert plain.text == BUNDLE
    assert "content-encoding" not in plain.headers
    assert plain.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["content-type"].startswith("text/javascript")
    assert int(zipped.headers["content-length"]) < len(BUNDLE)
    assert zipped.text == BUNDLE  # httpx undoes the gzip: the bytes are the same script


async def test_missing_assets_and_paths_outside_the_build_are_404(dist: Path) -> None:
    app = FastAPI()
    install_web(app, dist)
    async with _client(app) as http:
        assert (await http.get("/web/assets/gone-123.js")).status_code == 404
        assert (await http.get("/web/assets/index-abc123.js.gz")).status_code == 404
        escaped = await http.get("/web/%2e%2e/secret.txt")
        assert escaped.status_code == 404
        assert "not for the web" not in escaped.text


async def test_unbuilt_client_says_how_to_build_it(tmp_path: Path) -> None:
    app = FastAPI()
    install_web(app, tmp_path / "no-such-build")
    async with _client(app) as http:
        response = await http.get("/web/")
    assert response.status_code == 503
    assert "make web" in response.text


async def test_docs_pages_load_their_assets_from_this_server(dist: Path) -> None:
    app = FastAPI(title="Graphgram")  # with FastAPI's own CDN-backed /docs and /redoc
    install_web(app, dist)
    async with _client(app) as http:
        docs = await http.get("/docs")
        redoc = await http.get("/redoc")
        bundle = await http.get("/web/docs-assets/swagger-ui/swagger-ui-bundle.js")
    assert docs.status_code == 200
    assert "/web/docs-assets/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert "/web/docs-assets/redoc/redoc.standalone.js" in redoc.text
    for page in (docs.text, redoc.text):
        assert "cdn.jsdelivr.net" not in page
        assert "fonts.googleapis.com" not in page
    assert bundle.text == "/* swagger */"
    assert [getattr(route, "path", None) for route in app.routes].count("/docs") == 1
