"""Mutes through Mastodon.py: `account_mute` (with `duration` and `notifications`),
`account_unmute`, `mutes` with Link cursors, and `muting` / `muting_notifications` in the
Relationship; the muted account is told nothing."""

from __future__ import annotations

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from tests.fixtures.factories import Factory
from tests.test_mastodon import as_user, mid


def test_account_mute_hides_posts_and_notifications_and_tells_them_nothing(
    url: str, factory: Factory
) -> None:
    ada, grace = factory.user("ada"), factory.user("grace")
    ada_client, grace_client = as_user(url, ada), as_user(url, grace)
    ada_client.account_follow(mid(grace))
    before = grace_client.status_post("before the mute")
    assert before.id in [s.id for s in ada_client.timeline_home()]

    rel = ada_client.account_mute(mid(grace))
    assert rel.muting
    assert rel.muting_notifications
    assert rel.following  # a mute is not an unfollow
    assert before.id not in [s.id for s in ada_client.timeline_home()]
    during = grace_client.status_post("during the mute")
    assert during.id not in [s.id for s in ada_client.timeline_home()]
    # Her favourite of ada's post notifies nobody while muted.
    mine = ada_client.status_post("by ada")
    grace_client.status_favourite(mine.id)
    assert [n for n in ada_client.notifications() if n.account.id == mid(grace)] == []
    # Grace is told nothing and still sees ada.
    [theirs] = grace_client.account_relationships([mid(ada)])
    assert not theirs.muting
    assert not theirs.blocked_by
    assert mine.id in [s.id for s in grace_client.account_statuses(mid(ada))]
    assert [a.id for a in ada_client.mutes()] == [mid(grace)]

    rel = ada_client.account_unmute(mid(grace))
    assert not rel.muting
    home = [s.id for s in ada_client.timeline_home()]
    assert before.id in home
    assert during.id in home
    assert ada_client.mutes() == []
    assert [n.type for n in ada_client.notifications() if n.account.id == mid(grace)] == [
        "favourite"
    ]


def test_mute_without_notifications_and_for_a_duration(url: str, factory: Factory) -> None:
    ada, grace = factory.user("ada"), factory.user("grace")
    client = as_user(url, ada)
    rel = client.account_mute(mid(grace), notifications=False, duration=3600)
    assert rel.muting
    assert not rel.muting_notifications
    [muted] = client.mutes()
    assert muted.mute_expires_at is not None
    # Muting again replaces the terms: now forever.
    client.account_mute(mid(grace))
    [muted] = client.mutes()
    assert muted.mute_expires_at is None


def test_mutes_pages_with_link_cursors(url: str, factory: Factory) -> None:
    ada = factory.user("ada")
    others = [factory.user(f"muted{i}") for i in range(3)]
    client = as_user(url, ada)
    for other in others:
        client.account_mute(mid(other))
    page = client.mutes(limit=2)
    seen = [a.id for a in page]
    while (page := client.fetch_next(page)) is not None:
        seen += [a.id for a in page]
    assert seen == [mid(o) for o in reversed(others)]


def test_bad_mutes_are_refused_in_mastodon_shape(url: str, factory: Factory) -> None:
    ada, grace = factory.user("ada"), factory.user("grace")
    client = as_user(url, ada)
    with pytest.raises(MastodonAPIError) as refused:
        client.account_mute(mid(grace), duration=-1)
    assert "Validation failed" in str(refused.value)
    with pytest.raises(MastodonNotFoundError):
        client.account_mute("12345")
    as_user(url, grace).account_block(mid(ada))
    with pytest.raises(MastodonNotFoundError):
        client.account_mute(mid(grace))
    assert client.mutes() == []
