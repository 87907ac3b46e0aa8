"""The smaller holes a probe found: analyst parameters, 405 Allow, documented 403s, blocking a
nobody, the error shape of the unexpected, server paths in messages, compose's secrets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fastapi import FastAPI

from api.errors import scrub
from graphgram.settings import PROJECT_ROOT
from tests.fixtures.factories import Factory
from tests.fixtures.media_files import truncated_jpeg


@pytest.mark.parametrize(
    ("name", "params", "names"),
    [
        ("top_influencers", {"limit": -1}, "limit"),
        ("top_influencers", {"limit": 1e30}, "limit"),
        ("top_influencers", {"limit": 10**30}, "limit"),
        ("block_churn", {"since": "not-a-date"}, "since"),
        ("block_churn", {"since": "2026-02-30"}, "since"),
        ("hashtag_trends", {"since": "2026-01-01", "top": -5}, "top"),
    ],
)
async def test_analyst_parameters_out_of_range_are_refused(
    client: httpx.AsyncClient, factory: Factory, name: str, params: dict[str, Any], names: str
) -> None:
    analyst = factory.user("ana", role="analyst")
    response = await client.post(
        f"/analytics/queries/{name}", json={"params": params}, headers=analyst["headers"]
    )
    assert response.status_code == 422, response.text
    assert names in response.json()["error"]["message"]


async def test_analyst_parameters_in_range_still_run(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    analyst = factory.user("ana", role="analyst")
    for name, params in (
        ("top_influencers", {"limit": 5.0}),
        ("block_churn", {"since": "2026-02-28"}),
    ):
        response = await client.post(
            f"/analytics/queries/{name}", json={"params": params}, headers=analyst["headers"]
        )
        assert response.status_code == 200, response.text


async def test_method_not_allowed_lists_every_method_of_the_path(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    ada = factory.user("ada")
    response = await client.put("/posts/01hzy0000000000000000000pp", headers=ada["headers"])
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "DELETE"}
    assert response.json()["error"]["code"] == "method_not_allowed"
    follow = await client.put("/users/ada/follow", headers=ada["headers"])
    assert set(follow.headers["Allow"].split(", ")) >= {"POST", "DELETE"}


def test_deletes_that_can_refuse_document_403(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    assert "403" in paths["/posts/{post_id}"]["delete"]["responses"]
    assert "403" in paths["/comments/{comment_id}"]["delete"]["responses"]
    for operation in paths["/analytics/queries"].values():
        assert "403" in operation["responses"]


def test_every_route_documents_503_and_429(app: FastAPI) -> None:
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            if path in {"/health", "/ready"} or path.startswith(
                ("/api/", "/oauth", "/.well-known")
            ):
                continue
            assert "503" in operation["responses"], (method, path)


async def test_blocking_someone_who_does_not_exist_is_404(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    ada = factory.user("ada")
    response = await client.post("/users/nobody_here/block", headers=ada["headers"])
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_upload_errors_carry_no_server_paths(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    ada = factory.user("ada")
    response = await client.post(
        "/media",
        files={"file": ("x.jpg", truncated_jpeg(), "image/jpeg")},
        headers=ada["headers"],
    )
    assert response.status_code == 422, response.text
    assert "/tmp" not in response.text
    assert "graphgram-upload-" not in response.text


def test_scrub_removes_temp_paths() -> None:
    message = "cannot identify image file '/tmp/graphgram-upload-abc123' (/var/tmp/x.bin)"
    assert scrub(message) == "cannot identify image file '<upload>' (<upload>)"


async def test_an_unexpected_error_is_a_500_in_the_error_shape(app: FastAPI) -> None:
    # A route that fails the way nothing in the API should, added to a throwaway copy.
    from api.app import create_app

    broken = create_app(app.state.backends.settings)

    @broken.get("/__boom")
    async def boom() -> None:
        raise RuntimeError("boom at /tmp/graphgram-upload-secret")

    async with broken.router.lifespan_context(broken):
        transport = httpx.ASGITransport(app=broken, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get("/__boom")
    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "code": "internal_error",
            "message": "an unexpected error occurred; it was logged",
        }
    }


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    return loaded


def test_compose_runs_in_production_with_required_secrets() -> None:
    compose = _compose()
    env = compose["x-graphgram-env"]
    assert env["GRAPHGRAM_ENVIRONMENT"] == "production"
    for name in ("GRAPHGRAM_NEO4J_PASSWORD", "GRAPHGRAM_S3_SECRET_KEY", "GRAPHGRAM_CDN_SECRET"):
        assert env[name].startswith("${" + name + ":?"), env[name]  # compose refuses it unset
    text = (PROJECT_ROOT / "docker-compose.yml").read_text()
    for default in ("graphgram-dev-cdn-secret", "graphgram-dev-secret", ":-graphgram-dev}"):
        assert default not in text
    assert (PROJECT_ROOT / "compose.env.example").exists()
    assert "compose.env" in (PROJECT_ROOT / ".gitignore").read_text().splitlines()


def test_compose_api_trusts_only_its_edge() -> None:
    compose = _compose()
    command = compose["services"]["api"]["command"]
    allowed = command[command.index("--forwarded-allow-ips") + 1]
    edge = compose["services"]["edge"]["networks"]["default"]["ipv4_address"]
    assert allowed == edge
    assert "*" not in " ".join(command)
    assert compose["x-graphgram-env"]["GRAPHGRAM_TRUSTED_PROXIES"] == f'["{edge}"]'


def test_local_stack_uvicorn_does_not_believe_forwarded_headers(tmp_path: Path) -> None:
    from graphgram.settings import Settings
    from ops.stack import ApiService

    plain = ApiService(Settings(environment="test", stack_root=tmp_path))
    assert plain.proxy_flags() == ["--no-proxy-headers"]
    behind = ApiService(
        Settings(environment="test", stack_root=tmp_path, trusted_proxies=["10.0.0.5"])
    )
    assert behind.proxy_flags() == ["--forwarded-allow-ips", "10.0.0.5"]
