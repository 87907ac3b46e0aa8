"""The session cache's format: `session:<sid>` in Redis, written and read by `api/auth/deps.py`
and read by the fast feed page (`redis_scripts/timelines/fast_page.lua`: `id` and `scopes`).

The value is `CachedSession` as JSON, or `REVOKED` (a short-lived tombstone over an ended
session). `scopes` is null for a first-party session (every scope), else the app token's scopes;
the script serves a token with `read` or `read:statuses` (api/auth/scopes.py) and leaves the rest
to the API. `tests/test_timelines.py` checks that the script reads what `encode` writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TypedDict, cast

REVOKED = "revoked"


class CachedSession(TypedDict):
    id: str
    username: str
    role: str
    scopes: list[str] | None  # None: a first-party session


def encode(*, id: str, username: str, role: str, scopes: Iterable[str] | None) -> str:
    session = CachedSession(
        id=id,
        username=username,
        role=role,
        scopes=None if scopes is None else sorted(scopes),
    )
    return json.dumps(session)


def decode(text: str) -> CachedSession | None:
    """The cached session, or None for a value of an older format (without `scopes`)."""
    data: dict[str, Any] = json.loads(text)
    if "scopes" not in data:
        return None
    return cast(CachedSession, data)
