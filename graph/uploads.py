"""Direct uploads in the graph: an (:Upload) node per upload, owned by the account that started
it, until it is completed (then it points at its Media item), aborted, refused or expired."""

from __future__ import annotations

from typing import Any

from neo4j import AsyncManagedTransaction

from graph.driver import Graph, Row, run


async def create(graph: Graph, viewer_id: str, upload: dict[str, Any], ttl_s: int) -> Row:
    row = await graph.write_one(
        "uploads/create", {"viewer_id": viewer_id, "upload": upload, "ttl_s": ttl_s}
    )
    if row is None:
        raise LookupError("the uploading account no longer exists")
    return dict(row["upload"])


async def get(graph: Graph, viewer_id: str, upload_id: str) -> Row | None:
    """The viewer's own upload, None for any other account's or an expired one."""
    row = await graph.read_one("uploads/get", {"viewer_id": viewer_id, "upload_id": upload_id})
    return dict(row["upload"]) if row else None


async def complete(
    graph: Graph, viewer_id: str, upload_id: str, media: dict[str, Any]
) -> Row | None:
    """Lock the upload and, if it is still open, record its Media item and mark it completed
    (check and write in one transaction); None when it was completed meanwhile or is gone."""

    async def work(tx: AsyncManagedTransaction) -> Row | None:
        params = {"viewer_id": viewer_id, "upload_id": upload_id}
        locked = await run(tx, "uploads/lock", params)
        if not locked or locked[0]["upload"].get("status") != "open":
            return None
        rows = await run(tx, "uploads/complete", {**params, "media": media})
        return dict(rows[0]["media"]) if rows else None

    return await graph.in_write("uploads/complete", work)


async def delete(graph: Graph, upload_ids: list[str]) -> None:
    if upload_ids:
        await graph.write("uploads/delete", {"upload_ids": upload_ids})


async def expired(graph: Graph, now_iso: str, limit: int = 1000) -> list[Row]:
    return await graph.read("uploads/expired", {"now": now_iso, "limit": limit})


async def owned(graph: Graph, viewer_id: str) -> list[Row]:
    return await graph.read("uploads/owned", {"viewer_id": viewer_id})
