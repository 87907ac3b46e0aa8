"""Every Redis key name Graphgram uses, in one place, shaped for Redis Cluster.

A cluster puts each key in one of 16384 slots by a hash of its name, or of the part of its name
inside the first `{...}` (its hash tag), and a script or a multi-key command may only touch keys
of one slot. So every key that belongs to a user carries that user as its tag, `{u:<id>}`: a
viewer's home timeline, celebrity set, block and mute sets, liked and saved windows, kept
celebrity merge and their generation keys share one slot, and one script may handle them
together; an author's list and its version share the author's. A post's cached view and
fragment carry `{p:<post>}`.
Keys that belong to nobody (the in-flight set, the celebrity set, the fan-out shards, queues)
are single keys, each touched alone. On one Redis server the tags change nothing but the names.

Scripts take every key from `KEYS` (tests/test_lua_catalog.py); a page that needs keys of several
owners runs a script on the viewer's slot and reads the rest with a pipeline
(timelines/fastpage.py, docs/redis-scripts.md).

A key added elsewhere is added here, so branches that add keys merge line by line.
"""

from __future__ import annotations

from dataclasses import dataclass

# The kinds of hash tag: `{u:<user>}`, `{p:<post>}`, `{fanout:<shard>}`.
USER_TAG, POST_TAG, FANOUT_TAG = "u", "p", "fanout"
TAG_KINDS = (USER_TAG, POST_TAG, FANOUT_TAG)


def _tag(kind: str, value: str) -> str:
    return f"{{{kind}:{value}}}"


def user_tag(user_id: str) -> str:
    return _tag(USER_TAG, user_id)


def post_tag(post_id: str) -> str:
    return _tag(POST_TAG, post_id)


@dataclass(frozen=True)
class Keys:
    """The timeline structures, under one namespace (settings.timeline_namespace)."""

    ns: str

    def _user(self, user_id: str, what: str) -> str:
        return f"{self.ns}:{user_tag(user_id)}:{what}"

    def home(self, user_id: str) -> str:
        return self._user(user_id, "home")

    def celebs(self, user_id: str) -> str:
        """The accounts a user follows whose posts are merged at read time (a set + sentinel)."""
        return self._user(user_id, "celebs")

    def generation(self, user_id: str) -> str:
        """Bumped whenever a user's follow set changes; a rebuild that raced it is dropped."""
        return self._user(user_id, "gen")

    def follows(self, user_id: str) -> str:
        """The accounts a user follows (each as `timelines.fastpage.follow_tag`, and a sentinel),
        loaded from the graph when a page meets a post still in fan-out; dropped by every follow
        change."""
        return self._user(user_id, "follows")

    def author(self, user_id: str) -> str:
        return self._user(user_id, "author")

    def author_generation(self, user_id: str) -> str:
        """An author list's generation: never bumped (an author list is made from the author's
        own posts, kept current by the hooks); it is there so builds go through the same
        scripts as the other windows, in the author's slot."""
        return self._user(user_id, "gen-author")

    def author_version(self, user_id: str) -> str:
        """Replaced whenever the author's posts change: a kept celebrity merge that names an
        older version is made again (timelines/fastpage.py)."""
        return self._user(user_id, "av")

    def celebrity_merge(self, user_id: str) -> str:
        """The viewer's kept merge of their celebrities' newest posts (timelines/fastpage.py)."""
        return self._user(user_id, "cm")

    def liked(self, user_id: str) -> str:
        return self._user(user_id, "liked")

    def liked_generation(self, user_id: str) -> str:
        return self._user(user_id, "gen-liked")

    def saved(self, user_id: str) -> str:
        """The viewer's saved posts, as a window of post ids like the liked window."""
        return self._user(user_id, "saved")

    def saved_generation(self, user_id: str) -> str:
        return self._user(user_id, "gen-saved")

    def blocks(self, user_id: str) -> str:
        """Everyone in a block with the user, either direction (a set + sentinel)."""
        return self._user(user_id, "blocks")

    def mutes(self, user_id: str) -> str:
        """The accounts a user mutes, each scored by when its mute ends (epoch ms, `inf`: never),
        with a sentinel (`!`, score -1) that says the set is complete (timelines/views.py)."""
        return self._user(user_id, "mutes")

    def view(self, post_id: str) -> str:
        return f"{self.ns}:{post_tag(post_id)}:pv"

    def fragment(self, post_id: str) -> str:
        """A post's rendered view (timelines/fastpage.py): its compact JSON without `liked` and
        the closing brace, signed URLs included (`views.fragment`)."""
        return f"{self.ns}:{post_tag(post_id)}:pf"

    def user_views(self, user_id: str) -> str:
        """The posts whose cached view carries this user's name."""
        return self._user(user_id, "pvby")

    def user_changed(self, user_id: str) -> str:
        """When this user's profile last changed (a fill that read before it is dropped)."""
        return self._user(user_id, "pu-changed")

    @property
    def celebrities(self) -> str:
        """Authors known to be above the follower threshold (sticky until they post below it)."""
        return f"{self.ns}:celebrities"

    @property
    def inflight(self) -> str:
        """Posts whose fan-out has not finished: readers merge them, so a post is never missing."""
        return f"{self.ns}:inflight"

    def inflight_author(self, post_id: str) -> str:
        """The author of a post in fan-out, set before the post joins the in-flight set and kept
        for an hour: a page checks it against the viewer's follows (timelines/fastpage.py)."""
        return f"{self.ns}:{post_tag(post_id)}:ia"

    def stream(self, shard: int) -> str:
        """One shard of the fan-out stream (timelines/fanout.py): a post goes to its author's."""
        return f"{self.ns}:{_tag(FANOUT_TAG, str(shard))}"

    def is_stream(self, key: str) -> bool:
        """Whether `key` is a fan-out shard (of any shard count: queued work is kept)."""
        return key.startswith(f"{self.ns}:{{{FANOUT_TAG}:")

    @property
    def epoch(self) -> str:
        """Moved by every repair (timelines/repair.py): a build started before one is dropped.
        Outside `<ns>:*`, so the repair's own drop keeps it."""
        return f"{self.ns}-epoch"


def session(sid: str) -> str:
    """A cached session (wire/sessions.py), by its id."""
    return f"session:{sid}"


SESSION_PATTERN = session("*")


def rate_limit(counter: str) -> str:
    return f"ratelimit:{counter}"


RATE_LIMIT_PATTERN = rate_limit("*")


def idempotency(namespace: str, user_id: str, digest: str) -> str:
    """An Idempotency-Key's record, per route family and account."""
    return f"{namespace}:{user_tag(user_id)}:{digest}"


def suggestions(viewer_id: str) -> str:
    return f"suggestions:{user_tag(viewer_id)}"


POPULAR_SUGGESTIONS = "suggestions:popular"
"""The sample of popular accounts that suggestions fall back on (api/discovery/suggestions.py)."""


def explore(viewer_id: str) -> str:
    """A viewer's precomputed Explore list (api/discovery/explore.py)."""
    return f"explore:{user_tag(viewer_id)}"


def explore_tags(viewer_id: str) -> str:
    """A viewer's precomputed trending hashtags (api/discovery/explore.py)."""
    return f"explore-tags:{user_tag(viewer_id)}"


def bookmark(user_id: str) -> str:
    """A user's last Neo4j write bookmarks (graph/bookmarks.py), in the user's slot."""
    return f"bm:{user_tag(user_id)}"


# What Redis holds for users outside the timeline namespace, by pattern (a timelines reset
# leaves it): sessions, rate-limit counters, Explore and suggestion lists and the popular
# sample, bookmarks. bench/redis_memory.py drops it so the users it measures start cold.
USER_STATE_PATTERNS = (
    SESSION_PATTERN,
    RATE_LIMIT_PATTERN,
    explore("*"),
    explore_tags("*"),
    suggestions("*"),
    POPULAR_SUGGESTIONS,
    bookmark("*"),
)


def repair_run_id(namespace: str) -> str:
    return f"repair:{namespace}:run-id"


MEDIA_JOBS = "media:jobs"
EDGE_PURGES = "edge:purge"
