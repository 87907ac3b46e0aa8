"""Mastodon's REST entities built from graph rows (app/serializers/rest/*_serializer.rb): Account,
Status, MediaAttachment, Relationship, Notification, Tag.

Plain functions from rows to JSON-ready dicts; the rows come from the same repositories the rest
of the API reads. Graphgram has no boosts, polls, custom emoji, cards or language
detection, so those fields carry Mastodon's empty values.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from api.posts.schemas import HASHTAG, MENTION
from graph.driver import Row
from graphgram.settings import Settings
from media.views import account_pictures, media_view

Json = dict[str, Any]

_FRACTION = re.compile(r"\.(\d+)")


def timestamp(value: str | None) -> str | None:
    """A Neo4j datetime string as Mastodon writes times: UTC, milliseconds, `Z`."""
    if not value:
        return None
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6], value.replace("Z", "+00:00"), count=1)
    at = datetime.fromisoformat(text).astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def avatar_url(base: str) -> str:
    """The instance's own picture (its thumbnail)."""
    return f"{base}/avatars/default/graphgram.png"


def _absolute(base: str, url: str) -> str:
    """Edge URLs are absolute already; a generated default is served by this API."""
    return url if "://" in url else f"{base}{url}"


def profile_url(base: str, username: str) -> str:
    return f"{base}/web/u/{username}"


def post_url(base: str, post_id: str) -> str:
    return f"{base}/web/p/{post_id}"


def tag_url(base: str, name: str) -> str:
    return f"{base}/tags/{name}"


# Rails' html_escape, as Mastodon writes text into HTML.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})
# A hashtag (group 1) or a mention (group 2), as the post schemas find them in the raw text.
_LINKS = re.compile(f"{HASHTAG.pattern}|{MENTION.pattern}")


def escape(text: str) -> str:
    return text.translate(_ESCAPES)


def _linkify(base: str, line: str) -> str:
    """One line of raw text as HTML: #tags and @mentions found in the raw text (so an escaped
    `'`, `&#39;`, is never read as a hashtag), everything escaped exactly once."""
    out: list[str] = []
    last = 0
    for match in _LINKS.finditer(line):
        out.append(escape(line[last : match.start()]))
        tag, name = match.group(1), match.group(2)
        if tag is not None:
            out.append(
                f'<a href="{escape(tag_url(base, tag.lower()))}" class="mention hashtag" '
                f'rel="tag">#<span>{escape(tag)}</span></a>'
            )
        else:
            out.append(
                f'<span class="h-card"><a href="{escape(profile_url(base, name.lower()))}" '
                f'class="u-url mention">@<span>{escape(name)}</span></a></span>'
            )
        last = match.end()
    out.append(escape(line[last:]))
    return "".join(out)


def text_html(base: str, text: str) -> str:
    """Caption, comment or bio text as Mastodon's HTML: paragraphs and line breaks, #tags and
    @mentions linked, the rest escaped."""
    paragraphs = [p for p in re.split(r"\n{2,}", text.strip()) if p]
    return "".join(
        "<p>" + "<br />".join(_linkify(base, line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def account(base: str, row: Row, settings: Settings | None = None) -> Json:
    """An Account from a profile row (id, username, display_name, bio, private, created_at, the
    three counts and `pictures`: its avatar and header Media nodes, signed with `settings`)."""
    created = timestamp(row.get("created_at"))
    pictures = row.get("pictures") if settings is not None else None
    avatar, header = account_pictures(settings, row["username"], pictures)
    avatar_url_ = _absolute(base, avatar.url)
    header_url_ = _absolute(base, header.url)
    return {
        "id": row["id"],
        "username": row["username"],
        "acct": row["username"],
        "display_name": row["display_name"],
        "locked": bool(row.get("private")),
        "bot": False,
        "discoverable": True,
        "indexable": True,
        "group": False,
        # Mastodon gives accounts the day they were created, at midnight.
        "created_at": (created[:10] + "T00:00:00.000Z") if created else None,
        "note": text_html(base, row.get("bio") or ""),
        "url": profile_url(base, row["username"]),
        "uri": profile_url(base, row["username"]),
        # Pictures are still WebP (no animation), so the static URLs are the same.
        "avatar": avatar_url_,
        "avatar_static": avatar_url_,
        "header": header_url_,
        "header_static": header_url_,
        "followers_count": row.get("follower_count", 0),
        "following_count": row.get("following_count", 0),
        "statuses_count": row.get("post_count", 0),
        "last_status_at": None,
        "hide_collections": False,
        "noindex": False,
        "emojis": [],
        "roles": [],
        "fields": [],
    }


def credential_account(base: str, row: Row, settings: Settings) -> Json:
    """The caller's own Account, with `source` (what update_credentials edits)."""
    out = account(base, row, settings)
    out["source"] = {
        "privacy": "private" if row.get("private") else "public",
        "sensitive": False,
        "language": None,
        "note": row.get("bio") or "",
        "fields": [],
        "follow_requests_count": row.get("request_count", 0),
    }
    out["role"] = {"id": "-99", "name": "", "permissions": "0", "color": "", "highlighted": False}
    return out


def media_attachment(settings: Settings, node: Row, description: str | None = None) -> Json:
    """A MediaAttachment from a Media node's properties, or from an already rendered media view
    (the home feed's cached rows carry signed URLs, not object keys)."""
    view = node if "url" in node and "key" not in node else media_view(settings, node).model_dump()
    width, height = view.get("width"), view.get("height")
    meta: Json = {}
    if width and height:
        original: Json = {
            "width": width,
            "height": height,
            "size": f"{width}x{height}",
            "aspect": round(width / height, 6),
        }
        if view.get("duration") is not None:
            original["duration"] = view["duration"]
        meta["original"] = original
        # The preview is the thumbnail (pictures, at most 320 px) or the poster frame (videos).
        scale = min(1.0, 320 / max(width, height)) if view["kind"] == "image" else 1.0
        small_w, small_h = max(1, round(width * scale)), max(1, round(height * scale))
        meta["small"] = {
            "width": small_w,
            "height": small_h,
            "size": f"{small_w}x{small_h}",
            "aspect": round(small_w / small_h, 6),
        }
    return {
        "id": view["id"],
        "type": view["kind"] if view["kind"] in {"image", "video"} else "unknown",
        "url": view.get("url"),
        "preview_url": view.get("preview_url"),
        "remote_url": None,
        "preview_remote_url": None,
        "text_url": None,
        "meta": meta,
        "description": description if description is not None else node.get("description"),
        "blurhash": view.get("blurhash"),
    }


def status(
    base: str, settings: Settings, post: Row, extras: Row, *, with_text: bool = False
) -> Json:
    """A Status from a post view (`graph.posts.hydrate` or the home feed's rows) and its
    `mastodon/status_extras` row (author Account, mention ids, media descriptions)."""
    author = extras["account"]
    descriptions = dict(extras["descriptions"])
    out: Json = {
        "id": post["id"],
        "created_at": timestamp(post["created_at"]),
        "edited_at": timestamp(post.get("edited_at")),
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        # A post for a narrower audience than everyone reads as `private` to those in it (no one
        # else gets it at all).
        "visibility": "private"
        if author.get("private") or post.get("audience") not in (None, "everyone")
        else "public",
        "language": None,
        "uri": post_url(base, post["id"]),
        "url": post_url(base, post["id"]),
        "replies_count": post["comment_count"],
        "reblogs_count": 0,
        "favourites_count": post["like_count"],
        "favourited": post["liked"],
        "reblogged": False,
        "muted": False,
        "bookmarked": bool(extras.get("bookmarked")),
        "content": text_html(base, post["caption"]),
        "filtered": [],
        "reblog": None,
        "application": None,
        "account": account(base, author, settings),
        "media_attachments": [
            media_attachment(settings, m, descriptions.get(m["id"])) for m in post["media"]
        ],
        "mentions": [
            {
                "id": m["id"],
                "username": m["username"],
                "acct": m["username"],
                "url": profile_url(base, m["username"]),
            }
            for m in extras["mentions"]
        ],
        "tags": [{"name": t, "url": tag_url(base, t)} for t in post["hashtags"]],
        "emojis": [],
        "card": None,
        "poll": None,
    }
    if with_text:
        out["text"] = post["caption"]
    return out


def status_edit(status: Json, content: str, media: list[Json]) -> Json:
    """A StatusEdit: one version of a status (`created_at` is when that version was made)."""
    return {
        "content": content,
        "spoiler_text": "",
        "sensitive": False,
        "created_at": status["created_at"],
        "account": status["account"],
        "poll": None,
        "media_attachments": media,
        "emojis": [],
    }


def comment_status(
    base: str, row: Row, settings: Settings | None = None, *, with_text: bool = False
) -> Json:
    """A comment as a Status: a reply to its post or to the comment it answers."""
    out: Json = {
        "id": row["id"],
        "created_at": timestamp(row["created_at"]),
        "edited_at": None,
        "in_reply_to_id": row["in_reply_to_id"],
        "in_reply_to_account_id": row["in_reply_to_account_id"],
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "private" if row.get("private") else "public",
        "language": None,
        "uri": f"{post_url(base, row['post_id'])}#c-{row['id']}",
        "url": f"{post_url(base, row['post_id'])}#c-{row['id']}",
        "replies_count": row["replies_count"],
        "reblogs_count": 0,
        "favourites_count": 0,
        "favourited": False,
        "reblogged": False,
        "muted": False,
        "bookmarked": False,
        "content": text_html(base, row["text"]),
        "filtered": [],
        "reblog": None,
        "application": None,
        "account": account(base, row["account"], settings),
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "card": None,
        "poll": None,
    }
    if with_text:
        out["text"] = row["text"]
    return out


def relationship(row: Row) -> Json:
    """A Relationship. A block the other way is never told (`blocked_by` stays false)."""
    return {
        "id": row["id"],
        "following": row["following"],
        "showing_reblogs": row["following"],
        "notifying": False,
        "languages": None,
        "followed_by": row["followed_by"],
        "blocking": row["blocking"],
        "blocked_by": False,
        "muting": row.get("muting", False),
        "muting_notifications": row.get("muting_notifications", False),
        "requested": row["requested"],
        "requested_by": row.get("requested_by", False),
        "domain_blocking": False,
        "endorsed": False,
        "note": "",
    }


def tag(base: str, name: str) -> Json:
    return {"name": name, "url": tag_url(base, name), "history": [], "following": False}
