"""The `graphgram` command, the top layer: it wires the stack, seeding, media, timelines,
analytics and capacity commands together, and nothing below imports it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from backends import Backends, open_backends
from graphgram.settings import get_settings

T = TypeVar("T")


def with_backends(work: Callable[[Backends], Awaitable[T]]) -> T:
    """Run one async job with this process's clients, built from the environment's settings."""

    async def main() -> T:
        async with open_backends(get_settings()) as backends:
            return await work(backends)

    return asyncio.run(main())
