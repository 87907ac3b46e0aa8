"""OAuth 2 for Mastodon clients: app registration, the sign-in and consent page, tokens, revocation.

Follows Mastodon's Doorkeeper set-up (config/initializers/doorkeeper.rb): apps register freely
with `POST /api/v1/apps`; `GET /oauth/authorize` is the page where a user signs in and allows an
app (with `urn:ietf:wg:oauth:2.0:oob` the code is shown on the page instead of redirecting);
`POST /oauth/token` takes the authorization_code, password and client_credentials grants;
`POST /oauth/revoke` ends a token. Scopes are read, write and follow (and their granular parts).

An access token is a Graphgram session, made by the same statements as `POST /auth/login` plus
the scopes and app it was granted to, so it works on the whole API and `POST /auth/logout` ends
it. Codes live ten minutes and are used once. Only hashes of secrets, codes and tokens are kept.
"""

from __future__ import annotations

import base64
import hmac
import html
import time
from contextlib import suppress
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, field_validator
from redis.exceptions import RedisError

from api import ratelimit
from api.auth.deps import forget_sessions
from api.auth.security import new_token, session_id, verify_password
from api.deps import Backend, Graph
from api.mastodon.deps import Body, parse_scopes, scopes_key, validate
from api.mastodon.errors import ERRORS, InvalidToken, OAuthError
from backends import Backends
from graph import accounts, oauth
from graph.driver import Row
from graphgram.errors import TooManyRequests, Unprocessable
from graphgram.ids import new_id

router = APIRouter(tags=["mastodon: oauth"], responses=ERRORS)

OOB = "urn:ietf:wg:oauth:2.0:oob"
CODE_TTL_S = 600
_bearer = HTTPBearer(auto_error=False)
PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    # No form-action: browsers apply it to the redirect that follows the form, to the app.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}


def _hash(secret: str) -> str:
    return session_id(secret)


async def _check_password(
    request: Request,
    backends: Backends,
    username: str,
    password: str,
    *,
    page: tuple[Row, list[str], str, str | None] | None = None,
) -> Row | HTMLResponse | None:
    """The account when the password is right, counted against the same failed-login limit as
    `POST /auth/login` (a success gives its try back). With `page` (the consent form's app,
    scopes and state), a refusal is the form again with the reason, instead of None or a 429."""
    settings = backends.settings
    key = f"login:{ratelimit.client_address(request, settings)}:{username}"
    try:
        reserved = await ratelimit.enforce(
            request,
            backends,
            key,
            limit=settings.login_attempts,
            window_s=settings.rate_window_s,
            what="failed logins",
        )
    except TooManyRequests as exc:
        if page is None:
            raise
        app, scopes, redirect_uri, state = page
        return _form_page(app, scopes, redirect_uri, state, error=exc.message, status=429)
    row = await accounts.get_credentials(backends.graph, username) if username else None
    if not await verify_password(row["password_hash"] if row else None, password) or not row:
        if page is None:
            return None
        app, scopes, redirect_uri, state = page
        return _form_page(
            app, scopes, redirect_uri, state, error="Wrong username or password.",
            username=username, status=401,
        )  # fmt: skip
    if reserved is not None:
        await ratelimit.refund(backends.redis, key)
    return row


class NewApp(BaseModel):
    client_name: Annotated[str, Field(min_length=1, max_length=60)]
    redirect_uris: str | list[str] = OOB
    scopes: str = "read"
    website: Annotated[str | None, Field(max_length=2000)] = None

    @field_validator("redirect_uris")
    @classmethod
    def _uris(cls, value: str | list[str]) -> list[str]:
        uris = value.split() if isinstance(value, str) else [u.strip() for u in value]
        uris = [u for u in uris if u]
        if not uris:
            raise ValueError("can't be blank")
        for uri in uris:
            parts = urlsplit(uri)
            if uri != OOB and (not parts.scheme or parts.fragment or len(uri) > 2000):
                raise ValueError(f"{uri!r} must be an absolute URI without a fragment")
        return uris


def app_json(row: Row, secret: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row["id"],
        "name": row["name"],
        "website": row["website"],
        "scopes": row["scopes"],
        "redirect_uri": "\n".join(row["redirect_uris"]),
        "redirect_uris": row["redirect_uris"],
        "vapid_key": "",
    }
    if secret is not None:
        out |= {"client_id": row["client_id"], "client_secret": secret}
        out["client_secret_expires_at"] = 0
    return out


@router.post("/api/v1/apps")
async def create_app(body: Body, graph: Graph) -> dict[str, Any]:
    """Register a client application; answers its client_id and client_secret (shown once)."""
    data = validate(NewApp, body)
    scopes = parse_scopes(data.scopes)
    secret = new_token()
    row = await oauth.create_app(
        graph,
        id=new_id(),
        client_id=new_token(),
        secret_hash=_hash(secret),
        name=data.client_name,
        website=data.website or None,
        redirect_uris=list(data.redirect_uris),
        scopes=scopes,
    )
    return app_json(row, secret)


@router.get("/api/v1/apps/verify_credentials")
async def verify_app(
    graph: Graph,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> dict[str, Any]:
    """The app behind the token: an app-only token or a user token granted through OAuth."""
    if credentials is None:
        raise InvalidToken()
    token_id = session_id(credentials.credentials)
    app_token = await oauth.get_app_token(graph, token_id)
    if app_token is not None:
        return {"name": app_token["name"], "website": app_token["website"], "vapid_key": ""}
    grant = await oauth.get_grant(graph, token_id)
    if grant is None or grant["client_id"] is None:
        raise InvalidToken()
    return {"name": grant["app_name"], "website": grant["app_website"], "vapid_key": ""}


# -- the sign-in and consent page --------------------------------------------------------------

_STYLE = """body{font:16px/1.5 system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.6rem 0}input{width:100%;padding:.4rem;box-sizing:border-box}
button{padding:.5rem 1rem;margin:.8rem .5rem 0 0}.error{color:#b00}code{font-size:1.2rem;
word-break:break-all;background:#eee;padding:.3rem}"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    text = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}'
        f' - Graphgram</title><meta name="viewport" content="width=device-width">'
        f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(text, status_code=status, headers=PAGE_HEADERS)


def _error_page(message: str, status: int = 400) -> HTMLResponse:
    return _page("Authorization failed", f'<p class="error">{html.escape(message)}</p>', status)


async def _checked_request(
    graph: Graph, client_id: str, redirect_uri: str, scope: str | None
) -> tuple[Row, list[str]]:
    """The app and the scopes asked for, when the request is one this server may honour."""
    app = await oauth.get_app(graph, client_id)
    if app is None:
        raise OAuthError("invalid_client", "Client authentication failed: unknown client_id")
    if redirect_uri not in app["redirect_uris"]:
        raise OAuthError("invalid_request", "The redirect URI is not one this app registered")
    try:
        scopes = parse_scopes(scope)
    except Unprocessable:
        raise OAuthError("invalid_scope", "The requested scope is unknown") from None
    if not set(scopes) <= set(app["scopes"]):
        raise OAuthError("invalid_scope", "The requested scope is more than the app registered")
    return app, scopes


def _consent_form(
    app: Row,
    scopes: list[str],
    client_id: str,
    redirect_uri: str,
    state: str | None,
    *,
    error: str | None = None,
    username: str = "",
) -> str:
    hidden = {"client_id": client_id, "redirect_uri": redirect_uri, "scope": " ".join(scopes)}
    if state is not None:
        hidden["state"] = state
    fields = "".join(
        f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in hidden.items()
    )
    wants = "".join(f"<li><strong>{html.escape(s)}</strong></li>" for s in scopes)
    problem = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    return (
        f"<p><strong>{html.escape(app['name'])}</strong> would like to use your Graphgram "
        f"account with these permissions:</p><ul>{wants}</ul>{problem}"
        f'<form method="post" action="/oauth/authorize">{fields}'
        f'<label>Username <input name="username" autocomplete="username" required '
        f'value="{html.escape(username)}"></label>'
        '<label>Password <input name="password" type="password" '
        'autocomplete="current-password" required></label>'
        '<button type="submit" name="decision" value="approve">Authorize</button>'
        '<button type="submit" name="decision" value="deny" formnovalidate>Deny</button>'
        "</form>"
    )


def _form_page(
    app: Row,
    scopes: list[str],
    redirect_uri: str,
    state: str | None,
    *,
    error: str | None = None,
    username: str = "",
    status: int = 200,
) -> HTMLResponse:
    return _page(
        "Authorize",
        _consent_form(
            app, scopes, app["client_id"], redirect_uri, state,
            error=error, username=username,
        ),
        status,
    )  # fmt: skip


@router.get("/oauth/authorize", response_class=HTMLResponse)
async def authorize_page(
    graph: Graph,
    client_id: str = "",
    redirect_uri: str = OOB,
    response_type: str = "code",
    scope: str | None = None,
    state: str | None = None,
    force_login: Annotated[
        str | None, Query(description="Always asked: no browser session")
    ] = None,
) -> Response:
    """Sign in and allow the app; the code is shown here (out-of-band) or sent to redirect_uri."""
    if response_type != "code":
        return _error_page("Only response_type=code is supported.")
    try:
        app, scopes = await _checked_request(graph, client_id, redirect_uri, scope)
    except OAuthError as exc:
        return _error_page(exc.message)
    return _page("Authorize", _consent_form(app, scopes, client_id, redirect_uri, state))


def _redirect(redirect_uri: str, params: dict[str, str]) -> RedirectResponse:
    joiner = "&" if urlsplit(redirect_uri).query else "?"
    return RedirectResponse(f"{redirect_uri}{joiner}{urlencode(params)}", status_code=302)


@router.post("/oauth/authorize", response_class=HTMLResponse)
async def authorize(request: Request, body: Body, graph: Graph, backends: Backend) -> Response:
    """The form's answer: check the password, then hand out a code (or the refusal)."""
    client_id = str(body.get("client_id", ""))
    redirect_uri = str(body.get("redirect_uri", OOB))
    state = body.get("state")
    state = str(state) if state is not None else None
    try:
        app, scopes = await _checked_request(graph, client_id, redirect_uri, body.get("scope"))
    except OAuthError as exc:
        return _error_page(exc.message)
    extra = {"state": state} if state is not None else {}
    if body.get("decision") == "deny":
        if redirect_uri == OOB:
            return _page("Authorization denied", "<p>You did not allow the app.</p>")
        return _redirect(redirect_uri, {"error": "access_denied", **extra})
    username = str(body.get("username", "")).strip().lower()
    password = str(body.get("password", ""))
    row = await _check_password(
        request, backends, username, password, page=(app, scopes, redirect_uri, state)
    )
    if isinstance(row, HTMLResponse):
        return row
    if row is None:  # unreachable with `page`: a refusal comes back as the form
        return _error_page("Wrong username or password.", 401)
    code = new_token()
    await oauth.create_code(
        graph,
        user_id=row["id"],
        client_id=client_id,
        code_id=_hash(code),
        redirect_uri=redirect_uri,
        scopes=scopes,
        ttl_s=CODE_TTL_S,
    )
    if redirect_uri == OOB:
        body_html = (
            "<p>Copy this authorization code and paste it into the app:</p>"
            f'<p><code id="authorization-code">{html.escape(code)}</code></p>'
            f"<p>It works once, within {CODE_TTL_S // 60} minutes.</p>"
        )
        return _page("Authorization code", body_html)
    return _redirect(redirect_uri, {"code": code, **extra})


# -- tokens ------------------------------------------------------------------------------------


def _client_credentials(request: Request, body: dict[str, Any]) -> tuple[str, str]:
    """client_id and client_secret from the body or from HTTP Basic (RFC 6749 2.3.1)."""
    client_id = str(body.get("client_id") or "")
    secret = str(body.get("client_secret") or "")
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic ") and not client_id:
        try:
            decoded = base64.b64decode(header[6:]).decode()
            client_id, _, secret = decoded.partition(":")
        except ValueError:
            pass
    return client_id, secret


async def _authenticated_app(graph: Graph, client_id: str, secret: str) -> Row:
    app = await oauth.get_app(graph, client_id) if client_id else None
    if app is None or not hmac.compare_digest(app["secret_hash"], _hash(secret)):
        raise OAuthError(
            "invalid_client",
            "Client authentication failed due to unknown client, no client authentication "
            "included, or unsupported authentication method.",
            status_code=401,
        )
    return app


def _granted(app: Row, scope: Any) -> list[str]:
    try:
        scopes = parse_scopes(str(scope) if scope else None)
    except Unprocessable:
        raise OAuthError("invalid_scope", "The requested scope is unknown.") from None
    if not set(scopes) <= set(app["scopes"]):
        raise OAuthError("invalid_scope", "The requested scope is more than the app registered.")
    return scopes


def _token_json(token: str, scopes: list[str], created_at: int, expires_at: int) -> JSONResponse:
    return JSONResponse(
        {
            "access_token": token,
            "token_type": "Bearer",
            "scope": " ".join(scopes),
            "created_at": created_at,
            "expires_in": max(0, expires_at - int(time.time())),
        },
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


@router.post("/oauth/token")
async def token(request: Request, body: Body, graph: Graph, backends: Backend) -> JSONResponse:
    """Exchange a code, a password or the app's own credentials for an access token."""
    client_id, secret = _client_credentials(request, body)
    grant_type = str(body.get("grant_type") or "")
    if grant_type not in {"authorization_code", "password", "client_credentials"}:
        raise OAuthError("unsupported_grant_type", "The authorization grant type is not supported.")
    app = await _authenticated_app(graph, client_id, secret)
    access = new_token()
    ttl = backends.settings.token_ttl_s
    if grant_type == "authorization_code":
        redeemed = await oauth.redeem_code(
            graph,
            code_id=_hash(str(body.get("code") or "")),
            client_id=client_id,
            redirect_uri=str(body.get("redirect_uri") or OOB),
            session_id=session_id(access),
            ttl_s=ttl,
        )
        if redeemed is None:
            raise OAuthError(
                "invalid_grant",
                "The provided authorization grant is invalid, expired, revoked, does not match "
                "the redirection URI used in the authorization request, or was issued to "
                "another client.",
            )
        return _token_json(
            access, redeemed["scopes"], redeemed["created_at"], redeemed["expires_at"]
        )
    scopes = _granted(app, body.get("scope"))
    if grant_type == "client_credentials":
        made = await oauth.create_app_token(
            graph, client_id=client_id, token_id=session_id(access), scopes=scopes, ttl_s=ttl
        )
        assert made is not None
        return _token_json(access, scopes, made["created_at"], made["expires_at"])
    username = str(body.get("username") or "").strip().lower()
    password = str(body.get("password") or "")
    row = await _check_password(request, backends, username, password)
    if row is None or isinstance(row, HTMLResponse):
        raise OAuthError("invalid_grant", "Wrong username or password.")
    made = await oauth.create_session(
        graph,
        user_id=row["id"],
        session_id=session_id(access),
        client_id=client_id,
        scopes=scopes,
        ttl_s=ttl,
    )
    if made is None:
        raise OAuthError("invalid_grant", "Wrong username or password.")
    return _token_json(access, scopes, made["created_at"], made["expires_at"])


@router.post("/oauth/revoke")
async def revoke(request: Request, body: Body, graph: Graph, backends: Backend) -> dict[str, Any]:
    """End a token issued to this app. Answers `{}` whether or not the token was live (RFC 7009)."""
    client_id, secret = _client_credentials(request, body)
    await _authenticated_app(graph, client_id, secret)
    raw = str(body.get("token") or "")
    if raw:
        ended = await oauth.revoke(graph, session_id(raw), client_id)
        await forget_sessions(backends.redis, backends.settings, ended, graph=graph)
        if ended:  # a scopes entry outlives its session harmlessly: the session check fails
            with suppress(RedisError, OSError):
                await backends.redis.delete(*(scopes_key(sid) for sid in ended))
    return {}
