"""A reproducible, realistic demo graph, made phase by phase as numpy column frames.

The same seed gives the same graph, id for id, whichever loader consumes it (batched UNWIND
writes of row tuples, or CSV for `neo4j-admin database import`). Users, blocks and follower
"appeal" come from one numpy generator seeded with `[seed, 0, 0]`; follows, posts and
engagement come from one generator per block of 10,000 users or posts (`[seed, stage, block]`),
so each block is reproducible on its own, in any order or process (`seed.bulk` writes blocks in
one process per core). A block is drawn with array operations, never row by row: targets by
`searchsorted` on the cumulative appeal, duplicates dropped with `unique`, ids as arrays of
ULID bytes (seeded timestamp plus 80 seeded random bits). Only compact arrays stay in memory:
users, follows indexed both ways (compressed rows), posts.

Shape: follower counts are heavy-tailed (each follow picks its target with probability
proportional to a Pareto-distributed "appeal", so a few celebrities collect most followers);
~10% of accounts are private (some follows to them stay pending requests); ~1% of users block
someone, and no follow crosses a block; posts, hashtags (Zipf-popular), mentions, likes and
comments (some replies) come from people who can see the post.

`Frame.rows()` turns a frame into row tuples (the online loader's input); `COLUMNS` names their
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
    post_code: Ints = field(default_factory=lambda: np.empty(0, np.int64))  # see captions()
    post_mention: Ints = field(default_factory=lambda: np.empty(0, np.int64))  # user, or -1
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
    (the rows' own ids, and ids of nodes the world does not keep)."""

    phase: str
    world: World
    cols: dict[str, Ints]
    ids: dict[str, Bytes] = field(default_factory=dict)

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
                    captions(w, c["code"], c["mention"]),
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


@dataclass
class Plan:
    """A preset's draws that every block depends on: the world (users, blocks, and as phases
    complete, follows and posts), follower appeal, the hard cases' accounts and posts."""

    preset: Preset
    seed: int
    end_ms: int
    world: World
    cum: Floats  # cumulative appeal: follow targets are drawn from it
    heavy: Bools
    power: list[int]
    firsts: list[int]
    post_offsets: Ints = field(default_factory=lambda: np.empty(0, np.int64))
    liked: int = -1  # the hard cases' posts: their authors' first (oldest) posts
    thread: int = -1

    def user_blocks(self) -> range:
        return range(0, self.world.n, BLOCK)

    def post_blocks(self) -> range:
        return range(0, len(self.world.post_owner), BLOCK)


def setup(
    preset: Preset, *, seed: int, days: int, end_ms: int, users: int | None = None
) -> tuple[Plan, list[Frame]]:
    """Users, blocks and appeal from one generator seeded by `seed`; returns the plan and the
    hashtag, user and block frames."""
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
    out = [Frame("hashtags", w, {"tag": np.arange(len(TAGS), dtype=np.int64)})]
    for block in range(0, n, BLOCK):
        out.append(
            Frame("users", w, {"user": np.arange(block, min(block + BLOCK, n), dtype=np.int64)})
        )

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
    out.append(
        Frame("blocks", w, {"a": a, "b": b, "ts": ts}, {"id": ulids(ts, _bits(rng, len(a)))})
    )

    appeal = rng.pareto(1.2, n) + 1.0
    for i in range(min(3, n)):
        appeal[i] = appeal.max() * 2  # the demo accounts are celebrities, carol the biggest
    heavy = np.zeros(n, dtype=np.bool_)
    power: list[int] = []
    firsts: list[int] = []  # authors whose first post is a hard case: they must post
    if hard:
        heavy[[w.usernames.index(u) for u in hard.heavy_viewers]] = True
        power = [w.usernames.index(u) for u in hard.power_users]
        firsts = [w.usernames.index(u) for u in (hard.liked_author, hard.thread_author)]
    plan = Plan(preset, seed, end_ms, w, np.cumsum(appeal), heavy, power, firsts)
    return plan, out


def frames(
    preset: Preset, *, seed: int, days: int, end_ms: int, users: int | None = None
) -> Iterator[Frame]:
    """The whole graph as column frames, phase by phase, nodes before the relationships that
    use them (each block's frames of one phase in turn). Every block draws from its own
    generator, so blocks can also be made in any order or in parallel (`seed.bulk`)."""
    plan, first = setup(preset, seed=seed, days=days, end_ms=end_ms, users=users)
    yield from first
    follows: list[tuple[Ints, Ints]] = []
    for block in plan.user_blocks():
        made = follows_block(plan, block)
        follows.append((made[0].cols["a"], made[0].cols["b"]))
        yield from made
    link_follows(plan, follows)
    plan_posts(plan)
    posts: list[PostColumns] = []
    for block in plan.user_blocks():
        made = posts_block(plan, block)
        posts.append(post_columns(made[0]))
        yield from made
    set_posts(plan, posts)
    for block in plan.post_blocks():
        made, last = engagement_block(plan, block)
        set_last_likes(plan, block, last)
        yield from made


def _distinct_in_order(values: Ints, limit: int) -> Ints:
    _, first = np.unique(values, return_index=True)
    return values[np.sort(first)[:limit]]


def follows_block(plan: Plan, block: int) -> list[Frame]:
    """One block of followers: heavy-tailed out-degree, targets by appeal; some follows of
    private accounts stay pending requests. Returns [follows, requests]."""
    w, preset, n = plan.world, plan.preset, plan.world.n
    total, lower = float(plan.cum[-1]), plan.cum[: n - 1]
    end = min(block + BLOCK, n)
    rng = _rng(plan.seed, 1, block)
    want = np.minimum(n - 1, np.maximum(1, rng.exponential(preset.follows_mean, end - block)))
    want = want.astype(np.int64)
    mine = np.flatnonzero(plan.heavy[block:end]).tolist()
    want[mine] = 0
    src = np.repeat(np.arange(block, end, dtype=np.int64), want)
    parts = [(src, np.searchsorted(lower, rng.random(len(src)) * total, side="right"))]
    for h in (block + i for i in mine):
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
    ts = first + _scaled(rng, plan.end_ms - first)
    ids = ulids(ts, _bits(rng, len(src)))
    pending = w.private[dst] & ~plan.heavy[src] & (rng.random(len(src)) < 0.2)
    done = ~pending
    return [
        Frame("follows", w, {"a": src[done], "b": dst[done], "ts": ts[done]}, {"id": ids[done]}),
        Frame(
            "requests",
            w,
            {"a": src[pending], "b": dst[pending], "ts": ts[pending]},
            {"id": ids[pending]},
        ),
    ]


def link_follows(plan: Plan, follows: list[tuple[Ints, Ints]]) -> None:
    """Index the accepted follows (given per block, in block order) both ways."""
    w = plan.world
    src = np.concatenate([f[0] for f in follows])
    dst = np.concatenate([f[1] for f in follows])
    every = np.arange(w.n + 1)
    w.following, w.following_at = dst, np.searchsorted(src, every)
    order = np.argsort(dst, kind="stable")
    w.followers, w.followers_at = src[order], np.searchsorted(dst[order], every)


def _post_counts(plan: Plan, rng: np.random.Generator, block: int) -> Ints:
    """How many posts each author of the block writes: the block generator's first draw."""
    end = min(block + BLOCK, plan.world.n)
    count = rng.poisson(plan.preset.posts_mean, end - block).astype(np.int64)
    for a in plan.firsts:
        if block <= a < end:
            count[a - block] = max(count[a - block], 1)
    for a in plan.power:
        if block <= a < end and plan.preset.hard:
            count[a - block] = plan.preset.hard.power_posts
    return count


def plan_posts(plan: Plan) -> None:
    """Number the posts before writing them: each author block's first post."""
    counts = [
        int(_post_counts(plan, _rng(plan.seed, 2, block), block).sum())
        for block in plan.user_blocks()
    ]
    plan.post_offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)


_TAG_CUM = np.cumsum(1 / np.arange(1, len(TAGS) + 1))  # Zipf: the k-th tag weighs 1/k
_BY_NAME = np.array(sorted(range(len(TAGS)), key=TAGS.__getitem__), dtype=np.int64)
_RANK = np.argsort(_BY_NAME)  # tag -> its place in name order
_CAPTIONS: dict[int, str] = {}


def captions(w: World, code: Ints, mention: Ints) -> list[str]:
    """Captions from their codes (phrase and up to three tags in name order) and mentions."""
    out = []
    for c in code.tolist():
        caption = _CAPTIONS.get(c)
        if caption is None:
            slots = (c // 1_000_000, c // 10_000 % 100, c // 100 % 100)
            caption = PHRASES[c % 100] + "".join(
                f" #{TAGS[_BY_NAME[t]]}" for t in slots if t < _NONE
            )
            _CAPTIONS[c] = caption
        out.append(caption)
    for at in np.flatnonzero(mention >= 0).tolist():
        out[at] += f" @{w.usernames[mention[at]]}"
    return out


def posts_block(plan: Plan, block: int) -> list[Frame]:
    """Posts of one block of authors, with Zipf-popular hashtags and the odd mention of
    someone the author follows. Returns [posts, tags, mentions]."""
    w = plan.world
    end = min(block + BLOCK, w.n)
    rng = _rng(plan.seed, 2, block)
    author = np.repeat(np.arange(block, end, dtype=np.int64), _post_counts(plan, rng, block))
    m = len(author)
    joined = w.joined[author]
    ts = joined + _scaled(rng, plan.end_ms - joined)
    ts = ts[np.lexsort((ts, author))]  # each author's posts oldest first
    # up to three Zipf-popular tags, distinct, in name order
    slots = _RANK[np.searchsorted(_TAG_CUM, rng.random((m, 3)) * _TAG_CUM[-1], side="right")]
    slots[np.arange(3) >= _scaled(rng, np.full(m, 4, dtype=np.int64))[:, None]] = _NONE
    slots.sort(axis=1)
    slots[:, 1:][slots[:, 1:] == slots[:, :-1]] = _NONE
    slots.sort(axis=1)
    phrase = _scaled(rng, np.full(m, len(PHRASES), dtype=np.int64))
    start = w.following_at[author]
    follows = w.following_at[author + 1] - start
    mentions = (follows > 0) & (rng.random(m) < 0.1)
    mention = np.full(m, -1, dtype=np.int64)
    mention[mentions] = w.following[start[mentions] + _scaled(rng, follows[mentions])]
    ids = ulids(ts, _bits(rng, m))
    offset = int(plan.post_offsets[block // BLOCK])
    post = np.arange(offset, offset + m, dtype=np.int64)
    code = ((slots[:, 0] * 100 + slots[:, 1]) * 100 + slots[:, 2]) * 100 + phrase
    row, col = np.nonzero(slots < _NONE)
    return [
        Frame(
            "posts",
            w,
            {"post": post, "author": author, "ts": ts, "code": code, "mention": mention},
            {"id": ids},
        ),
        Frame("tags", w, {"post": post[row], "tag": _BY_NAME[slots[row, col]]}, {"post": ids[row]}),
        Frame(
            "mentions",
            w,
            {"post": post[mentions], "user": mention[mentions], "ts": ts[mentions]},
            {"post": ids[mentions]},
        ),
    ]


PostColumns = tuple[Bytes, Ints, Ints, Ints, Ints]  # ids, author, ts, caption code, mention


def post_columns(frame: Frame) -> PostColumns:
    c = frame.cols
    return frame.ids["id"], c["author"], c["ts"], c["code"], c["mention"]


def set_posts(plan: Plan, posts: list[PostColumns]) -> None:
    """Keep every post (given per block, in block order) for the engagement phase."""
    w = plan.world
    w.post_uid = np.concatenate([p[0] for p in posts])
    w.post_owner = np.concatenate([p[1] for p in posts])
    w.post_ts = np.concatenate([p[2] for p in posts])
    w.post_code = np.concatenate([p[3] for p in posts])
    w.post_mention = np.concatenate([p[4] for p in posts])
    w.last_like = np.zeros((len(w.post_owner), 26), dtype=np.uint8)
    w.last_like_ts = np.full(len(w.post_owner), -1, dtype=np.int64)
    if plan.preset.hard:
        hard = plan.preset.hard
        plan.liked = int(np.searchsorted(w.post_owner, w.usernames.index(hard.liked_author)))
        plan.thread = int(np.searchsorted(w.post_owner, w.usernames.index(hard.thread_author)))


LastLikes = tuple[Ints, Bytes, Ints]  # posts, their newest like's id and time


def set_last_likes(plan: Plan, block: int, last: LastLikes) -> None:
    posts, ids, ts = last
    plan.world.last_like[posts] = ids
    plan.world.last_like_ts[posts] = ts


COMMENT_BLOCK = 1 << 21  # comments are numbered block * COMMENT_BLOCK + n-th in the block


def engagement_block(plan: Plan, block: int) -> tuple[list[Frame], LastLikes]:
    """Likes and comments on one block of posts, from the author's followers (who can always
    see the post) plus random users on public posts; some comments reply to an earlier one on
    the same post. Returns [likes, comments, replies] and each post's newest like."""
    w, preset, n = plan.world, plan.preset, plan.world.n
    end = min(block + BLOCK, len(w.post_owner))
    rng = _rng(plan.seed, 3, block)
    post = np.arange(block, end, dtype=np.int64)
    likes = rng.poisson(preset.likes_per_post, end - block)
    comments = rng.poisson(preset.comments_per_post, end - block)
    # likes: each draw a possible viewer, duplicates and the unseen dropped
    lp = np.repeat(post, likes)
    who = w.viewers(rng, lp)
    if block <= plan.liked < end and preset.hard:
        lp, who = lp[lp != plan.liked], who[lp != plan.liked]
        fans = _open_likers(w, rng, plan.liked, min(preset.hard.post_likes, n - 2))
        lp = np.concatenate([lp, np.full(len(fans), plan.liked, dtype=np.int64)])
        who = np.concatenate([who, fans])
    pairs = np.unique((lp[who >= 0] - block) * n + who[who >= 0])  # by post, then user
    lp, who = pairs // n + block, pairs % n
    posted = w.post_ts[lp]
    ts = posted + _scaled(rng, plan.end_ms - posted)
    bits = _bits(rng, len(lp))
    made = [Frame("likes", w, {"user": who, "post": lp, "ts": ts}, {"id": ulids(ts, bits)})]
    # each post's newest like: the largest id (ULIDs sort as (time, bits))
    order = np.lexsort((bits[:, 1], bits[:, 0], ts, lp))
    newest = order[np.r_[lp[order][1:] != lp[order][:-1], True]] if len(lp) else order
    last = (lp[newest], ulids(ts[newest], bits[newest]), ts[newest])

    # comments, in time order per post, so a reply is always younger than its parent
    if block <= plan.thread < end and preset.hard:
        comments[plan.thread - block] = preset.hard.post_comments
    cp = np.repeat(post, comments)
    posted = w.post_ts[cp]
    ts = posted + _scaled(rng, plan.end_ms - posted)
    ts = ts[np.lexsort((ts, cp))]
    who = w.viewers(rng, cp)
    while (redo := (cp == plan.thread) & (who < 0)).any():  # the hard case keeps every comment
        who[redo] = w.viewers(rng, cp[redo])
    cp, ts, who = cp[who >= 0], ts[who >= 0], who[who >= 0]
    m = len(cp)
    first = np.searchsorted(cp, cp)  # where each post's thread starts
    earlier = np.arange(m) - first
    replying = (earlier > 0) & (rng.random(m) < 0.3)
    parent = first + _scaled(rng, earlier)
    text = _scaled(rng, np.full(m, len(COMMENTS), dtype=np.int64))
    ids = ulids(ts, _bits(rng, m))
    number = (block // BLOCK) * COMMENT_BLOCK
    comment = np.arange(number, number + m, dtype=np.int64)
    reply_owner = np.where(replying, who[parent], -1)
    made.append(
        Frame(
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
    )
    made.append(
        Frame(
            "replies",
            w,
            {"comment": comment[replying], "parent": number + parent[replying]},
            {"id": ids[replying], "parent": ids[parent[replying]]},
        )
    )
    return made, last


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
