"""Small helpers for tests that go through the real API."""

from __future__ import annotations

from typing import Any

import httpx

PASSWORD = "correct-horse-1"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def register(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD, **extra: Any
) -> dict[str, Any]:
    """Register and log in; returns {id, username, token, headers}."""
    created = await client.post(
        "/auth/register", json={"username": username, "password": password, **extra}
    )
    assert created.status_code == 201, created.text
    login = await client.post("/auth/login", json={"username": username, "password": password})
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]
    return {
        "id": created.json()["id"],
        "username": created.json()["username"],
        "token": token,
        "headers": auth(token),
    }


async def post(
    client: httpx.AsyncClient, user: dict[str, Any], caption: str = ""
) -> dict[str, Any]:
    response = await client.post("/posts", json={"caption": caption}, headers=user["headers"])
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def follow(client: httpx.AsyncClient, user: dict[str, Any], target: dict[str, Any]) -> None:
    response = await client.post(f"/users/{target['username']}/follow", headers=user["headers"])
    assert response.status_code == 200, response.text


async def block(client: httpx.AsyncClient, user: dict[str, Any], target: dict[str, Any]) -> None:
    response = await client.post(f"/users/{target['username']}/block", headers=user["headers"])
    assert response.status_code == 204, response.text


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]
