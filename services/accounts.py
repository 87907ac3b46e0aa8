"""Accounts: register, change the password, update the profile, delete the account."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from backends import Backends
from graph import accounts
from graph.driver import Row
from graphgram.errors import Conflict, Unauthorized
from graphgram.ids import new_id
from media import pictures
from media.lifecycle import release_media
from services import data_export
from services import media as media_service
from services.media import Readable, chunks_of
from services.security import hash_password, verify_password
from services.sessions import forget_sessions
from timelines import hooks as timeline_hooks


@dataclass(frozen=True)
class ProfileChanges:
    """What to change; None leaves a field as it is."""

    display_name: str | None = None
    bio: str | None = None
    private: bool | None = None


async def register(
    backends: Backends, *, username: str, password: str, display_name: str | None = None
) -> Row:
    """A new account (`username` already normalised); 409 when the username is taken."""
    password_hash = await hash_password(password, backends.settings)
    try:
        return await accounts.create_user(
            backends.graph,
            id=new_id(),
            username=username,
            display_name=display_name or username,
            password_hash=password_hash,
            role="user",
        )
    except accounts.UsernameTaken:
        raise Conflict(f"the username {username!r} is taken") from None


async def change_password(
    backends: Backends,
    *,
    viewer_id: str,
    username: str,
    session_id: str,
    current_password: str,
    new_password: str,
) -> None:
    """Set a new password (the current one is needed) and end every session but `session_id`."""
    row = await accounts.get_credentials(backends.graph, username)
    if row is None or not await verify_password(
        row["password_hash"], current_password, backends.settings
    ):
        raise Unauthorized("the current password is wrong")
    new_hash = await hash_password(new_password, backends.settings)
    ended = await accounts.change_password(backends.graph, viewer_id, new_hash, session_id)
    await forget_sessions(backends.redis, backends.settings, ended, graph=backends.graph)


async def update_profile(backends: Backends, viewer_id: str, changes: ProfileChanges) -> Row:
    """Change the profile; the account row as it is now. An account that turns public lets its
    pending follow requests in, and they join the requesters' timelines."""
    requesters = (
        await timeline_hooks.requesters(backends, viewer_id) if changes.private is False else []
    )
    row = await accounts.update_me(backends.graph, viewer_id, asdict(changes))
    await timeline_hooks.profile_changed(backends, viewer_id)
    if requesters and not row["private"]:
        await timeline_hooks.became_public(backends, viewer_id, requesters)
    return row


async def delete_account(backends: Backends, viewer_id: str) -> None:
    """Delete the account, its posts, comments, likes, follows, stories, highlights, sessions,
    media and data archives, for good."""
    footprint = await timeline_hooks.account_footprint(backends, viewer_id)
    # Direct uploads in progress: their parts are dropped from the store, not left to expire.
    await media_service.discard_uploads(backends, viewer_id)
    # Its archives' objects go first (a store that is away fails the deletion before anything
    # is gone), again after the graph's Archive nodes: an export job finishing in between finds
    # its archive gone and deletes its own object.
    await data_export.remove_archives(backends, viewer_id)
    media, sessions = await accounts.delete_account(backends.graph, viewer_id)
    await data_export.remove_archives(backends, viewer_id)
    await timeline_hooks.account_deleted(backends, viewer_id, footprint)
    await forget_sessions(backends.redis, backends.settings, sessions, graph=backends.graph)
    if media:
        await release_media(backends, media)


async def set_picture(
    backends: Backends,
    viewer_id: str,
    kind: pictures.PictureKind,
    file: Readable,
    declared: str | None,
) -> Row:
    """Make an uploaded picture the account's avatar or header (the one before is deleted);
    every cached view that carries the account shows the new one at once."""
    node = await pictures.store_picture(backends, viewer_id, kind, chunks_of(file), declared)
    await timeline_hooks.profile_changed(backends, viewer_id)
    return node


async def remove_picture(backends: Backends, viewer_id: str, kind: pictures.PictureKind) -> None:
    """Take the avatar or header off (its objects deleted and purged from the edge); the account
    shows its generated default."""
    await pictures.remove_picture(backends, viewer_id, kind)
    await timeline_hooks.profile_changed(backends, viewer_id)
