"""Dependencies of the Mastodon surface: form or JSON bodies as Mastodon clients send them, and
Mastodon's page sizes. The caller and its scopes are the native API's (`api.auth.scopes`): a token
is a Graphgram session, and what it may do is the OAuth scopes it was granted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile

from api.deps import Backend
from api.mastodon.errors import validation_message
from api.mastodon.ids import convert, from_mastodon
from api.pagination import Page
from backends import Backends
from graphgram.errors import AppError, NotFound, Unprocessable


@dataclass(frozen=True)
class Ctx:
    """What rendering Mastodon entities needs: the backends and this server's public base URL."""

    backends: Backends
    base_url: str


def _ctx(request: Request, backends: Backend) -> Ctx:
    return Ctx(backends, str(request.base_url).rstrip("/"))


Context = Annotated[Ctx, Depends(_ctx)]


async def form_or_json(request: Request) -> dict[str, Any]:
    """A request body as Mastodon clients send it: JSON, urlencoded or multipart form, with
    `key[]` fields gathered into lists, and Mastodon ids turned back into the graph's
    (`api.mastodon.ids`). Nested form keys (`media_attributes[][id]`) are dropped: send those
    as JSON, as Mastodon.py does."""
    data = await _form_or_json(request)
    converted: dict[str, Any] = convert(data, from_mastodon)
    return converted


async def _form_or_json(request: Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        try:
            data = await request.json()
        except (ValueError, RecursionError):  # too deep is refused before this (api/security.py)
            raise Unprocessable("Validation failed: the body is not valid JSON") from None
        if not isinstance(data, dict):
            raise Unprocessable("Validation failed: the body must be a JSON object")
        return data
    if not content_type:
        return dict(request.query_params)
    form = await request.form()
    out: dict[str, Any] = {}
    for key, value in form.multi_items():
        if key.endswith("[]"):
            out.setdefault(key[:-2], []).append(value)
        elif "[" not in key:
            out[key] = value
    return out


Body = Annotated[dict[str, Any], Depends(form_or_json)]

M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], data: dict[str, Any]) -> M:
    """A body checked by a model; a bad field is a 422 `Validation failed: ...` naming it."""
    clean = {k: v for k, v in data.items() if not isinstance(v, UploadFile)}
    try:
        return model.model_validate(clean)
    except ValidationError as exc:
        raise Unprocessable(validation_message(exc.errors())) from None


def pages(default: int, maximum: int) -> Callable[..., Page]:
    """Mastodon's cursors; a `limit` over the maximum is cut to it, as Mastodon does."""

    def page(
        request: Request,
        response: Response,
        limit: Annotated[int, Query(ge=1)] = default,
        max_id: str | None = None,
        since_id: str | None = None,
        min_id: str | None = None,
    ) -> Page:
        return Page(
            request,
            response,
            limit=min(limit, maximum),
            max_id=max_id or None,
            since_id=since_id or None,
            min_id=min_id or None,
        )

    return page


StatusPage = Annotated[Page, Depends(pages(20, 40))]
AccountPage = Annotated[Page, Depends(pages(40, 80))]
NotificationPage = Annotated[Page, Depends(pages(40, 80))]


def not_found() -> AppError:
    return NotFound("Record not found")
