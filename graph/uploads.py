"""Direct uploads in the graph: an (:Upload) node per upload, owned by the account that started
it, until it is completed (then it points at its Media item), aborted, refused or expired."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from neo4j import AsyncManagedTransaction

from graph.driver import Graph, Row, run

T = TypeVar("T")


async def create(
    graph: Graph,
    viewer_id: str,
    upload: dict[str, Any],
    ttl_s: int,
    s3_upload_id: Callable[[], Awaitable[str]],
) -> Row:
    """Record the viewer's new upload. Its store upload id is awaited inside the transaction,
    once it has begun, so the store's CreateMultipartUpload runs while the session opens."""

    async def tx_work(tx: AsyncManagedTransaction) -> Row | None:
        fields = {**upload, "s3_upload_id": await s3_upload_id()}
        params = {"viewer_id": viewer_id, "upload": fields, "ttl_s": ttl_s}
        rows = await run(tx, "uploads/create", params)
        return rows[0] if rows else None

    row = await graph.in_write("uploads/create", tx_work)
    if row is None:
        raise LookupError("the uploading account no longer exists")
    return dict(row["upload"])


async def get(graph: Graph, viewer_id: str, upload_id: str) -> Row | None:
    """The viewer's own upload, None for any other account's or an expired one."""
    row = await graph.read_one("uploads/get", {"viewer_id": viewer_id, "upload_id": upload_id})
    return dict(row["upload"]) if row else None


class LockedUpload:
    """One of the viewer's uploads, locked for the length of a write transaction: what the lock
    read (`upload`, None when the viewer has no such unexpired upload; `media`, the Media item a
    completed upload became) and the writes a check may end in. Handed to the work function of
    `under_lock`, which may run again if the driver retries the transaction."""

    def __init__(self, tx: AsyncManagedTransaction, viewer_id: str, row: Row | None) -> None:
        self._tx = tx
        self._viewer_id = viewer_id
        live = row is not None and bool(row["live"])
        self.upload: Row | None = dict(row["upload"]) if row is not None and live else None
        self.media: Row | None = (
            dict(row["media"]) if row is not None and live and row["media"] else None
        )

    def _id(self) -> str:
        if self.upload is None:
            raise LookupError("no upload is locked")
        return str(self.upload["id"])

    async def record_media(self, media: dict[str, Any]) -> Row:
        """Record the upload's Media item (owned by the viewer) and mark the upload completed."""
        params = {"viewer_id": self._viewer_id, "upload_id": self._id(), "media": media}
        rows = await run(self._tx, "uploads/complete", params)
        if not rows:
            raise LookupError("the locked upload is no longer open")
        return dict(rows[0]["media"])

    async def retype(self, media_id: str, kind: str, content_type: str) -> Row:
        """Set the type the bytes showed on the Media item `record_media` made."""
        params = {
            "viewer_id": self._viewer_id,
            "media_id": media_id,
            "kind": kind,
            "content_type": content_type,
        }
        rows = await run(self._tx, "uploads/retype", params)
        if not rows:
            raise LookupError("the recorded media item is gone")
        return dict(rows[0]["media"])

    async def refuse(self) -> None:
        """Delete the Upload node and the Media item `record_media` made for it (a refused
        object)."""
        await run(
            self._tx, "uploads/refuse", {"viewer_id": self._viewer_id, "upload_id": self._id()}
        )

    async def forget(self) -> None:
        """Delete the Upload node (a refused or vanished upload)."""
        await run(self._tx, "uploads/delete", {"upload_ids": [self._id()]})


async def under_lock(
    graph: Graph,
    viewer_id: str,
    upload_id: str,
    work: Callable[[LockedUpload], Awaitable[T]],
    *,
    label: str = "uploads/complete",
) -> T:
    """Lock the viewer's upload and run `work` on it inside the same write transaction: the
    upload is read under its lock, so a concurrent caller waits for this one's commit and then
    reads what it wrote. `work` may be run again if the driver retries the transaction."""

    async def tx_work(tx: AsyncManagedTransaction) -> T:
        rows = await run(tx, "uploads/lock", {"viewer_id": viewer_id, "upload_id": upload_id})
        return await work(LockedUpload(tx, viewer_id, rows[0] if rows else None))

    return await graph.in_write(label, tx_work)


async def delete(graph: Graph, upload_ids: list[str]) -> None:
    if upload_ids:
        await graph.write("uploads/delete", {"upload_ids": upload_ids})


async def expired(graph: Graph, now_iso: str, limit: int = 1000) -> list[Row]:
    return await graph.read("uploads/expired", {"now": now_iso, "limit": limit})


async def owned(graph: Graph, viewer_id: str) -> list[Row]:
    return await graph.read("uploads/owned", {"viewer_id": viewer_id})
