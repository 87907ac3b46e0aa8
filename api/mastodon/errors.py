"""Mastodon's error shape, `{"error": "..."}`, on the Mastodon surface only.

Exception handlers are app-wide in FastAPI, so `install` wraps the ones `api.errors` registered:
a request under `/api/v1/`, `/api/v2/` or `/oauth/` gets Mastodon's shape (OAuth's
`{"error": code, "error_description": ...}` on the token endpoints), every other path keeps the
API's own `{"error": {"code", "message"}}`. An unknown route under those prefixes is a 404 in
Mastodon's shape (`Record not found`), as Mastodon answers it.

The services both APIs call raise one error for one cause (`NotFound("no post ...")`,
`Unprocessable("you cannot follow yourself")`); here they read as Mastodon's do: every 404 is
`Record not found`, and every 422 starts `Validation failed: `.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from api.errors import (
    MAX_MESSAGE,
    MESSAGE_FIELD_WIDTH,
    clip,
    validation_errors,
    with_omitted,
)
from graphgram.errors import AppError, Unauthorized
from graphgram.settings import Settings

PREFIXES = ("/api/v1/", "/api/v2/", "/oauth/")
VALIDATION_FAILED = "Validation failed: "
ROOTS = {"/api/v1", "/api/v2", "/oauth"}
RETRY_AFTER_S: int = Settings.model_fields["unavailable_retry_after_s"].default

Handler = Callable[[Request, Any], Awaitable[Response]]


class MastodonError(BaseModel):
    """Mastodon's error body; OAuth's token endpoints add `error_description`."""

    error: str
    error_description: str | None = None


# Listed on every Mastodon route, so OpenAPI shows the error shape of this surface.
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": MastodonError} for code in (401, 403, 404, 409, 422, 429)
}


def on_surface(path: str) -> bool:
    return path in ROOTS or path.startswith(PREFIXES)


class OAuthError(AppError):
    """An RFC 6749 error: `code` is the OAuth error name (`invalid_grant`, ...)."""

    def __init__(self, code: str, message: str, *, status_code: int = 400) -> None:
        super().__init__(message, code=code)
        self.status_code = status_code


class InvalidToken(Unauthorized):
    def __init__(self) -> None:
        super().__init__("The access token is invalid")


def mastodon_error(
    status: int, message: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """Mastodon's error body; every text in it is cut to `MAX_MESSAGE` characters, whatever the
    request made it say."""
    extra = {k: clip(v, MAX_MESSAGE) if isinstance(v, str) else v for k, v in extra.items()}
    body = {"error": clip(message, MAX_MESSAGE), **extra}
    return JSONResponse(body, status_code=status, headers=headers)


def validation_message(errors: Sequence[Any]) -> str:
    """`Validation failed: field message, ...` for at most MAX_FIELD_ERRORS of pydantic's
    errors, then how many more there were."""
    shown, omitted = validation_errors(errors, MESSAGE_FIELD_WIDTH)
    parts = ", ".join(f"{field} {message}" for field, message in shown)
    return "Validation failed: " + with_omitted(parts, omitted)


def mastodon_message(exc: AppError) -> str:
    """An error's message as Mastodon words it (see the module's docstring)."""
    if exc.status_code == 404:
        return "Record not found"
    if exc.status_code == 422 and not exc.message.startswith(VALIDATION_FAILED):
        return VALIDATION_FAILED + exc.message
    return exc.message


def _validation_message(exc: RequestValidationError) -> str:
    return validation_message(exc.errors())


def install(app: FastAPI) -> None:
    """Wrap the API's handlers so Mastodon paths get Mastodon's shape. Call after
    `api.errors.install_error_handlers`."""
    previous: dict[Any, Handler] = dict(app.exception_handlers)

    def wrap(exc_class: type[Exception], ours: Callable[[Any], Response]) -> None:
        theirs = previous.get(exc_class)

        async def handler(request: Request, exc: Any) -> Response:
            if on_surface(request.url.path) or theirs is None:
                return ours(exc)
            return await theirs(request, exc)

        app.add_exception_handler(exc_class, handler)

    def app_error(exc: AppError) -> Response:
        if isinstance(exc, OAuthError):
            return mastodon_error(exc.status_code, exc.code, error_description=exc.message)
        headers = None
        if exc.status_code == 401:
            headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
            return mastodon_error(401, "The access token is invalid", headers)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is None and exc.status_code == 503:  # as the native API says it
            retry_after = RETRY_AFTER_S
        if retry_after is not None:
            headers = {"Retry-After": str(retry_after)}
        return mastodon_error(exc.status_code, mastodon_message(exc), headers)

    def validation(exc: RequestValidationError) -> Response:
        return mastodon_error(422, _validation_message(exc))

    def http(exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return mastodon_error(404, "Record not found")
        return mastodon_error(exc.status_code, str(exc.detail), dict(exc.headers or {}))

    wrap(AppError, app_error)
    wrap(RequestValidationError, validation)
    wrap(StarletteHTTPException, http)
