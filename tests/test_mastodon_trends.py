"""Trends through Mastodon.py: `trending_tags` (the last day's hashtags in your network, Tags with
a `history` entry) and `trending_statuses` (Explore's posts), with Mastodon ids."""

from __future__ import annotations

from tests.fixtures.factories import Factory
from tests.test_mastodon import as_user, mid


def test_trending_tags_and_statuses(url: str, factory: Factory) -> None:
    ada, bob, eve = factory.user("ada"), factory.user("bob"), factory.user("eve")
    ada_client, bob_client, eve_client = as_user(url, ada), as_user(url, bob), as_user(url, eve)
    ada_client.account_follow(mid(bob))
    bob_client.status_post("sunny #sun")
    bob_client.status_post("again #sun #sea")
    eves = eve_client.status_post("from outside ada's follows")
    bob_client.status_favourite(eves.id)

    [sun, sea] = ada_client.trending_tags()
    assert (sun.name, sun.history[0].uses, sun.history[0].accounts) == ("sun", "2", "1")
    assert sea.name == "sea"

    [trending] = ada_client.trending_statuses()
    assert trending.id == eves.id
    assert trending.account.id == mid(eve)
    # Muted: gone from trends at once (the kept list is re-checked on every read).
    ada_client.account_mute(mid(eve))
    assert ada_client.trending_statuses() == []
