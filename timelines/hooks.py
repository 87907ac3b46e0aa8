"""What each write does to the derived state in Redis, called by the API after Neo4j commits.

Removals are done before the response, so the viewer sees them at once: unfollow and block take
the other account's posts out of the timeline (both ways for a block; a mute takes the muted
account's out of the muter's only), leaving an audience (taken off someone's close friends, a
mutual follow undone) takes the posts for it out, a deleted post leaves its
author's lists and the in-flight set, and its cached view is invalidated. A follow adds the
followed account's recent posts. Turning private changes nothing here: a timeline only holds
accounts one follows, and followers keep seeing a private account. The read path filters
deleted posts and blocked authors too, so a hook that raced a rebuild cannot show what the
graph forbids for long.

Each hook a router calls is `repair.tolerant`: it runs after its write committed, so when Redis
(or a read the hook makes) fails, the request still succeeds and a durable repair marker is
recorded instead (timelines/repair.py); the derived state is then rebuilt from the graph.
"""

from __future__ import annotations

from backends import Backends
from graph import timelines as tl_graph
from timelines import fanout, store, views
from timelines.repair import tolerant
from timelines.store import Keys


def keys(backends: Backends) -> Keys:
    return Keys(backends.settings.timeline_namespace)


@tolerant
async def post_created(
    backends: Backends, post_id: str, author_id: str, *, everyone: bool = True
) -> None:
    """Readers see the post at once (in-flight), the author's lists take it, the worker fans
    it out to followers. A post for a narrower audience than everyone (`everyone` false) stays
    out of the author's list, which every follower merges: fan-out pushes it to the followers
    in its audience, and readers take it from the in-flight set only when they are in it."""
    k = keys(backends)
    cap = backends.settings.timeline_cap
    await store.mark_in_flight(backends.redis, k, post_id, author_id)
    if everyone:
        await store.add(backends.redis, [k.home(author_id), k.author(author_id)], [post_id], cap)
        await author_changed(backends, author_id, f"+{post_id}")
    else:
        await store.add(backends.redis, [k.home(author_id)], [post_id], cap)
    await fanout.enqueue(backends, "post", post_id, author_id)


async def author_changed(backends: Backends, author_id: str, version: str) -> None:
    """After the author's list changed: a new version, so no kept celebrity merge made before
    the change is used again. Only a version that exists is replaced; one that is missing is
    minted by the next reader, and no kept merge names a missing version."""
    await backends.redis.set(
        keys(backends).author_version(author_id), version, xx=True, keepttl=True
    )


@tolerant
async def post_deleted(backends: Backends, post_id: str, author_id: str) -> None:
    k = keys(backends)
    await store.remove(
        backends.redis, [k.inflight, k.home(author_id), k.author(author_id)], [post_id]
    )
    await author_changed(backends, author_id, f"-{post_id}")
    await views.invalidate_posts(backends, [post_id])
    await fanout.enqueue(backends, "delete", post_id, author_id)


@tolerant
async def followed(backends: Backends, follower_id: str, followed_id: str) -> None:
    """`follower_id` now follows `followed_id`: their recent posts join the timeline."""
    if follower_id == followed_id:
        return
    await follows_changed(backends, follower_id)
    if followed_id not in await tl_graph.followed_authors(
        backends.graph, follower_id, [followed_id]
    ):
        return  # muted (their posts stay out until the mute ends), or no longer followed
    k = keys(backends)
    redis = backends.redis
    settings = backends.settings
    cap = settings.timeline_cap
    coverage = store.Coverage.of(await redis.zrange(k.home(follower_id), 0, 0))
    if not coverage.exists:
        return  # rebuilt from the graph when next read
    # Everything from the timeline's floor up must be there: the account's posts since then
    # that the follower's feed shows (a post for a narrower audience only if they are in it).
    ids = await tl_graph.author_post_ids_for(
        backends.graph, follower_id, followed_id, limit=cap, since=coverage.floor
    )
    exact_from = ids[-1] if len(ids) >= cap else ""
    await store.add(redis, [k.home(follower_id)], ids, cap, exact_from=exact_from)
    target = await tl_graph.fanout_target(backends.graph, followed_id, "")
    celebrity = await redis.sismember(k.celebrities, followed_id) or (
        target is not None and target.followers > settings.timeline_celebrity_followers
    )
    if celebrity and await redis.exists(k.celebs(follower_id)):
        await redis.sadd(k.celebs(follower_id), followed_id)


async def follows_changed(backends: Backends, user_id: str) -> None:
    """Whom `user_id` follows changed: a timeline build or a follows load that read the graph
    before the change is thrown away (the generation moves), and the loaded follows go."""
    k = keys(backends)
    async with backends.redis.pipeline(transaction=False) as pipe:
        pipe.incr(k.generation(user_id))
        pipe.delete(k.follows(user_id))
        await pipe.execute()


@tolerant
async def unfollowed(backends: Backends, follower_id: str, followed_id: str) -> None:
    """`follower_id` no longer follows `followed_id`: their posts leave the timeline."""
    if follower_id == followed_id:
        return
    k = keys(backends)
    redis = backends.redis
    await follows_changed(backends, follower_id)
    await redis.srem(k.celebs(follower_id), followed_id)
    held = [str(m) for m in await redis.zrange(k.home(follower_id), 1, -1)]
    theirs = await tl_graph.posts_by_author(backends.graph, followed_id, held)
    await store.remove(redis, [k.home(follower_id)], theirs)


@tolerant
async def audience_joined(backends: Backends, viewer_id: str, author_id: str) -> None:
    """The viewer joined an audience of the author's (made a close friend, or a mutual follow
    when the author followed them back): if the viewer follows the author, the posts for it
    join the timeline, as after a follow."""
    await followed(backends, viewer_id, author_id)


@tolerant
async def audience_left(backends: Backends, viewer_id: str, author_id: str) -> None:
    """The viewer left an audience of the author's (taken off the close friends, or no longer a
    mutual follow): the author's posts for it leave the viewer's timeline at once."""
    if viewer_id == author_id:
        return
    k = keys(backends)
    redis = backends.redis
    await redis.incr(k.generation(viewer_id))
    held = [str(m) for m in await redis.zrange(k.home(viewer_id), 1, -1)]
    hidden = await tl_graph.feed_hidden(backends.graph, viewer_id, author_id, held)
    await store.remove(redis, [k.home(viewer_id)], hidden)


@tolerant
async def blocked(backends: Backends, blocker_id: str, blocked_id: str) -> None:
    """A block drops follows both ways: each leaves the other's timeline."""
    await unfollowed(backends, blocker_id, blocked_id)
    await unfollowed(backends, blocked_id, blocker_id)
    await block_changed(backends, blocker_id, blocked_id)


@tolerant
async def muted(backends: Backends, viewer_id: str, author_id: str) -> None:
    """The viewer mutes the author: their posts leave the viewer's timeline and celebrity merge
    (new ones are not pushed: timelines/fanout.py). The mute set is loaded again from the graph
    by the next read, with this mute's end."""
    await unfollowed(backends, viewer_id, author_id)
    await backends.redis.delete(keys(backends).mutes(viewer_id))


@tolerant
async def mute_ended(backends: Backends, viewer_id: str, author_id: str) -> None:
    """The viewer unmuted the author, or the mute's time is up: if the viewer follows them,
    their posts come back as after a follow."""
    await backends.redis.zrem(keys(backends).mutes(viewer_id), author_id)
    if author_id in await tl_graph.followed_authors(backends.graph, viewer_id, [author_id]):
        await followed(backends, viewer_id, author_id)


@tolerant
async def unmuted(backends: Backends, viewer_id: str, author_id: str) -> None:
    await mute_ended(backends, viewer_id, author_id)
    await backends.redis.delete(keys(backends).mutes(viewer_id))


@tolerant
async def block_changed(backends: Backends, one_id: str, other_id: str) -> None:
    k = keys(backends)
    await backends.redis.delete(k.blocks(one_id), k.blocks(other_id))


async def requesters(backends: Backends, user_id: str) -> list[str]:
    """Read before an account turns public: who will follow it once it has."""
    return await tl_graph.requester_ids(backends.graph, user_id)


@tolerant
async def became_public(backends: Backends, user_id: str, requester_ids: list[str]) -> None:
    """Pending requests were accepted: each requester now follows (and the account, if it
    follows a requester back, now has a mutual follow with them)."""
    for requester_id in requester_ids:
        await followed(backends, requester_id, user_id)
        await audience_joined(backends, user_id, requester_id)


@tolerant
async def liked(backends: Backends, viewer_id: str, post_id: str) -> None:
    k = keys(backends)
    await views.invalidate_posts(backends, [post_id])
    await store.add(backends.redis, [k.liked(viewer_id)], [post_id], views.LIKED_CAP)


@tolerant
async def unliked(backends: Backends, viewer_id: str, post_id: str) -> None:
    k = keys(backends)
    await views.invalidate_posts(backends, [post_id])
    await backends.redis.incr(k.liked_generation(viewer_id))
    await backends.redis.zrem(k.liked(viewer_id), post_id)


@tolerant
async def saved(backends: Backends, viewer_id: str, post_id: str) -> None:
    """The viewer saved a post: into their saved window (`saved` in their pages), if it exists."""
    k = keys(backends)
    await store.add(backends.redis, [k.saved(viewer_id)], [post_id], views.SAVED_CAP)


@tolerant
async def unsaved(backends: Backends, viewer_id: str, post_id: str) -> None:
    k = keys(backends)
    await backends.redis.incr(k.saved_generation(viewer_id))
    await backends.redis.zrem(k.saved(viewer_id), post_id)


@tolerant
async def commented(backends: Backends, post_id: str) -> None:
    """A comment was added or deleted: the post's comment count changed."""
    await views.invalidate_posts(backends, [post_id])


@tolerant
async def post_edited(backends: Backends, post_id: str) -> None:
    """A post's caption, alt texts, hashtags or mentions changed: its cached view and fast-page
    fragment go, so every feed and page shows the new version at once."""
    await views.invalidate_posts(backends, [post_id])


@tolerant
async def profile_changed(backends: Backends, user_id: str) -> None:
    await views.invalidate_user(backends, user_id)


async def account_footprint(backends: Backends, user_id: str) -> set[str]:
    """Read before an account is deleted: the posts whose cached views it touches."""
    return await tl_graph.footprint(backends.graph, user_id)


@tolerant
async def account_deleted(backends: Backends, user_id: str, footprint: set[str]) -> None:
    k = keys(backends)
    await views.invalidate_posts(backends, footprint)
    await views.invalidate_user(backends, user_id)
    await store.remove(backends.redis, [k.inflight], sorted(footprint))
    await backends.redis.delete(
        k.home(user_id),
        k.celebs(user_id),
        k.liked(user_id),
        k.saved(user_id),
        k.blocks(user_id),
        k.mutes(user_id),
        k.follows(user_id),
        k.author(user_id),
        k.author_version(user_id),
        k.celebrity_merge(user_id),
    )
    await backends.redis.srem(k.celebrities, user_id)


@tolerant
async def account_visibility_changed(backends: Backends, user_id: str, footprint: set[str]) -> None:
    """An account was suspended or unsuspended (docs/moderation.md): every cached view and
    fast-page fragment it touches goes, and its author list is made again from the graph, whose
    read statements hide a suspended author. Followers' timelines keep the post ids: the read
    path drops them while the author is suspended and shows them again after."""
    k = keys(backends)
    await views.invalidate_posts(backends, footprint)
    await views.invalidate_user(backends, user_id)
    await backends.redis.delete(
        k.author(user_id), k.author_version(user_id), k.celebrity_merge(user_id)
    )
