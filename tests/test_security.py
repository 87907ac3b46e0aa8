"""Hardening through the real request path (docs/security.md): the headers a browser is given."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx
import pytest

from api.app import create_app
from api.security import origin
from api.web import WEB_DIST
from graphgram.settings import Settings


def _directives(policy: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


# -- headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/web/", "/web/p/01hzy0000000000000000000pp", "/web/x.js"])
async def test_web_client_pages_carry_a_strict_csp(
    client: httpx.AsyncClient, settings: Settings, path: str
) -> None:
    response = await client.get(path)
    csp = _directives(response.headers["content-security-policy"])
    edge = origin(settings.cdn_base_url)
    assert edge
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["style-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'", edge]
    assert csp["img-src"] == ["'self'", edge, "data:"]  # data: is the blurhash placeholder
    assert csp["media-src"] == ["'self'", edge]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_built_client_has_no_inline_script_or_style() -> None:
    """What the CSP above forbids is not in the build (a policy the page breaks is no policy)."""
    shell = (WEB_DIST / "index.html").read_text()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", shell, re.DOTALL)
    assert scripts, shell
    assert all("src=" in attrs and not body.strip() for attrs, body in scripts), scripts
    assert "<style" not in shell
    assert not re.search(r"\sstyle=", shell)
    assert not re.search(r"\son[a-z]+=", shell)  # no inline event handlers


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"])
async def test_docs_and_schema_refuse_framing_and_sniffing(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    if path != "/openapi.json":
        csp = _directives(response.headers["content-security-policy"])
        assert csp["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in csp["script-src"]
        # The page's own inline script is allowed by its hash, and by nothing wider.
        for body in re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL):
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in csp["script-src"]


async def test_json_api_responses_are_not_sniffed_or_framed(client: httpx.AsyncClient) -> None:
    for path in ("/health", "/api/v1/instance", "/posts/nope"):
        response = await client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["x-frame-options"] == "DENY", path


async def test_ready_503_says_when_to_retry(settings: Settings) -> None:
    broken = settings.model_copy(
        update={
            "media_bucket": "graphgram-no-such-bucket",
            "media_worker": False,
            "timeline_worker": False,
        }
    )
    application = create_app(broken)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            response = await http.get("/ready")
    assert response.status_code == 503
    assert response.json()["failing"] == ["object_store"]
    assert response.headers["retry-after"] == str(settings.unavailable_retry_after_s)
