"""The one JSON error shape every response uses, and the handlers that produce it.

The error types live in `graphgram.errors` (below every layer that raises them).

Every error body is `{"error": {"code": str, "message": str, "fields"?: [{"field", "message"}],
"fields_omitted"?: int}}`. That holds for the unexpected too: a backing server that is away
(Neo4j, Redis, the object store) is a 503 with `Retry-After`, and anything else that escapes is a
500 in the same shape. No message carries a server path (a decoder's "cannot identify
/tmp/graphgram-upload-…"), and every body is bounded whatever the input: at most
`MAX_FIELD_ERRORS` fields (the count of the rest in `fields_omitted`), each name and message cut
to `MAX_FIELD_TEXT` characters, the message to `MAX_MESSAGE` (`clip`); no input is echoed.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Sequence
from typing import Any, cast

import neo4j.exceptions as neo4j_errors
import redis.exceptions as redis_errors
import urllib3.exceptions as urllib3_errors
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from minio.error import ServerError as MinioServerError
from starlette.exceptions import HTTPException as StarletteHTTPException

from graphgram.errors import MAX_FIELD_ERRORS, AppError, ErrorBody, ErrorResponse, FieldError

log = logging.getLogger(__name__)

_TEMP_PATH = re.compile(
    "(?:"
    + "|".join(sorted({re.escape(tempfile.gettempdir()), "/tmp", "/var/tmp"}))
    + r")/[^\s'\",:;)]*"
)


MAX_FIELD_TEXT = 200
MAX_MESSAGE = 2000
# A field as a one-line message names it (`invalid input: a, b`): twenty of them fit in one.
MESSAGE_FIELD_WIDTH = 60


def scrub(message: str) -> str:
    """Server temp paths out of a message that is about to leave the process."""
    return _TEMP_PATH.sub("<upload>", message)


def clip(text: str, limit: int = MAX_FIELD_TEXT) -> str:
    """`text` cut to `limit` characters (an ellipsis marks the cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_json(
    status: int,
    code: str,
    message: str,
    fields: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    fields_omitted: int = 0,
) -> JSONResponse:
    if fields:
        fields_omitted += max(0, len(fields) - MAX_FIELD_ERRORS)
        fields = [
            FieldError(field=clip(f.field), message=clip(scrub(f.message)))
            for f in fields[:MAX_FIELD_ERRORS]
        ]
    body = ErrorResponse(
        error=ErrorBody(
            code=code,
            message=clip(scrub(message), MAX_MESSAGE),
            fields=fields,
            fields_omitted=fields_omitted or None,
        )
    )
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    503: "service_unavailable",
}

# What a server that is away looks like from here, and the name a client is told.
_UNAVAILABLE: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    (
        (
            neo4j_errors.ServiceUnavailable,
            neo4j_errors.SessionExpired,
            neo4j_errors.ConnectionAcquisitionTimeoutError,
            neo4j_errors.TransientError,
        ),
        "the graph database",
    ),
    ((redis_errors.ConnectionError, redis_errors.TimeoutError), "the cache"),
    ((urllib3_errors.HTTPError, MinioServerError), "the object store"),
)


def unavailable_component(exc: BaseException) -> str | None:
    """The backing service behind `exc` (looking through groups and causes), if any."""
    seen: set[int] = set()
    pending = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        for types, name in _UNAVAILABLE:
            if isinstance(current, types):
                return name
        # A transaction that ran out of time (a Neo4j that is starting up, or swamped).
        if isinstance(current, neo4j_errors.ClientError) and "TransactionTimedOut" in str(
            getattr(current, "code", "") or ""
        ):
            return "the graph database"
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)
    return None


def retry_after_s(request: Request) -> int:
    backends = getattr(request.app.state, "backends", None)
    return int(backends.settings.unavailable_retry_after_s) if backends is not None else 5


def unavailable_json(component: str, retry_after: int) -> JSONResponse:
    return error_json(
        503,
        "service_unavailable",
        f"{component} is unavailable right now; retry in {retry_after} s",
        headers={"Retry-After": str(retry_after)},
    )


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in {"body", "query", "path", "header"}]
    return ".".join(parts) or "body"


def validation_errors(
    errors: Sequence[Any], width: int = MAX_FIELD_TEXT
) -> tuple[list[tuple[str, str]], int]:
    """The first `MAX_FIELD_ERRORS` of pydantic's errors as (field, message), each clipped to
    `width`, and how many were left out. Pydantic's `input` (the value sent) is never passed
    on."""
    shown = [
        (
            clip(_field_name(tuple(err.get("loc", ()))), width),
            clip(str(err.get("msg", "is invalid")), width),
        )
        for err in errors[:MAX_FIELD_ERRORS]
    ]
    return shown, max(0, len(errors) - MAX_FIELD_ERRORS)


def with_omitted(text: str, omitted: int) -> str:
    return f"{text} and {omitted} more" if omitted else text


def _flat_routes(routes: Any) -> Any:
    """Every route, looking inside included routers (FastAPI keeps them as nested objects)."""
    for route in routes:
        nested = getattr(route, "effective_route_contexts", None)
        if callable(nested):
            yield from _flat_routes(nested())
        else:
            yield route


def _allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette's 405 names one route's only)."""
    methods: set[str] = set()
    path = request.url.path
    for route in _flat_routes(app.router.routes):
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(path):
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        headers: dict[str, str] = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 401:
            headers["WWW-Authenticate"] = "Bearer"
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is None and exc.status_code == 503:
            retry_after = retry_after_s(request)
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        return error_json(exc.status_code, exc.code, exc.message, exc.fields, headers or None)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        shown, omitted = validation_errors(exc.errors())
        fields = [FieldError(field=field, message=message) for field, message in shown]
        names = ", ".join(sorted({clip(f.field, MESSAGE_FIELD_WIDTH) for f in fields}))
        names = with_omitted(names, omitted)
        return error_json(
            422, "validation_error", f"invalid input: {names}", fields, fields_omitted=omitted
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(app, request))
        return error_json(exc.status_code, code, str(exc.detail), headers=headers)

    async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
        component = unavailable_component(exc) or "a backing service"
        log.warning(
            "503 on %s %s: %s unavailable (%r)", request.method, request.url.path, component, exc
        )
        return unavailable_json(component, retry_after_s(request))

    for types, _name in _UNAVAILABLE:
        for kind in types:
            app.add_exception_handler(cast(type[Exception], kind), _unavailable)

    @app.exception_handler(neo4j_errors.ClientError)
    async def _neo4j_client_error(request: Request, exc: neo4j_errors.ClientError) -> JSONResponse:
        if unavailable_component(exc) is not None:
            return await _unavailable(request, exc)
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Reached through Starlette's ServerErrorMiddleware, which logs and re-raises after this.
        if unavailable_component(exc) is not None:
            return await _unavailable(request, exc)
        log.error(
            "500 on %s %s",
            request.method,
            request.url.path,
            exc_info=(type(exc), exc, exc.__traceback__),
        )
        return error_json(500, "internal_error", "an unexpected error occurred; it was logged")


def error_response(status: int, description: str, **extra: Any) -> dict[str, Any]:
    return {"model": ErrorResponse, "description": description, **extra}


RETRY_AFTER_HEADER = {
    "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
}
_RETRY_AFTER = RETRY_AFTER_HEADER
_RATE_HEADERS = {
    **_RETRY_AFTER,
    "X-RateLimit-Limit": {
        "description": "Requests allowed in the window",
        "schema": {"type": "integer"},
    },
    "X-RateLimit-Remaining": {
        "description": "Requests left in the window",
        "schema": {"type": "integer"},
    },
    "X-RateLimit-Reset": {
        "description": "Seconds until the window restarts",
        "schema": {"type": "integer"},
    },
}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: error_response(400, "Bad request"),
    401: error_response(401, "Missing, invalid or expired bearer token"),
    404: error_response(404, "Not found (or not visible to the caller)"),
    409: error_response(409, "Conflict"),
    413: error_response(413, "Request body over the cap"),
    422: error_response(422, "Invalid input, naming the field"),
    429: error_response(429, "Rate limited", headers=_RATE_HEADERS),
    503: error_response(
        503, "Neo4j, Redis or the object store is unavailable", headers=_RETRY_AFTER
    ),
}

FORBIDDEN: dict[int | str, dict[str, Any]] = {
    403: error_response(403, "The caller may not do this"),
}
