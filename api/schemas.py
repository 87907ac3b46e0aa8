"""Response shapes shared by several routers."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


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


class Author(BaseModel):
    id: str
    username: str
    display_name: str
