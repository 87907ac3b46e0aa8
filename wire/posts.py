"""The `Post` shape: every post a client gets is made from this model, on every path.

The full path builds a `Post` per post and viewer (`timelines.views.post`); the fast feed page
(`redis_scripts/timelines/fast_page.lua`) joins cached fragments made from the same model:
`open_json` is the post's JSON without the fields that depend on the viewer (`VIEWER_FIELDS`)
and without its closing brace, and the page appends the viewer's `,"liked":…,"saved":…}`.
`tests/test_timelines.py` validates the script's pages against this model.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from graphgram.errors import FieldError, Unprocessable
from media.views import MediaOut, Picture

# Whom a post is for (cypher/README.md, "Audiences"): stored on the Post as `audience` and, for
# followers of at least N days, `audience_days`; a post without one is for everyone.
AUDIENCES = ("everyone", "close_friends", "mutuals", "followers_for_days")
AUDIENCE_DAYS_MAX = 3650


class FollowersForDays(BaseModel):
    """Followers who have followed the author for at least this many days."""

    followers_for_days: int


# The API's shape of an audience: a name, or `{"followers_for_days": N}`.
Audience = Literal["everyone", "close_friends", "mutuals"] | FollowersForDays


def check_audience(audience: str, days: int | None) -> None:
    """An audience as stored (a post's or a story's, cypher/README.md, "Audiences"): `days`
    (1..3650) goes with `followers_for_days` only."""
    if audience not in AUDIENCES:
        raise Unprocessable(
            f"audience: one of {', '.join(AUDIENCES)}",
            fields=[FieldError(field="audience", message=f"one of {', '.join(AUDIENCES)}")],
        )
    if audience == "followers_for_days":
        if days is None or not 1 <= days <= AUDIENCE_DAYS_MAX:
            raise Unprocessable(
                f"audience: followers_for_days takes 1 to {AUDIENCE_DAYS_MAX} days",
                fields=[
                    FieldError(
                        field="audience.followers_for_days",
                        message=f"days from 1 to {AUDIENCE_DAYS_MAX}",
                    )
                ],
            )
    elif days is not None:
        raise Unprocessable(
            "audience: days go with followers_for_days only",
            fields=[FieldError(field="audience", message="days go with followers_for_days")],
        )


def audience_of(row: dict[str, Any]) -> Audience:
    """A post's or story's row audience in the API's shape."""
    kind = row.get("audience") or "everyone"
    if kind == "followers_for_days":
        return FollowersForDays(followers_for_days=int(row.get("audience_days") or 0))
    if kind == "close_friends":
        return "close_friends"
    if kind == "mutuals":
        return "mutuals"
    return "everyone"


class Author(BaseModel):
    id: str
    username: str
    display_name: str
    avatar: Picture


class Post(BaseModel):
    id: str
    author: Author
    caption: str
    media: list[MediaOut]
    hashtags: list[str]
    mentions: list[str]
    like_count: int
    liked: bool
    comment_count: int
    created_at: str
    edited_at: str | None = None
    saved: bool = False  # in the viewer's saved posts (only the viewer sees it)
    audience: Audience = "everyone"


# What depends on who is looking (the fast page adds it per viewer); the rest of a post is the
# same for everyone who may see it without a block between them.
VIEWER_FIELDS = {"liked", "saved"}


def open_json(post: Post) -> str:
    """The post's compact JSON without `VIEWER_FIELDS`, left open (no closing brace): the fast
    page's cached fragment, which the page closes with the viewer's `,"liked":…,"saved":…}`."""
    return post.model_dump_json(exclude=VIEWER_FIELDS)[:-1]
