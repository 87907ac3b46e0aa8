"""The app factory: `uvicorn api.app:create_app --factory`.

One lifespan owns the clients (Neo4j driver, Redis pool, S3 client): built once, checked, closed
on exit. The process keeps no state of its own, so any number of them can run behind a balancer.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import observability
from api.accounts.router import router as accounts_router
from api.admin.router import router as admin_router
from api.analytics.router import router as analytics_router
from api.discovery.router import router as discovery_router
from api.discovery.suggestions import drain as drain_suggestions
from api.errors import install_error_handlers
from api.feed.hotpath import FeedHotPath
from api.feed.router import router as feed_router
from api.health.router import router as health_router
from api.mastodon import install as install_mastodon
from api.media.router import router as media_router
from api.middleware import install as install_middleware
from api.notifications.router import router as notifications_router
from api.observability import Observe
from api.posts.router import router as posts_router
from api.ratelimit import UPLOAD_LIMITS, WRITE_LIMITS
from api.reports.router import router as reports_router
from api.stories.router import router as stories_router
from api.tags.router import router as tags_router
from api.uploads.router import router as uploads_router
from api.users.router import router as users_router
from api.web import install_web
from api.yourdata.router import router as yourdata_router
from backends import Backends
from graph.driver import causal_chain, keep_bookmarks
from graph.warmup import warm_in_background
from graphgram.settings import Settings, get_settings
from media import direct as direct_uploads
from media.jobs import depth as media_queue_depth
from media.jobs import worker as media_worker
from services.jobs import HANDLERS as JOB_HANDLERS
from timelines.fanout import worker as timeline_worker
from timelines.repair import worker as repair_worker


class CausalChain:
    """Each HTTP request is one causal chain: all its Neo4j sessions share a bookmark manager, so
    a write and its read-back (create a post, then show it) agree even on a cluster. The chain
    of a request that wrote keeps its bookmark for its user before the answer starts, so the
    user's next request, on any process, reads that write (graph/bookmarks.py)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_after_keeping(message: Message) -> None:
            if message["type"] == "http.response.start":
                await keep_bookmarks()
            await send(message)

        with causal_chain():
            await self.app(scope, receive, send_after_keeping)


class Graphgram(FastAPI):
    """The API. Outside the framework's middleware stack (its error handling, body limits, our
    security headers, CORS, body cap, JSON depth, rate-limit headers, idempotency): `Observe`
    (request id, metrics, log line, for every request) and, inside it, the feed's hot path
    (api/feed/hotpath.py), which answers the common page without the layers that do nothing
    for it and hands every other request to the stack."""

    def build_middleware_stack(self) -> ASGIApp:
        return Observe(FeedHotPath(super().build_middleware_stack()))


def freeze_startup_heap() -> None:
    """Keep the objects made at startup (modules, routes, models, clients: ~120k) out of the
    garbage collector's full collections, which otherwise walk them all every few hundred
    requests: a 50-80 ms pause in whichever request triggers one, the p99 of most routes.
    Instagram's `gc.freeze()` recipe: collect once, then move what survives to the permanent
    generation; objects made later are collected as usual."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        backends = Backends.build(settings)
        app.state.backends = backends
        stop = asyncio.Event()
        workers = []
        if settings.media_worker:
            workers.append(
                asyncio.create_task(media_worker(backends, stop=stop, handlers=JOB_HANDLERS))
            )
        if settings.timeline_worker:
            workers.append(asyncio.create_task(timeline_worker(backends, stop=stop)))
        if settings.timeline_repair:
            workers.append(asyncio.create_task(repair_worker(backends, stop=stop)))
        warming = (
            asyncio.create_task(warm_in_background(backends.graph))
            if settings.warms_query_plans
            else None
        )
        freeze_startup_heap()
        try:
            yield
        finally:
            if warming is not None:
                warming.cancel()
            stop.set()
            for worker in workers:
                await worker
            await drain_suggestions()  # background work that still uses the clients
            await backends.close()

    app = Graphgram(
        title="Graphgram",
        version="0.1.0",
        summary="Graph-native photo and video social API on Neo4j",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.add_middleware(CausalChain)

    async def queue_depth() -> int:
        return await media_queue_depth(app.state.backends)

    observability.install(app, queue_depth)
    install_middleware(app)
    app.include_router(health_router)
    # The feed reads only (no write limits), and early: routes are matched in order.
    app.include_router(feed_router)
    app.include_router(accounts_router)
    # Rate limits on every write (POST, PUT, PATCH, DELETE) of these routers: api/ratelimit.py.
    app.include_router(users_router, dependencies=WRITE_LIMITS)
    app.include_router(posts_router, dependencies=WRITE_LIMITS)
    app.include_router(stories_router, dependencies=WRITE_LIMITS)
    app.include_router(notifications_router, dependencies=WRITE_LIMITS)
    app.include_router(discovery_router)
    app.include_router(tags_router)
    app.include_router(analytics_router)
    app.include_router(reports_router, dependencies=WRITE_LIMITS)
    app.include_router(yourdata_router, dependencies=WRITE_LIMITS)
    # No rate-limit dependencies here: they would answer 401 before the role check answers 404.
    app.include_router(admin_router)
    app.include_router(media_router, dependencies=UPLOAD_LIMITS)
    # Starting a direct upload counts as an upload (its route); its other calls as writes.
    app.include_router(uploads_router, dependencies=WRITE_LIMITS)
    install_mastodon(app)
    install_web(app, edge=settings.cdn_base_url, store=direct_uploads.public_base(settings))
    return app
