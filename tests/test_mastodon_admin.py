"""Mastodon's admin API as a moderation app uses it: an unmodified Mastodon.py, holding an OAuth
token with the admin scopes, against the real uvicorn API. Every action lands in the same audit
log and has the same effects as the native `/admin/…` routes."""

from __future__ import annotations

import pytest
import requests
from mastodon import MastodonAPIError, MastodonNotFoundError

from api.mastodon.ids import from_mastodon, to_mastodon
from tests.fixtures.factories import Factory
from tests.test_mastodon import as_user, mid, password_client

ADMIN = ["read", "admin:read", "admin:write"]


def test_a_moderation_app_works_the_queue_and_acts_on_the_account(
    url: str, factory: Factory
) -> None:
    mod = factory.user("mod", role="moderator")
    alice, bob = factory.user("alice"), factory.user("bob")
    post = factory.post(bob, "buy followers now")
    as_user(url, alice).report(
        mid(bob), status_ids=[to_mastodon(post["id"])], comment="spam!", category="spam"
    )
    app = password_client(url, "mod", scopes=ADMIN)

    [report] = app.admin_reports()
    assert (report.account.username, report.target_account.username) == ("alice", "bob")
    assert (report.category, report.comment, report.action_taken) == ("spam", "spam!", False)
    assert [s.id for s in report.statuses] == [to_mastodon(post["id"])]
    assert "buy followers now" in report.statuses[0].content
    assert report.target_account.account.acct == "bob"
    assert app.admin_report(report.id).id == report.id

    app.admin_account_moderate(
        report.target_account.id, "silence", report_id=report.id, text="spam account"
    )
    bob_admin = app.admin_account(mid(bob))
    assert (bob_admin.silenced, bob_admin.suspended) == (True, False)
    assert app.admin_reports() == []
    [closed] = app.admin_reports(resolved=True)
    assert (closed.id, closed.action_taken) == (report.id, True)
    # One audit log for both APIs: the limit, then the report resolved with the same text.
    audit = requests.get(f"{url}/admin/audit", headers=mod["headers"]).json()
    assert [(a["action"], a["target_id"], a["reason"], a["moderator"]) for a in audit] == [
        ("resolve", from_mastodon(str(report.id)), "spam account", "mod"),
        ("limit", bob["id"], "spam account", "mod"),
    ]

    # Suspend ends Bob's sessions at once, as the native action does; unsuspend lifts it.
    assert requests.get(f"{url}/me", headers=bob["headers"]).status_code == 200
    app.admin_account_moderate(mid(bob), "suspend", text="ban evasion")
    assert requests.get(f"{url}/me", headers=bob["headers"]).status_code == 401
    assert app.admin_account(mid(bob)).suspended is True
    assert app.admin_account_unsuspend(mid(bob)).suspended is False
    assert app.admin_account_unsilence(mid(bob)).silenced is False
    audit = requests.get(f"{url}/admin/audit", headers=mod["headers"]).json()
    actions = [a["action"] for a in audit]
    assert actions == ["unlimit", "unsuspend", "suspend", "resolve", "limit"]

    with pytest.raises(MastodonAPIError) as refused:
        app.admin_account_moderate(mid(bob), "disable", text="x")
    assert refused.value.args[1] == 422
    with pytest.raises(MastodonNotFoundError):
        app.admin_account_moderate(mid(bob), "silence", report_id="12345", text="x")
    # An unknown report is refused before the action: Bob was not limited by that call.
    assert app.admin_account(mid(bob)).silenced is False


def test_the_admin_api_is_404_without_the_role_or_the_admin_scope(
    url: str, factory: Factory
) -> None:
    mod = factory.user("mod", role="moderator")
    factory.user("alice")
    bob = factory.user("bob")
    paths = [
        ("GET", "/api/v1/admin/reports"),
        ("GET", "/api/v1/admin/reports/1"),
        ("POST", "/api/v1/admin/reports/1/resolve"),
        ("GET", f"/api/v1/admin/accounts/{mid(bob)}"),
        ("POST", f"/api/v1/admin/accounts/{mid(bob)}/action"),
        ("POST", f"/api/v1/admin/accounts/{mid(bob)}/unsuspend"),
    ]
    user_app = password_client(url, "alice", scopes=ADMIN)
    no_admin_scope = password_client(url, "mod", scopes=["read", "write"])
    for headers in (
        {},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": f"Bearer {user_app.access_token}"},
        {"Authorization": f"Bearer {no_admin_scope.access_token}"},
    ):
        for method, path in paths:
            response = requests.request(
                method, f"{url}{path}", headers=headers, data={"type": "suspend"}
            )
            assert (response.status_code, response.json()) == (
                404, {"error": "Record not found"}
            ), (path, headers)  # fmt: skip
    assert requests.get(f"{url}/me", headers=bob["headers"]).status_code == 200
    # The moderator's own session (first-party) and a token with the admin scope both work.
    assert requests.get(f"{url}/api/v1/admin/reports", headers=mod["headers"]).status_code == 200
    assert password_client(url, "mod", scopes=["admin:read"]).admin_reports() == []
    # `admin:read` alone does not write.
    reader = password_client(url, "mod", scopes=["admin:read"])
    with pytest.raises(MastodonNotFoundError):
        reader.admin_account_moderate(mid(bob), "suspend", text="no")
    assert requests.get(f"{url}/me", headers=bob["headers"]).status_code == 200
    openapi = requests.get(f"{url}/openapi.json").json()
    assert not [p for p in openapi["paths"] if p.startswith("/api/v1/admin")]
