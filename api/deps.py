"""Dependencies as named types: `Backend`, `Graph`, `Cache`, `Store`, `Config`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from minio import Minio
from redis.asyncio import Redis

from backends import Backends
from graph.driver import Graph as GraphClient
from graphgram.settings import Settings


def get_backends(request: Request) -> Backends:
    backends: Backends = request.app.state.backends
    return backends


Backend = Annotated[Backends, Depends(get_backends)]


def _graph(backends: Backend) -> GraphClient:
    return backends.graph


def _redis(backends: Backend) -> Redis:
    return backends.redis


def _s3(backends: Backend) -> Minio:
    return backends.s3


def _settings(backends: Backend) -> Settings:
    return backends.settings


Graph = Annotated[GraphClient, Depends(_graph)]
Cache = Annotated[Redis, Depends(_redis)]
Store = Annotated[Minio, Depends(_s3)]
Config = Annotated[Settings, Depends(_settings)]
