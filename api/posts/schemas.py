from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.schemas import Author, StrictBody
from services.posts import HASHTAG as HASHTAG
from services.posts import MENTION as MENTION
from services.posts import hashtags as hashtags
from services.posts import mentions as mentions

# The post every route answers with: one model, which the feed's cache renders from too.
from wire.posts import AUDIENCE_DAYS_MAX
from wire.posts import Post as Post

CAPTION_MAX = 2200
COMMENT_MAX = 2200
MEDIA_MAX = 10
ALT_MAX = 1500


class FollowersForDaysIn(StrictBody):
    followers_for_days: Annotated[int, Field(ge=1, le=AUDIENCE_DAYS_MAX)]


# The audience a client asks for, of a post or a story: a name, or `{"followers_for_days": N}`.
AudienceIn = Literal["everyone", "close_friends", "mutuals"] | FollowersForDaysIn


def audience_parts(audience: AudienceIn) -> tuple[str, int | None]:
    """The audience as stored: its name, and N for followers of at least N days."""
    if isinstance(audience, FollowersForDaysIn):
        return "followers_for_days", audience.followers_for_days
    return audience, None


class NewPost(StrictBody):
    caption: Annotated[str, Field(max_length=CAPTION_MAX)] = ""
    media_ids: Annotated[list[str], Field(max_length=MEDIA_MAX)] = []
    audience: Annotated[
        AudienceIn,
        Field(
            description="who may see the post, among those who may see your account: everyone "
            "(the default), your close friends (`GET /me/close-friends`), mutual follows, or "
            "followers of at least N days"
        ),
    ] = "everyone"

    def audience_parts(self) -> tuple[str, int | None]:
        """The audience as stored: its name, and N for followers of at least N days."""
        return audience_parts(self.audience)


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
