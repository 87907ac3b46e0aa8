"""Response shapes shared by several routers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from graphgram.errors import MAX_FIELD_ERRORS
from graphgram.settings import Settings
from media.views import Picture, picture_view

# A post's author: defined with `Post` in `wire.posts` (the feed's cache renders posts too).
from wire.posts import Author as Author


class StrictBody(BaseModel):
    """Request bodies refuse unknown fields, so a typo is a 422 naming it, not a silent no-op.

    A body with more unknown keys than an error names (MAX_FIELD_ERRORS) is refused with one
    error before the fields are looked at: pydantic would otherwise build an error for each of,
    say, 50,000 keys, which costs a good part of a second to make and to answer."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _not_too_many_unknown(cls, data: Any) -> Any:
        if not isinstance(data, dict) or len(data) <= len(cls.model_fields) + MAX_FIELD_ERRORS:
            return data
        known = set(cls.model_fields)
        known |= {f.alias for f in cls.model_fields.values() if isinstance(f.alias, str)}
        unknown = [key for key in data if key not in known]
        if len(unknown) <= MAX_FIELD_ERRORS:
            return data
        shown = ", ".join(str(key)[:40] for key in unknown[:5])
        raise PydanticCustomError(
            "extra_forbidden",
            "{count} unknown fields are not permitted (the first: {shown})",
            {"count": len(unknown), "shown": shown},
        )


class Account(BaseModel):
    id: str
    username: str
    display_name: str
    bio: str
    private: bool
    role: str
    created_at: str
    avatar: Picture
    header: Picture


class UserSummary(BaseModel):
    id: str
    username: str
    display_name: str
    private: bool = False
    avatar: Picture | None = None  # every list fills it in


def summary(settings: Settings, row: dict[str, Any]) -> UserSummary:
    """A list row as a `UserSummary`, its `pictures` (when the row has them) as `avatar`."""
    fields = {k: v for k, v in row.items() if k != "pictures"}
    if "pictures" in row:
        node = next((p for p in row["pictures"] or [] if p.get("kind") == "avatar"), None)
        fields["avatar"] = picture_view(settings, "avatar", row["username"], node)
    return UserSummary(**fields)
