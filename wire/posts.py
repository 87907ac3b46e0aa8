"""The `Post` shape: every post a client gets is made from this model, on every path.

The full path builds a `Post` per post and viewer (`timelines.views.post`); the fast feed page
(`redis_scripts/timelines/fast_page.lua`) joins cached fragments made from the same model:
`open_json` is the post's JSON without the fields that depend on the viewer (`VIEWER_FIELDS`)
and without its closing brace, and the page appends the viewer's `,"liked":…,"saved":…}`.
`tests/test_timelines.py` validates the script's pages against this model.
"""

from __future__ import annotations

from pydantic import BaseModel

from media.views import MediaOut, Picture


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


# What depends on who is looking (the fast page adds it per viewer); the rest of a post is the
# same for everyone who may see it without a block between them.
VIEWER_FIELDS = {"liked", "saved"}


def open_json(post: Post) -> str:
    """The post's compact JSON without `VIEWER_FIELDS`, left open (no closing brace): the fast
    page's cached fragment, which the page closes with the viewer's `,"liked":…,"saved":…}`."""
    return post.model_dump_json(exclude=VIEWER_FIELDS)[:-1]
