from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, StrictBool, field_validator

from api.schemas import StrictBody

USERNAME = re.compile(r"^[a-z0-9_]{3,30}$")


class Register(StrictBody):
    username: Annotated[
        str,
        Field(
            description="3-30 of a-z, 0-9 and _, case-insensitive",
            pattern=r"^\s*[A-Za-z0-9_]{3,30}\s*$",
        ),
    ]
    password: Annotated[str, Field(min_length=8, max_length=128)]
    display_name: Annotated[str | None, Field(max_length=64)] = None

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        value = value.strip().lower()
        if not USERNAME.fullmatch(value):
            raise ValueError("must be 3-30 characters of a-z, 0-9 and _")
        return value


class Login(StrictBody):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=128)]


class Token(StrictBody):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class UpdateMe(StrictBody):
    display_name: Annotated[str | None, Field(min_length=1, max_length=64)] = None
    bio: Annotated[str | None, Field(max_length=300)] = None
    # Strict: "yes", 1 or "true" are refused, not read as true.
    private: StrictBool | None = None


class ChangePassword(StrictBody):
    current_password: Annotated[str, Field(min_length=1, max_length=128)]
    new_password: Annotated[str, Field(min_length=8, max_length=128)]
