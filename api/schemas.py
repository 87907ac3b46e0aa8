"""Response shapes shared by several routers."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

# A post's author: defined with `Post` in `wire.posts` (the feed's cache renders posts too).
from wire.posts import Author as Author


class StrictBody(BaseModel):
    """Request bodies refuse unknown fields, so a typo is a 422 naming it, not a silent no-op."""

    model_config = ConfigDict(extra="forbid")


class Account(BaseModel):
    id: str
    username: str
    display_name: str
    bio: str
    private: bool
    role: str
    created_at: str


class UserSummary(BaseModel):
    id: str
    username: str
    display_name: str
    private: bool = False
