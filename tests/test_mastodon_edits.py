"""The Mastodon surface's status edits (history, source) and bookmarks, through Mastodon.py."""

from __future__ import annotations

import pytest
import requests
from mastodon import MastodonAPIError, MastodonNotFoundError

from tests.fixtures.factories import Factory
from tests.fixtures.media_files import picture
from tests.test_mastodon import as_user, mid


def test_status_update_history_and_source(url: str, factory: Factory) -> None:
    ada, grace, eve = factory.user("ada"), factory.user("grace"), factory.user("eve")
    client = as_user(url, ada)
    media = client.media_post(picture("PNG", 64, 64), mime_type="image/png", description="old")
    status = client.status_post("Frist #typo", media_ids=[media])
    assert status.edited_at is None
    edited = client.status_update(
        status.id,
        "First #fixed @grace",
        media_attributes=[client.generate_media_edit_attributes(media.id, description="new")],
    )
    assert edited.id == status.id
    assert edited.edited_at is not None
    assert [t.name for t in edited.tags] == ["fixed"]
    assert [m.acct for m in edited.mentions] == ["grace"]
    assert edited.media_attachments[0].description == "new"
    # another reader sees the new text, and the history oldest first
    assert as_user(url, grace).status(status.id).content == edited.content
    history = as_user(url, grace).status_history(status.id)
    assert [h.content for h in history] == [status.content, edited.content]
    assert [h.media_attachments[0].description for h in history] == ["old", "new"]
    assert history[0].created_at == status.created_at
    assert history[1].created_at == edited.edited_at
    assert history[0].account.id == mid(ada)
    source = client.status_source(status.id)
    assert (source.id, source.text, source.spoiler_text) == (status.id, "First #fixed @grace", "")
    # the mention added by the edit notifies
    [note] = as_user(url, grace).notifications()
    assert (note.type, note.status.id) == ("mention", status.id)
    # not the author: 404, and nothing changed
    with pytest.raises(MastodonNotFoundError):
        as_user(url, eve).status_update(status.id, "mine now")
    with pytest.raises(MastodonAPIError) as refused:
        client.status_update(status.id, "x", spoiler_text="cw")
    assert refused.value.args[1] == 422
    assert len(client.status_history(status.id)) == 2


def test_history_of_a_status_follows_blocks_and_privacy(url: str, factory: Factory) -> None:
    ada, eve = factory.user("ada", private=True), factory.user("eve")
    status = as_user(url, ada).status_post("for followers")
    as_user(url, ada).status_update(status.id, "for followers, edited")
    for path in ("history", "source"):
        gone = requests.get(f"{url}/api/v1/statuses/{status.id}/{path}", headers=eve["headers"])
        assert gone.status_code == 404
        assert gone.json() == {"error": "Record not found"}


def test_bookmarks_with_fetch_next_and_bookmarked(url: str, factory: Factory) -> None:
    ada, grace, eve = factory.user("ada"), factory.user("grace"), factory.user("eve")
    factory.follow(grace, ada)
    client = as_user(url, grace)
    statuses = [as_user(url, ada).status_post(f"note {i}") for i in range(4)]
    for status in (statuses[1], statuses[3], statuses[0], statuses[2]):
        marked = client.status_bookmark(status.id)
        assert marked.bookmarked is True
    assert client.status_bookmark(statuses[2].id).bookmarked is True  # idempotent
    first = client.bookmarks(limit=3)
    assert [s.id for s in first] == [statuses[i].id for i in (2, 0, 3)]
    assert all(s.bookmarked for s in first)
    rest = client.fetch_next(first)
    assert rest is not None
    assert [s.id for s in rest] == [statuses[1].id]
    # private to the bookmarker
    assert as_user(url, ada).status(statuses[2].id).bookmarked is False
    assert as_user(url, ada).bookmarks() == []
    assert client.status(statuses[2].id).bookmarked is True
    as_user(url, ada).status_post("not bookmarked")
    home = client.timeline_home()
    assert [s.bookmarked for s in home] == [False, True, True, True, True]
    unmarked = client.status_unbookmark(statuses[2].id)
    assert unmarked.bookmarked is False
    assert [s.id for s in client.bookmarks()] == [statuses[i].id for i in (0, 3, 1)]
    # a block drops them out; a reply cannot be bookmarked; a hidden status is 404
    as_user(url, ada).account_block(grace["id"])
    assert client.bookmarks() == []
    reply = as_user(url, eve).status_post("mine", visibility="public")
    comment = as_user(url, eve).status_post("a reply", in_reply_to_id=reply.id)
    with pytest.raises(MastodonAPIError) as refused:
        as_user(url, eve).status_bookmark(comment.id)
    assert refused.value.args[1] == 422
    with pytest.raises(MastodonNotFoundError):
        client.status_bookmark(statuses[0].id)
