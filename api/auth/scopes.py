"""OAuth scopes: what a token may do, declared by every route and checked in one place.

The scopes are Mastodon's (config/initializers/doorkeeper.rb): `read`, `write` and `follow`, and
their granular parts (`read:statuses`, `write:follows`, ...). A route declares the one scope it
needs with one of the annotated types below (`ReadStatuses`, `WriteFollows`, ...), on the native
API and the Mastodon API alike; `authorized` is the only place that compares a token's scopes
with a route's. The scopes show in OpenAPI as each operation's security requirement.

A session from `POST /auth/login` (the web client, the CLI) is first-party and has every scope.
A token an app got through OAuth has the scopes it was granted. Deleting the account, changing
the password and logging out everywhere need a first-party session (`FirstParty`): no app token
may do them, whatever its scopes.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import SecurityScopes
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth.deps import BearerCredentials, Viewer, current_user
from api.deps import Backend
from graphgram.errors import Forbidden, Unauthorized, Unprocessable

TOP_SCOPES = ("read", "write", "follow")
# `follow` is Mastodon's older scope for relationships: it covers these granular parts.
FOLLOW_COVERS = frozenset({"read:blocks", "read:follows", "write:blocks", "write:follows"})
GRANULAR = {
    "read": (
        "accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists", "mutes",
        "notifications", "search", "statuses",
    ),
    "write": (
        "accounts", "blocks", "bookmarks", "conversations", "favourites", "filters", "follows",
        "lists", "media", "mutes", "notifications", "reports", "statuses",
    ),
}  # fmt: skip
# Mastodon's admin scopes, for moderation apps on `/api/v1/admin/…` (api/mastodon/admin.py):
# `admin:read` covers `admin:read:reports` and `admin:read:accounts`, `admin:write` the writes.
# `read` and `write` cover none of them, and a token holding them still needs its account's
# moderator or admin role. The native `/admin/…` routes take no app token at all.
ADMIN_SCOPES = frozenset(
    {"admin:read", "admin:write", "admin:read:reports", "admin:read:accounts",
     "admin:write:reports", "admin:write:accounts"}
)  # fmt: skip
# `push` (Web Push) is accepted so that clients asking for Mastodon.py's default scopes can sign
# in; it grants nothing here, as there are no push subscriptions.
KNOWN_SCOPES = (
    frozenset((*TOP_SCOPES, "push"))
    | {f"{top}:{part}" for top, parts in GRANULAR.items() for part in parts}
    | ADMIN_SCOPES
)
FIRST_PARTY = frozenset(TOP_SCOPES)
# Not an OAuth scope a token can hold: the marker of routes only a first-party session may call.
FIRST_PARTY_ONLY = "first-party"


class OutsideScopes(Forbidden):
    def __init__(self) -> None:
        super().__init__("This action is outside the authorized scopes")


class FirstPartyOnly(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            "only a first-party session may do this: log in with POST /auth/login "
            "(an app's token may not, whatever its scopes)"
        )


def parse_scopes(value: object, default: str = "read") -> list[str]:
    """A space-separated scope list (or a list of scopes), checked against the scopes this
    server knows."""
    text = " ".join(map(str, value)) if isinstance(value, list) else str(value or "")
    scopes = list(dict.fromkeys((text or default).replace("+", " ").split()))
    unknown = [s for s in scopes if s not in KNOWN_SCOPES]
    if unknown:
        raise Unprocessable(f"Validation failed: unknown scope {', '.join(unknown)}")
    return scopes


def covers(granted: frozenset[str] | set[str] | list[str], needed: str) -> bool:
    """Whether scopes granted to a token include `needed` (`read` covers `read:statuses`,
    `admin:read` covers `admin:read:reports`)."""
    top = needed.rsplit(":", 1)[0] if needed.startswith("admin:") else needed.split(":", 1)[0]
    return needed in granted or top in granted or ("follow" in granted and needed in FOLLOW_COVERS)


def allows(viewer: Viewer, needed: str) -> bool:
    return viewer.scopes is None or covers(viewer.scopes, needed)


async def authorized(
    security_scopes: SecurityScopes,
    request: Request,
    credentials: BearerCredentials,
    backends: Backend,
) -> Viewer:
    """The caller, when their token has every scope the route declared (401 without a live
    token, 403 outside its scopes). The session is looked up once per request, however many
    dependencies (a route's, its rate limits') ask for the caller."""
    viewer: Viewer | None = getattr(request.state, "viewer", None)
    if viewer is None:
        viewer = await current_user(credentials, backends)
        request.state.viewer = viewer
    for needed in security_scopes.scopes:
        if needed == FIRST_PARTY_ONLY:
            if viewer.scopes is not None:
                raise FirstPartyOnly()
        elif not allows(viewer, needed):
            raise OutsideScopes()
    return viewer


def _scoped(*needed: str) -> Any:
    return Security(authorized, scopes=list(needed))


ReadAccounts = Annotated[Viewer, _scoped("read:accounts")]
ReadBlocks = Annotated[Viewer, _scoped("read:blocks")]
ReadBookmarks = Annotated[Viewer, _scoped("read:bookmarks")]
ReadFollows = Annotated[Viewer, _scoped("read:follows")]
# Close friends are a list the account keeps (Mastodon's `lists` scopes).
ReadLists = Annotated[Viewer, _scoped("read:lists")]
ReadMutes = Annotated[Viewer, _scoped("read:mutes")]
ReadNotifications = Annotated[Viewer, _scoped("read:notifications")]
ReadSearch = Annotated[Viewer, _scoped("read:search")]
ReadStatuses = Annotated[Viewer, _scoped("read:statuses")]
WriteAccounts = Annotated[Viewer, _scoped("write:accounts")]
WriteBlocks = Annotated[Viewer, _scoped("write:blocks")]
WriteBookmarks = Annotated[Viewer, _scoped("write:bookmarks")]
WriteFavourites = Annotated[Viewer, _scoped("write:favourites")]
WriteFollows = Annotated[Viewer, _scoped("write:follows")]
WriteLists = Annotated[Viewer, _scoped("write:lists")]
WriteMedia = Annotated[Viewer, _scoped("write:media")]
WriteMutes = Annotated[Viewer, _scoped("write:mutes")]
WriteNotifications = Annotated[Viewer, _scoped("write:notifications")]
WriteStatuses = Annotated[Viewer, _scoped("write:statuses")]
WriteReports = Annotated[Viewer, _scoped("write:reports")]
# Any live token, whatever its scopes: only for ending that token itself (RFC 7009 lets any
# token be revoked by its holder).
AnyToken = Annotated[Viewer, _scoped()]
FirstParty = Annotated[Viewer, _scoped("write:accounts", FIRST_PARTY_ONLY)]
# Analysts read the whole graph through saved queries: the `read` scope and the analyst role.
ReadAll = Annotated[Viewer, _scoped("read")]


async def _analyst(viewer: ReadAll) -> Viewer:
    if viewer.role != "analyst":
        raise Forbidden("this endpoint is for accounts with the analyst role")
    return viewer


AnalystUser = Annotated[Viewer, Depends(_analyst)]


# Moderation routes are first-party only: an app's token, whatever its scopes, is refused (there
# is no `admin:*` scope to grant). Anyone without the role, or without a token, gets the answer an
# unknown path gets (404 `Not Found`), so nothing reveals that the routes exist.
MODERATOR_ROLES = frozenset({"moderator", "admin"})


async def _staff(
    request: Request, credentials: BearerCredentials, backends: Backend, roles: frozenset[str]
) -> Viewer:
    try:
        viewer = await authorized(
            SecurityScopes([FIRST_PARTY_ONLY]), request, credentials, backends
        )
    except (Unauthorized, Forbidden):
        raise StarletteHTTPException(status_code=404) from None
    if viewer.role not in roles:
        raise StarletteHTTPException(status_code=404)
    return viewer


async def _moderator(request: Request, credentials: BearerCredentials, backends: Backend) -> Viewer:
    return await _staff(request, credentials, backends, MODERATOR_ROLES)


async def _admin(request: Request, credentials: BearerCredentials, backends: Backend) -> Viewer:
    return await _staff(request, credentials, backends, frozenset({"admin"}))


ModeratorUser = Annotated[Viewer, Depends(_moderator)]
AdminUser = Annotated[Viewer, Depends(_admin)]


# Mastodon's admin API (api/mastodon/admin.py): moderation apps hold app tokens, so these routes
# take a token with the admin scope they declare (or a first-party session) of an account with
# the moderator or admin role. Anyone else gets the unknown path's 404, as on `/admin/…`.
def _mastodon_staff(scope: str) -> Any:
    async def staff(request: Request, credentials: BearerCredentials, backends: Backend) -> Viewer:
        try:
            viewer = await authorized(SecurityScopes([scope]), request, credentials, backends)
        except (Unauthorized, Forbidden):
            raise StarletteHTTPException(status_code=404) from None
        if viewer.role not in MODERATOR_ROLES:
            raise StarletteHTTPException(status_code=404)
        return viewer

    return Depends(staff)


AdminReadReports = Annotated[Viewer, _mastodon_staff("admin:read:reports")]
AdminWriteReports = Annotated[Viewer, _mastodon_staff("admin:write:reports")]
AdminReadAccounts = Annotated[Viewer, _mastodon_staff("admin:read:accounts")]
AdminWriteAccounts = Annotated[Viewer, _mastodon_staff("admin:write:accounts")]
