"""Errors as types, below every layer that raises them.

Services, repositories and media code raise these; the API turns each into the one JSON error
shape `{"error": {"code", "message", "fields"?}}` with its status (api/errors.py). Polar raises
its `PolarError` from services the same way.
"""

from __future__ import annotations

from pydantic import BaseModel

# An error body names at most this many fields, and says how many more there were: a body with
# 50,000 bad keys gets a small answer, not one as large as what it sent (docs/security.md).
MAX_FIELD_ERRORS = 20


class FieldError(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    code: str
    message: str
    fields: list[FieldError] | None = None
    # How many field errors were left out of `fields` (at most MAX_FIELD_ERRORS are listed).
    fields_omitted: int | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, fields: list[FieldError] | None = None, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields
        if code is not None:
            self.code = code


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Gone(NotFound):
    """What the request works on was deleted by a concurrent request that committed first."""

    code = "not_found"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class Unprocessable(AppError):
    status_code = 422
    code = "validation_error"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"


class UnsupportedMedia(AppError):
    status_code = 415
    code = "unsupported_media_type"


class TooManyRequests(AppError):
    status_code = 429
    code = "rate_limited"


class ServiceUnavailable(AppError):
    status_code = 503
    code = "service_unavailable"
