"""The API's Redis and object-store clients, timed into the metrics registry.

Every Redis command passes through `execute_command`, and every S3 request of the `minio` SDK
through `_url_open` (pinned SDK version), so timing those two covers all calls.
"""

from __future__ import annotations

import time
from typing import Any

from minio import Minio
from redis.asyncio import Redis

from api.observability import observe_backend
from graphgram.settings import Settings
from media.storage import make_client


class TimedRedis(Redis):
    async def execute_command(self, *args: Any, **options: Any) -> Any:
        started = time.perf_counter()
        ok = False
        try:
            result = await super().execute_command(*args, **options)  # type: ignore[no-untyped-call]
            ok = True
            return result
        finally:
            observe_backend("redis", str(args[0]).lower(), time.perf_counter() - started, ok)


class TimedMinio(Minio):
    def _url_open(self, method: str, region: str, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        ok = False
        try:
            result = super()._url_open(method, region, *args, **kwargs)
            ok = True
            return result
        finally:
            observe_backend("object_store", method, time.perf_counter() - started, ok)


def redis_client(settings: Settings) -> Redis:
    client: Redis = TimedRedis.from_url(
        settings.redis_url, decode_responses=True, health_check_interval=30
    )
    return client


def object_store(settings: Settings) -> Minio:
    return make_client(settings, cls=TimedMinio)
