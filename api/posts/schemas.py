from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, Field

from api.schemas import Author, StrictBody

# The post every route answers with: one model, which the feed's cache renders from too.
from wire.posts import Post as Post

CAPTION_MAX = 2200
COMMENT_MAX = 2200
MEDIA_MAX = 10

HASHTAG = re.compile(r"(?<![\w#])#(\w{1,100})")
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{3,30})\b")


def hashtags(text: str) -> list[str]:
    return sorted({tag.lower() for tag in HASHTAG.findall(text)})


def mentions(text: str) -> list[str]:
    return sorted({name.lower() for name in MENTION.findall(text)})


class NewPost(StrictBody):
    caption: Annotated[str, Field(max_length=CAPTION_MAX)] = ""
    media_ids: Annotated[list[str], Field(max_length=MEDIA_MAX)] = []


class NewComment(StrictBody):
    text: Annotated[str, Field(min_length=1, max_length=COMMENT_MAX)]
    reply_to: str | None = None


class Comment(BaseModel):
    id: str
    author: Author
    text: str
    reply_to: str | None
    created_at: str
