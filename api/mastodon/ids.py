"""Ids Mastodon apps can order: on the Mastodon surface, every graph id (a ULID) is written as
the decimal string of its 128-bit value, and read back from it.

A ULID is 48 bits of milliseconds then 80 random bits, so its integer value orders as its time
does, and the mapping is one-to-one and needs no storage: `01m8tp0bc1vrd1h0f8yjqef7r8` is
`2171462674563978576065932550499442440`. Mastodon's own ids are snowflakes (decimal strings
below 2^63); Mastodon.py compares ids as integers and Mastodon's web client and most apps compare
them as strings of digits (longer is newer, then lexically), both of which order these correctly.
They are 37 to 39 digits, above 2^63: a client that parses an id into a signed 64-bit integer
would fail on them (docs/mastodon.md, "Ids").

What comes in: every path parameter, query parameter and body field named `id`, `*_id` or
`*_ids` (`max_id`, `since_id`, `min_id`, `id[]`, `media_ids[]`, `in_reply_to_id`,
`media_attributes[][id]`) is turned back into the ULID when it is a decimal number; anything else
(a ULID, as older clients may hold, or garbage) is left for the route to find nothing with. What
goes out: the same fields of every JSON body, and the cursors of the `Link` header.

`MastodonRoute` does both for each route of the Mastodon routers; the native API is untouched.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from ulid import ULID

ULID_LENGTH = 26
_ULID = re.compile(r"[0-7][0-9a-hjkmnp-tv-z]{25}")
_TO_PYTHON_BASE32 = str.maketrans("jkmnpqrstvwxyz", "ijklmnopqrstuv")
_DECIMAL = re.compile(r"[0-9]{1,39}")
_MAX = 2**128
# A cursor in a Link header: `max_id=...` / `min_id=...` / `since_id=...`.
_LINK_CURSOR = re.compile(r"([?&](?:max_id|min_id|since_id)=)([0-9a-hjkmnp-tv-z]{26})(?=[&>])")


def to_mastodon(value: str) -> str:
    """A graph id as Mastodon apps get it: the ULID's value in decimal; anything that is not a
    ULID (the placeholder role's `-99`) as it is."""
    if len(value) != ULID_LENGTH or _ULID.fullmatch(value) is None:
        return value
    # Crockford's base32 digits mapped onto Python's (0-9a-v): int() parses them in C.
    return str(int(value.translate(_TO_PYTHON_BASE32), 32))


def from_mastodon(value: str) -> str:
    """A Mastodon id back into the graph's ULID; a value that is not one (a ULID already, or
    garbage) as it is, which then matches nothing it should not."""
    if _DECIMAL.fullmatch(value) is None:
        return value
    number = int(value)
    if number >= _MAX:
        return value
    return str(ULID.from_int(number)).lower()


@functools.cache
def _is_id_key(key: str) -> bool:
    key = key.removesuffix("[]")
    return key == "id" or key.endswith("_id") or key.endswith("_ids")


def convert(data: Any, change: Callable[[str], str], *, key: str = "") -> Any:
    """`data` with every string under an id key (`id`, `*_id`, `*_ids`) passed through `change`,
    at any depth. A page of 40 statuses has some 4,000 values: the walk recurses into containers
    only and asks about each key once."""
    if isinstance(data, dict):
        out = {}
        for k, v in data.items():
            if isinstance(v, str):
                out[k] = change(v) if _is_id_key(k) else v
            elif isinstance(v, dict | list):
                out[k] = convert(v, change, key=k)
            else:
                out[k] = v
        return out
    if isinstance(data, list):
        if _is_id_key(key):
            return [change(v) if isinstance(v, str) else convert(v, change) for v in data]
        return [convert(v, change) if isinstance(v, dict | list) else v for v in data]
    if isinstance(data, str) and _is_id_key(key):
        return change(data)
    return data


def link_to_mastodon(link: str) -> str:
    return _LINK_CURSOR.sub(lambda m: m.group(1) + to_mastodon(m.group(2)), link)


class MastodonJSON(JSONResponse):
    """A JSON body with the graph's ids written as Mastodon ids."""

    def render(self, content: Any) -> bytes:
        return super().render(convert(content, to_mastodon))


def _decode_request(request: Request) -> None:
    """Turn the Mastodon ids of the path and query back into ULIDs, before anything reads them."""
    scope = request.scope
    params = scope.get("path_params") or {}
    for name, value in list(params.items()):
        if _is_id_key(name) and isinstance(value, str):
            params[name] = from_mastodon(value)
    query = scope.get("query_string", b"")
    if query:
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
        decoded = [(k, from_mastodon(v) if _is_id_key(k) else v) for k, v in pairs]
        if decoded != pairs:
            scope["query_string"] = urlencode(decoded).encode("latin-1")


class MastodonRoute(APIRoute):
    """A Mastodon route: Mastodon ids in, Mastodon ids out (JSON bodies and `Link` cursors)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            _decode_request(request)
            response = await handler(request)
            link = response.headers.get("link")
            if link:
                response.headers["link"] = link_to_mastodon(link)
            return response

        return route
