"""Session-wide real servers, a clean graph/bucket/Redis per test, and an HTTP client on the app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import cast

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from minio import Minio
from neo4j import Driver
from redis import Redis
from redis.cluster import RedisCluster

from api.app import create_app
from backends import object_store
from graph.admin import wipe
from graph.driver import make_driver
from graphgram.settings import Settings
from media.storage import empty_bucket
from tests.fixtures.api_server import served_api
from tests.fixtures.factories import Factory
from tests.fixtures.servers import servers
from tests.helpers import PASSWORD


@pytest.fixture(scope="session")
def stack() -> Iterator[tuple[str, Settings]]:
    with servers() as found:
        yield found


# The cheapest argon2id the library allows: the suite makes hundreds of accounts and sign-ins, and
# each costs ~60 ms at the production cost on these 2 cores (the cost itself is not under test).
FAST_HASHING = {
    "password_hash_time_cost": 1,
    "password_hash_memory_kib": 8,
    "password_hash_parallelism": 1,
}


@pytest.fixture(scope="session")
def settings(stack: tuple[str, Settings]) -> Settings:
    return stack[1].model_copy(update=FAST_HASHING)


@pytest.fixture(scope="session")
def neo4j_driver(settings: Settings) -> Iterator[Driver]:
    driver = make_driver(settings)
    driver.verify_connectivity()
    yield driver
    driver.close()


@pytest.fixture(scope="session")
def s3(settings: Settings) -> Minio:
    return object_store(settings, timed=False)


@pytest.fixture(scope="session")
def redis_client(settings: Settings) -> Iterator[Redis]:
    client: Redis = (
        cast(Redis, RedisCluster.from_url(settings.redis_url, decode_responses=True))
        if settings.redis_topology == "cluster"
        else Redis.from_url(settings.redis_url, decode_responses=True)
    )
    yield client
    client.close()


@pytest.fixture(autouse=True)
def clean_state(request: pytest.FixtureRequest) -> None:
    """Each test that touches a server starts from an empty graph, bucket and Redis db."""
    if "no_clean" in request.keywords:
        return
    names = set(request.fixturenames)
    if not names & {"neo4j_driver", "s3", "redis_client", "client", "app", "settings", "factory"}:
        return
    settings: Settings = request.getfixturevalue("settings")
    wipe(request.getfixturevalue("neo4j_driver"), settings)
    empty_bucket(request.getfixturevalue("s3"), settings.media_bucket)
    request.getfixturevalue("redis_client").flushdb()


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One argon2 hash of tests.helpers.PASSWORD for every factory user of the session."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)


@pytest.fixture
def factory(neo4j_driver: Driver, settings: Settings, password_hash: str) -> Factory:
    return Factory(neo4j_driver, settings, password_hash)


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
def api_url(settings: Settings) -> Iterator[str]:
    """The whole API (Graphgram's and the Mastodon surface) served by uvicorn on a free port, for
    clients that speak HTTP over a socket (Mastodon.py)."""
    with served_api(settings, "socket clients") as url:
        yield url


@pytest.fixture
def url(api_url: str, factory: Factory) -> str:
    """The API's base URL, for a test that starts from an empty graph (the factory wipes it)."""
    return api_url


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every browser test is `e2e`, wherever it sits under tests/e2e/."""
    for item in items:
        if "/tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)
