"""Roles, reports, the moderation queue, moderator actions and the audit log, through both APIs
and a second API process."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from tests.fixtures.factories import Factory
from tests.helpers import PASSWORD, auth, ids

Users = dict[str, dict[str, Any]]


@pytest.fixture
def people(factory: Factory) -> Users:
    mod = factory.user("mod", role="moderator")
    admin = factory.user("boss", role="admin")
    alice, bob, carol = (factory.user(n) for n in ("alice", "bob", "carol"))
    factory.follow(alice, bob)
    factory.follow(carol, bob)
    return {"mod": mod, "admin": admin, "alice": alice, "bob": bob, "carol": carol}


async def report(client: httpx.AsyncClient, who: dict[str, Any], **body: Any) -> httpx.Response:
    return await client.post("/reports", json=body, headers=who["headers"])


# Roles and the 404 gate


async def test_moderation_routes_answer_404_like_an_unknown_path_without_the_role(
    client: httpx.AsyncClient, people: Users
) -> None:
    unknown = await client.get("/admin/nothing-here", headers=people["alice"]["headers"])
    assert unknown.status_code == 404
    for headers in ({}, people["alice"]["headers"], {"Authorization": "Bearer nonsense"}):
        for method, path in [
            ("GET", "/admin/reports"),
            ("GET", "/admin/audit"),
            ("POST", "/admin/accounts/bob/suspend"),
            ("POST", "/admin/posts/x/remove"),
            ("PUT", "/admin/accounts/bob/role"),
        ]:
            response = await client.request(method, path, headers=headers, json={"x": 1})
            assert (response.status_code, response.json()) == (404, unknown.json()), path
    spec = (await client.get("/openapi.json")).json()
    assert not [p for p in spec["paths"] if p.startswith("/admin")]
    # A moderator is not an admin: roles are the admins' alone.
    mod = people["mod"]["headers"]
    put = await client.put("/admin/accounts/bob/role", json={"role": "admin"}, headers=mod)
    assert put.status_code == 404
    assert (await client.get("/admin/reports", headers=mod)).status_code == 200


async def test_an_admin_sets_roles_and_the_new_role_counts_at_once(
    client: httpx.AsyncClient, people: Users
) -> None:
    bob = people["bob"]["headers"]
    assert (await client.get("/admin/reports", headers=bob)).status_code == 404  # cached now
    admin = people["admin"]["headers"]
    put = await client.put("/admin/accounts/bob/role", json={"role": "moderator"}, headers=admin)
    assert put.status_code == 200, put.text
    assert put.json()["role"] == "moderator"
    assert (await client.get("/admin/reports", headers=bob)).status_code == 200
    bad = await client.put("/admin/accounts/bob/role", json={"role": "king"}, headers=admin)
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["field"] == "role"
    missing = await client.put("/admin/accounts/nobody/role", json={"role": "user"}, headers=admin)
    assert missing.status_code == 404


async def test_the_cli_names_the_first_admin(
    client: httpx.AsyncClient, people: Users, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli.main import app as cli

    for key, value in {
        "GRAPHGRAM_NEO4J_URI": settings.neo4j_uri,
        "GRAPHGRAM_NEO4J_PASSWORD": settings.neo4j_password,
        "GRAPHGRAM_REDIS_URL": settings.redis_url,
        "GRAPHGRAM_S3_ENDPOINT": settings.s3_endpoint,
    }.items():
        monkeypatch.setenv(key, value)
    runner = CliRunner()
    carol = people["carol"]["headers"]
    assert (await client.get("/admin/reports", headers=carol)).status_code == 404
    result = await asyncio.to_thread(runner.invoke, cli, ["accounts", "role", "carol", "admin"])
    assert result.exit_code == 0, result.output
    assert (await client.get("/admin/reports", headers=carol)).status_code == 200
    bad = await asyncio.to_thread(runner.invoke, cli, ["accounts", "role", "carol", "emperor"])
    assert bad.exit_code == 1


async def test_an_app_token_of_a_moderator_is_refused(
    client: httpx.AsyncClient, people: Users
) -> None:
    from tests.test_scopes import app_token

    token = await app_token(client, "mod", "read write follow")
    assert (await client.get("/admin/reports", headers=auth(token))).status_code == 404


# Reports


async def test_a_report_keeps_a_snapshot_and_the_same_report_twice_is_one(
    client: httpx.AsyncClient, factory: Factory, people: Users
) -> None:
    post = factory.post(people["bob"], "buy cheap pills")
    comment = factory.comment(people["bob"], post, "really cheap")
    first = await report(
        client, people["alice"], post_ids=[post["id"]], comment_ids=[comment["id"]],
        category="spam", comment="spam again",
    )  # fmt: skip
    assert first.status_code == 201, first.text
    assert first.json()["created"] is True
    again = await report(
        client, people["alice"], post_ids=[post["id"]], comment_ids=[comment["id"]],
        category="spam",
    )  # fmt: skip
    assert again.json() == {"id": first.json()["id"], "created": False}
    # The author edits the post afterwards: the queue shows it as it was.
    edited = await client.patch(
        f"/posts/{post['id']}", json={"caption": "innocent"}, headers=people["bob"]["headers"]
    )
    assert edited.status_code == 200, edited.text
    queue = (await client.get("/admin/reports", headers=people["mod"]["headers"])).json()
    assert len(queue) == 1
    [entry] = queue
    assert (entry["account"], entry["reporter"], entry["category"], entry["status"]) == (
        "bob", "alice", "spam", "open",
    )  # fmt: skip
    texts = {item["type"]: item["text"] for item in entry["items"]}
    assert texts == {"post": "buy cheap pills", "comment": "really cheap"}


async def test_the_reported_person_is_not_told_who_reported(
    client: httpx.AsyncClient, factory: Factory, people: Users
) -> None:
    post = factory.post(people["bob"], "hello")
    before = (await client.get("/notifications", headers=people["bob"]["headers"])).json()
    assert (await report(client, people["alice"], post_ids=[post["id"]])).status_code == 201
    after = (await client.get("/notifications", headers=people["bob"]["headers"])).json()
    assert after == before
    assert (await client.get("/admin/reports", headers=people["bob"]["headers"])).status_code == 404


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),
        ({"account": "", "post_ids": []}, 422),
        ({"account": "bob", "category": "rude"}, 422),
        ({"account": "bob", "comment": "x" * 1001}, 422),
        ({"account": "nobody"}, 404),
        ({"account": "", "post_ids": ["01hzy0000000000000000000pp"]}, 404),
        ({"post_ids": ["01hzy0000000000000000000pp"]}, 404),
        ({"account": "alice"}, 422),
        ({"account": "bob", "unknown": 1}, 422),
    ],
)
async def test_a_bad_report_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, people: Users, body: dict[str, Any], status: int
) -> None:
    response = await report(client, people["alice"], **body)
    assert response.status_code == status, response.text
    assert "error" in response.json()
    assert (await client.get("/admin/reports", headers=people["mod"]["headers"])).json() == []


async def test_a_hidden_post_cannot_be_reported(
    client: httpx.AsyncClient, factory: Factory, people: Users
) -> None:
    post = factory.post(people["bob"], "hello")
    factory.block(people["bob"], people["alice"])
    assert (await report(client, people["alice"], post_ids=[post["id"]])).status_code == 404


async def test_reports_are_rate_limited_per_account(
    client: httpx.AsyncClient, factory: Factory, people: Users, settings: Any
) -> None:
    posts = [factory.post(people["bob"], f"p{i}") for i in range(settings.report_limit + 1)]
    codes = [(await report(client, people["alice"], post_ids=[p["id"]])).status_code for p in posts]
    assert codes == [201] * settings.report_limit + [429]
    # Carol's budget is her own.
    assert (await report(client, people["carol"], account="bob")).status_code == 201


async def test_mastodon_report_converts_ids_and_files_one_report(
    client: httpx.AsyncClient, factory: Factory, people: Users
) -> None:
    from api.mastodon.ids import to_mastodon

    post = factory.post(people["bob"], "hello")
    body = {
        "account_id": to_mastodon(people["bob"]["id"]),
        "status_ids": [to_mastodon(post["id"])],
        "category": "spam",
        "comment": "look",
    }
    response = await client.post("/api/v1/reports", json=body, headers=people["alice"]["headers"])
    assert response.status_code == 200, response.text
    assert response.json()["target_account"]["username"] == "bob"
    assert response.json()["status_ids"] == [to_mastodon(post["id"])]
    [entry] = (await client.get("/admin/reports", headers=people["mod"]["headers"])).json()
    assert entry["item_ids"] == [post["id"]]
    missing = await client.post(
        "/api/v1/reports", json={**body, "account_id": "1"}, headers=people["alice"]["headers"]
    )
    assert missing.status_code == 404
    assert missing.json() == {"error": "Record not found"}


# Actions and the audit log


async def test_resolve_and_dismiss_close_reports_and_are_audited(
    client: httpx.AsyncClient, factory: Factory, people: Users
) -> None:
    one = factory.post(people["bob"], "one")
    two = factory.post(people["bob"], "two")
    r1 = (await report(client, people["alice"], post_ids=[one["id"]])).json()["id"]
    r2 = (await report(client, people["alice"], post_ids=[two["id"]])).json()["id"]
    mod = people["mod"]["headers"]
    done = await client.post(f"/admin/reports/{r1}/resolve", json={"note": "handled"}, headers=mod)
    assert done.json() == {"id": r1, "status": "resolved"}
    queue = (await client.get("/admin/reports", headers=mod)).json()
    assert [(e["id"], e["status"]) for e in queue] == [(r2, "open"), (r1, "resolved")]
    gone = await client.post(f"/admin/reports/{r2}/dismiss", json={"note": "fine"}, headers=mod)
    assert gone.json()["status"] == "dismissed"
    missing = await client.post("/admin/reports/nope/resolve", json={}, headers=mod)
    assert missing.status_code == 404
    audit = (await client.get("/admin/audit", headers=mod)).json()
    assert [(a["action"], a["target_id"], a["reason"], a["moderator"]) for a in audit] == [
        ("dismiss", r2, "fine", "mod"),
        ("resolve", r1, "handled", "mod"),
    ]


async def test_a_removed_post_is_gone_from_every_read_path_and_the_snapshot_stays(
    client: httpx.AsyncClient, factory: Factory, people: Users
) -> None:
    alice = people["alice"]["headers"]
    created = await client.post(
        "/posts", json={"caption": "bad #thing"}, headers=people["bob"]["headers"]
    )
    post_id = created.json()["id"]
    # Warm every cache: the feed (fast path included), the post view, the tag page.
    assert post_id in ids((await client.get("/feed", headers=alice)).json())
    assert (await client.get(f"/posts/{post_id}", headers=alice)).status_code == 200
    assert (await report(client, people["alice"], post_ids=[post_id])).status_code == 201
    mod = people["mod"]["headers"]
    removed = await client.post(
        f"/admin/posts/{post_id}/remove", json={"reason": "spam"}, headers=mod
    )
    assert removed.status_code == 204, removed.text
    assert (await client.get(f"/posts/{post_id}", headers=alice)).status_code == 404
    assert post_id not in ids((await client.get("/feed", headers=alice)).json())
    assert post_id not in ids((await client.get("/users/bob/posts", headers=alice)).json())
    assert (await client.get(f"/api/v1/statuses/{post_id}", headers=alice)).status_code == 404
    [entry] = (await client.get("/admin/reports", headers=mod)).json()
    assert entry["items"][0]["text"] == "bad #thing"
    audit = (await client.get("/admin/audit", headers=mod)).json()
    assert [(a["action"], a["target_id"], a["reason"]) for a in audit] == [
        ("remove_post", post_id, "spam")
    ]
    again = await client.post(f"/admin/posts/{post_id}/remove", json={}, headers=mod)
    assert again.status_code == 404


async def test_a_removed_comment_is_gone(
    client: httpx.AsyncClient, factory: Factory, people: Users
) -> None:
    post = factory.post(people["alice"], "mine")
    comment = factory.comment(people["bob"], post, "rude")
    mod = people["mod"]["headers"]
    response = await client.post(
        f"/admin/comments/{comment['id']}/remove", json={"reason": "rude"}, headers=mod
    )
    assert response.status_code == 204, response.text
    listed = await client.get(f"/posts/{post['id']}/comments", headers=people["carol"]["headers"])
    assert listed.json() == []
    audit = (await client.get("/admin/audit", headers=mod)).json()
    assert audit[0]["action"] == "remove_comment"


async def test_suspension_ends_sessions_on_another_api_process_and_login(
    client: httpx.AsyncClient, url: str, people: Users
) -> None:
    bob = people["bob"]["headers"]
    # Cached in Redis by this process.
    assert (await client.get("/me", headers=bob)).status_code == 200
    async with httpx.AsyncClient(base_url=url) as other:
        assert (await other.get("/me", headers=bob)).status_code == 200
        suspended = await other.post(
            "/admin/accounts/bob/suspend", json={"reason": "spam"},
            headers=people["mod"]["headers"],
        )  # fmt: skip
        assert suspended.status_code == 200, suspended.text
        assert suspended.json()["suspended"] is True
    assert (await client.get("/me", headers=bob)).status_code == 401
    login = await client.post("/auth/login", json={"username": "bob", "password": PASSWORD})
    assert login.status_code == 403
    audit = (await client.get("/admin/audit", headers=people["mod"]["headers"])).json()
    assert [(a["action"], a["target_id"]) for a in audit] == [("suspend", people["bob"]["id"])]
    back = await client.post(
        "/admin/accounts/bob/unsuspend", json={"reason": "appeal"},
        headers=people["mod"]["headers"],
    )  # fmt: skip
    assert back.json()["suspended"] is False
    login = await client.post("/auth/login", json={"username": "bob", "password": PASSWORD})
    assert login.status_code == 200


async def test_reports_and_the_audit_log_outlive_deleted_accounts(
    client: httpx.AsyncClient, factory: Factory, people: Users
) -> None:
    post = factory.post(people["bob"], "spam")
    filed = await report(client, people["alice"], post_ids=[post["id"]], category="spam")
    assert filed.status_code == 201
    mod = people["mod"]["headers"]
    await client.post("/admin/accounts/bob/limit", json={"reason": "spam"}, headers=mod)
    for who in ("alice", "bob", "mod"):
        assert (await client.delete("/me", headers=people[who]["headers"])).status_code == 204
    admin = people["admin"]["headers"]
    [entry] = (await client.get("/admin/reports", headers=admin)).json()
    assert (entry["reporter"], entry["account"], entry["items"][0]["text"]) == (
        "alice", "bob", "spam",
    )  # fmt: skip
    audit = (await client.get("/admin/audit", headers=admin)).json()
    assert [(a["action"], a["moderator"]) for a in audit] == [("limit", "mod")]
