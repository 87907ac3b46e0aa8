"""Dependencies as named types: `Backend`, `Graph`, `Cache`, `Store`, `Config`.

They are `async def` although they never await: FastAPI runs a plain `def` dependency in a
worker thread, and those hops were 7% of a feed request's CPU (py-spy)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from minio import Minio
from redis.asyncio import Redis

from backends import Backends
from graph.driver import Graph as GraphClient
from graphgram.settings import Settings


async def get_backends(request: Request) -> Backends:
    backends: Backends = request.app.state.backends
    return backends


Backend = Annotated[Backends, Depends(get_backends)]


async def _graph(backends: Backend) -> GraphClient:
    return backends.graph


async def _redis(backends: Backend) -> Redis:
    return backends.redis


async def _s3(backends: Backend) -> Minio:
    return backends.s3


async def _settings(backends: Backend) -> Settings:
    return backends.settings


Graph = Annotated[GraphClient, Depends(_graph)]
Cache = Annotated[Redis, Depends(_redis)]
Store = Annotated[Minio, Depends(_s3)]
Config = Annotated[Settings, Depends(_settings)]
