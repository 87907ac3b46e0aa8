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

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

Row = tuple[Any, ...]
Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]
Bytes = NDArray[np.uint8]
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

# ULIDs: 48-bit millisecond timestamp + 80 seeded random bits (two 40-bit draws), in lowercase
# Crockford base32, built for whole arrays at once.
_B32 = np.frombuffer(b"0123456789abcdefghjkmnpqrstvwxyz", dtype=np.uint8)
_TS_SHIFTS = np.arange(45, -1, -5, dtype=np.int64)  # 10 characters
_BIT_SHIFTS = np.arange(35, -1, -5, dtype=np.int64)  # 8 characters per 40 random bits
_NONE = 99  # "no tag" in a post's tag slots (sorts after every tag)


def ulids(ts: Ints, bits: Ints) -> Bytes:
    """ULIDs as an (m, 26) array of ASCII bytes: ts (m,) epoch millis, bits (m, 2) 40-bit draws."""
    out = np.empty((len(ts), 26), dtype=np.uint8)
    out[:, :10] = _B32[(ts[:, None] >> _TS_SHIFTS) & 31]
    out[:, 10:18] = _B32[(bits[:, :1] >> _BIT_SHIFTS) & 31]
    out[:, 18:] = _B32[(bits[:, 1:] >> _BIT_SHIFTS) & 31]
    return out


def texts(ids: Bytes) -> list[str]:
    """An (m, width) array of ASCII bytes (ULIDs, instants) as Python strings."""
    if not len(ids):
        return []
    fixed = np.ascontiguousarray(ids).view(f"S{ids.shape[1]}")
    strings: list[str] = fixed.ravel().astype(np.str_).tolist()
    return strings


def _bits(rng: np.random.Generator, m: int) -> Ints:
    return rng.integers(0, 1 << 40, size=(m, 2), dtype=np.int64)


def _rng(seed: int, stage: int, block: int) -> np.random.Generator:
    return np.random.default_rng([seed, stage, block])


def _scaled(rng: np.random.Generator, top: Ints | int) -> Ints:
    """Uniform integers in [0, top) (elementwise), one draw each."""
    size = len(top) if isinstance(top, np.ndarray) else None
    return (rng.random(size) * top).astype(np.int64)


@dataclass
class World:
    """What later phases (and the loaders) need to know about earlier ones, as arrays.

    Users, posts and comments are numbered in generation order; follows are kept twice as
    compressed rows (by follower and by followee), so "a random follower of x" is two lookups."""

    n: int
    uid: Bytes  # (n, 26) ULID bytes
    usernames: list[str]
    display: list[str]
    roles: list[str]
    joined: Ints
    private: Bools
    blocked: Ints = field(default_factory=lambda: np.empty(0, np.int64))  # a*n+b, both ways
    in_block: Bools = field(default_factory=lambda: np.empty(0, np.bool_))
    following_at: Ints = field(default_factory=lambda: np.zeros(1, np.int64))
    following: Ints = field(default_factory=lambda: np.empty(0, np.int64))
    followers_at: Ints = field(default_factory=lambda: np.zeros(1, np.int64))
    followers: Ints = field(default_factory=lambda: np.empty(0, np.int64))
    post_uid: Bytes = field(default_factory=lambda: np.empty((0, 26), np.uint8))
    post_owner: Ints = field(default_factory=lambda: np.empty(0, np.int64))
    post_ts: Ints = field(default_factory=lambda: np.empty(0, np.int64))
    # Each post's newest like (what the notifications migration would compute), -1 if none.
    last_like: Bytes = field(default_factory=lambda: np.empty((0, 26), np.uint8))
    last_like_ts: Ints = field(default_factory=lambda: np.empty(0, np.int64))

    def is_blocked(self, a: Ints, b: Ints) -> Bools:
        out = np.zeros(len(a), dtype=np.bool_)
        maybe = self.in_block[a] & self.in_block[b]
        if len(self.blocked) and maybe.any():
            keys = a[maybe] * self.n + b[maybe]
            at = np.minimum(np.searchsorted(self.blocked, keys), len(self.blocked) - 1)
            out[maybe] = self.blocked[at] == keys
        return out

    def viewers(self, rng: np.random.Generator, posts: Ints) -> Ints:
        """For each post, someone who may see it, or -1: a follower of its author (always, if
        the account is private; 70% of the time otherwise), else anyone not blocked."""
        a = self.post_owner[posts]
        start = self.followers_at[a]
        count = self.followers_at[a + 1] - start
        private = self.private[a]
        pick, anyone = rng.random(len(posts)), rng.random(len(posts))
        audience = (count > 0) & (private | (pick < 0.7))
        out = (anyone * self.n).astype(np.int64)
        out[audience] = self.followers[start[audience] + _scaled(rng, count[audience])]
        out[~audience & (private | (out == a) | self.is_blocked(a, out))] = -1
        return out


@dataclass
class Frame:
    """One block of one phase as columns: `cols` holds integer indexes into the world's users,
    posts and comments, epoch millis and small codes; `ids` holds (m, 26) ULID byte arrays
    (the rows' own ids, and ids of nodes the world does not keep); `text` holds captions."""

    phase: str
    world: World
    cols: dict[str, Ints]
    ids: dict[str, Bytes] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(next(iter(self.cols.values())))

    def rows(self) -> list[Row]:
        """The frame as row tuples, fields in `COLUMNS[phase]` order."""
        w, c, ids, phase = self.world, self.cols, self.ids, self.phase
        if phase == "hashtags":
            return [(TAGS[t],) for t in c["tag"].tolist()]
        if phase == "users":
            users = c["user"].tolist()
            return [
                (uid, w.usernames[i], w.display[i], "", p, w.roles[i], ts)
                for uid, i, p, ts in zip(
                    texts(w.uid[c["user"]]),
                    users,
                    w.private[c["user"]].tolist(),
                    w.joined[c["user"]].tolist(),
                    strict=True,
                )
            ]
        if phase in ("blocks", "follows", "requests"):
            return list(
                zip(
                    texts(w.uid[c["a"]]),
                    texts(w.uid[c["b"]]),
                    texts(ids["id"]),
                    c["ts"].tolist(),
                    strict=True,
                )
            )
        if phase == "posts":
            return list(
                zip(
                    texts(ids["id"]),
                    texts(w.uid[c["author"]]),
                    self.text,
                    c["ts"].tolist(),
                    strict=True,
                )
            )
        if phase == "tags":
            return list(zip(texts(ids["post"]), [TAGS[t] for t in c["tag"].tolist()], strict=True))
        if phase == "mentions":
            return list(
                zip(texts(ids["post"]), texts(w.uid[c["user"]]), c["ts"].tolist(), strict=True)
            )
        if phase == "likes":
            return list(
                zip(
                    texts(w.uid[c["user"]]),
                    texts(w.post_uid[c["post"]]),
                    texts(ids["id"]),
                    c["ts"].tolist(),
                    texts(w.uid[w.post_owner[c["post"]]]),
                    strict=True,
                )
            )
        if phase == "comments":
            replied = c["reply_owner"] >= 0
            owners: list[str | None] = [None] * len(self)
            for at, uid in zip(
                np.flatnonzero(replied).tolist(),
                texts(w.uid[c["reply_owner"][replied]]),
                strict=True,
            ):
                owners[at] = uid
            return list(
                zip(
                    texts(ids["id"]),
                    texts(w.uid[c["user"]]),
                    texts(w.post_uid[c["post"]]),
                    [COMMENTS[t] for t in c["text"].tolist()],
                    c["ts"].tolist(),
                    texts(w.uid[w.post_owner[c["post"]]]),
                    owners,
                    strict=True,
                )
            )
        if phase == "replies":
            return list(zip(texts(ids["id"]), texts(ids["parent"]), strict=True))
        raise ValueError(f"unknown phase {phase!r}")


def frames(
    preset: Preset, *, seed: int, days: int, end_ms: int, users: int | None = None
) -> Iterator[Frame]:
    """The whole graph as column frames, phase by phase, nodes before the relationships that
    use them (each block's frames of one phase in turn)."""
    rng = _rng(seed, 0, 0)
    hard = preset.hard
    named = [*DEMO_ACCOUNTS]
    if hard:
        named += [(u, f"{u.title()} (hard case)", "user") for u in hard.usernames()]
    n = max(users or preset.users, len(named) + 2)
    start_ms = end_ms - days * 86_400_000

    # Users: joined across the first half of the period, so everyone has time to post.
    span = (end_ms - start_ms) // 2
    joined = np.sort(start_ms + _scaled(rng, np.full(n, span, dtype=np.int64)))
    private = rng.random(n) < 0.10
    private[: len(named)] = False
    words = [WORDS[i % len(WORDS)] for i in range(n)]
    w = World(
        n=n,
        uid=ulids(joined, _bits(rng, n)),
        usernames=[u for u, _, _ in named] + [f"{words[i]}{i}" for i in range(len(named), n)],
        display=[d for _, d, _ in named]
        + [f"{words[i].title()} {i}" for i in range(len(named), n)],
        roles=[r for _, _, r in named] + ["user"] * (n - len(named)),
        joined=joined,
        private=private,
        in_block=np.zeros(n, dtype=np.bool_),
    )
    yield Frame("hashtags", w, {"tag": np.arange(len(TAGS), dtype=np.int64)})
    for block in range(0, n, BLOCK):
        yield Frame("users", w, {"user": np.arange(block, min(block + BLOCK, n), dtype=np.int64)})

    # Blocks first, so no follow is ever generated across one. Named accounts neither block
    # nor get blocked, so their hard cases stay exactly as documented.
    protected = len(named)
    k = max(1, n // 100)
    a = protected + rng.choice(n - protected, size=k, replace=False).astype(np.int64)
    b = rng.integers(protected, n, size=k, dtype=np.int64)
    a, b = a[a != b], b[a != b]
    _, first = np.unique(np.minimum(a, b) * n + np.maximum(a, b), return_index=True)
    first.sort()
    a, b = a[first], b[first]
    since = np.maximum(w.joined[a], w.joined[b])
    ts = since + _scaled(rng, end_ms + 1 - since)
    w.blocked = np.sort(np.concatenate([a * n + b, b * n + a]))
    w.in_block[a] = w.in_block[b] = True
    yield Frame("blocks", w, {"a": a, "b": b, "ts": ts}, {"id": ulids(ts, _bits(rng, len(a)))})

    appeal = rng.pareto(1.2, n) + 1.0
    for i in range(min(3, n)):
        appeal[i] = appeal.max() * 2  # the demo accounts are celebrities, carol the biggest
    yield from _follows(w, preset, seed, end_ms, np.cumsum(appeal))
    yield from _posts(w, preset, seed, end_ms)
    yield from _engagement(w, preset, seed, end_ms)


def _distinct_in_order(values: Ints, limit: int) -> Ints:
    _, first = np.unique(values, return_index=True)
    return values[np.sort(first)[:limit]]


def _follows(w: World, preset: Preset, seed: int, end_ms: int, cum: Floats) -> Iterator[Frame]:
    """Heavy-tailed out-degree, targets by appeal; some follows of private accounts pend."""
    n = w.n
    heavy = np.zeros(n, dtype=np.bool_)
    heavy_ids = [w.usernames.index(u) for u in preset.hard.heavy_viewers] if preset.hard else []
    heavy[heavy_ids] = True
    total, lower = float(cum[-1]), cum[: n - 1]
    kept: list[tuple[Ints, Ints]] = []
    for block in range(0, n, BLOCK):
        end = min(block + BLOCK, n)
        rng = _rng(seed, 1, block)
        want = np.minimum(n - 1, np.maximum(1, rng.exponential(preset.follows_mean, end - block)))
        want = want.astype(np.int64)
        mine = [h for h in heavy_ids if block <= h < end]
        want[[h - block for h in mine]] = 0
        src = np.repeat(np.arange(block, end, dtype=np.int64), want)
        parts = [(src, np.searchsorted(lower, rng.random(len(src)) * total, side="right"))]
        for h in mine:
            # by appeal first; uniformly once the tail is too thin to fill (small n)
            goal = min(preset.hard.viewer_follows if preset.hard else 0, (n - 1) // 2)
            draws = np.concatenate(
                [
                    np.searchsorted(lower, rng.random(goal * 20) * total, side="right"),
                    _scaled(rng, np.full(goal * 30, n, dtype=np.int64)),
                ]
            )
            draws = draws[(draws != h) & ~w.is_blocked(np.full(len(draws), h), draws)]
            chosen = _distinct_in_order(draws, goal)
            parts.append((np.full(len(chosen), h, dtype=np.int64), chosen))
        src = np.concatenate([p[0] for p in parts])
        dst = np.concatenate([p[1] for p in parts]).astype(np.int64)
        ok = (src != dst) & ~w.is_blocked(src, dst)
        pairs = np.unique(src[ok] * n + dst[ok])  # in (follower, followee) order
        src, dst = pairs // n, pairs % n
        first = np.maximum(w.joined[src], w.joined[dst])
        ts = first + _scaled(rng, end_ms - first)
        ids = ulids(ts, _bits(rng, len(src)))
        pending = w.private[dst] & ~heavy[src] & (rng.random(len(src)) < 0.2)
        done = ~pending
        yield Frame(
            "follows", w, {"a": src[done], "b": dst[done], "ts": ts[done]}, {"id": ids[done]}
        )
        yield Frame(
            "requests",
            w,
            {"a": src[pending], "b": dst[pending], "ts": ts[pending]},
            {"id": ids[pending]},
        )
        kept.append((src[done], dst[done]))
    src = np.concatenate([k[0] for k in kept])
    dst = np.concatenate([k[1] for k in kept])
    every = np.arange(n + 1)
    w.following, w.following_at = dst, np.searchsorted(src, every)
    order = np.argsort(dst, kind="stable")
    w.followers, w.followers_at = src[order], np.searchsorted(dst[order], every)


def _posts(w: World, preset: Preset, seed: int, end_ms: int) -> Iterator[Frame]:
    """Posts with Zipf-popular hashtags and the odd mention of someone the author follows."""
    tag_cum = np.cumsum(1 / np.arange(1, len(TAGS) + 1))
    tag_total = float(tag_cum[-1])
    by_name = sorted(range(len(TAGS)), key=TAGS.__getitem__)  # name order -> tag
    rank = np.argsort(np.array(by_name))  # tag -> its place in name order
    power: list[int] = []
    firsts: list[int] = []  # authors whose first post is a hard case: they must post
    if preset.hard:
        hard = preset.hard
        power = [w.usernames.index(u) for u in hard.power_users]
        firsts = [w.usernames.index(u) for u in (hard.liked_author, hard.thread_author)]
    captions: dict[int, str] = {}
    post_uid, post_owner, post_ts = [], [], []
    offset = 0
    for block in range(0, w.n, BLOCK):
        end = min(block + BLOCK, w.n)
        rng = _rng(seed, 2, block)
        count = rng.poisson(preset.posts_mean, end - block)
        for a in firsts:
            if block <= a < end:
                count[a - block] = max(count[a - block], 1)
        for a in power:
            if block <= a < end and preset.hard:
                count[a - block] = preset.hard.power_posts
        author = np.repeat(np.arange(block, end, dtype=np.int64), count)
        m = len(author)
        joined = w.joined[author]
        ts = joined + _scaled(rng, end_ms - joined)
        ts = ts[np.lexsort((ts, author))]  # each author's posts oldest first
        # up to three Zipf-popular tags, distinct, in name order
        slots = rank[np.searchsorted(tag_cum, rng.random((m, 3)) * tag_total, side="right")]
        slots[np.arange(3) >= _scaled(rng, np.full(m, 4, dtype=np.int64))[:, None]] = _NONE
        slots.sort(axis=1)
        slots[:, 1:][slots[:, 1:] == slots[:, :-1]] = _NONE
        slots.sort(axis=1)
        phrase = _scaled(rng, np.full(m, len(PHRASES), dtype=np.int64))
        start = w.following_at[author]
        follows = w.following_at[author + 1] - start
        mentions = (follows > 0) & (rng.random(m) < 0.1)
        who = w.following[start[mentions] + _scaled(rng, follows[mentions])]
        ids = ulids(ts, _bits(rng, m))
        post = np.arange(offset, offset + m, dtype=np.int64)
        code = ((slots[:, 0] * 100 + slots[:, 1]) * 100 + slots[:, 2]) * 100 + phrase
        text = []
        for c in code.tolist():
            caption = captions.get(c)
            if caption is None:
                slot = (c // 1_000_000, c // 10_000 % 100, c // 100 % 100)
                caption = PHRASES[c % 100] + "".join(
                    f" #{TAGS[by_name[t]]}" for t in slot if t < _NONE
                )
                captions[c] = caption
            text.append(caption)
        for at, u in zip(np.flatnonzero(mentions).tolist(), who.tolist(), strict=True):
            text[at] += f" @{w.usernames[u]}"
        yield Frame("posts", w, {"post": post, "author": author, "ts": ts}, {"id": ids}, text)
        row, col = np.nonzero(slots < _NONE)
        tag = np.array(by_name, dtype=np.int64)[slots[row, col]]
        yield Frame("tags", w, {"post": post[row], "tag": tag}, {"post": ids[row]})
        yield Frame(
            "mentions",
            w,
            {"post": post[mentions], "user": who, "ts": ts[mentions]},
            {"post": ids[mentions]},
        )
        post_uid.append(ids)
        post_owner.append(author)
        post_ts.append(ts)
        offset += m
    w.post_uid = np.concatenate(post_uid)
    w.post_owner = np.concatenate(post_owner)
    w.post_ts = np.concatenate(post_ts)


def _engagement(w: World, preset: Preset, seed: int, end_ms: int) -> Iterator[Frame]:
    """Likes and comments from the author's followers (who can always see the post), plus
    random users on public posts; some comments reply to an earlier one on the same post."""
    n, total = w.n, len(w.post_owner)
    liked = thread = -1  # the hard cases' posts: their authors' first (oldest) posts
    if preset.hard:
        hard = preset.hard
        liked = int(np.searchsorted(w.post_owner, w.usernames.index(hard.liked_author)))
        thread = int(np.searchsorted(w.post_owner, w.usernames.index(hard.thread_author)))
    w.last_like = np.zeros((total, 26), dtype=np.uint8)
    w.last_like_ts = np.full(total, -1, dtype=np.int64)
    offset = 0  # comments so far
    for block in range(0, total, BLOCK):
        end = min(block + BLOCK, total)
        rng = _rng(seed, 3, block)
        post = np.arange(block, end, dtype=np.int64)
        likes = rng.poisson(preset.likes_per_post, end - block)
        comments = rng.poisson(preset.comments_per_post, end - block)
        # likes: each draw a possible viewer, duplicates and the unseen dropped
        lp = np.repeat(post, likes)
        who = w.viewers(rng, lp)
        if block <= liked < end and preset.hard:
            likes[liked - block] = 0
            lp, who = lp[lp != liked], who[lp != liked]
            fans = _open_likers(w, rng, liked, min(preset.hard.post_likes, n - 2))
            lp = np.concatenate([lp, np.full(len(fans), liked, dtype=np.int64)])
            who = np.concatenate([who, fans])
        pairs = np.unique((lp[who >= 0] - block) * n + who[who >= 0])  # by post, then user
        lp, who = pairs // n + block, pairs % n
        posted = w.post_ts[lp]
        ts = posted + _scaled(rng, end_ms - posted)
        bits = _bits(rng, len(lp))
        yield Frame("likes", w, {"user": who, "post": lp, "ts": ts}, {"id": ulids(ts, bits)})
        # each post's newest like: the largest id (ULIDs sort as (time, bits))
        order = np.lexsort((bits[:, 1], bits[:, 0], ts, lp))
        newest = order[np.r_[lp[order][1:] != lp[order][:-1], True]] if len(lp) else order
        w.last_like[lp[newest]] = ulids(ts[newest], bits[newest])
        w.last_like_ts[lp[newest]] = ts[newest]

        # comments, in time order per post, so a reply is always younger than its parent
        if block <= thread < end and preset.hard:
            comments[thread - block] = preset.hard.post_comments
        cp = np.repeat(post, comments)
        posted = w.post_ts[cp]
        ts = posted + _scaled(rng, end_ms - posted)
        ts = ts[np.lexsort((ts, cp))]
        who = w.viewers(rng, cp)
        while (redo := (cp == thread) & (who < 0)).any():  # the hard case keeps every comment
            who[redo] = w.viewers(rng, cp[redo])
        cp, ts, who = cp[who >= 0], ts[who >= 0], who[who >= 0]
        m = len(cp)
        first = np.searchsorted(cp, cp)  # where each post's thread starts
        earlier = np.arange(m) - first
        replying = (earlier > 0) & (rng.random(m) < 0.3)
        parent = first + _scaled(rng, earlier)
        text = _scaled(rng, np.full(m, len(COMMENTS), dtype=np.int64))
        ids = ulids(ts, _bits(rng, m))
        comment = np.arange(offset, offset + m, dtype=np.int64)
        reply_owner = np.where(replying, who[parent], -1)
        yield Frame(
            "comments",
            w,
            {
                "comment": comment,
                "user": who,
                "post": cp,
                "ts": ts,
                "text": text,
                "reply_owner": reply_owner,
            },
            {"id": ids},
        )
        yield Frame(
            "replies",
            w,
            {"comment": comment[replying], "parent": offset + parent[replying]},
            {"id": ids[replying], "parent": ids[parent[replying]]},
        )
        offset += m


def _open_likers(w: World, rng: np.random.Generator, post: int, want: int) -> Ints:
    """`want` distinct users who may like an open post: anyone but its author, not blocked."""
    a = int(w.post_owner[post])
    got = np.empty(0, dtype=np.int64)
    while len(got) < want:
        draws = _scaled(rng, np.full(max(2 * want, 1_000), w.n, dtype=np.int64))
        draws = draws[(draws != a) & ~w.is_blocked(np.full(len(draws), a), draws)]
        got = _distinct_in_order(np.concatenate([got, draws]), want)
    return got


def stream(
    preset: Preset, *, seed: int, days: int, end_ms: int, users: int | None = None
) -> Iterator[Chunk]:
    """The whole graph as (phase, rows) chunks of row tuples (the online loader's input)."""
    for frame in frames(preset, seed=seed, days=days, end_ms=end_ms, users=users):
        rows = frame.rows()
        for start in range(0, len(rows), CHUNK_ROWS):
            yield frame.phase, rows[start : start + CHUNK_ROWS]


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
