"""A request's statements form one causal chain: a write's bookmark reaches its read-back."""

from __future__ import annotations

import httpx
from starlette.types import Receive, Scope, Send

from api.app import CausalChain
from backends import open_backends
from graph.driver import causal_chain, current_chain
from graphgram.ids import new_id
from graphgram.settings import Settings


async def test_write_then_read_back_share_one_bookmark_chain(settings: Settings) -> None:
    user_id = new_id()
    async with open_backends(settings) as backends:
        with causal_chain() as chain:
            assert await chain.get_bookmarks() == set()
            await backends.graph.write(
                "accounts/create_user",
                {
                    "id": user_id,
                    "username": "chained",
                    "display_name": "Chained",
                    "password_hash": "x",
                    "role": "user",
                },
            )
            after_write = await chain.get_bookmarks()
            assert after_write, "the write's bookmark is recorded in the request's chain"
            row = await backends.graph.read_one("accounts/get_me", {"viewer_id": user_id})
            assert row is not None
            assert row["username"] == "chained"
        with causal_chain() as fresh:
            assert await fresh.get_bookmarks() == set(), "each request starts its own chain"
        assert current_chain() is None


async def test_every_http_request_runs_in_its_own_chain() -> None:
    seen: list[object] = []

    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(current_chain())
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    transport = httpx.ASGITransport(app=CausalChain(endpoint))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/")).status_code == 204
        assert (await client.get("/")).status_code == 204
    assert len(seen) == 2
    assert seen[0] is not None
    assert seen[1] is not None
    assert seen[0] is not seen[1]
