"""The Mastodon client API, driven by an unmodified Mastodon.py against a real uvicorn API.

The API runs in a thread on a free port on the session's test stack (Neo4j, MinIO, Redis, the
nginx edge), and Mastodon.py talks HTTP to it exactly as it talks to mastodon.social. Users are
written by the factory (the same statements the API runs); their factory tokens are Graphgram
sessions, which the Mastodon surface accepts as they are, and the OAuth tests get theirs through
the real sign-in flows.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
import requests
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonIllegalArgumentError,
    MastodonNotFoundError,
    MastodonUnauthorizedError,
)

from api.mastodon.ids import from_mastodon, to_mastodon
from graphgram.settings import Settings
from tests.fixtures.factories import Factory
from tests.fixtures.media_files import mp4, picture
from tests.helpers import PASSWORD

SCOPES = ["read", "write", "follow"]


class LocalMastodon(Mastodon):
    """Mastodon.py reads the OAuth endpoints from /.well-known/oauth-authorization-server and
    refuses plain http ones unless told: this test server is http on 127.0.0.1."""

    def auth_request_url(self, *args: Any, **kwargs: Any) -> str:
        return super().auth_request_url(*args, **{"allow_http": True, **kwargs})

    def log_in(self, *args: Any, **kwargs: Any) -> str:
        return super().log_in(*args, **{"allow_http": True, **kwargs})

    def revoke_access_token(self, allow_http: bool = True) -> None:
        super().revoke_access_token(allow_http=allow_http)


def masto(url: str, token: str | None = None, **extra: Any) -> Mastodon:
    return LocalMastodon(api_base_url=url, access_token=token, ratelimit_method="throw", **extra)


def as_user(url: str, user: dict[str, Any]) -> Mastodon:
    """A client holding the user's Graphgram session token (first-party: every scope)."""
    return masto(url, user["token"])


def register_app(url: str, scopes: list[str] = SCOPES, **extra: Any) -> tuple[str, str]:
    return Mastodon.create_app("Graphgram tests", scopes=scopes, api_base_url=url, **extra)


def password_client(url: str, username: str, scopes: list[str] = SCOPES) -> Mastodon:
    client_id, secret = register_app(url, scopes)
    client = masto(url, client_id=client_id, client_secret=secret)
    client.log_in(username, PASSWORD, scopes=scopes)
    return client


def mid(user: dict[str, Any]) -> str:
    """A factory user's id as the Mastodon surface writes it (api/mastodon/ids.py)."""
    return to_mastodon(user["id"])


def native(value: object) -> str:
    """A Mastodon id as the native API takes it (the graph's ULID)."""
    return from_mastodon(str(value))


def wait_until_ready(client: Mastodon, media_id: str) -> Any:
    deadline = time.monotonic() + 30
    while True:
        media = client.media(media_id)
        if media.url is not None:
            return media
        assert time.monotonic() < deadline, "the video was never processed"
        time.sleep(0.2)


def code_from_page(page: str) -> str:
    found = re.search(r'<code id="authorization-code">([^<]+)</code>', page)
    assert found, page
    return found.group(1)


def consent_form(page: str) -> dict[str, str]:
    """The hidden fields of the sign-in and consent form, as a browser would send them."""
    assert 'action="/oauth/authorize"' in page
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


# -- instance, OAuth and errors ----------------------------------------------------------------


def test_instance_version_is_one_mastodon_py_parses(url: str) -> None:
    client = masto(url)
    assert client.retrieve_mastodon_version() == "4.2.0"
    assert client.verify_minimum_version("3.1.4")  # so media goes to /api/v2/media
    v1 = client.instance_v1()
    assert v1.version.startswith("4.2.0 (compatible; Graphgram")
    statuses = v1.configuration.statuses
    assert statuses.max_characters == 2200
    assert statuses.max_media_attachments == 10
    media = v1.configuration.media_attachments
    assert "image/jpeg" in media.supported_mime_types
    assert "video/mp4" in media.supported_mime_types
    assert media.image_size_limit == 20 * 1024 * 1024
    v2 = client.instance_v2()
    assert v2.title == "Graphgram"
    assert v2.configuration.statuses.max_characters == 2200


def test_password_grant_gives_a_session_that_works_on_both_apis(url: str, factory: Factory) -> None:
    factory.user("ada")
    client = password_client(url, "ada")
    me = client.account_verify_credentials()
    assert me.username == "ada"
    assert me.acct == "ada"
    # The token is a Graphgram session: Graphgram's own API takes it too.
    own = requests.get(f"{url}/me", headers={"Authorization": f"Bearer {client.access_token}"})
    assert own.status_code == 200
    assert own.json()["username"] == "ada"


def test_mastodon_py_default_scopes_sign_in(url: str, factory: Factory) -> None:
    factory.user("ada")
    client_id, secret = Mastodon.create_app("defaults", api_base_url=url)
    client = masto(url, client_id=client_id, client_secret=secret)
    client.log_in("ada", PASSWORD)  # read write follow push
    assert client.account_verify_credentials().username == "ada"
    assert client.status_post("posted with the default scopes").account.acct == "ada"


def test_wrong_password_is_refused(url: str, factory: Factory) -> None:
    factory.user("ada")
    client_id, secret = register_app(url)
    client = masto(url, client_id=client_id, client_secret=secret)
    with pytest.raises(MastodonIllegalArgumentError, match="invalid_grant"):
        client.log_in("ada", "not-the-password", scopes=SCOPES)


def test_code_flow_through_the_sign_in_page(url: str, factory: Factory) -> None:
    factory.user("grace")
    client_id, secret = register_app(url)
    client = masto(url, client_id=client_id, client_secret=secret)
    authorize_url = client.auth_request_url(scopes=SCOPES)
    page = requests.get(authorize_url)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["x-frame-options"] == "DENY"
    assert "Graphgram tests" in page.text
    form = consent_form(page.text)
    assert form["scope"] == "read write follow"

    wrong = requests.post(
        f"{url}/oauth/authorize",
        data={**form, "username": "grace", "password": "nope-nope", "decision": "approve"},
    )
    assert wrong.status_code == 401
    assert "authorization-code" not in wrong.text

    signed_in = requests.post(
        f"{url}/oauth/authorize",
        data={**form, "username": "grace", "password": PASSWORD, "decision": "approve"},
    )
    assert signed_in.status_code == 200
    code = code_from_page(signed_in.text)
    token = client.log_in(code=code, scopes=SCOPES)
    assert client.account_verify_credentials().username == "grace"
    assert client.app_verify_credentials().name == "Graphgram tests"

    # A code is used once.
    again = masto(url, client_id=client_id, client_secret=secret)
    with pytest.raises(MastodonIllegalArgumentError):
        again.log_in(code=code, scopes=SCOPES)
    assert masto(url, token).account_verify_credentials().username == "grace"


def test_code_flow_redirects_with_code_and_state(url: str, factory: Factory) -> None:
    factory.user("grace")
    callback = "http://127.0.0.1:9/callback"
    client_id, secret = register_app(url, redirect_uris=callback)
    client = masto(url, client_id=client_id, client_secret=secret)
    page = requests.get(
        client.auth_request_url(redirect_uris=callback, scopes=["read"], state="s-42")
    )
    form = consent_form(page.text)
    assert form["state"] == "s-42"
    denied = requests.post(
        f"{url}/oauth/authorize", data={**form, "decision": "deny"}, allow_redirects=False
    )
    assert denied.status_code == 302
    assert denied.headers["location"].startswith(f"{callback}?error=access_denied")
    approved = requests.post(
        f"{url}/oauth/authorize",
        data={**form, "username": "grace", "password": PASSWORD, "decision": "approve"},
        allow_redirects=False,
    )
    assert approved.status_code == 302
    location = approved.headers["location"]
    assert location.startswith(f"{callback}?code=")
    assert location.endswith("&state=s-42")
    code = re.search(r"code=([^&]+)", location).group(1)  # type: ignore[union-attr]
    client.log_in(code=code, redirect_uri=callback, scopes=["read"])
    assert client.account_verify_credentials().username == "grace"


def test_authorize_page_refuses_an_unregistered_redirect_or_wider_scopes(url: str) -> None:
    client_id, _ = register_app(url, scopes=["read"])
    query = {"client_id": client_id, "response_type": "code", "scope": "read"}
    elsewhere = requests.get(
        f"{url}/oauth/authorize", params={**query, "redirect_uri": "https://evil.example/cb"}
    )
    assert elsewhere.status_code == 400
    assert "<form" not in elsewhere.text
    wider = requests.get(
        f"{url}/oauth/authorize",
        params={**query, "scope": "read write", "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"},
    )
    assert wider.status_code == 400


def test_client_credentials_token_is_the_app_not_a_user(url: str) -> None:
    client_id, secret = register_app(url, scopes=["read"])
    response = requests.post(
        f"{url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": "read",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "read"
    app_client = masto(url, body["access_token"])
    assert app_client.app_verify_credentials().name == "Graphgram tests"
    with pytest.raises(MastodonUnauthorizedError):
        app_client.account_verify_credentials()


def test_token_endpoint_errors_are_oauth_errors(url: str) -> None:
    client_id, secret = register_app(url)
    bad_secret = requests.post(
        f"{url}/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": "x"},
    )
    assert bad_secret.status_code == 401
    assert bad_secret.json()["error"] == "invalid_client"
    bad_grant = requests.post(
        f"{url}/oauth/token",
        data={"grant_type": "implicit", "client_id": client_id, "client_secret": secret},
    )
    assert bad_grant.status_code == 400
    assert bad_grant.json()["error"] == "unsupported_grant_type"
    too_wide = requests.post(
        f"{url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": "read admin:write",
        },
    )
    assert too_wide.status_code == 400
    assert too_wide.json()["error"] == "invalid_scope"


def test_revoked_token_is_401(url: str, factory: Factory) -> None:
    factory.user("ada")
    client = password_client(url, "ada")
    token = str(client.access_token)
    client.revoke_access_token()
    with pytest.raises(MastodonUnauthorizedError):
        masto(url, token).account_verify_credentials()


def test_read_only_token_cannot_write(url: str, factory: Factory) -> None:
    factory.user("ada")
    reader = password_client(url, "ada", scopes=["read"])
    assert reader.account_verify_credentials().username == "ada"
    with pytest.raises(MastodonAPIError) as refused:
        reader.status_post("should not be posted")
    assert refused.value.args[1] == 403
    assert refused.value.args[3] == "This action is outside the authorized scopes"
    assert reader.account_statuses(reader.me()) == []


def test_scopes_are_enforced_per_area(url: str, factory: Factory) -> None:
    factory.user("ada")
    grace = factory.user("grace")
    follower = password_client(url, "ada", scopes=["follow"])
    assert follower.account_follow(mid(grace)).following  # write:follows
    assert [r.id for r in follower.account_relationships([mid(grace)])] == [mid(grace)]
    for call in (follower.timeline_home, follower.notifications):
        with pytest.raises(MastodonAPIError) as refused:
            call()
        assert refused.value.args[1] == 403
    reader = password_client(url, "ada", scopes=["read:statuses"])
    assert reader.timeline_home() == []
    with pytest.raises(MastodonAPIError) as refused:
        reader.notifications()
    assert refused.value.args[1] == 403
    with pytest.raises(MastodonAPIError) as refused:
        reader.account_unfollow(mid(grace))
    assert refused.value.args[1] == 403


def test_a_token_is_revoked_only_by_the_app_it_was_issued_to(url: str, factory: Factory) -> None:
    factory.user("ada")
    client = password_client(url, "ada")
    other_id, other_secret = register_app(url)
    answer = requests.post(
        f"{url}/oauth/revoke",
        data={"client_id": other_id, "client_secret": other_secret, "token": client.access_token},
    )
    assert answer.status_code == 200
    assert answer.json() == {}
    assert client.account_verify_credentials().username == "ada"


def test_bad_token_is_401_in_mastodon_shape(url: str) -> None:
    with pytest.raises(MastodonUnauthorizedError):
        masto(url, "not-a-token").account_verify_credentials()
    raw = requests.get(
        f"{url}/api/v1/timelines/home", headers={"Authorization": "Bearer not-a-token"}
    )
    assert raw.status_code == 401
    assert raw.json() == {"error": "The access token is invalid"}
    assert requests.get(f"{url}/api/v1/timelines/home").json() == {
        "error": "The access token is invalid"
    }


def test_unknown_routes_are_404_in_mastodon_shape_and_the_rest_keeps_its_own(
    url: str, factory: Factory
) -> None:
    ada = factory.user("ada")
    for path in ("/api/v1/lists", "/api/v1/statuses/x/reblog/nope", "/api/v2/nothing", "/oauth/x"):
        response = requests.get(f"{url}{path}", headers=ada["headers"])
        assert response.status_code == 404, path
        assert response.json() == {"error": "Record not found"}, path
    spec = requests.get(f"{url}/openapi.json").json()
    refused = spec["paths"]["/api/v1/statuses/{status_id}"]["get"]["responses"]["404"]
    assert refused["content"]["application/json"]["schema"]["$ref"].endswith("/MastodonError")
    own = requests.get(f"{url}/users/nobody", headers=ada["headers"])
    assert own.status_code == 404
    assert own.json()["error"]["code"] == "not_found"
    with pytest.raises(MastodonNotFoundError):
        as_user(url, ada).status("01hzy0000000000000000000zz")


def test_browser_apps_get_cors_on_the_mastodon_api_only(url: str, factory: Factory) -> None:
    ada = factory.user("ada")
    origin = {"Origin": "https://client.example"}
    preflight = requests.options(
        f"{url}/api/v1/timelines/home",
        headers={
            **origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    page = requests.get(f"{url}/api/v1/timelines/home", headers={**origin, **ada["headers"]})
    assert page.headers["access-control-allow-origin"] == "*"
    assert "link" in page.headers["access-control-expose-headers"].lower()
    own = requests.get(f"{url}/feed", headers={**origin, **ada["headers"]})
    assert own.status_code == 200
    assert "access-control-allow-origin" not in own.headers
    sign_in = requests.get(f"{url}/oauth/authorize", headers=origin)
    assert "access-control-allow-origin" not in sign_in.headers


def test_bad_input_is_422_in_mastodon_shape(url: str, factory: Factory) -> None:
    ada = factory.user("ada")
    client = as_user(url, ada)
    for kwargs in (
        {"status": ""},
        {"status": "x" * 2201},
        {"status": "secret", "visibility": "direct"},
        {"status": "for followers", "visibility": "private"},
        {"status": "cw", "spoiler_text": "spoilers"},
    ):
        with pytest.raises(MastodonAPIError) as refused:
            client.status_post(**kwargs)
        assert refused.value.args[1] == 422, kwargs
        assert refused.value.args[3].startswith("Validation failed"), kwargs
    raw = requests.get(f"{url}/api/v1/timelines/home?limit=abc", headers=ada["headers"])
    assert raw.status_code == 422
    assert set(raw.json()) == {"error"}


# -- accounts ----------------------------------------------------------------------------------


def test_lookup_update_credentials_and_follow_lists(url: str, factory: Factory) -> None:
    ada, grace = factory.user("ada"), factory.user("grace", display_name="Grace H.")
    ada_client, grace_client = as_user(url, ada), as_user(url, grace)
    found = ada_client.account_lookup("grace")
    assert found.id == mid(grace)
    assert found.display_name == "Grace H."
    assert ada_client.account(mid(grace)).username == "grace"

    me = grace_client.account_update_credentials(display_name="Grace Hopper", note="COBOL <3")
    assert me.display_name == "Grace Hopper"
    assert me.source.note == "COBOL <3"
    assert "COBOL &lt;3" in me.note
    assert ada_client.account(mid(grace)).display_name == "Grace Hopper"

    relationship = ada_client.account_follow(mid(grace))
    assert relationship.following
    assert ada_client.account_follow(mid(grace)).following  # idempotent
    assert ada_client.account(mid(grace)).followers_count == 1
    assert [a.id for a in grace_client.account_followers(mid(grace))] == [mid(ada)]
    assert [a.id for a in grace_client.account_following(mid(ada))] == [mid(grace)]
    [rel] = grace_client.account_relationships([mid(ada)])
    assert rel.followed_by
    assert not rel.following
    assert [a.id for a in ada_client.account_search("gra")] == [mid(grace)]

    assert not ada_client.account_unfollow(mid(grace)).following
    assert ada_client.account(mid(grace)).followers_count == 0


@pytest.mark.slow
def test_locked_account_and_follow_requests(url: str, factory: Factory) -> None:
    ada, carol = factory.user("ada"), factory.user("carol")
    ada_client, carol_client = as_user(url, ada), as_user(url, carol)
    assert carol_client.account_update_credentials(locked=True).locked
    carol_client.status_post("for my followers")

    requested = ada_client.account_follow(mid(carol))
    assert requested.requested
    assert not requested.following
    assert ada_client.account_statuses(mid(carol)) == []
    assert [a.id for a in carol_client.follow_requests()] == [mid(ada)]
    [note] = carol_client.notifications()
    assert note.type == "follow_request"
    assert note.account.id == mid(ada)

    accepted = carol_client.follow_request_authorize(mid(ada))
    assert accepted.followed_by
    assert carol_client.follow_requests() == []
    [post] = ada_client.account_statuses(mid(carol))
    assert post.visibility == "private"
    assert [s.id for s in ada_client.timeline_home()] == [post.id]


def test_rejected_follow_request_leaves_no_follow(url: str, factory: Factory) -> None:
    ada, carol = factory.user("ada"), factory.user("carol", private=True)
    as_user(url, ada).account_follow(mid(carol))
    rejected = as_user(url, carol).follow_request_reject(mid(ada))
    assert not rejected.followed_by
    assert not rejected.requested_by
    [rel] = as_user(url, ada).account_relationships([mid(carol)])
    assert not rel.following
    assert not rel.requested


# -- statuses and media ------------------------------------------------------------------------


def test_post_a_picture_with_a_hashtag_and_a_mention(
    url: str, factory: Factory, settings: Settings
) -> None:
    ada, grace = factory.user("ada"), factory.user("grace")
    client = as_user(url, ada)
    media = client.media_post(
        picture("JPEG", 640, 480), mime_type="image/jpeg", description="Two tones"
    )
    assert media.type == "image"
    assert media.url.startswith(settings.cdn_base_url)
    assert media.preview_url.startswith(settings.cdn_base_url)
    assert media.meta.original.width == 640
    assert media.meta.original.height == 480
    assert media.meta.small.width == 320
    assert media.blurhash
    assert media.description == "Two tones"
    fetched = requests.get(media.url)
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == "image/webp"

    status = client.status_post("First bug found #Debugging @grace", media_ids=[media])
    assert status.account.id == mid(ada)
    assert [t.name for t in status.tags] == ["debugging"]
    assert [(m.id, m.acct) for m in status.mentions] == [(mid(grace), "grace")]
    assert 'class="mention hashtag"' in status.content
    assert status.visibility == "public"
    [attached] = status.media_attachments
    assert attached.id == media.id
    assert attached.description == "Two tones"
    assert client.status(status.id).content == status.content
    # The same post on Graphgram's own API.
    own = requests.get(f"{url}/posts/{native(status.id)}", headers=grace["headers"]).json()
    assert own["hashtags"] == ["debugging"]
    assert own["mentions"] == ["grace"]
    [note] = as_user(url, grace).notifications()
    assert note.type == "mention"
    assert note.status.id == status.id


def test_video_is_202_while_it_is_processed(url: str, factory: Factory) -> None:
    ada = factory.user("ada")
    upload = requests.post(
        f"{url}/api/v2/media",
        headers=ada["headers"],
        files={"file": ("clip.mp4", mp4(), "video/mp4")},
    )
    assert upload.status_code == 202
    assert upload.json()["url"] is None
    assert upload.json()["type"] == "video"
    client = as_user(url, ada)
    ready = wait_until_ready(client, upload.json()["id"])
    assert ready.type == "video"
    assert ready.preview_url is not None
    assert ready.meta.original.duration > 0
    status = client.status_post("a clip", media_ids=[ready.id])
    [attached] = status.media_attachments
    assert attached.id == ready.id
    # The same object on the edge (the signature's expiry may differ by a second).
    assert attached.url.split("?")[0] == ready.url.split("?")[0]


def test_media_v1_upload_alt_text_and_placeholder_avatar(url: str, factory: Factory) -> None:
    ada = factory.user("ada")
    upload = requests.post(
        f"{url}/api/v1/media",
        headers=ada["headers"],
        files={"file": ("p.png", picture("PNG", 200, 100), "image/png")},
    )
    assert upload.status_code == 200
    assert upload.json()["url"] is not None
    client = as_user(url, ada)
    described = client.media_update(upload.json()["id"], description="A red and blue card")
    assert described.description == "A red and blue card"
    assert client.media(described.id).description == "A red and blue card"
    status = client.status_post("", media_ids=[described.id])
    assert status.media_attachments[0].description == "A red and blue card"
    avatar = requests.get(client.account_verify_credentials().avatar)
    assert avatar.status_code == 200
    assert avatar.content.startswith(b"\x89PNG")


def test_media_of_a_stranger_is_404(url: str, factory: Factory) -> None:
    ada, eve = factory.user("ada"), factory.user("eve")
    media = as_user(url, ada).media_post(picture("PNG"), mime_type="image/png")
    with pytest.raises(MastodonNotFoundError):
        as_user(url, eve).media(media.id)
    with pytest.raises(MastodonAPIError) as refused:
        as_user(url, eve).status_post("stolen", media_ids=[media.id])
    assert refused.value.args[1] == 422


def test_favourite_is_idempotent_and_notifies(url: str, factory: Factory) -> None:
    ada, grace = factory.user("ada"), factory.user("grace")
    post = as_user(url, grace).status_post("A moth")
    client = as_user(url, ada)
    assert client.status_favourite(post.id).favourites_count == 1
    again = client.status_favourite(post.id)
    assert again.favourites_count == 1
    assert again.favourited
    assert [a.id for a in client.status_favourited_by(post.id)] == [mid(ada)]
    assert client.status_reblogged_by(post.id) == []  # no boosts here
    [note] = as_user(url, grace).notifications()
    assert note.type == "favourite"
    assert note.account.id == mid(ada)
    assert note.status.id == post.id
    undone = client.status_unfavourite(post.id)
    assert undone.favourites_count == 0
    assert not undone.favourited


@pytest.mark.slow
def test_reply_is_a_comment_and_context_is_the_thread(url: str, factory: Factory) -> None:
    ada, grace = factory.user("ada"), factory.user("grace")
    ada_client, grace_client = as_user(url, ada), as_user(url, grace)
    post = grace_client.status_post("Found a moth")
    reply = ada_client.status_post("A real bug!", in_reply_to_id=post.id)
    assert reply.in_reply_to_id == post.id
    assert reply.in_reply_to_account_id == mid(grace)
    answer = grace_client.status_reply(reply, "Taped into the log")
    assert answer.in_reply_to_id == reply.id
    assert answer.in_reply_to_account_id == mid(ada)
    later = ada_client.status_post("Second comment", in_reply_to_id=post.id)

    thread = ada_client.status_context(post.id)
    assert thread.ancestors == []
    assert [s.id for s in thread.descendants] == [reply.id, answer.id, later.id]
    below = grace_client.status_context(reply.id)
    assert [s.id for s in below.ancestors] == [post.id]
    assert [s.id for s in below.descendants] == [answer.id]
    assert [s.id for s in ada_client.status_context(answer.id).ancestors] == [post.id, reply.id]
    assert ada_client.status(post.id).replies_count == 3

    # On Graphgram's own API the replies are the post's comments.
    comments = requests.get(
        f"{url}/posts/{native(post.id)}/comments", headers=ada["headers"]
    ).json()
    assert {c["id"] for c in comments} == {native(reply.id), native(answer.id), native(later.id)}
    # A reply is a mention of the author it answers.
    kinds = [(n.type, n.status.id) for n in ada_client.notifications()]
    assert ("mention", answer.id) in kinds
    with pytest.raises(MastodonAPIError) as refused:
        grace_client.status_favourite(reply.id)
    assert refused.value.args[1] == 422


def test_a_repeated_idempotency_key_posts_once(url: str, factory: Factory) -> None:
    ada = factory.user("ada")
    client = as_user(url, ada)
    first = client.status_post("only once", idempotency_key="retry-1")
    again = client.status_post("only once", idempotency_key="retry-1")
    assert again.id == first.id
    other = client.status_post("only once", idempotency_key="retry-2")
    assert other.id != first.id
    assert [s.id for s in client.account_statuses(mid(ada))] == [other.id, first.id]


def test_delete_a_status_and_a_reply(url: str, factory: Factory) -> None:
    ada, grace = factory.user("ada"), factory.user("grace")
    ada_client, grace_client = as_user(url, ada), as_user(url, grace)
    post = ada_client.status_post("delete me #soon")
    reply = grace_client.status_post("noted", in_reply_to_id=post.id)
    with pytest.raises(MastodonNotFoundError):
        grace_client.status_delete(post.id)  # not hers
    gone_reply = grace_client.status_delete(reply.id)
    assert gone_reply.text == "noted"
    gone = ada_client.status_delete(post.id)
    assert gone.text == "delete me #soon"
    with pytest.raises(MastodonNotFoundError):
        ada_client.status(post.id)
    assert requests.get(f"{url}/posts/{native(post.id)}", headers=ada["headers"]).status_code == 404
    assert ada_client.timeline_home() == []


# -- timelines, notifications, search ----------------------------------------------------------


def test_home_timeline_pages_with_fetch_next_and_fetch_previous(url: str, factory: Factory) -> None:
    ada, grace = factory.user("ada"), factory.user("grace")
    ada_client, grace_client = as_user(url, ada), as_user(url, grace)
    ada_client.account_follow(mid(grace))
    posted = [grace_client.status_post(f"note {i}").id for i in range(5)]
    newest_first = list(reversed(posted))

    page = ada_client.timeline_home(limit=2)
    seen = [s.id for s in page]
    assert seen == newest_first[:2]
    while (page := ada_client.fetch_next(page)) is not None:
        seen += [s.id for s in page]
    assert seen == newest_first

    # A limit over the maximum is cut to it, as Mastodon does, not refused.
    assert [s.id for s in ada_client.timeline_home(limit=500)] == newest_first
    first = ada_client.timeline_home(limit=2)
    mine = ada_client.status_post("my own")
    newer = ada_client.fetch_previous(first)
    assert newer is not None
    assert [s.id for s in newer] == [mine.id]


def test_hashtag_timeline_and_search(url: str, factory: Factory) -> None:
    ada, grace = factory.user("ada"), factory.user("grace", display_name="Grace Hopper")
    client = as_user(url, grace)
    tagged = [client.status_post(f"#compilers day {i}").id for i in range(3)]
    client.status_post("no tag here")
    page = as_user(url, ada).timeline_hashtag("compilers", limit=2)
    seen = [s.id for s in page]
    while (page := as_user(url, ada).fetch_next(page)) is not None:
        seen += [s.id for s in page]
    assert seen == list(reversed(tagged))
    assert as_user(url, ada).timeline_hashtag("nothing") == []

    found = as_user(url, ada).search_v2("grace")
    assert [a.id for a in found.accounts] == [mid(grace)]
    assert found.statuses == []
    tags = as_user(url, ada).search_v2("#compil")
    assert [t.name for t in tags.hashtags] == ["compilers"]


def test_notifications_page_with_fetch_next(url: str, factory: Factory) -> None:
    ada = factory.user("ada")
    followers = [factory.user(f"fan{i}") for i in range(5)]
    for fan in followers:
        as_user(url, fan).account_follow(mid(ada))
    client = as_user(url, ada)
    page = client.notifications(limit=2)
    seen = [n.account.id for n in page]
    assert all(n.type == "follow" for n in page)
    while (page := client.fetch_next(page)) is not None:
        seen += [n.account.id for n in page]
    assert seen == [mid(fan) for fan in reversed(followers)]
    assert client.notifications(exclude_types=["follow"]) == []
    assert len(client.notifications(types=["follow"])) == len(followers)
    assert client.notifications(types=["favourite"]) == []


def test_block_hides_both_ways(url: str, factory: Factory) -> None:
    ada, grace = factory.user("ada"), factory.user("grace")
    ada_client, grace_client = as_user(url, ada), as_user(url, grace)
    ada_client.account_follow(mid(grace))
    grace_client.account_follow(mid(ada))
    ada_post = ada_client.status_post("by ada")
    grace_post = grace_client.status_post("by grace")
    assert grace_post.id in [s.id for s in ada_client.timeline_home()]

    blocked = grace_client.account_block(mid(ada))
    assert blocked.blocking
    assert not blocked.following
    assert not blocked.followed_by
    assert [a.id for a in grace_client.blocks()] == [mid(ada)]
    # Neither side sees the other: profile, posts, timeline, search, replies.
    for client, other, post in ((ada_client, grace, grace_post), (grace_client, ada, ada_post)):
        with pytest.raises(MastodonNotFoundError):
            client.account(mid(other))
        with pytest.raises(MastodonNotFoundError):
            client.status(post.id)
        with pytest.raises(MastodonNotFoundError):
            client.status_post("hello?", in_reply_to_id=post.id)
        assert post.id not in [s.id for s in client.timeline_home()]
        assert client.search_v2(other["username"]).accounts == []
    # The blocked side is not told: the relationship is simply not there.
    assert ada_client.account_relationships([mid(grace)]) == []
    [rel] = grace_client.account_relationships([mid(ada)])
    assert rel.blocking
    with pytest.raises(MastodonNotFoundError):
        ada_client.account_follow(mid(grace))

    assert not grace_client.account_unblock(mid(ada)).blocking
    assert ada_client.account(mid(grace)).username == "grace"


@pytest.mark.slow
def test_garbage_input_is_a_4xx_in_mastodon_shape_never_a_500(url: str, factory: Factory) -> None:
    ada, bob = factory.user("ada"), factory.user("bob")
    post = as_user(url, bob).status_post("hi #x")
    headers = ada["headers"]
    reads = [
        "/api/v1/accounts/{x}", "/api/v1/accounts/{x}/statuses", "/api/v1/accounts/{x}/followers",
        "/api/v1/statuses/{x}", "/api/v1/statuses/{x}/context", "/api/v1/media/{x}",
        "/api/v1/statuses/{x}/favourited_by", "/api/v1/timelines/tag/{x}",
        "/api/v1/accounts/lookup?acct={x}", "/api/v2/search?q={x}&limit={x}",
        "/api/v1/accounts/relationships?id[]={x}", "/api/v1/timelines/home?max_id={x}&limit={x}",
        "/api/v1/notifications?min_id={x}&types[]={x}",
    ]  # fmt: skip
    writes = [
        "/api/v1/accounts/{x}/follow", "/api/v1/accounts/{x}/block",
        "/api/v1/accounts/{x}/unblock", "/api/v1/follow_requests/{x}/authorize",
        "/api/v1/statuses/{x}/favourite", "/api/v1/statuses", "/api/v1/apps", "/oauth/token",
        "/oauth/revoke", "/api/v2/media",
    ]  # fmt: skip
    answers: list[tuple[str, requests.Response]] = []
    for x in ["", "x", "~", "../%00", "9" * 40, "01hzy0000000000000000000zz", post.id]:
        for path in reads:
            answers.append((path, requests.get(url + path.replace("{x}", x), headers=headers)))
        form = {"status": x, "in_reply_to_id": x, "media_ids[]": [x, x], "client_name": x}
        form |= {"redirect_uris": x, "grant_type": x, "client_id": x, "code": x, "scope": x}
        as_json = {**form, "media_ids": [1, {}], "scope": [x], "poll": {"options": [x]}}
        for path in writes:
            target = url + path.replace("{x}", x)
            answers.append((path, requests.post(target, headers=headers, data=form)))
            answers.append((path, requests.post(target, headers=headers, json=as_json)))
        answers.append(("delete", requests.delete(f"{url}/api/v1/statuses/{x}", headers=headers)))
        answers.append(
            (
                "update_credentials",
                requests.patch(
                    f"{url}/api/v1/accounts/update_credentials",
                    headers=headers,
                    data={"display_name": x, "note": x * 400, "locked": x},
                ),
            )
        )
    broken = {"content-type": "application/json", **headers}
    answers.append(("bad json", requests.post(f"{url}/api/v1/statuses", headers=broken, data="[")))
    answers.append(
        ("json list", requests.post(f"{url}/api/v1/statuses", headers=broken, data="[]"))
    )
    assert not [(p, r.status_code, r.text[:200]) for p, r in answers if r.status_code >= 500]
    refused = [(p, r) for p, r in answers if r.status_code >= 400]
    assert len(refused) > len(answers) // 2  # the garbage was mostly refused, not ignored
    for path, response in refused:
        body = response.json()
        assert isinstance(body.get("error"), str), (path, body)


def test_a_locked_accounts_statuses_are_404_to_strangers(url: str, factory: Factory) -> None:
    carol, eve = factory.user("carol", private=True), factory.user("eve")
    carol_client, eve_client = as_user(url, carol), as_user(url, eve)
    media = carol_client.media_post(picture("PNG"), mime_type="image/png")
    post = carol_client.status_post("followers only #secret", media_ids=[media])
    assert post.visibility == "private"
    assert eve_client.account(mid(carol)).locked  # the profile header is public
    assert eve_client.account_statuses(mid(carol)) == []
    assert eve_client.account_followers(mid(carol)) == []
    calls: list[Callable[[], object]] = [
        partial(eve_client.status, post.id),
        partial(eve_client.status_context, post.id),
        partial(eve_client.status_favourite, post.id),
        partial(eve_client.status_favourited_by, post.id),
        partial(eve_client.status_post, "let me in", in_reply_to_id=post.id),
        partial(eve_client.media, media.id),
    ]
    for call in calls:
        with pytest.raises(MastodonNotFoundError):
            call()
    assert eve_client.timeline_hashtag("secret") == []
    assert [s.id for s in carol_client.timeline_hashtag("secret")] == [post.id]


def test_context_leaves_out_replies_across_a_block(url: str, factory: Factory) -> None:
    ada, grace, eve = factory.user("ada"), factory.user("grace"), factory.user("eve")
    post = as_user(url, grace).status_post("a thread")
    by_ada = as_user(url, ada).status_post("first", in_reply_to_id=post.id)
    by_eve = as_user(url, eve).status_post("second", in_reply_to_id=post.id)
    assert [s.id for s in as_user(url, ada).status_context(post.id).descendants] == [
        by_ada.id,
        by_eve.id,
    ]
    as_user(url, ada).account_block(mid(eve))
    assert [s.id for s in as_user(url, ada).status_context(post.id).descendants] == [by_ada.id]
    assert [s.id for s in as_user(url, eve).status_context(post.id).descendants] == [by_eve.id]
    with pytest.raises(MastodonNotFoundError):
        as_user(url, ada).status(by_eve.id)
    assert as_user(url, grace).status(post.id).replies_count == 2


def test_mastodon_py_reports_a_status(url: str, factory: Factory) -> None:
    ada, grace = factory.user("ada"), factory.user("grace")
    factory.user("mod", role="moderator")
    post = as_user(url, grace).status_post("cheap pills")
    filed = as_user(url, ada).report(
        mid(grace), status_ids=[post.id], comment="spam", category="spam"
    )
    assert filed.target_account.username == "grace"
    again = as_user(url, ada).report(mid(grace), status_ids=[post.id], category="spam")
    assert again.id == filed.id
    with pytest.raises(MastodonNotFoundError):
        as_user(url, ada).report("1", comment="nobody")
