"""Media nodes in the graph, and the key locks that keep them in step with the object store.

Objects are content-addressed and shared, so "create a Media node for key K" and "delete K's
object because nothing references it" must not interleave. Both run in one write transaction
that first locks K (a Blob node per key) and does its object-store work while holding the lock:
the caller passes that work in as a callback, so this module stays the only one speaking Cypher.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.driver import Graph, Row, run

KeysWork = Callable[[list[str]], Awaitable[None]]


async def create(
    graph: Graph,
    viewer_id: str,
    media: dict[str, Any],
    keys: list[str],
    ensure_objects: KeysWork,
) -> Row:
    """Lock the media's keys, let `ensure_objects` (re)store any missing object, then record it."""

    async def work(tx: AsyncManagedTransaction) -> Row:
        await run(tx, "media/lock_keys", {"keys": sorted(set(keys))})
        await ensure_objects(keys)
        rows = await run(tx, "media/create", {"viewer_id": viewer_id, "media": media})
        if not rows:
            raise LookupError("the uploading account no longer exists")
        return dict(rows[0]["media"])

    return await graph.in_write("media/create", work)


async def get_visible(graph: Graph, viewer_id: str, media_id: str) -> Row | None:
    row = await graph.read_one("media/get_visible", {"viewer_id": viewer_id, "media_id": media_id})
    return dict(row["media"]) if row else None


async def get(graph: Graph, media_id: str) -> Row | None:
    row = await graph.read_one("media/get", {"media_id": media_id})
    return dict(row["media"]) if row else None


async def finish(
    graph: Graph,
    media_id: str,
    changes: dict[str, Any],
    keys: list[str] | None = None,
    ensure_objects: KeysWork | None = None,
) -> Row | None:
    """Store a processing outcome; with `keys`, lock them and run `ensure_objects` first."""

    async def work(tx: AsyncManagedTransaction) -> Row | None:
        if keys and ensure_objects is not None:
            await run(tx, "media/lock_keys", {"keys": sorted(set(keys))})
            await ensure_objects(keys)
        rows = await run(tx, "media/finish", {"media_id": media_id, "changes": changes})
        return dict(rows[0]["media"]) if rows else None

    return await graph.in_write("media/finish", work)


async def keys_in_use(graph: Graph, keys: list[str]) -> set[str]:
    rows = await graph.read("media/keys_in_use", {"keys": keys})
    return {row["key"] for row in rows}


async def release(graph: Graph, media_ids: list[str], delete_objects: KeysWork) -> list[str]:
    """Delete unattached Media nodes and, holding their keys' locks, the objects nothing else
    references (`delete_objects`); returns those keys."""

    async def work(tx: AsyncManagedTransaction) -> list[str]:
        await run(tx, "media/lock_media_keys", {"media_ids": media_ids})
        rows = await run(tx, "media/release", {"media_ids": media_ids})
        keys = list(rows[0]["keys"]) if rows else []
        await _forget(tx, keys, delete_objects)
        return keys

    return await graph.in_write("media/release", work)


async def delete_unreferenced(graph: Graph, keys: list[str], delete_objects: KeysWork) -> list[str]:
    """Of `keys`, delete (holding their locks) the objects no Media node references."""

    async def work(tx: AsyncManagedTransaction) -> list[str]:
        await run(tx, "media/lock_keys", {"keys": sorted(set(keys))})
        in_use = {row["key"] for row in await run(tx, "media/keys_in_use", {"keys": keys})}
        doomed = [key for key in keys if key not in in_use]
        await _forget(tx, doomed, delete_objects)
        return doomed

    return await graph.in_write("media/delete_unreferenced", work)


async def _forget(tx: AsyncManagedTransaction, keys: list[str], delete_objects: KeysWork) -> None:
    if keys:
        await run(tx, "media/forget_keys", {"keys": keys})
        await delete_objects(keys)


async def stale(graph: Graph, before_iso: str) -> list[Row]:
    return await graph.read("media/stale", {"before": before_iso})


async def retry(graph: Graph, media_ids: list[str]) -> list[str]:
    """Count another processing attempt (and restart the clock) for media being re-enqueued."""
    rows = await graph.write("media/retry", {"media_ids": media_ids})
    return [row["id"] for row in rows]


async def all_keys(graph: Graph) -> list[Row]:
    return await graph.read("media/all_keys")


async def delete(graph: Graph, media_ids: list[str]) -> None:
    await graph.write("media/delete", {"media_ids": media_ids})


async def processing_ids(graph: Graph, limit: int = 10_000) -> list[str]:
    """Media still processing (the jobs a Redis that lost writes may have lost)."""
    rows = await graph.read("media/processing", {"limit": limit})
    return [row["id"] for row in rows]
