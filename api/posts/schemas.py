from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from api.schemas import Author, StrictBody
from services.posts import HASHTAG as HASHTAG
from services.posts import MENTION as MENTION
from services.posts import hashtags as hashtags
from services.posts import mentions as mentions

# The post every route answers with: one model, which the feed's cache renders from too.
from wire.posts import Post as Post

CAPTION_MAX = 2200
COMMENT_MAX = 2200
MEDIA_MAX = 10
ALT_MAX = 1500


class NewPost(StrictBody):
    caption: Annotated[str, Field(max_length=CAPTION_MAX)] = ""
    media_ids: Annotated[list[str], Field(max_length=MEDIA_MAX)] = []


class MediaAlt(StrictBody):
    id: str
    description: Annotated[str, Field(max_length=ALT_MAX)]


class PostChanges(StrictBody):
    """What `PATCH /posts/{id}` changes; a field left out stays as it is."""

    caption: Annotated[str | None, Field(max_length=CAPTION_MAX)] = None
    media: Annotated[list[MediaAlt], Field(max_length=MEDIA_MAX)] = []


class PostVersion(BaseModel):
    """One version of a post: the current one, or one an edit replaced."""

    caption: str
    media: list[MediaAlt]
    created_at: str


class Saved(BaseModel):
    saved: bool


class NewComment(StrictBody):
    text: Annotated[str, Field(min_length=1, max_length=COMMENT_MAX)]
    reply_to: str | None = None


class Comment(BaseModel):
    id: str
    author: Author
    text: str
    reply_to: str | None
    created_at: str
