"""The service's clock: the machine's, moved by `clock_offset_s` (tests set it to look a day
ahead instead of sleeping one). Whatever expires by a time Graphgram decides (stories) reads
`now` here and hands it to Cypher as a parameter, never Neo4j's own `datetime()`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from graphgram.settings import Settings


def now(settings: Settings) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=settings.clock_offset_s)


def real_epoch(settings: Settings, moment: float) -> float:
    """A time on this clock (epoch seconds) as the machine's epoch seconds: what the edge, which
    knows only the machine's clock, compares a signed URL's expiry with."""
    return moment - settings.clock_offset_s
