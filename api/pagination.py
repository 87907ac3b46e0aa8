"""Mastodon-style list pagination as one dependency: `limit` (default 20, max 100), `max_id`,
`since_id`, `min_id`, newest first, and a `Link` header pointing at the next (older) and previous
(newer) pages.

A handler takes `page: Pagination`, passes `page.params()` to its repository and returns
`page.items(rows)`: the dependency owns the request, the response and the Link header (Polar's
`kit/pagination.py` is the model). Ids are time-ordered ULIDs, so "older than max_id" is a plain
comparison in Cypher (`WHERE x.id < $max_id`), which neither skips nor repeats items while new
ones arrive.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any
from urllib.parse import quote_plus

from fastapi import Depends, Query, Request, Response
from starlette.datastructures import URL

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Sorts after every id (ULIDs are Crockford base32: digits and letters): "no upper bound".
ID_CEILING = "~"
# Query parameters a Link header sets itself.
_CURSORS = frozenset({"max_id", "since_id", "min_id", "limit"})


class Page:
    """One list request's cursors, and what it takes to answer it."""

    def __init__(
        self,
        request: Request,
        response: Response,
        *,
        limit: int = DEFAULT_LIMIT,
        max_id: str | None = None,
        since_id: str | None = None,
        min_id: str | None = None,
    ) -> None:
        self.request = request
        self.response = response
        self.limit = limit
        self.max_id = max_id
        self.since_id = since_id
        self.min_id = min_id

    def params(self) -> dict[str, Any]:
        """Cypher parameters; fetch one extra row to know whether an older page exists.

        Besides the raw cursors, two id ranges for ordered index seeks: newest first between
        `newer_than` and `older_than`, or oldest first between `after` and `before` (min_id).
        The direction not asked for gets an empty range, so its branch of the statement reads
        nothing; plain parameters (no `coalesce`) keep the seek a range seek in index order.
        """
        older_than = self.max_id if self.max_id is not None else ID_CEILING
        if self.min_id is None:
            newest = (self.since_id or "", older_than)
            oldest = ("", "")
        else:
            newest = ("", "")
            oldest = (self.min_id, older_than)
        return {
            "limit": self.limit + 1,
            "max_id": self.max_id,
            "since_id": self.since_id,
            "min_id": self.min_id,
            "newer_than": newest[0],
            "older_than": newest[1],
            "after": oldest[0],
            "before": oldest[1],
        }

    def items(self, rows: list[Any], *, key: str = "id") -> list[Any]:
        """Trim the extra row, and set the Link header from the page's first and last cursors.

        `rows` are newest first (as returned by a query ordered `id DESC`, or ascending from
        `min_id`, which is reversed here). `key` names the cursor field in each row (dict or
        object).
        """
        has_more = len(rows) > self.limit
        items = rows[: self.limit]
        if self.min_id is not None:
            # Queried oldest-first to get the items right after min_id; shown newest first.
            items.reverse()
        if items:
            first = items[0][key] if isinstance(items[0], dict) else getattr(items[0], key)
            last = items[-1][key] if isinstance(items[-1], dict) else getattr(items[-1], key)
            self.response.headers["Link"] = link_header(
                self.request.url,
                self.request.query_params.multi_items(),
                limit=self.limit,
                first=str(first),
                last=str(last),
                older=has_more or self.min_id is not None,
            )
        return items


def link_header(
    url: URL, query: Iterable[tuple[str, str]], *, limit: int, first: str, last: str, older: bool
) -> str:
    """The Link header of a page whose newest item is `first` and oldest `last`: `prev` (newer)
    always, `next` (older) when `older`. The request's URL with its other query parameters in
    order, then the cursor and `limit` (what starlette's remove/include_query_params give,
    without re-parsing)."""
    rest = "".join(f"{quote_plus(k)}={quote_plus(v)}&" for k, v in query if k not in _CURSORS)
    base = f"{url.scheme}://{url.netloc}{url.path}?{rest}"
    prev = f'<{base}min_id={quote_plus(first)}&limit={limit}>; rel="prev"'
    if not older:
        return prev
    return f'<{base}max_id={quote_plus(last)}&limit={limit}>; rel="next", {prev}'


async def _page(
    request: Request,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = DEFAULT_LIMIT,
    max_id: Annotated[str | None, Query(description="Only items older than this id")] = None,
    since_id: Annotated[str | None, Query(description="Only items newer than this id")] = None,
    min_id: Annotated[
        str | None, Query(description="Items immediately newer than this id (oldest first)")
    ] = None,
) -> Page:
    return Page(request, response, limit=limit, max_id=max_id, since_id=since_id, min_id=min_id)


Pagination = Annotated[Page, Depends(_page)]
