"""Ids Mastodon apps can order (api/mastodon/ids.py): decimal strings whose numeric order is time
order, one-to-one with the graph's ULIDs, accepted in every path, cursor and body field."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from fastapi.routing import APIRoute
from mastodon import MastodonNotFoundError

from api.mastodon import (
    accounts,
    instance,
    media,
    notifications,
    oauth,
    search,
    statuses,
    timelines,
)
from api.mastodon.ids import MastodonRoute, from_mastodon, to_mastodon
from graphgram.ids import new_id
from tests.fixtures.factories import Factory
from tests.fixtures.media_files import picture
from tests.test_mastodon import as_user, mid

DIGITS = re.compile(r"[0-9]+")


def test_the_mapping_is_ordered_and_one_to_one() -> None:
    ids = sorted(new_id() for _ in range(200))
    decimal = [to_mastodon(i) for i in ids]
    assert all(DIGITS.fullmatch(d) for d in decimal)
    assert [int(d) for d in decimal] == sorted(int(d) for d in decimal)  # time order kept
    assert len(set(decimal)) == len(ids)
    assert [from_mastodon(d) for d in decimal] == ids
    assert to_mastodon("-99") == "-99"  # not a ULID: as it is
    assert from_mastodon(ids[0]) == ids[0]  # a ULID still finds its record
    assert from_mastodon(str(2**128)) == str(2**128)  # out of range: finds nothing


def test_every_mastodon_route_converts_ids() -> None:
    """Every route of the Mastodon routers is a MastodonRoute (ids in and out); the OAuth router,
    which is not, takes no id in its paths."""
    for module in (accounts, instance, media, notifications, search, statuses, timelines):
        for route in module.router.routes:
            assert isinstance(route, MastodonRoute), (module.__name__, route)
    for route in oauth.router.routes:
        assert isinstance(route, APIRoute)
        assert "{" not in route.path, route.path


def test_statuses_sort_by_id_and_page_with_fetch_next(url: str, factory: Factory) -> None:
    ada, grace = factory.user("ada"), factory.user("grace")
    factory.follow(grace, ada)
    client = as_user(url, grace)
    posted = [as_user(url, ada).status_post(f"number {i}") for i in range(5)]
    home = client.timeline_home()
    assert [s.id for s in home] == [s.id for s in reversed(posted)]
    # Mastodon.py compares ids as numbers: sorting and max() work, and order is time order
    assert sorted(home, key=lambda s: s.id) == list(reversed(home))
    assert max(s.id for s in home) == posted[-1].id
    assert all(DIGITS.fullmatch(str(s.id)) for s in home)
    # stable: the same post has the same id on every read and every route
    assert client.status(posted[0].id).id == posted[0].id
    assert str(posted[0].id) == to_mastodon(from_mastodon(str(posted[0].id)))
    # cursors: fetch_next (max_id from the Link header), fetch_previous (min_id), since_id
    first = client.timeline_home(limit=2)
    assert [s.id for s in first] == [posted[4].id, posted[3].id]
    second = client.fetch_next(first)
    assert second is not None
    assert [s.id for s in second] == [posted[2].id, posted[1].id]
    newer = client.fetch_previous(second)
    assert newer is not None
    assert [s.id for s in newer] == [posted[4].id, posted[3].id]
    assert [s.id for s in client.timeline_home(since_id=posted[2].id)] == [
        posted[4].id,
        posted[3].id,
    ]
    assert [s.id for s in client.timeline_home(max_id=posted[1].id)] == [posted[0].id]
    link = requests.get(
        f"{url}/api/v1/timelines/home", params={"limit": 2}, headers=grace["headers"]
    ).headers["link"]
    cursors = re.findall(r"(?:max_id|min_id)=([^&>]+)", link)
    assert cursors == [str(posted[3].id), str(posted[4].id)]
    # a newest id seen, as apps keep it, is comparable with every other
    assert client.timeline_home(min_id=max(s.id for s in home)) == []


def test_a_round_trip_through_every_route_that_takes_an_id(url: str, factory: Factory) -> None:
    ada, grace, carol = factory.user("ada"), factory.user("grace"), factory.user("carol")
    a, g = as_user(url, ada), as_user(url, grace)
    ada_id = mid(ada)
    # accounts: read, lists, relationships, follow, block, requests
    assert a.account(ada_id).id == ada_id
    assert g.account_follow(ada_id).id == ada_id
    assert [x.id for x in a.account_followers(ada_id)] == [mid(grace)]
    assert [x.id for x in g.account_following(mid(grace))] == [ada_id]
    assert [r.id for r in g.account_relationships([ada_id])] == [ada_id]
    assert g.account_unfollow(ada_id).following is False
    assert g.account_block(mid(carol)).blocking is True
    assert [x.id for x in g.blocks()] == [mid(carol)]
    assert g.account_unblock(mid(carol)).blocking is False
    requests.patch(f"{url}/me", json={"private": True}, headers=carol["headers"])
    g.account_follow(mid(carol))
    c = as_user(url, carol)
    assert [x.id for x in c.follow_requests()] == [mid(grace)]
    assert c.follow_request_authorize(mid(grace)).followed_by is True
    a.account_follow(mid(carol))
    assert c.follow_request_reject(ada_id).followed_by is False
    # media: upload, read, describe; statuses with media_ids, in_reply_to_id, media_attributes
    upload = a.media_post(picture("PNG", 32, 32), mime_type="image/png")
    assert DIGITS.fullmatch(str(upload.id))
    assert a.media(upload.id).id == upload.id
    assert a.media_update(upload.id, description="alt").description == "alt"
    status = a.status_post("hello @grace #ids", media_ids=[upload.id])
    assert status.media_attachments[0].id == upload.id
    assert [m.id for m in status.mentions] == [mid(grace)]
    assert [s.id for s in a.account_statuses(ada_id)] == [status.id]
    reply = g.status_post("hi back", in_reply_to_id=status.id)
    assert reply.in_reply_to_id == status.id
    assert reply.in_reply_to_account_id == ada_id
    assert [s.id for s in g.status_context(reply.id).ancestors] == [status.id]
    assert [s.id for s in a.status_context(status.id).descendants] == [reply.id]
    assert g.status_favourite(status.id).favourited is True
    assert [x.id for x in a.status_favourited_by(status.id)] == [mid(grace)]
    assert g.status_reblogged_by(status.id) == []
    assert g.status_unfavourite(status.id).favourited is False
    assert g.status_bookmark(status.id).bookmarked is True
    assert [s.id for s in g.bookmarks()] == [status.id]
    assert g.status_unbookmark(status.id).bookmarked is False
    edited = a.status_update(
        status.id,
        "hello again",
        media_attributes=[a.generate_media_edit_attributes(upload.id, description="new alt")],
    )
    assert edited.media_attachments[0].description == "new alt"
    assert len(g.status_history(status.id)) == 2
    assert a.status_source(status.id).id == status.id
    # notifications carry Mastodon ids, and the account filter takes one
    notes = a.notifications()
    assert all(DIGITS.fullmatch(str(n.id)) for n in notes)
    assert {str(n.account.id) for n in notes} == {mid(grace)}
    filtered = requests.get(
        f"{url}/api/v1/notifications", params={"account_id": mid(grace)}, headers=ada["headers"]
    )
    assert {n["account"]["id"] for n in filtered.json()} == {mid(grace)}
    # delete a reply and a status by their Mastodon ids
    assert g.status_delete(reply.id).id == reply.id
    assert a.status_delete(status.id).id == status.id
    with pytest.raises(MastodonNotFoundError):
        a.status(status.id)


def test_an_id_that_is_no_record_is_404(url: str, factory: Factory) -> None:
    ada = factory.user("ada")
    for value in (str(2**128 + 5), "123", "1" * 39):
        response = requests.get(f"{url}/api/v1/statuses/{value}", headers=ada["headers"])
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}
    page: Any = requests.get(
        f"{url}/api/v1/timelines/home", params={"max_id": "garbage"}, headers=ada["headers"]
    )
    assert page.status_code == 200
