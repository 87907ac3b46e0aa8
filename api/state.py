"""The clients one API process owns, built once in the lifespan and shared by every request."""

from __future__ import annotations

from dataclasses import dataclass

from minio import Minio
from neo4j import AsyncDriver
from redis.asyncio import Redis

from graph.driver import Graph
from graphgram.settings import Settings


@dataclass
class AppState:
    settings: Settings
    driver: AsyncDriver
    graph: Graph
    redis: Redis
    s3: Minio
