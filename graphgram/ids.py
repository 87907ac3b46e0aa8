"""Opaque, time-ordered ids (ULIDs, lower-case): sorting by id sorts by creation time, so
`max_id`/`since_id` cursors work on any list."""

from __future__ import annotations

from datetime import datetime

from ulid import ULID


def new_id(at: datetime | None = None) -> str:
    return str(ULID.from_datetime(at) if at else ULID()).lower()


def id_time(value: str) -> datetime:
    return ULID.from_str(value.upper()).datetime
