"""A removed post's media stops being served through the edge at once (deleted and purged), and a
removed comment leaves the Mastodon surface too."""

from __future__ import annotations

import httpx

from api.mastodon.ids import to_mastodon
from tests.fixtures import media_files as files
from tests.fixtures.factories import Factory


async def test_a_removed_post_s_media_is_no_longer_served_by_the_edge(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    mod = factory.user("mod", role="moderator")
    alice, bob = factory.user("alice"), factory.user("bob")
    factory.follow(alice, bob)
    # Unique bytes: the edge keeps content-addressed objects cached across test runs.
    uploaded = await client.post(
        "/media", files={"file": ("f", files.picture("PNG", 97, 61), "image/png")},
        headers=bob["headers"],
    )  # fmt: skip
    assert uploaded.status_code == 201, uploaded.text
    created = await client.post(
        "/posts", json={"caption": "bad", "media_ids": [uploaded.json()["id"]]},
        headers=bob["headers"],
    )  # fmt: skip
    post = created.json()
    url = post["media"][0]["url"]
    assert httpx.get(url).status_code == 200
    assert httpx.get(url).headers["x-cache-status"] == "HIT"  # cached at the edge
    removed = await client.post(
        f"/admin/posts/{post['id']}/remove", json={"reason": "nudity"}, headers=mod["headers"]
    )
    assert removed.status_code == 204, removed.text
    # The very URL alice was handed, still within its signing window: gone from the edge.
    assert httpx.get(url).status_code == 404
    feed = (await client.get("/feed", headers=alice["headers"])).json()
    assert feed == []
    status = await client.get(
        f"/api/v1/statuses/{to_mastodon(post['id'])}", headers=alice["headers"]
    )
    assert status.status_code == 404
