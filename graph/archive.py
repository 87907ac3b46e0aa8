"""A person's own data: archive exports (`Archive` nodes) and follow or block imports (`Import`
nodes), and the pages of their data an export job reads (docs/your-data.md)."""

from __future__ import annotations

from typing import Any

from graph.driver import Graph, Row

# What an export job reads, page by page: (statement, cursor field). Each statement takes
# {user_id, after, limit} (stories also `now`, the service's clock) and returns rows oldest first
# after `after`.
EXPORT_PAGES = {
    "posts": ("archive/posts", "id"),
    "comments": ("archive/comments", "id"),
    "likes": ("archive/likes", "cursor"),
    "saved": ("archive/saved", "cursor"),
    "stories": ("archive/stories", "id"),
    "highlights": ("archive/highlights", "id"),
    "following": ("archive/following", "cursor"),
    "followers": ("archive/followers", "cursor"),
    "blocks": ("archive/blocks", "cursor"),
    "mutes": ("archive/mutes", "cursor"),
}


async def start_export(
    graph: Graph, viewer_id: str, archive_id: str, domain: str, stale_before: str
) -> Row | None:
    """{id, status, created}: a new archive, or the one already under way (`created` false)."""
    return await graph.write_one(
        "archive/start",
        {"viewer_id": viewer_id, "archive_id": archive_id, "domain": domain,
         "stale_before": stale_before},
    )  # fmt: skip


async def latest_export(graph: Graph, viewer_id: str) -> Row | None:
    return await graph.read_one("archive/latest", {"viewer_id": viewer_id})


async def claim_export(graph: Graph, archive_id: str) -> Row | None:
    return await graph.write_one("archive/claim", {"archive_id": archive_id})


async def export_progress(graph: Graph, archive_id: str, progress: int, step: str) -> bool:
    """Whether the archive is still wanted (False: its account was deleted, or it was replaced)."""
    row = await graph.write_one(
        "archive/progress", {"archive_id": archive_id, "progress": progress, "step": step}
    )
    return row is not None


async def finish_export(graph: Graph, archive_id: str, key: str, size: int) -> list[str] | None:
    """The object keys of the older archives it replaced, or None when it is no longer wanted."""
    row = await graph.write_one(
        "archive/finish", {"archive_id": archive_id, "key": key, "bytes": size}
    )
    return None if row is None else list(row["replaced"])


async def fail_export(graph: Graph, archive_id: str, error: str) -> None:
    await graph.write("archive/fail", {"archive_id": archive_id, "error": error})


async def profile(graph: Graph, user_id: str) -> Row | None:
    return await graph.read_one("archive/profile", {"user_id": user_id})


async def export_page(
    graph: Graph, what: str, user_id: str, after: str, limit: int, **extra: Any
) -> list[Row]:
    name, _ = EXPORT_PAGES[what]
    return await graph.read(name, {"user_id": user_id, "after": after, "limit": limit, **extra})


async def start_import(graph: Graph, params: dict[str, Any]) -> Row | None:
    """{id, status, created}: a new import, or the one already under way (`created` false)."""
    return await graph.write_one("imports/start", params)


async def get_import(graph: Graph, viewer_id: str, import_id: str) -> Row | None:
    return await graph.read_one("imports/get", {"viewer_id": viewer_id, "import_id": import_id})


async def claim_import(graph: Graph, import_id: str) -> Row | None:
    return await graph.write_one("imports/claim", {"import_id": import_id})


async def import_progress(graph: Graph, import_id: str, state: dict[str, Any], done: bool) -> bool:
    """Record the counts and skipped rows so far (`done`: the import is finished); whether the
    import is still wanted."""
    row = await graph.write_one("imports/progress", {"import_id": import_id, **state, "done": done})
    return row is not None


async def fail_import(graph: Graph, import_id: str, error: str) -> None:
    await graph.write("imports/fail", {"import_id": import_id, "error": error})
