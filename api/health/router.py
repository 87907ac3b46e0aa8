"""Liveness (`/health`) and readiness (`/ready`: Neo4j, object store, Redis)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Literal

import anyio.to_thread
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.deps import Backend
from api.errors import RETRY_AFTER_HEADER

router = APIRouter(tags=["health"])

COMPONENT_TIMEOUT_S = 3.0


class Health(BaseModel):
    status: Literal["ok"]


class Component(BaseModel):
    status: Literal["ok", "down"]
    error: str | None = None


class Readiness(BaseModel):
    status: Literal["ok", "unavailable"]
    components: dict[str, Component]
    failing: list[str]


@router.get("/health", response_model=Health, summary="The process is alive")
async def health() -> Health:
    return Health(status="ok")


async def _check(name: str, probe: Awaitable[None]) -> tuple[str, Component]:
    try:
        await asyncio.wait_for(probe, COMPONENT_TIMEOUT_S)
        return name, Component(status="ok")
    except Exception as exc:  # noqa: BLE001 - any failure means the component is down
        return name, Component(status="down", error=f"{type(exc).__name__}: {exc}"[:300])


@router.get(
    "/ready",
    response_model=Readiness,
    responses={
        503: {
            "model": Readiness,
            "description": "A component is down",
            "headers": RETRY_AFTER_HEADER,
        }
    },
    summary="Every backing service answers",
)
async def ready(backends: Backend) -> JSONResponse:
    async def neo4j() -> None:
        rows = await backends.graph.read("health/ping")
        if not rows or rows[0]["ok"] != 1:
            raise RuntimeError("unexpected answer")

    async def redis() -> None:
        await backends.redis.ping()

    async def store() -> None:
        exists = await anyio.to_thread.run_sync(
            backends.s3.bucket_exists, backends.settings.media_bucket
        )
        if not exists:
            raise RuntimeError(f"bucket {backends.settings.media_bucket} missing")

    results = dict(
        await asyncio.gather(
            _check("neo4j", neo4j()), _check("object_store", store()), _check("redis", redis())
        )
    )
    failing = sorted(name for name, c in results.items() if c.status != "ok")
    body = Readiness(status="unavailable" if failing else "ok", components=results, failing=failing)
    if not failing:
        return JSONResponse(body.model_dump(exclude_none=True))
    # A balancer or an orchestrator polls again after this long, not in a tight loop.
    retry = str(backends.settings.unavailable_retry_after_s)
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=503, headers={"Retry-After": retry}
    )
