"""A Mastodon-compatible client API beside Graphgram's own (README, "Mastodon client API").

Same processes, same graph, same rules: blocks hide both ways, a private account is a locked
account, and what a caller may not see is a 404. `install(app)` mounts it: the routers, the
placeholder avatar, CORS for browser apps, and Mastodon's `{"error": "..."}` shape on
`/api/v1/`, `/api/v2/` and `/oauth/` only.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI

from api.mastodon import (
    accounts,
    admin,
    errors,
    instance,
    media,
    notifications,
    oauth,
    search,
    statuses,
    timelines,
)
from api.mastodon.cors import MastodonCORS
from api.ratelimit import SEARCH_LIMITS, UPLOAD_LIMITS, WRITE_LIMITS, limit_writes_by_address


def install(app: FastAPI) -> None:
    """Mount the Mastodon surface; call after `api.errors.install_error_handlers`.

    The same rate limits as the API's own routers: writes per address and per account, uploads,
    searches; OAuth's sign-in counts failed passwords like `POST /auth/login`."""
    app.include_router(oauth.router, dependencies=[Depends(limit_writes_by_address)])
    app.include_router(instance.router)
    for module in (accounts, statuses, timelines, notifications):
        app.include_router(module.router, dependencies=WRITE_LIMITS)
    app.include_router(media.router, dependencies=UPLOAD_LIMITS)
    app.include_router(search.router, dependencies=SEARCH_LIMITS)
    # No rate-limit dependencies: they would answer 401 before the role check answers 404.
    app.include_router(admin.router)
    errors.install(app)
    app.add_middleware(MastodonCORS)
