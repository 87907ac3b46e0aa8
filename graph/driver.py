"""The one place that talks to the Neo4j driver.

`Graph` runs catalog statements (`cypher/<name>.cypher`) in managed transactions: reads through
`execute_read`, writes through `execute_write`, so the driver retries transient failures. Every
transaction carries the current request id in its metadata, so Neo4j's query log maps back to
the API request that ran it.

Each API request is one causal chain (`causal_chain`): every session it opens shares one
bookmark manager, so a statement sees what the request's earlier statements wrote even on a
Neo4j cluster whose reads go to another member (create a post, then read it back).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from neo4j import (
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncManagedTransaction,
    AsyncSession,
    Driver,
    GraphDatabase,
    unit_of_work,
)
from neo4j.api import AsyncBookmarkManager
from neo4j.exceptions import ClientError

from cypher import query
from graphgram.errors import Gone
from graphgram.settings import Settings

T = TypeVar("T")
Params = dict[str, Any]
Row = dict[str, Any]

_ENTITY_NOT_FOUND = "Neo.ClientError.Statement.EntityNotFound"
request_id_var: ContextVar[str | None] = ContextVar("graphgram_request_id", default=None)
_chain_var: ContextVar[AsyncBookmarkManager | None] = ContextVar("graphgram_chain", default=None)


@contextmanager
def causal_chain() -> Iterator[AsyncBookmarkManager]:
    """Statements run inside share one bookmark manager: each sees what the earlier ones wrote."""
    manager = AsyncGraphDatabase.bookmark_manager()
    token = _chain_var.set(manager)
    try:
        yield manager
    finally:
        _chain_var.reset(token)


def current_chain() -> AsyncBookmarkManager | None:
    return _chain_var.get()


# Called with (query name, seconds, ok) after each statement: the metrics hook.
QueryObserver = Callable[[str, float, bool], None]
_observers: list[QueryObserver] = []


def add_query_observer(observer: QueryObserver) -> None:
    if observer not in _observers:
        _observers.append(observer)


def _observe(name: str, seconds: float, ok: bool) -> None:
    for observer in _observers:
        observer(name, seconds, ok)


def make_async_driver(settings: Settings) -> AsyncDriver:
    return AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password),
        max_connection_pool_size=50,
        # Short waits so a Neo4j that is away costs a request seconds (then 503), not a minute:
        # connect, wait for a pooled connection, and retry a managed transaction (transient
        # errors, deadlocks, a lost connection) starting a quarter second after a failure.
        connection_timeout=settings.neo4j_connect_timeout_s,
        connection_acquisition_timeout=settings.neo4j_acquisition_timeout_s,
        max_transaction_retry_time=settings.neo4j_retry_time_s,
        initial_retry_delay=0.25,
        # A pooled connection idle this long is checked before use (Neo4j restarted meanwhile).
        liveness_check_timeout=30.0,
        # "label/type does not exist yet" warnings on a young graph are noise, not signal.
        notifications_min_severity="OFF",
    )


def make_driver(settings: Settings) -> Driver:
    return GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password),
        notifications_min_severity="OFF",
    )


async def run(tx: AsyncManagedTransaction, name: str, params: Params | None = None) -> list[Row]:
    """Run one catalog statement inside a transaction function and consume its rows."""
    started = time.perf_counter()
    ok = False
    try:
        result = await tx.run(query(name), params or {})
        rows = [record.data() async for record in result]
        ok = True
        return rows
    except ClientError as exc:
        if exc.code == _ENTITY_NOT_FOUND:
            # A node this statement locked was deleted by a transaction that committed first.
            raise Gone("it was deleted while this request ran") from exc
        raise
    finally:
        _observe(name, time.perf_counter() - started, ok)


class Graph:
    def __init__(self, driver: AsyncDriver, database: str, timeout_s: float = 30.0) -> None:
        self.driver = driver
        self.database = database
        self.timeout_s = timeout_s

    def _session(self) -> AsyncSession:
        return self.driver.session(database=self.database, bookmark_manager=_chain_var.get())

    def _metadata(self, name: str) -> dict[str, str]:
        meta = {"app": "graphgram", "query": name}
        request_id = request_id_var.get()
        if request_id:
            meta["request_id"] = request_id
        return meta

    async def read(self, name: str, params: Params | None = None) -> list[Row]:
        @unit_of_work(metadata=self._metadata(name), timeout=self.timeout_s)
        async def _tx(tx: AsyncManagedTransaction) -> list[Row]:
            return await run(tx, name, params)

        async with self._session() as session:
            return await session.execute_read(_tx)

    async def write(self, name: str, params: Params | None = None) -> list[Row]:
        @unit_of_work(metadata=self._metadata(name), timeout=self.timeout_s)
        async def _tx(tx: AsyncManagedTransaction) -> list[Row]:
            return await run(tx, name, params)

        async with self._session() as session:
            return await session.execute_write(_tx)

    async def read_one(self, name: str, params: Params | None = None) -> Row | None:
        rows = await self.read(name, params)
        return rows[0] if rows else None

    async def write_one(self, name: str, params: Params | None = None) -> Row | None:
        rows = await self.write(name, params)
        return rows[0] if rows else None

    async def in_write(
        self, label: str, work: Callable[[AsyncManagedTransaction], Awaitable[T]]
    ) -> T:
        """Several statements in one write transaction (all or nothing); `work` may be retried."""
        wrapped = unit_of_work(metadata=self._metadata(label), timeout=self.timeout_s)(work)
        async with self._session() as session:
            return await session.execute_write(wrapped)

    async def in_read(
        self, label: str, work: Callable[[AsyncManagedTransaction], Awaitable[T]]
    ) -> T:
        wrapped = unit_of_work(metadata=self._metadata(label), timeout=self.timeout_s)(work)
        async with self._session() as session:
            return await session.execute_read(wrapped)
