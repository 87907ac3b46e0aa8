"""A reproducible, realistic demo graph, streamed phase by phase as chunks of row tuples.

The same seed gives the same graph, id for id, whichever loader consumes it (batched UNWIND
writes or CSV for `neo4j-admin database import`). Users, blocks and follower "appeal" come from
one `random.Random(seed)`; follows, posts and engagement come from one generator per block of
users or posts (`random.Random("seed:stage:block")`), so each block is reproducible on its own.
Ids are ULIDs built from the seeded timestamps plus seeded random bits.

Shape: follower counts are heavy-tailed (each follow picks its target with probability
proportional to a Pareto-distributed "appeal", so a few celebrities collect most followers);
~10% of accounts are private (some follows to them stay pending requests); ~1% of users block
someone, and no follow crosses a block; posts, hashtags (Zipf-popular), mentions, likes and
comments (some replies) come from people who can see the post.

Rows are tuples (smaller and faster than dicts at millions of rows); `COLUMNS` names their
fields, in order, for every phase.
"""

from __future__ import annotations

import itertools
import math
import random
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

Row = tuple[Any, ...]
Chunk = tuple[str, list[Row]]  # (phase, rows)
CHUNK_ROWS = 10_000
BLOCK = 10_000  # users (follows, posts) or posts (likes, comments) per seeded block

# The fields of each phase's rows, in order (the loaders and the CSV headers follow these).
COLUMNS: dict[str, tuple[str, ...]] = {
    "hashtags": ("name",),
    "users": ("id", "username", "display_name", "bio", "private", "role", "ts"),
    "blocks": ("a", "b", "id", "ts"),
    "follows": ("a", "b", "id", "ts"),
    "requests": ("a", "b", "id", "ts"),
    "posts": ("id", "author", "caption", "ts"),
    "tags": ("post", "tag"),
    "mentions": ("post", "user", "ts"),
    "likes": ("user", "post", "id", "ts", "owner"),
    "comments": ("id", "user", "post", "text", "ts", "post_owner", "reply_owner"),
    "replies": ("id", "parent"),
}
PHASES = tuple(COLUMNS)

WORDS = [
    "amber",
    "birch",
    "cedar",
    "delta",
    "ember",
    "fjord",
    "grove",
    "harbor",
    "indigo",
    "juniper",
    "kestrel",
    "lagoon",
    "meadow",
    "nimbus",
    "orchid",
    "pebble",
    "quartz",
    "raven",
    "sierra",
    "tundra",
    "umber",
    "violet",
    "willow",
    "xenon",
    "yarrow",
    "zephyr",
    "atlas",
    "bloom",
    "comet",
    "dune",
    "echo",
    "flint",
    "glade",
    "haze",
    "iris",
    "jade",
    "koi",
    "lumen",
    "mist",
    "nova",
    "onyx",
    "pine",
    "quill",
    "reef",
    "sage",
    "tide",
    "vale",
    "wren",
]
TAGS = [
    "sunset",
    "travel",
    "food",
    "coffee",
    "nature",
    "city",
    "art",
    "music",
    "friends",
    "fitness",
    "beach",
    "mountains",
    "books",
    "photography",
    "dogs",
    "cats",
    "summer",
    "winter",
    "autumn",
    "spring",
    "streetart",
    "architecture",
    "running",
    "yoga",
    "vegan",
    "bakery",
    "hiking",
    "sea",
    "night",
    "portrait",
    "family",
    "garden",
    "design",
    "vintage",
    "cinema",
    "games",
    "football",
    "climbing",
    "sunrise",
    "bike",
    "rain",
    "snow",
    "flowers",
    "skyline",
    "market",
    "tea",
    "wine",
    "roadtrip",
    "camping",
    "festival",
]
PHRASES = (
    "Golden hour again",
    "Could not resist",
    "Weekend mood",
    "New favourite spot",
    "Throwback",
    "Made this today",
    "First try!",
    "Views like this",
    "Good times",
    "Small things",
    "Long walk",
    "Finally here",
)
COMMENTS = (
    "Love this!",
    "Where is this?",
    "Stunning",
    "So good",
    "Need to go there",
    "Wow",
    "Great shot",
    "Haha yes",
    "Miss this",
    "Beautiful colours",
)
# Every preset has these; the first three are celebrities (the highest appeal).
DEMO_ACCOUNTS = (
    ("alice", "Alice Liddell", "user"),
    ("bob", "Bob Builder", "user"),
    ("carol", "Carol Danvers", "user"),
    ("ana", "Ana Lytics", "analyst"),
)


@dataclass(frozen=True)
class HardCases:
    """Named accounts that make the worst cases reproducible (the `large` and `xl` presets).

    Heavy viewers follow exactly `viewer_follows` accounts (all accepted); power users write
    `power_posts` posts; the first post of `liked_author` gets `post_likes` likes and the first
    post of `thread_author` gets `post_comments` comments. All are public accounts.
    """

    heavy_viewers: tuple[str, ...] = ("dave", "erin", "frank")
    viewer_follows: int = 2_000
    power_users: tuple[str, ...] = ("grace", "heidi")
    power_posts: int = 600
    liked_author: str = "ivan"
    post_likes: int = 50_000
    thread_author: str = "judy"
    post_comments: int = 5_000

    def usernames(self) -> tuple[str, ...]:
        return (*self.heavy_viewers, *self.power_users, self.liked_author, self.thread_author)


@dataclass(frozen=True)
class Preset:
    users: int
    follows_mean: float
    posts_mean: float
    likes_per_post: float
    comments_per_post: float
    hard: HardCases | None = None


PRESETS: dict[str, Preset] = {
    "tiny": Preset(users=50, follows_mean=6, posts_mean=2, likes_per_post=2, comments_per_post=1),
    "demo": Preset(
        users=1_000, follows_mean=25, posts_mean=4, likes_per_post=6, comments_per_post=1.5
    ),
    "large": Preset(
        users=100_000,
        follows_mean=30,
        posts_mean=4,
        likes_per_post=6,
        comments_per_post=1,
        hard=HardCases(),
    ),
    "xl": Preset(
        users=1_000_000,
        follows_mean=30,
        posts_mean=4,
        likes_per_post=6,
        comments_per_post=1,
        hard=HardCases(),
    ),
}

# ULIDs: 48-bit millisecond timestamp + 80 seeded random bits, in lowercase Crockford base32.
_B32 = "0123456789abcdefghjkmnpqrstvwxyz"
_PAIRS = [a + b for a in _B32 for b in _B32]  # 10 bits -> 2 characters


def _ulid(ts: int, bits: int) -> str:
    p = _PAIRS
    return (
        f"{p[ts >> 40]}{p[(ts >> 30) & 1023]}{p[(ts >> 20) & 1023]}{p[(ts >> 10) & 1023]}"
        f"{p[ts & 1023]}{p[bits >> 70]}{p[(bits >> 60) & 1023]}{p[(bits >> 50) & 1023]}"
        f"{p[(bits >> 40) & 1023]}{p[(bits >> 30) & 1023]}{p[(bits >> 20) & 1023]}"
        f"{p[(bits >> 10) & 1023]}{p[bits & 1023]}"
    )


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method; fine for the small means used here.
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


@dataclass
class _World:
    """What later phases need to know about earlier ones, kept compact."""

    n: int
    uids: list[str]
    usernames: list[str]
    joined: list[int]
    private: list[bool]
    blocked: set[int]  # a * n + b for each block a -> b, both directions
    in_block: set[int]  # users in any block
    followers: list[list[int]] = field(default_factory=list)
    following: list[list[int]] = field(default_factory=list)
    post_ids: list[str] = field(default_factory=list)
    post_owner: list[int] = field(default_factory=list)
    post_ts: list[int] = field(default_factory=list)

    def blocks(self, a: int, b: int) -> bool:
        return (a in self.in_block or b in self.in_block) and (
            a * self.n + b in self.blocked or b * self.n + a in self.blocked
        )


class _Out:
    """Buffers rows per phase and hands them out as chunks in dependency order."""

    def __init__(self, *phases: str) -> None:
        self.rows: dict[str, list[Row]] = {p: [] for p in phases}

    def full(self) -> bool:
        return any(len(r) >= CHUNK_ROWS for r in self.rows.values())

    def drain(self) -> Iterator[Chunk]:
        for phase, rows in self.rows.items():
            if rows:
                yield phase, rows
                self.rows[phase] = []


def stream(
    preset: Preset, *, seed: int, days: int, end_ms: int, users: int | None = None
) -> Iterator[Chunk]:
    """The whole graph as (phase, rows) chunks, nodes before the relationships that use them."""
    rng = random.Random(seed)
    hard = preset.hard
    named = [*DEMO_ACCOUNTS]
    if hard:
        named += [(u, f"{u.title()} (hard case)", "user") for u in hard.usernames()]
    n = max(users or preset.users, len(named) + 2)
    start_ms = end_ms - days * 86_400_000
    yield "hashtags", [(t,) for t in TAGS]

    # Users: joined across the first half of the period, so everyone has time to post.
    span = (end_ms - start_ms) // 2
    rand = rng.random
    joined = sorted(start_ms + int(rand() * span) for _ in range(n))
    uids: list[str] = []
    usernames: list[str] = []
    private: list[bool] = []
    rows: list[Row] = []
    getbits = rng.getrandbits
    for i, ts in enumerate(joined):
        if i < len(named):
            username, name, role = named[i]
            is_private = False
        else:
            word = WORDS[i % len(WORDS)]
            username, name, role = f"{word}{i}", f"{word.title()} {i}", "user"
            is_private = rand() < 0.10
        uid = _ulid(ts, getbits(80))
        uids.append(uid)
        usernames.append(username)
        private.append(is_private)
        rows.append((uid, username, name, "", is_private, role, ts))
        if len(rows) >= CHUNK_ROWS:
            yield "users", rows
            rows = []
    if rows:
        yield "users", rows

    # Blocks first, so no follow is ever generated across one. Named accounts neither block
    # nor get blocked, so their hard cases stay exactly as documented.
    world = _World(n, uids, usernames, joined, private, set(), set())
    rows = []
    protected = len(named)
    for a in rng.sample(range(protected, n), k=max(1, n // 100)):
        b = rng.randrange(protected, n)
        if a != b and not world.blocks(a, b):
            world.blocked.add(a * n + b)
            world.in_block.update((a, b))
            ts = rng.randint(max(joined[a], joined[b]), end_ms)
            rows.append((uids[a], uids[b], _ulid(ts, getbits(80)), ts))
    yield "blocks", rows

    appeal = [rng.paretovariate(1.2) for _ in range(n)]
    for i in range(min(3, n)):
        appeal[i] = max(appeal) * 2  # the demo accounts are celebrities
    yield from _follows(world, preset, seed, end_ms, list(itertools.accumulate(appeal)))
    yield from _posts(world, preset, seed, end_ms)
    yield from _engagement(world, preset, seed, end_ms)


def _follows(
    w: _World, preset: Preset, seed: int, end_ms: int, cum: list[float]
) -> Iterator[Chunk]:
    """Heavy-tailed out-degree, targets by appeal; some follows of private accounts pend."""
    n = w.n
    heavy = set()
    if preset.hard:
        heavy = {w.usernames.index(u) for u in preset.hard.heavy_viewers}
    w.followers = [[] for _ in range(n)]
    w.following = [[] for _ in range(n)]
    total = cum[-1]
    out = _Out("follows", "requests")
    for block in range(0, n, BLOCK):
        rng = random.Random(f"{seed}:follows:{block}")
        rand, getbits = rng.random, rng.getrandbits
        for a in range(block, min(block + BLOCK, n)):
            if a in heavy and preset.hard:
                targets: set[int] = set()
                want = min(preset.hard.viewer_follows, (n - 1) // 2)
                for draw in range(want * 50):
                    # by appeal first; uniformly once the tail is too thin to fill (small n)
                    b = (
                        bisect(cum, rand() * total, 0, n - 1)
                        if draw < want * 20
                        else int(rand() * n)
                    )
                    if b != a and not w.blocks(a, b):
                        targets.add(b)
                        if len(targets) == want:
                            break
            else:
                want = min(n - 1, max(1, int(rng.expovariate(1 / preset.follows_mean))))
                targets = {bisect(cum, rand() * total, 0, n - 1) for _ in range(want)}
            joined_a = w.joined[a]
            for b in sorted(targets):
                if b == a or w.blocks(a, b):
                    continue
                first = max(joined_a, w.joined[b])
                ts = first + int(rand() * (end_ms - first))
                row = (w.uids[a], w.uids[b], _ulid(ts, getbits(80)), ts)
                if w.private[b] and a not in heavy and rand() < 0.2:
                    out.rows["requests"].append(row)
                else:
                    out.rows["follows"].append(row)
                    w.followers[b].append(a)
                    w.following[a].append(b)
            if out.full():
                yield from out.drain()
    yield from out.drain()


def _posts(w: _World, preset: Preset, seed: int, end_ms: int) -> Iterator[Chunk]:
    """Posts with Zipf-popular hashtags and the odd mention of someone the author follows."""
    tag_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(TAGS))))
    tag_total = tag_weights[-1]
    power: set[int] = set()
    firsts: set[int] = set()  # authors whose first post is a hard case: they must post
    if preset.hard:
        power = {w.usernames.index(u) for u in preset.hard.power_users}
        hard = preset.hard
        firsts = {w.usernames.index(u) for u in (hard.liked_author, hard.thread_author)}
    out = _Out("posts", "tags", "mentions")
    posts, tags, mentions = out.rows["posts"], out.rows["tags"], out.rows["mentions"]
    for block in range(0, w.n, BLOCK):
        rng = random.Random(f"{seed}:posts:{block}")
        rand, getbits = rng.random, rng.getrandbits
        for a in range(block, min(block + BLOCK, w.n)):
            count = _poisson(rng, preset.posts_mean)
            if a in power and preset.hard:
                count = preset.hard.power_posts
            elif a in firsts:
                count = max(count, 1)
            joined_a, author, following = w.joined[a], w.uids[a], w.following[a]
            for _ in range(count):
                ts = joined_a + int(rand() * (end_ms - joined_a))
                picked = sorted(
                    {TAGS[bisect(tag_weights, rand() * tag_total)] for _ in range(int(rand() * 4))}
                )
                caption = rng.choice(PHRASES) + "".join(f" #{t}" for t in picked)
                pid = _ulid(ts, getbits(80))
                if following and rand() < 0.1:
                    mention = following[int(rand() * len(following))]
                    caption += f" @{w.usernames[mention]}"
                    mentions.append((pid, w.uids[mention], ts))
                posts.append((pid, author, caption, ts))
                tags.extend((pid, t) for t in picked)
                w.post_ids.append(pid)
                w.post_owner.append(a)
                w.post_ts.append(ts)
            if out.full():
                yield from out.drain()
                posts, tags, mentions = out.rows["posts"], out.rows["tags"], out.rows["mentions"]
    yield from out.drain()


def _viewer(w: _World, a: int, audience: list[int], closed: bool, rand: Any) -> int:
    """Someone who may see a's post (a follower, or anyone not blocked if it is public), or -1."""
    if audience and (closed or rand() < 0.7):
        return audience[int(rand() * len(audience))]
    if closed:
        return -1
    v = int(rand() * w.n)
    return -1 if v == a or w.blocks(a, v) else v


def _engagement(w: _World, preset: Preset, seed: int, end_ms: int) -> Iterator[Chunk]:
    """Likes and comments from the author's followers (who can always see the post), plus
    random users on public posts; some comments reply to an earlier one on the same post."""
    n = w.n
    special: dict[int, tuple[int, int]] = {}  # post -> (likes, comments) it must have
    if preset.hard:
        hard = preset.hard
        for username, wanted in (
            (hard.liked_author, (min(hard.post_likes, n - 2), -1)),
            (hard.thread_author, (-1, hard.post_comments)),
        ):
            special[w.post_owner.index(w.usernames.index(username))] = wanted
    out = _Out("likes", "comments", "replies")
    likes, comments, replies = out.rows["likes"], out.rows["comments"], out.rows["replies"]
    total = len(w.post_ids)
    for block in range(0, total, BLOCK):
        rng = random.Random(f"{seed}:engagement:{block}")
        rand, getbits = rng.random, rng.getrandbits

        for p in range(block, min(block + BLOCK, total)):
            a, pid, post_ts = w.post_owner[p], w.post_ids[p], w.post_ts[p]
            audience, is_private = w.followers[a], w.private[a]

            want_likes, want_comments = special.get(p, (-1, -1))
            if want_likes >= 0:
                likers: set[int] = set()
                while len(likers) < want_likes:  # an open post: anyone not blocked may like it
                    v = int(rand() * n)
                    if v != a and not w.blocks(a, v):
                        likers.add(v)
            else:
                likers = {
                    _viewer(w, a, audience, is_private, rand)
                    for _ in range(_poisson(rng, preset.likes_per_post))
                }
                likers.discard(-1)
            span = end_ms - post_ts
            owner = w.uids[a]
            for v in sorted(likers):
                ts = post_ts + int(rand() * span)
                likes.append((w.uids[v], pid, _ulid(ts, getbits(80)), ts, owner))
            if want_comments < 0:
                want_comments = _poisson(rng, preset.comments_per_post)
            thread: list[tuple[str, str]] = []  # (comment id, its author's id)
            # in time order, so a reply is always younger than its parent
            for ts in sorted(post_ts + int(rand() * span) for _ in range(want_comments)):
                v = _viewer(w, a, audience, is_private, rand)
                while v < 0 and want_comments > 0 and p in special:
                    v = _viewer(w, a, audience, is_private, rand)
                if v < 0:
                    continue
                cid = _ulid(ts, getbits(80))
                text = COMMENTS[int(rand() * len(COMMENTS))]
                parent = thread[int(rand() * len(thread))] if thread and rand() < 0.3 else None
                if parent is not None:
                    replies.append((cid, parent[0]))
                reply_owner = parent[1] if parent is not None else None
                comments.append((cid, w.uids[v], pid, text, ts, owner, reply_owner))
                thread.append((cid, w.uids[v]))
            if out.full():
                yield from out.drain()
                likes, comments = out.rows["likes"], out.rows["comments"]
                replies = out.rows["replies"]
    yield from out.drain()


@dataclass
class DemoGraph:
    """A whole generated graph in memory (small presets, tests and benchmarks)."""

    rows: dict[str, list[Row]] = field(default_factory=lambda: {p: [] for p in PHASES})

    def chunks(self, size: int = CHUNK_ROWS) -> Iterator[Chunk]:
        for phase in PHASES:
            rows = self.rows[phase]
            for start in range(0, len(rows), size):
                yield phase, rows[start : start + size]

    def relationship_count(self) -> int:
        return relationship_count({p: len(r) for p, r in self.rows.items()})


def relationship_count(rows: dict[str, int]) -> int:
    """Relationships the rows make: posts (POSTED) and comments (WROTE + ON) make some too."""
    nodes_only = {"hashtags", "users"}
    return sum(
        count * (2 if phase == "comments" else 1)
        for phase, count in rows.items()
        if phase not in nodes_only
    )


def generate(
    preset: Preset, *, seed: int, days: int, end_ms: int, users: int | None = None
) -> DemoGraph:
    graph = DemoGraph()
    for phase, rows in stream(preset, seed=seed, days=days, end_ms=end_ms, users=users):
        graph.rows[phase].extend(rows)
    return graph
