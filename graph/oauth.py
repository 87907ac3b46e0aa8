"""OAuth 2 clients, authorization codes and the scopes a session was granted (Mastodon API).

An access token is a session exactly like a password login's (`accounts/create_session`): the
same `(:User)-[:HAS_SESSION]->(:Session {id: sha256})`, plus the `scopes` and `client_id` it was
granted to, so `api.auth.deps.current_user` accepts it unchanged. Codes and app-only tokens are
kept only as their sha256, and so is a confidential app's secret; a public app (PKCE, RFC 7636)
has none: its `secret_hash` is null.
"""

from __future__ import annotations

from graph.driver import Graph, Row
from graphgram.errors import Gone


async def create_app(
    graph: Graph,
    *,
    id: str,
    client_id: str,
    secret_hash: str | None,
    name: str,
    website: str | None,
    redirect_uris: list[str],
    scopes: list[str],
) -> Row:
    row = await graph.write_one(
        "oauth/create_app",
        {
            "id": id,
            "client_id": client_id,
            "secret_hash": secret_hash,
            "name": name,
            "website": website,
            "redirect_uris": redirect_uris,
            "scopes": scopes,
        },
    )
    assert row is not None
    return row


async def get_app(graph: Graph, client_id: str) -> Row | None:
    return await graph.read_one("oauth/get_app", {"client_id": client_id})


async def create_code(
    graph: Graph,
    *,
    user_id: str,
    client_id: str,
    code_id: str,
    redirect_uri: str,
    scopes: list[str],
    code_challenge: str | None,
    code_challenge_method: str | None,
    ttl_s: int,
) -> bool:
    row = await graph.write_one(
        "oauth/create_code",
        {
            "user_id": user_id,
            "client_id": client_id,
            "code_id": code_id,
            "redirect_uri": redirect_uri,
            "scopes": scopes,
            "code_challenge": code_challenge,
            "code_challenge_method": code_challenge_method,
            "ttl_s": ttl_s,
        },
    )
    return row is not None


async def redeem_code(
    graph: Graph,
    *,
    code_id: str,
    client_id: str,
    redirect_uri: str,
    verifier_challenge: str | None,
    require_challenge: bool,
    session_id: str,
    ttl_s: int,
) -> Row | None:
    """Use up a code (whether or not it matches): the new session's {user_id, scopes,
    created_at, expires_at}, or None. One transaction: of concurrent redemptions of one code,
    one at most gets a session; one that finds the code deleted under it gets None too."""
    try:
        return await graph.write_one(
            "oauth/redeem_code",
            {
                "code_id": code_id,
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "verifier_challenge": verifier_challenge,
                "require_challenge": require_challenge,
                "session_id": session_id,
                "ttl_s": ttl_s,
            },
        )
    except Gone:  # a concurrent redemption deleted the code first
        return None


async def create_session(
    graph: Graph, *, user_id: str, session_id: str, client_id: str, scopes: list[str], ttl_s: int
) -> Row | None:
    return await graph.write_one(
        "oauth/create_session",
        {
            "user_id": user_id,
            "session_id": session_id,
            "client_id": client_id,
            "scopes": scopes,
            "ttl_s": ttl_s,
        },
    )


async def get_grant(graph: Graph, session_id: str) -> Row | None:
    """A live session's {scopes, client_id, app_name, app_website, expires_at}; scopes is None
    for a first-party login."""
    return await graph.read_one("oauth/get_grant", {"session_id": session_id})


async def create_app_token(
    graph: Graph, *, client_id: str, token_id: str, scopes: list[str], ttl_s: int
) -> Row | None:
    return await graph.write_one(
        "oauth/create_app_token",
        {"client_id": client_id, "token_id": token_id, "scopes": scopes, "ttl_s": ttl_s},
    )


async def get_app_token(graph: Graph, token_id: str) -> Row | None:
    return await graph.read_one("oauth/get_app_token", {"token_id": token_id})


async def revoke(graph: Graph, token_id: str, client_id: str) -> list[str]:
    """Delete the token if it was issued to this app (or is a first-party session); the user
    session ids removed, for the caller to drop from the cache."""
    row = await graph.write_one("oauth/revoke", {"token_id": token_id, "client_id": client_id})
    return list(row["sessions"]) if row else []
