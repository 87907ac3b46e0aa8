"""OAuth 2 for Mastodon clients: app registration, the sign-in and consent page, tokens, revocation.

Follows Mastodon's Doorkeeper set-up (config/initializers/doorkeeper.rb): apps register freely
with `POST /api/v1/apps`; `GET /oauth/authorize` is the page where a user signs in and allows an
app (with `urn:ietf:wg:oauth:2.0:oob` the code is shown on the page instead of redirecting);
`POST /oauth/token` takes the authorization_code, password and client_credentials grants;
`POST /oauth/revoke` ends a token. Scopes are read, write and follow (and their granular parts);
an app is granted any subset its registered scopes cover. `GET /.well-known/oauth-authorization-
server` describes all this (RFC 8414). docs/oauth.md is the guide for client developers.

PKCE (RFC 7636, S256 only) binds a code to the client that asked for it. A confidential app has a
secret and may use PKCE; a public app (registered with `token_endpoint_auth_method=none`: a
mobile, desktop or browser app, which cannot keep a secret) has none, must use PKCE, and may use
only the authorization_code grant. Redirect URIs are https, http on loopback, out-of-band or an
app's private-use scheme, checked at registration and again before any redirect.

An access token is a Graphgram session, made by the same statements as `POST /auth/login` plus
the scopes and app it was granted to, so it works on the whole API and `POST /auth/logout` ends
it. Codes live ten minutes and are used once (any redemption, right or wrong, uses them up).
Only hashes of secrets, codes and tokens are kept. Passwords typed here count against the same
failed sign-in limits as `POST /auth/login` (per username and address, and per address).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, field_validator

from api import ratelimit
from api.auth.deps import forget_sessions
from api.auth.scopes import KNOWN_SCOPES, covers, parse_scopes
from api.auth.security import new_token, session_id, verify_password
from api.deps import Backend, Graph
from api.mastodon.deps import Body, validate
from api.mastodon.errors import ERRORS, InvalidToken, MastodonError, OAuthError
from backends import Backends
from graph import accounts, oauth
from graph.driver import Row
from graphgram.errors import Unprocessable
from graphgram.ids import new_id

router = APIRouter(tags=["mastodon: oauth"], responses=ERRORS)

OOB = "urn:ietf:wg:oauth:2.0:oob"
CODE_TTL_S = 600
GRANT_TYPES = ("authorization_code", "password", "client_credentials")
AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")
PKCE_METHODS = ("S256",)
_bearer = HTTPBearer(auto_error=False)
PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    # No form-action: browsers apply it to the redirect that follows the form, to the app.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}

# Redirect URIs. A browser runs or reads these schemes itself instead of handing the URL to an
# app: a code or an error sent to one would run script on, or read, whatever page is open.
FORBIDDEN_SCHEMES = frozenset(
    {"javascript", "data", "vbscript", "file", "about", "blob", "filesystem", "view-source"}
)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
REDIRECT_URI_MAX = 2000
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*")
# What a browser's URL parser ignores: every tab and newline, and C0 controls and spaces at
# either end. What it then sees is what the scheme is judged on.
_IGNORED_INSIDE = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f\\]")

# PKCE (RFC 7636): an S256 challenge is the unpadded base64url of a SHA-256, 43 characters; a
# verifier is 43 to 128 unreserved characters.
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")


def _hash(secret: str) -> str:
    return session_id(secret)


def s256(verifier: str) -> str:
    """The S256 code challenge of a PKCE code verifier: BASE64URL(SHA256(verifier)), unpadded."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def redirect_uri_problem(uri: str) -> str | None:
    """Why `uri` may not be a redirect URI, or None when it may: `https://` with a host, `http://`
    on a loopback host only (127.0.0.1, [::1], localhost: a native app's local listener), the
    out-of-band URN, or an app's private-use scheme (`com.example.app:/cb`, `myapp://cb`, RFC
    8252). Never a scheme the browser would run or read itself, however it is spelled (case,
    tabs, newlines, leading controls), nor userinfo, backslashes, controls or a fragment."""
    if uri == OOB:
        return None
    seen = _IGNORED_INSIDE.sub("", uri).strip(_C0_AND_SPACE)
    scheme, colon, rest = seen.partition(":")
    scheme = scheme.lower()
    if scheme in FORBIDDEN_SCHEMES:
        return f"may not use the {scheme}: scheme"
    if _UNSAFE_CHARS.search(uri):
        return "may not contain spaces, control characters or backslashes"
    if len(uri) > REDIRECT_URI_MAX:
        return f"may be at most {REDIRECT_URI_MAX} characters"
    if not colon or not _SCHEME.fullmatch(scheme) or not rest:
        return "must be an absolute URI"
    if "#" in uri:
        return "may not have a fragment"
    if scheme == "urn":
        return f"may be no URN but {OOB}"
    if scheme not in {"http", "https"}:
        return None  # an app's private-use scheme
    parts = urlsplit(uri)
    try:
        parts.port  # noqa: B018 - raises ValueError on a port that is no port
    except ValueError:
        return "must have a valid port"
    if not parts.hostname or "@" in parts.netloc:
        return "must name a host (and no user)"
    if scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        return "must use https (http only on 127.0.0.1, [::1] or localhost)"
    return None


def granted_scopes(registered: Iterable[str], requested: object) -> list[str]:
    """The scopes asked for (`read` when none), each one the app's registered scopes cover:
    `read` covers every `read:*`, `write` every `write:*`, `follow` the follows and blocks. An app
    registered with `read write follow` asking for `read:accounts` is granted `read:accounts`."""
    try:
        scopes = parse_scopes(requested)
    except Unprocessable:
        raise OAuthError("invalid_scope", "The requested scope is unknown.") from None
    allowed = frozenset(registered)
    if not all(covers(allowed, scope) for scope in scopes):
        raise OAuthError("invalid_scope", "The requested scope is more than the app registered.")
    return scopes


def _is_public(app: Row) -> bool:
    """A public client (RFC 6749 2.1) registered without a secret: it must use PKCE."""
    return app["secret_hash"] is None


async def _check_password(
    request: Request, backends: Backends, username: str, password: str
) -> Row | None:
    """The account when the password is right, else None. Counted against the same failed
    sign-in limits as `POST /auth/login` (per username and address, and per address; past them
    `ratelimit.RateLimited`); a right password gives its tries back."""
    reserved = await ratelimit.reserve_sign_in(request, backends, username)
    row = await accounts.get_credentials(backends.graph, username) if username else None
    if (
        not await verify_password(
            row["password_hash"] if row else None, password, backends.settings
        )
        or not row
    ):
        return None
    await ratelimit.refund_sign_in(backends.redis, reserved)
    return row


class NewApp(BaseModel):
    client_name: Annotated[str, Field(min_length=1, max_length=60)]
    redirect_uris: str | list[str] = OOB
    scopes: str = "read"
    website: Annotated[str | None, Field(max_length=2000)] = None
    # RFC 7591: `none` registers a public client (no secret; PKCE and the code grant only).
    token_endpoint_auth_method: Literal["client_secret_basic", "client_secret_post", "none"] = (
        "client_secret_basic"
    )

    @field_validator("redirect_uris")
    @classmethod
    def _uris(cls, value: str | list[str]) -> list[str]:
        uris = value.split() if isinstance(value, str) else [u.strip() for u in value]
        uris = [u for u in uris if u]
        if not uris:
            raise ValueError("can't be blank")
        for uri in uris:
            problem = redirect_uri_problem(uri)
            if problem is not None:
                raise ValueError(f"{uri[:100]!r} {problem}")
        return uris


def app_json(row: Row, *, registered: bool = False, secret: str | None = None) -> dict[str, Any]:
    """Mastodon's Application; when just `registered`, with its client_id and its secret (a
    confidential app; a public one has none)."""
    out: dict[str, Any] = {
        "id": row["id"],
        "name": row["name"],
        "website": row["website"],
        "scopes": row["scopes"],
        "redirect_uri": "\n".join(row["redirect_uris"]),
        "redirect_uris": row["redirect_uris"],
        "vapid_key": "",
    }
    if registered:
        out["client_id"] = row["client_id"]
        if secret is not None:
            out |= {"client_secret": secret, "client_secret_expires_at": 0}
    return out


@router.post(
    "/api/v1/apps",
    responses={400: {"description": "A body that is no form", "model": MastodonError}},
)
async def create_app(body: Body, graph: Graph) -> dict[str, Any]:
    """Register a client application; answers its client_id and client_secret (shown once). With
    `token_endpoint_auth_method=none` it is a public client: no secret, PKCE required."""
    data = validate(NewApp, body)
    scopes = parse_scopes(data.scopes)
    secret = None if data.token_endpoint_auth_method == "none" else new_token()
    row = await oauth.create_app(
        graph,
        id=new_id(),
        client_id=new_token(),
        secret_hash=None if secret is None else _hash(secret),
        name=data.client_name,
        website=data.website or None,
        redirect_uris=list(data.redirect_uris),
        scopes=scopes,
    )
    out = app_json(row, registered=True, secret=secret)
    out["token_endpoint_auth_method"] = data.token_endpoint_auth_method
    return out


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


@router.get("/.well-known/oauth-authorization-server")
async def authorization_server_metadata(request: Request, response: Response) -> dict[str, Any]:
    """OAuth 2 authorization server metadata (RFC 8414), as Mastodon 4.3 publishes it."""
    base = str(request.base_url).rstrip("/")
    response.headers["Access-Control-Allow-Origin"] = "*"  # browser apps read it, no cookies
    response.headers["Cache-Control"] = "public, max-age=3600"
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "app_registration_endpoint": f"{base}/api/v1/apps",
        "scopes_supported": sorted(KNOWN_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": list(GRANT_TYPES),
        "code_challenge_methods_supported": list(PKCE_METHODS),
        "token_endpoint_auth_methods_supported": list(AUTH_METHODS),
    }


# -- the sign-in and consent page --------------------------------------------------------------

_STYLE = """body{font:16px/1.5 system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.6rem 0}input{width:100%;padding:.4rem;box-sizing:border-box}
button{padding:.5rem 1rem;margin:.8rem .5rem 0 0}.error{color:#b00}code{font-size:1.2rem;
word-break:break-all;background:#eee;padding:.3rem}"""

# OpenAPI for the two routes that answer HTML. FastAPI files every `model` under the route's
# media type (text/html here), so the surface's JSON errors are spelled out as JSON.
_HTML = {"text/html": {"schema": {"type": "string"}}}
_JSON_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/MastodonError"}}}
_PAGE_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": "A Mastodon error", "content": _JSON_ERROR} for code in ERRORS
}
AUTHORIZE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **_PAGE_ERRORS,
    200: {"description": "The sign-in and consent page, or the out-of-band code", "content": _HTML},
    302: {"description": "To the app's redirect URI with `code` (or `error`) and `state`"},
    400: {
        "description": "The error page: unknown client_id, an unregistered or unsafe redirect "
        "URI, or a refused request of an out-of-band app (a body that is no form: JSON)",
        "content": _HTML | _JSON_ERROR,
    },
}
SIGN_IN_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTHORIZE_RESPONSES,
    401: {"description": "The form again: wrong username or password", "content": _HTML},
    429: {
        "description": "The form again (Retry-After): too many failed sign-ins; or (JSON) too "
        "many writes from this address",
        "content": _HTML | _JSON_ERROR,
    },
}
TOKEN_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "An OAuth error (RFC 6749 5.2)", "model": MastodonError},
    401: {"description": "invalid_client: unknown client or wrong secret", "model": MastodonError},
}


def _page(
    title: str, body: str, status: int = 200, headers: dict[str, str] | None = None
) -> HTMLResponse:
    text = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}'
        f' - Graphgram</title><meta name="viewport" content="width=device-width">'
        f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(text, status_code=status, headers={**PAGE_HEADERS, **(headers or {})})


def _error_page(message: str, code: str = "invalid_request", status: int = 400) -> HTMLResponse:
    body = f'<p class="error" data-error="{html.escape(code)}">{html.escape(message)}</p>'
    return _page("Authorization failed", body, status)


@dataclass(frozen=True)
class Authorization:
    """An authorization request this server may honour: the app, where the answer goes, the
    scopes granted and the PKCE challenge (S256) the code will be bound to."""

    app: Row
    redirect_uri: str
    scopes: list[str]
    state: str | None
    code_challenge: str | None

    @property
    def code_challenge_method(self) -> str | None:
        return PKCE_METHODS[0] if self.code_challenge else None

    def hidden_fields(self) -> dict[str, str]:
        """What the consent form carries back to `POST /oauth/authorize`."""
        fields = {
            "client_id": self.app["client_id"],
            "redirect_uri": self.redirect_uri,
            "scope": " ".join(self.scopes),
        }
        if self.state is not None:
            fields["state"] = self.state
        if self.code_challenge is not None:
            fields["code_challenge"] = self.code_challenge
            fields["code_challenge_method"] = PKCE_METHODS[0]
        return fields


def _code_challenge(app: Row, challenge: str | None, method: str | None) -> str | None:
    """The PKCE challenge to bind the code to: S256 only (RFC 7636 makes a missing method
    `plain`, refused here), required of a public app."""
    if challenge is None:
        if method is not None:
            raise OAuthError("invalid_request", "code_challenge_method needs a code_challenge.")
        if _is_public(app):
            raise OAuthError(
                "invalid_request",
                "PKCE is required for this app: send code_challenge with "
                "code_challenge_method=S256.",
            )
        return None
    if method not in PKCE_METHODS:
        raise OAuthError(
            "invalid_request", "Only code_challenge_method=S256 is supported (not plain)."
        )
    if not _CHALLENGE.fullmatch(challenge):
        raise OAuthError(
            "invalid_request",
            "code_challenge must be the unpadded base64url SHA-256 of the code_verifier "
            "(43 characters).",
        )
    return challenge


def _refused(redirect_uri: str, error: OAuthError, state: str | None) -> Response:
    """An authorization error (RFC 6749 4.1.2.1): back to the app's redirect URI, or on the page
    when it takes its answers out of band."""
    if redirect_uri == OOB:
        return _error_page(error.message, error.code)
    params = {"error": error.code, "error_description": error.message}
    return _redirect(redirect_uri, params | ({"state": state} if state is not None else {}))


def _text(value: object) -> str | None:
    """A query or form field as text; absent and empty are both None."""
    return None if value is None or value == "" else str(value)


async def _authorization(
    graph: Graph,
    *,
    client_id: str,
    redirect_uri: str,
    response_type: str,
    scope: object,
    state: str | None,
    code_challenge: str | None,
    code_challenge_method: str | None,
) -> Authorization | Response:
    """The request, when this server may honour it; else the answer refusing it. An unknown app
    or a redirect URI it did not register, or that is unsafe (an app registered before the rules
    of `redirect_uri_problem`), is shown on the page: the browser is sent nowhere."""
    app = await oauth.get_app(graph, client_id) if client_id else None
    if app is None:
        return _error_page("Client authentication failed: unknown client_id.", "invalid_client")
    if redirect_uri not in app["redirect_uris"]:
        return _error_page("The redirect URI is not one this app registered.")
    problem = redirect_uri_problem(redirect_uri)
    if problem is not None:
        return _error_page(f"This app's redirect URI is refused: it {problem}.")
    try:
        if response_type != "code":
            raise OAuthError("unsupported_response_type", "Only response_type=code is supported.")
        scopes = granted_scopes(app["scopes"], scope)
        challenge = _code_challenge(app, code_challenge, code_challenge_method)
    except OAuthError as exc:
        return _refused(redirect_uri, exc, state)
    return Authorization(app, redirect_uri, scopes, state, challenge)


def _consent_form(auth: Authorization, *, error: str | None = None, username: str = "") -> str:
    fields = "".join(
        f'<input type="hidden" name="{k}" value="{html.escape(v)}">'
        for k, v in auth.hidden_fields().items()
    )
    wants = "".join(f"<li><strong>{html.escape(s)}</strong></li>" for s in auth.scopes)
    problem = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    return (
        f"<p><strong>{html.escape(auth.app['name'])}</strong> would like to use your Graphgram "
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
    auth: Authorization,
    *,
    error: str | None = None,
    username: str = "",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    body = _consent_form(auth, error=error, username=username)
    return _page("Authorize", body, status, headers)


@router.get("/oauth/authorize", response_class=HTMLResponse, responses=AUTHORIZE_RESPONSES)
async def authorize_page(
    graph: Graph,
    client_id: str = "",
    redirect_uri: str = OOB,
    response_type: str = "code",
    scope: str | None = None,
    state: str | None = None,
    code_challenge: Annotated[
        str | None, Query(description="PKCE (RFC 7636): BASE64URL(SHA256(code_verifier))")
    ] = None,
    code_challenge_method: Annotated[
        str | None, Query(description="PKCE: `S256` (the only method supported)")
    ] = None,
    force_login: Annotated[
        str | None, Query(description="Always asked: no browser session")
    ] = None,
) -> Response:
    """Sign in and allow the app; the code is shown here (out-of-band) or sent to redirect_uri."""
    auth = await _authorization(
        graph,
        client_id=client_id,
        redirect_uri=redirect_uri,
        response_type=response_type,
        scope=scope,
        state=state,
        code_challenge=_text(code_challenge),
        code_challenge_method=_text(code_challenge_method),
    )
    if isinstance(auth, Response):
        return auth
    return _form_page(auth)


def _redirect(redirect_uri: str, params: dict[str, str]) -> RedirectResponse:
    joiner = "&" if urlsplit(redirect_uri).query else "?"
    return RedirectResponse(f"{redirect_uri}{joiner}{urlencode(params)}", status_code=302)


@router.post("/oauth/authorize", response_class=HTMLResponse, responses=SIGN_IN_RESPONSES)
async def authorize(request: Request, body: Body, graph: Graph, backends: Backend) -> Response:
    """The form's answer: check the password, then hand out a code (or the refusal)."""
    auth = await _authorization(
        graph,
        client_id=str(body.get("client_id", "")),
        redirect_uri=str(body.get("redirect_uri", OOB)),
        response_type="code",
        scope=body.get("scope"),
        state=None if body.get("state") is None else str(body["state"]),
        code_challenge=_text(body.get("code_challenge")),
        code_challenge_method=_text(body.get("code_challenge_method")),
    )
    if isinstance(auth, Response):
        return auth
    extra = {"state": auth.state} if auth.state is not None else {}
    if body.get("decision") == "deny":
        if auth.redirect_uri == OOB:
            return _page("Authorization denied", "<p>You did not allow the app.</p>")
        return _redirect(auth.redirect_uri, {"error": "access_denied", **extra})
    username = str(body.get("username", "")).strip().lower()
    password = str(body.get("password", ""))
    try:
        row = await _check_password(request, backends, username, password)
    except ratelimit.RateLimited as exc:
        retry = {"Retry-After": str(exc.retry_after)}
        return _form_page(auth, error=exc.message, username=username, status=429, headers=retry)
    if row is None:
        error = "Wrong username or password."
        return _form_page(auth, error=error, username=username, status=401)
    code = new_token()
    await oauth.create_code(
        graph,
        user_id=row["id"],
        client_id=auth.app["client_id"],
        code_id=_hash(code),
        redirect_uri=auth.redirect_uri,
        scopes=auth.scopes,
        code_challenge=auth.code_challenge,
        code_challenge_method=auth.code_challenge_method,
        ttl_s=CODE_TTL_S,
    )
    if auth.redirect_uri == OOB:
        body_html = (
            "<p>Copy this authorization code and paste it into the app:</p>"
            f'<p><code id="authorization-code">{html.escape(code)}</code></p>'
            f"<p>It works once, within {CODE_TTL_S // 60} minutes.</p>"
        )
        return _page("Authorization code", body_html)
    return _redirect(auth.redirect_uri, {"code": code, **extra})


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
    """The app: a confidential one by its client_id and secret, a public one by its client_id
    alone (it has no secret; one sent anyway is refused)."""
    app = await oauth.get_app(graph, client_id) if client_id else None
    if app is not None:
        if _is_public(app):
            if not secret:
                return app
        elif hmac.compare_digest(app["secret_hash"], _hash(secret)):
            return app
    raise OAuthError(
        "invalid_client",
        "Client authentication failed due to unknown client, no client authentication "
        "included, or unsupported authentication method.",
        status_code=401,
    )


def _verifier_challenge(value: object) -> str | None:
    """The S256 challenge of the code_verifier sent to the token endpoint; None when none was
    sent, "" (which matches no challenge) when it is not a verifier RFC 7636 allows."""
    verifier = _text(value)
    if verifier is None:
        return None
    return s256(verifier) if _VERIFIER.fullmatch(verifier) else ""


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


@router.post("/oauth/token", responses=TOKEN_RESPONSES)
async def token(request: Request, body: Body, graph: Graph, backends: Backend) -> JSONResponse:
    """Exchange a code (with its PKCE code_verifier if it was asked with a challenge), a
    password or the app's own credentials for an access token. A public app (no secret) may
    only exchange a code, asked with PKCE."""
    client_id, secret = _client_credentials(request, body)
    grant_type = str(body.get("grant_type") or "")
    if grant_type not in GRANT_TYPES:
        raise OAuthError("unsupported_grant_type", "The authorization grant type is not supported.")
    app = await _authenticated_app(graph, client_id, secret)
    public = _is_public(app)
    if public and grant_type != "authorization_code":
        raise OAuthError(
            "unauthorized_client",
            "A public client (registered without a secret) may use only the authorization_code "
            "grant, with PKCE.",
        )
    access = new_token()
    ttl = backends.settings.token_ttl_s
    if grant_type == "authorization_code":
        redeemed = await oauth.redeem_code(
            graph,
            code_id=_hash(str(body.get("code") or "")),
            client_id=client_id,
            redirect_uri=str(body.get("redirect_uri") or OOB),
            verifier_challenge=_verifier_challenge(body.get("code_verifier")),
            require_challenge=public,
            session_id=session_id(access),
            ttl_s=ttl,
        )
        if redeemed is None:
            raise OAuthError(
                "invalid_grant",
                "The provided authorization grant is invalid, expired, revoked, does not match "
                "the redirection URI used in the authorization request, was issued to another "
                "client, or its code_verifier does not match the code_challenge.",
            )
        return _token_json(
            access, redeemed["scopes"], redeemed["created_at"], redeemed["expires_at"]
        )
    scopes = granted_scopes(app["scopes"], body.get("scope"))
    if grant_type == "client_credentials":
        made = await oauth.create_app_token(
            graph, client_id=client_id, token_id=session_id(access), scopes=scopes, ttl_s=ttl
        )
        assert made is not None
        return _token_json(access, scopes, made["created_at"], made["expires_at"])
    username = str(body.get("username") or "").strip().lower()
    password = str(body.get("password") or "")
    row = await _check_password(request, backends, username, password)
    if row is None:
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
    """End a token issued to this app. Answers `{}` whether or not the token was live (RFC 7009).
    A public app identifies itself by its client_id alone."""
    client_id, secret = _client_credentials(request, body)
    await _authenticated_app(graph, client_id, secret)
    raw = str(body.get("token") or "")
    if raw:
        ended = await oauth.revoke(graph, session_id(raw), client_id)
        await forget_sessions(backends.redis, backends.settings, ended, graph=graph)
    return {}
