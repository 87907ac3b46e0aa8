"""Hardening through the real request path (docs/security.md): the headers a browser is given,
inputs that used to be 500s, the JSON nesting limit on every surface, and error bodies that
stay small whatever was sent."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from api.app import create_app
from api.mastodon.deps import validate
from api.security import nests_deeper_than, origin, web_csp
from api.web import WEB_DIST
from graphgram.errors import MAX_FIELD_ERRORS, Unprocessable
from graphgram.settings import Settings
from media import direct
from tests.fixtures.factories import Factory

DEEP = "[" * 100_000 + "]" * 100_000
JSON = {"content-type": "application/json"}


def _directives(policy: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


# -- headers -----------------------------------------------------------------------------------


def test_a_store_reached_directly_is_the_one_more_place_the_client_connects_to() -> None:
    csp = _directives(web_csp("http://edge.test:8080/", "https://store.test/"))
    assert csp["connect-src"] == ["'self'", "http://edge.test:8080", "https://store.test"]
    assert csp["img-src"] == ["'self'", "http://edge.test:8080", "data:"]


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
    # Direct uploads PUT their parts through the edge (media.direct.public_base).
    assert origin(direct.public_base(settings)) == edge
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


# -- no 500 for any input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/web/%00",
        "/web/a%00.js",
        "/web/docs-assets/%00",
        "/web/assets/%00x.css",
        "/web/%01%1f",
        "/web/" + "a" * 5000 + ".js",  # a name too long for the file system
    ],
)
async def test_unservable_web_paths_are_404(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404, response.text[:200]


@pytest.mark.parametrize(
    ("method", "path", "surface"),
    [
        ("POST", "/posts", "native"),
        ("POST", "/auth/register", "native"),
        ("PATCH", "/me", "native"),
        ("POST", "/analytics/queries/top_influencers", "native"),
        ("POST", "/api/v1/statuses", "mastodon"),
        ("PATCH", "/api/v1/accounts/update_credentials", "mastodon"),
        ("POST", "/api/v1/apps", "mastodon"),
        ("POST", "/oauth/token", "mastodon"),
    ],
)
async def test_deep_json_is_a_400_in_the_surfaces_shape(
    client: httpx.AsyncClient, factory: Factory, method: str, path: str, surface: str
) -> None:
    ada = factory.user("ada")
    for headers, body in (
        ({**ada["headers"], **JSON}, DEEP),
        ({**ada["headers"], **JSON}, '{"a": ' * 50_000 + "1" + "}" * 50_000),
        (ada["headers"], DEEP),  # no Content-Type: FastAPI parses it as JSON all the same
        ({**ada["headers"], "content-type": "application/merge-patch+json"}, DEEP),
    ):
        response = await client.request(method, path, content=body, headers=headers)
        assert response.status_code == 400, (path, response.text[:300])
        error = response.json()["error"]
        if surface == "mastodon":
            assert isinstance(error, str)
            assert "deeper than 32" in error
        else:
            assert error["code"] == "bad_request"
            assert "deeper than 32" in error["message"]


async def test_deep_json_in_utf16_or_behind_a_stray_quote_is_caught(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    ada = factory.user("ada")
    headers = {**ada["headers"], **JSON}
    utf16 = ('["\u0122", ' + "[" * 5_000 + "]" * 5_000 + "]").encode("utf-16-le")
    response = await client.post("/api/v1/statuses", content=utf16, headers=headers)
    assert response.status_code == 400, response.text[:300]


async def test_brackets_inside_strings_and_wide_shallow_json_pass_the_check(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    ada = factory.user("ada")
    headers = {**ada["headers"], **JSON}
    caption = '[[[[{{{{ "quoted" \\ [' * 40
    made = await client.post("/posts", json={"caption": caption}, headers=ada["headers"])
    assert made.status_code == 201, made.text
    assert made.json()["caption"] == caption
    # 2,000 brackets, two deep: the model refuses it (422), the depth check does not (400).
    wide = json.dumps({"caption": "x", "media_ids": [[] for _ in range(1000)]})
    response = await client.post("/posts", content=wide, headers=headers)
    assert response.status_code == 422, response.text[:300]
    exactly = "[" * 32 + "]" * 32  # at the limit: parsed, and refused as the wrong shape
    response = await client.post("/api/v1/statuses", content=exactly, headers=headers)
    assert response.status_code == 422, response.text[:300]


def test_nesting_check_cases() -> None:
    assert not nests_deeper_than(b'{"a": [1, {"b": [2]}]}', 4)
    assert nests_deeper_than(b'{"a": [1, {"b": [[2]]}]}', 4)
    assert not nests_deeper_than(b'["[[[[[[", "\\"[[[[[[[["]', 3)
    assert nests_deeper_than(b'["\\\\", [[[[]]]]]', 3)  # an escaped backslash ends the string
    assert not nests_deeper_than(b"[]" * 10_000, 3)
    assert nests_deeper_than(b"[" + b"[]" * 100 + b"[[[[]]]]]", 4)
    assert nests_deeper_than(b"[[[[]]]]]]]][", 3)  # malformed after the depth: too deep
    # Malformed before it: the parser stops at the first stray closer, so depth is moot.
    assert not nests_deeper_than(b"]]]][[[[", 3)
    assert nests_deeper_than(rb'{"a": "\u005b\\\"", "b": [[[[1]]]]}', 4)
    assert not nests_deeper_than(b'"[[[[[[[[[[', 3)  # an unterminated string


async def test_huge_forms_and_query_repeats_are_answered_quickly(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    ada = factory.user("ada")
    started = time.monotonic()
    form = "&".join(["media_ids[]=x"] * 60_000 + ["status=hi"])
    for content_type in ("application/x-www-form-urlencoded", "multipart/form-data; boundary=b"):
        body = form
        if content_type.startswith("multipart"):
            part = '--b\r\nContent-Disposition: form-data; name="media_ids[]"\r\n\r\nx\r\n'
            body = part * 20_000 + "--b--\r\n"
        response = await client.post(
            "/api/v1/statuses",
            content=body,
            headers={**ada["headers"], "content-type": content_type},
        )
        # Starlette's form parser stops at 1,000 fields; the answer is this surface's 400.
        assert response.status_code == 400, response.text[:300]
        assert isinstance(response.json()["error"], str)
        assert len(response.content) < 4096
    query = "&".join(["id[]=x"] * 3000)
    response = await client.get(f"/api/v1/accounts/relationships?{query}", headers=ada["headers"])
    assert response.status_code < 500
    assert len(response.content) < 64 * 1024
    assert time.monotonic() - started < 10


# -- bounded error bodies ----------------------------------------------------------------------


async def test_fifty_thousand_unknown_keys_get_a_small_quick_422(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    ada = factory.user("ada")
    body = json.dumps({"caption": "x", **{f"x{i:05d}": i for i in range(50_000)}})
    assert len(body) > 800_000
    started = time.monotonic()
    response = await client.post("/posts", content=body, headers={**ada["headers"], **JSON})
    elapsed = time.monotonic() - started
    assert response.status_code == 422
    assert len(response.content) < 2048, len(response.content)
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "50000 unknown fields" in json.dumps(error)
    assert elapsed < 0.5, elapsed


async def test_many_field_errors_are_capped_with_a_count_of_the_rest(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    ada = factory.user("ada")
    # Few enough unknown keys that pydantic names each one: the body names the first 20.
    body = {f"k{i:02d}" + "z" * 1000: i for i in range(22)}
    response = await client.post("/posts", json=body, headers=ada["headers"])
    assert response.status_code == 422
    error = response.json()["error"]
    assert len(error["fields"]) == MAX_FIELD_ERRORS
    assert error["fields_omitted"] == 22 - MAX_FIELD_ERRORS
    assert all(len(f["field"]) <= 200 for f in error["fields"])
    assert error["message"].endswith(f"and {22 - MAX_FIELD_ERRORS} more")
    assert len(response.content) < 8192


async def test_mastodon_validation_messages_are_capped(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    ada = factory.user("ada")
    bad = {"x": "y" * 10_000}
    body: dict[str, Any] = {
        key: bad for key in ("status", "in_reply_to_id", "sensitive", "spoiler_text")
    }
    body |= {"visibility": "y" * 10_000, "media_ids": [bad] * 10, "language": bad}
    response = await client.post("/api/v1/statuses", json=body, headers=ada["headers"])
    assert response.status_code == 422
    message = response.json()["error"]
    assert message.startswith("Validation failed: ")
    assert "media_ids.9" in message
    assert "yyyyyyyy" not in message  # inputs are not echoed
    assert len(response.content) < 4096


def test_mastodon_validation_message_names_twenty_fields_and_counts_the_rest() -> None:
    class Many(BaseModel):
        numbers: list[int]

    with pytest.raises(Unprocessable) as refused:
        validate(Many, {"numbers": ["y" * 1000] * 50_000})
    message = refused.value.message
    assert message.startswith("Validation failed: numbers.0 Input should be a valid integer")
    assert message.count("numbers.") == MAX_FIELD_ERRORS
    assert message.endswith(f"and {50_000 - MAX_FIELD_ERRORS} more")
    assert "yyyy" not in message


async def test_a_long_unknown_scope_is_not_echoed_in_full(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/apps",
        json={
            "client_name": "x",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": "nope" * 100_000,
        },
    )
    assert 400 <= response.status_code < 500
    assert len(response.content) < 4096
