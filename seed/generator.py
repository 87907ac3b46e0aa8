"""A reproducible, realistic demo graph, generated in memory as rows for batched UNWIND writes.

Everything comes from one `random.Random(seed)`, and ids are ULIDs built from the seeded
timestamps plus seeded random bits, so the same seed gives the same graph, id for id.

Shape: follower counts are heavy-tailed (each follow picks its target with probability
proportional to a Pareto-distributed "appeal", so a few celebrities collect most followers);
~10% of accounts are private (some follows to them stay pending requests); ~1% of users block
someone, and no follow crosses a block; posts, hashtags (Zipf-popular), mentions, likes and
comments (some replies) come from people who can see the post.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ulid import ULID

Row = dict[str, Any]

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
DEMO_ACCOUNTS = (
    ("alice", "Alice Liddell", "user"),
    ("bob", "Bob Builder", "user"),
    ("carol", "Carol Danvers", "user"),
    ("ana", "Ana Lytics", "analyst"),
)


@dataclass(frozen=True)
class Preset:
    users: int
    follows_mean: float
    posts_mean: float
    likes_per_post: float
    comments_per_post: float


PRESETS: dict[str, Preset] = {
    "tiny": Preset(users=50, follows_mean=6, posts_mean=2, likes_per_post=2, comments_per_post=1),
    "demo": Preset(
        users=1_000, follows_mean=25, posts_mean=4, likes_per_post=6, comments_per_post=1.5
    ),
    "large": Preset(
        users=100_000, follows_mean=30, posts_mean=4, likes_per_post=6, comments_per_post=1
    ),
}


@dataclass
class DemoGraph:
    """The generated rows, phase by phase, in write order."""

    users: list[Row] = field(default_factory=list)
    blocks: list[Row] = field(default_factory=list)
    follows: list[Row] = field(default_factory=list)
    requests: list[Row] = field(default_factory=list)
    posts: list[Row] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    tags: list[Row] = field(default_factory=list)
    mentions: list[Row] = field(default_factory=list)
    likes: list[Row] = field(default_factory=list)
    comments: list[Row] = field(default_factory=list)
    replies: list[Row] = field(default_factory=list)

    def relationship_count(self) -> int:
        # posts (POSTED) and comments (WROTE + ON) create relationships too
        return (
            len(self.blocks)
            + len(self.follows)
            + len(self.requests)
            + len(self.posts)
            + len(self.tags)
            + len(self.mentions)
            + len(self.likes)
            + 2 * len(self.comments)
            + len(self.replies)
        )


class _Ids:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def at(self, ts_ms: int) -> str:
        return str(ULID.from_bytes(ts_ms.to_bytes(6, "big") + self.rng.randbytes(10))).lower()


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method; fine for the small means used here.
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def generate(
    preset: Preset, *, seed: int, days: int, end_ms: int, users: int | None = None
) -> DemoGraph:
    rng = random.Random(seed)
    ids = _Ids(rng)
    n = max(users or preset.users, len(DEMO_ACCOUNTS) + 2)
    start_ms = end_ms - days * 86_400_000
    g = DemoGraph()

    # Users: joined across the first half of the period, so everyone has time to post.
    joined = sorted(rng.randint(start_ms, start_ms + (end_ms - start_ms) // 2) for _ in range(n))
    uids: list[str] = []
    private: list[bool] = []
    for i, ts in enumerate(joined):
        if i < len(DEMO_ACCOUNTS):
            username, name, role = DEMO_ACCOUNTS[i]
            is_private = False
        else:
            word = WORDS[i % len(WORDS)]
            username, name, role = f"{word}{i}", f"{word.title()} {i}", "user"
            is_private = rng.random() < 0.10
        uid = ids.at(ts)
        uids.append(uid)
        private.append(is_private)
        g.users.append(
            {
                "id": uid,
                "username": username,
                "display_name": name,
                "bio": "",
                "private": is_private,
                "role": role,
                "ts": ts,
            }
        )

    # Blocks first, so no follow is ever generated across one.
    blocked: set[tuple[int, int]] = set()
    for a in rng.sample(range(n), k=max(1, n // 100)):
        b = rng.randrange(n)
        if a != b and (a, b) not in blocked and (b, a) not in blocked:
            blocked.add((a, b))
            ts = rng.randint(max(joined[a], joined[b]), end_ms)
            g.blocks.append({"a": uids[a], "b": uids[b], "id": ids.at(ts), "ts": ts})

    # Follows: heavy-tailed out-degree, targets by Pareto "appeal" (celebrities).
    appeal = [rng.paretovariate(1.2) for _ in range(n)]
    for i in range(min(3, n)):
        appeal[i] = max(appeal) * 2  # the demo accounts are well connected
    cum = list(itertools.accumulate(appeal))
    followers: list[list[int]] = [[] for _ in range(n)]
    for a in range(n):
        want = min(n - 1, max(1, int(rng.expovariate(1 / preset.follows_mean))))
        targets = set(rng.choices(range(n), cum_weights=cum, k=want))
        for b in sorted(targets):
            if b == a or (a, b) in blocked or (b, a) in blocked:
                continue
            ts = rng.randint(max(joined[a], joined[b]), end_ms)
            row = {"a": uids[a], "b": uids[b], "id": ids.at(ts), "ts": ts}
            if private[b] and rng.random() < 0.2:
                g.requests.append(row)
            else:
                g.follows.append(row)
                followers[b].append(a)

    # Posts with hashtags (Zipf-popular) and the odd mention of someone the author follows.
    g.hashtags = list(TAGS)
    tag_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(TAGS))))
    following: list[list[int]] = [[] for _ in range(n)]
    for b, fans in enumerate(followers):
        for a in fans:
            following[a].append(b)
    post_owner: list[int] = []
    post_ts: list[int] = []
    for a in range(n):
        for _ in range(_poisson(rng, preset.posts_mean)):
            ts = rng.randint(joined[a], end_ms)
            tags = sorted(set(rng.choices(TAGS, cum_weights=tag_weights, k=rng.randint(0, 3))))
            caption = rng.choice(PHRASES) + "".join(f" #{t}" for t in tags)
            mention = None
            if following[a] and rng.random() < 0.1:
                mention = rng.choice(following[a])
                caption += f" @{g.users[mention]['username']}"
            pid = ids.at(ts)
            g.posts.append({"id": pid, "author": uids[a], "caption": caption, "ts": ts})
            g.tags.extend({"post": pid, "tag": t} for t in tags)
            if mention is not None:
                g.mentions.append({"post": pid, "user": uids[mention], "ts": ts})
            post_owner.append(a)
            post_ts.append(ts)

    # Likes and comments from the author's followers (who can always see the post), plus
    # random users on public posts.
    for p, post in enumerate(g.posts):
        a = post_owner[p]
        audience = followers[a]

        def viewer(a: int = a, audience: list[int] = audience) -> int | None:
            if audience and (private[a] or rng.random() < 0.7):
                return rng.choice(audience)
            if private[a]:
                return None
            v = rng.randrange(n)
            return None if v == a or (a, v) in blocked or (v, a) in blocked else v

        likers = {
            v for _ in range(_poisson(rng, preset.likes_per_post)) if (v := viewer()) is not None
        }
        for v in sorted(likers):
            ts = rng.randint(post_ts[p], end_ms)
            g.likes.append({"user": uids[v], "post": post["id"], "id": ids.at(ts), "ts": ts})
        thread: list[str] = []
        times = sorted(
            rng.randint(post_ts[p], end_ms) for _ in range(_poisson(rng, preset.comments_per_post))
        )
        for ts in times:  # in time order, so a reply is always younger than its parent
            v = viewer()
            if v is None:
                continue
            cid = ids.at(ts)
            g.comments.append(
                {
                    "id": cid,
                    "user": uids[v],
                    "post": post["id"],
                    "text": rng.choice(COMMENTS),
                    "ts": ts,
                }
            )
            if thread and rng.random() < 0.3:
                g.replies.append({"id": cid, "parent": rng.choice(thread)})
            thread.append(cid)
    return g


def batches(rows: list[Row], size: int) -> Iterator[list[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
