"""The one place that talks to the Neo4j driver.

`Graph` runs catalog statements (`cypher/<name>.cypher`) in managed transactions: reads through
`execute_read`, writes through `execute_write`, so the driver retries transient failures. Every
transaction carries the current request id in its metadata, so Neo4j's query log maps back to
the API request that ran it.

Each API request is one causal chain (`causal_chain`): every session it opens shares one
bookmark manager, so a statement sees what the request's earlier statements wrote even on a
Neo4j cluster whose reads go to another member (create a post, then read it back). Once the
request knows its user (`join_chain`), the chain also starts from that user's last write
bookmark and, when the request wrote, keeps its own for the user's next request, on any process
(`keep_bookmarks`, `graph.bookmarks`).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from neo4j import (
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncManagedTransaction,
    AsyncSession,
    Bookmarks,
    Driver,
    GraphDatabase,
    Record,
    unit_of_work,
)
from neo4j.api import AsyncBookmarkManager
from neo4j.exceptions import ClientError

from cypher import query
from graph.bookmarks import BookmarkStore
from graphgram.errors import Gone
from graphgram.settings import Settings

T = TypeVar("T")
Params = dict[str, Any]
Row = dict[str, Any]

_ENTITY_NOT_FOUND = "Neo.ClientError.Statement.EntityNotFound"
request_id_var: ContextVar[str | None] = ContextVar("graphgram_request_id", default=None)


@dataclass(eq=False)
class Chain:
    """One request's causal chain: its bookmark manager, and the user whose bookmarks it carries."""

    manager: AsyncBookmarkManager = field(init=False)
    user_id: str | None = None
    store: BookmarkStore | None = None
    carried: list[str] | None = None  # the user's stored bookmarks, read at the first statement
    own: list[str] = field(default_factory=list)  # the chain's newest bookmarks
    wrote: bool = False

    def __post_init__(self) -> None:
        self.manager = AsyncGraphDatabase.bookmark_manager(
            bookmarks_supplier=self._supply, bookmarks_consumer=self._consume
        )

    async def _supply(self) -> Bookmarks:
        # Called as each session of the chain begins a transaction: the stored bookmarks are
        # read once, and only by a request that runs a statement.
        if self.carried is None:
            user_id, store = self.user_id, self.store
            self.carried = await store.load(user_id) if user_id and store else []
        return Bookmarks.from_raw_values(self.carried)

    def _consume(self, bookmarks: Bookmarks) -> None:
        self.own = sorted(bookmarks.raw_values)


_chain_var: ContextVar[Chain | None] = ContextVar("graphgram_chain", default=None)


@contextmanager
def causal_chain() -> Iterator[AsyncBookmarkManager]:
    """Statements run inside share one bookmark manager: each sees what the earlier ones wrote."""
    chain = Chain()
    token = _chain_var.set(chain)
    try:
        yield chain.manager
    finally:
        _chain_var.reset(token)


def current_chain() -> AsyncBookmarkManager | None:
    chain = _chain_var.get()
    return chain.manager if chain is not None else None


def join_chain(user_id: str, store: BookmarkStore) -> None:
    """The request acts for `user_id`: its statements start from the user's last write (read
    lazily from `store`), and its own writes are kept for the user's next request. A no-op
    outside a chain, and for a chain that acts for another user already."""
    chain = _chain_var.get()
    if chain is None or chain.user_id not in (None, user_id):
        return
    if chain.user_id is None:
        # Statements before it (the session lookup) ran without a user: the next one reads
        # the user's bookmarks.
        chain.carried = None
    chain.user_id = user_id
    chain.store = store


async def keep_bookmarks() -> None:
    """After the request wrote, before its answer leaves: its user's next request, on any
    process, starts from this request's writes."""
    chain = _chain_var.get()
    if chain is None or not chain.wrote or not chain.own or not chain.user_id or not chain.store:
        return
    await chain.store.save(chain.user_id, chain.own)
    chain.wrote = False


def _wrote() -> None:
    chain = _chain_var.get()
    if chain is not None:
        chain.wrote = True


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


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value: object) -> bool:
    """Whether a value is made of maps, lists and scalars only (no node, relationship, path,
    temporal or spatial value), as `record.data()` would return it unchanged."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is list:
        return all(_plain(item) for item in cast(list[object], value))
    if kind is dict:
        return all(_plain(item) for item in cast(dict[str, object], value).values())
    return False


def as_row(record: Record) -> Row:
    """`record.data()`, without its deep copy for values that need no conversion: the driver's
    exporter walks every nested map and list with abstract-class checks (~1.7 ms for a story
    tray page of 20 rings), where most rows are maps, lists and scalars already."""
    return {
        key: value if _plain(value) else record.data(key)[key]
        for key, value in zip(record.keys(), record, strict=True)
    }


async def run(tx: AsyncManagedTransaction, name: str, params: Params | None = None) -> list[Row]:
    """Run one catalog statement inside a transaction function and consume its rows."""
    started = time.perf_counter()
    ok = False
    try:
        result = await tx.run(query(name), params or {})
        rows = [as_row(record) async for record in result]
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
        return self.driver.session(database=self.database, bookmark_manager=current_chain())

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
            rows = await session.execute_write(_tx)
        _wrote()
        return rows

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
            result = await session.execute_write(wrapped)
        _wrote()
        return result

    async def in_read(
        self, label: str, work: Callable[[AsyncManagedTransaction], Awaitable[T]]
    ) -> T:
        wrapped = unit_of_work(metadata=self._metadata(label), timeout=self.timeout_s)(work)
        async with self._session() as session:
            return await session.execute_read(wrapped)
