"""Dependencies as named types: `Graph`, `Cache`, `Store`, `Config`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from minio import Minio
from redis.asyncio import Redis

from api.state import AppState
from graph.driver import Graph as GraphClient
from graphgram.settings import Settings


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.graphgram
    return state


State = Annotated[AppState, Depends(get_state)]


def _graph(state: State) -> GraphClient:
    return state.graph


def _redis(state: State) -> Redis:
    return state.redis


def _s3(state: State) -> Minio:
    return state.s3


def _settings(state: State) -> Settings:
    return state.settings


Graph = Annotated[GraphClient, Depends(_graph)]
Cache = Annotated[Redis, Depends(_redis)]
Store = Annotated[Minio, Depends(_s3)]
Config = Annotated[Settings, Depends(_settings)]
