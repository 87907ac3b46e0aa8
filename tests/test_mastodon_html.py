"""The HTML the Mastodon surface writes for captions, comments and bios (`content`, `note`), read
back through an unmodified Mastodon.py over HTTP: text escaped once, as Mastodon escapes it,
#tags and @mentions linked from the raw text (an apostrophe is `&#39;`, never a `#x27` tag)."""

from __future__ import annotations

from typing import Any

from mastodon import Mastodon

from tests.fixtures.factories import Factory


def as_user(url: str, user: dict[str, Any]) -> Mastodon:
    return Mastodon(api_base_url=url, access_token=user["token"], ratelimit_method="throw")


def tag(url: str, name: str, shown: str | None = None) -> str:
    return (
        f'<a href="{url}/tags/{name}" class="mention hashtag" rel="tag">'
        f"#<span>{shown or name}</span></a>"
    )


def mention(url: str, name: str) -> str:
    return (
        f'<span class="h-card"><a href="{url}/web/u/{name}" class="u-url mention">'
        f"@<span>{name}</span></a></span>"
    )


def test_caption_with_apostrophes_ampersands_quotes_and_brackets(
    url: str, factory: Factory
) -> None:
    ada, _ = factory.user("ada"), factory.user("grace")
    client = as_user(url, ada)
    text = "It's <b>Grace's</b> \"bug\" & Tom's fix #Moth's @grace's\nline 2 a@b.c #x27 &amp;"
    posted = client.status_post(text)
    expected = (
        "<p>It&#39;s &lt;b&gt;Grace&#39;s&lt;/b&gt; &quot;bug&quot; &amp; Tom&#39;s fix "
        f"{tag(url, 'moth', 'Moth')}&#39;s {mention(url, 'grace')}&#39;s<br />"
        f"line 2 a@b.c {tag(url, 'x27')} &amp;amp;</p>"
    )
    assert posted.content == expected
    assert client.status(posted.id).content == expected
    # Only the tags that were written: no `x27` out of an escaped apostrophe.
    assert sorted(t.name for t in client.status(posted.id).tags) == ["moth", "x27"]
    [timeline] = [s for s in client.timeline_home() if s.id == posted.id]
    assert timeline.content == expected


def test_plain_apostrophe_is_never_a_hashtag(url: str, factory: Factory) -> None:
    ada = factory.user("ada")
    client = as_user(url, ada)
    posted = client.status_post("it's fine, isn't it?")
    assert posted.content == "<p>it&#39;s fine, isn&#39;t it?</p>"
    assert posted.tags == []
    assert "x27" not in client.status(posted.id).content


def test_comment_html_reads_back_escaped_once(url: str, factory: Factory) -> None:
    ada, grace = factory.user("ada"), factory.user("grace")
    post = factory.post(grace, "A post")
    text = "@grace that's <script>alert('x')</script> & \"more\" #Q&A"
    reply = as_user(url, ada).status_post(text, in_reply_to_id=post["id"])
    expected = (
        f"<p>{mention(url, 'grace')} that&#39;s &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; "
        f"&amp; &quot;more&quot; {tag(url, 'q', 'Q')}&amp;A</p>"
    )
    assert reply.content == expected
    [read] = as_user(url, grace).status_context(post["id"]).descendants
    assert read.content == expected
    assert as_user(url, grace).status(reply.id).content == expected


def test_bio_note_is_escaped_once_and_source_keeps_the_text(url: str, factory: Factory) -> None:
    ada, grace = factory.user("ada"), factory.user("grace")
    bio = "Ada's <em>notes</em> & \"bugs\"\n\n#Rock'n'roll with @ada's cat"
    me = as_user(url, ada).account_update_credentials(note=bio)
    expected = (
        "<p>Ada&#39;s &lt;em&gt;notes&lt;/em&gt; &amp; &quot;bugs&quot;</p>"
        f"<p>{tag(url, 'rock', 'Rock')}&#39;n&#39;roll with {mention(url, 'ada')}&#39;s cat</p>"
    )
    assert me.note == expected
    assert me.source.note == bio
    assert as_user(url, grace).account(ada["id"]).note == expected
    assert as_user(url, ada).account_verify_credentials().note == expected
