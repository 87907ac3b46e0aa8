"""Mastodon-style list pagination: `limit` (default 20, max 100), `max_id`, `since_id`, `min_id`,
newest first, and a `Link` header pointing at the next (older) and previous (newer) pages.

Ids are time-ordered ULIDs, so "older than max_id" is a plain string comparison in Cypher
(`WHERE x.id < $max_id`), which neither skips nor repeats items while new ones arrive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass(frozen=True)
class Page:
    limit: int
    max_id: str | None
    since_id: str | None
    min_id: str | None

    def params(self) -> dict[str, Any]:
        """Cypher parameters; fetch one extra row to know whether an older page exists."""
        return {
            "limit": self.limit + 1,
            "max_id": self.max_id,
            "since_id": self.since_id,
            "min_id": self.min_id,
        }


def _page(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = DEFAULT_LIMIT,
    max_id: Annotated[str | None, Query(description="Only items older than this id")] = None,
    since_id: Annotated[str | None, Query(description="Only items newer than this id")] = None,
    min_id: Annotated[
        str | None, Query(description="Items immediately newer than this id (oldest first)")
    ] = None,
) -> Page:
    return Page(limit=limit, max_id=max_id, since_id=since_id, min_id=min_id)


PageParams = Annotated[Page, Depends(_page)]


def paginate(
    rows: list[Any], page: Page, request: Request, response: Response, *, key: str = "id"
) -> list[Any]:
    """Trim the extra row, and set the Link header from the page's first and last ids.

    `rows` are newest first (as returned by a query ordered `id DESC`, or ascending from `min_id`
    and reversed by the caller). `key` names the cursor field in each row (dict or object).
    """
    has_more = len(rows) > page.limit
    items = rows[: page.limit]
    if page.min_id is not None:
        # Queried oldest-first to get the items right after min_id; shown newest first.
        items.reverse()
    links = []
    if items:

        def cursor(item: Any) -> str:
            return str(item[key] if isinstance(item, dict) else getattr(item, key))

        base = request.url.remove_query_params(["max_id", "since_id", "min_id"])
        if has_more or page.min_id is not None:
            older = base.include_query_params(max_id=cursor(items[-1]), limit=page.limit)
            links.append(f'<{older}>; rel="next"')
        newer = base.include_query_params(min_id=cursor(items[0]), limit=page.limit)
        links.append(f'<{newer}>; rel="prev"')
    if links:
        response.headers["Link"] = ", ".join(links)
    return items
