"""The Redis structures behind home timelines, and the few scripts that keep them consistent.

A *window* is a sorted set of post ids that is exact over a known range of ids. Every member has
score 0, so Redis orders members lexicographically, and lower-case ULIDs sort by creation time:
ranges are `ZRANGEBYLEX` on the ids themselves (a float score cannot hold a 128-bit ULID; a
millisecond score would need a tie-break anyway). Rank 0 is always a sentinel that says what the
window covers, and makes an empty window an existing key:

- `!`          every id (the window was never trimmed)
- `!<floor>`   ids >= floor (older ones were trimmed; the graph has them)
- `!?`         being built: no reader trusts it yet, fan-out already writes into it

Windows are home timelines (`<ns>:home:<user>`), per-author lists of recent posts
(`<ns>:author:<user>`, read for celebrities) and each viewer's liked posts (`<ns>:liked:<user>`).
Fan-out only writes into windows that exist, so an expired (inactive) or lost timeline costs
nothing until its owner returns and it is rebuilt from the graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from redis_scripts import script

SENTINEL = "!"
BUILDING = "!?"
# Lexicographic bounds: every sentinel starts with "!", every ULID with a digit.
AFTER_SENTINELS = "(!~"


@dataclass(frozen=True)
class Keys:
    """Every key name, under one namespace (settings.timeline_namespace)."""

    ns: str

    def home(self, user_id: str) -> str:
        return f"{self.ns}:home:{user_id}"

    def celebs(self, user_id: str) -> str:
        """The accounts a user follows whose posts are merged at read time (a set + sentinel)."""
        return f"{self.ns}:celebs:{user_id}"

    def generation(self, user_id: str) -> str:
        """Bumped whenever a user's follow set changes; a rebuild that raced it is dropped."""
        return f"{self.ns}:gen:{user_id}"

    def author(self, user_id: str) -> str:
        return f"{self.ns}:author:{user_id}"

    def author_version(self, user_id: str) -> str:
        """Replaced whenever the author's posts change: a kept celebrity merge that names an
        older version is made again (timelines/fastpage.py)."""
        return f"{self.ns}:av:{user_id}"

    def celebrity_merge(self, user_id: str) -> str:
        """The viewer's kept merge of their celebrities' newest posts (timelines/fastpage.py)."""
        return f"{self.ns}:cm:{user_id}"

    def liked(self, user_id: str) -> str:
        return f"{self.ns}:liked:{user_id}"

    def liked_generation(self, user_id: str) -> str:
        return f"{self.ns}:gen-liked:{user_id}"

    def blocks(self, user_id: str) -> str:
        """Everyone in a block with the user, either direction (a set + sentinel)."""
        return f"{self.ns}:blocks:{user_id}"

    def view(self, post_id: str) -> str:
        return f"{self.ns}:pv:{post_id}"

    def fragment(self, post_id: str) -> str:
        """A post's rendered view (timelines/fastpage.py): its compact JSON without `liked` and
        the closing brace, signed URLs included (`views.fragment`)."""
        return f"{self.ns}:pf:{post_id}"

    def user_views(self, user_id: str) -> str:
        """The posts whose cached view carries this user's name."""
        return f"{self.ns}:pvby:{user_id}"

    def user_changed(self, user_id: str) -> str:
        """When this user's profile last changed (a fill that read before it is dropped)."""
        return f"{self.ns}:pu-changed:{user_id}"

    @property
    def celebrities(self) -> str:
        """Authors known to be above the follower threshold (sticky until they post below it)."""
        return f"{self.ns}:celebrities"

    @property
    def inflight(self) -> str:
        """Posts whose fan-out has not finished: readers merge them, so a post is never missing."""
        return f"{self.ns}:inflight"

    @property
    def stream(self) -> str:
        return f"{self.ns}:fanout"

    @property
    def epoch(self) -> str:
        """Moved by every repair (timelines/repair.py): a build started before one is dropped.
        Outside `<ns>:*`, so the repair's own drop keeps it."""
        return f"{self.ns}-epoch"


GROUP = "fanout"

# The scripts that keep windows and caches consistent (redis_scripts/timelines/*.lua: each one's
# header says what its keys and arguments are).
ADD_IF_EXISTS = script("timelines/add_if_exists")
START_BUILD = script("timelines/start_build")
FINISH_BUILD = script("timelines/finish_build")
EXTEND_DOWN = script("timelines/extend_down")
# Cache invalidation with a time: a tombstone is "-<Redis time in microseconds>", so a fill can
# tell whether it read the graph after the invalidation (and may replace the tombstone at once)
# or before it (and must not).
TOMBSTONE = script("timelines/tombstone")
FILL_AFTER = script("timelines/fill_after")


class Scripts:
    """The Lua scripts, registered once per client (EVALSHA with a fallback to EVAL)."""

    def __init__(self, redis: Redis) -> None:
        self.add_if_exists = redis.register_script(ADD_IF_EXISTS.text)
        self.finish_build = redis.register_script(FINISH_BUILD.text)
        self.start_build = redis.register_script(START_BUILD.text)
        self.extend_down = redis.register_script(EXTEND_DOWN.text)
        self.tombstone = redis.register_script(TOMBSTONE.text)
        self.fill_after = redis.register_script(FILL_AFTER.text)


_scripts: dict[int, Scripts] = {}


def scripts(redis: Redis) -> Scripts:
    found = _scripts.get(id(redis))
    if found is None:
        found = _scripts[id(redis)] = Scripts(redis)
    return found


@dataclass(frozen=True)
class Coverage:
    """What a window's sentinel says: missing, being built, or exact for ids >= floor."""

    exists: bool
    building: bool = False
    floor: str | None = None  # None with exists: exact for every id

    @classmethod
    def of(cls, sentinel: list[Any]) -> Coverage:
        if not sentinel:
            return cls(exists=False)
        member = str(sentinel[0])
        if member == BUILDING:
            return cls(exists=True, building=True)
        if not member.startswith(SENTINEL):
            # A window whose sentinel was trimmed away by hand: trust nothing in it.
            return cls(exists=False)
        return cls(exists=True, floor=member[1:] or None)

    @property
    def usable(self) -> bool:
        return self.exists and not self.building


def lex_below(value: str | None) -> str:
    return f"({value}" if value is not None else "+"


def lex_above(value: str | None) -> str:
    return f"({value}" if value is not None else AFTER_SENTINELS


async def add(
    redis: Redis, keys: list[str], members: list[str], cap: int, *, exact_from: str = ""
) -> int:
    """Add `members` to every window in `keys` that exists (trimmed to `cap`). `exact_from`:
    when `members` are only the newest of a longer list, the lowest id they are exact from."""
    if not keys or not members:
        return 0
    added = await scripts(redis).add_if_exists(keys=keys, args=[cap, exact_from, *members])
    return int(added)


async def remove(redis: Redis, keys: list[str], members: list[str]) -> None:
    if not keys or not members:
        return
    async with redis.pipeline(transaction=False) as pipe:
        for key in keys:
            pipe.zrem(key, *members)
        await pipe.execute()


async def start_build(redis: Redis, key: str, generation_key: str, *, epoch_key: str) -> str | None:
    """Claim the build of a missing window; returns the generation to finish with, or None when
    someone else is building it (or it exists)."""
    generation = await scripts(redis).start_build(keys=[key, generation_key, epoch_key])
    return None if generation is None else str(generation)


async def generation(redis: Redis, generation_key: str, *, epoch_key: str) -> str:
    """A window's generation as the scripts compare it (`GENERATION`), read before a graph read
    whose result `extend_down` applies."""
    current, epoch = await redis.mget([generation_key, epoch_key])
    return f"{str(current or '0')}@{str(epoch or '0')}"


async def finish_build(
    redis: Redis,
    key: str,
    generation_key: str,
    generation: str,
    ids: list[str],
    *,
    floor: str,
    cap: int,
    ttl_s: int,
    epoch_key: str,
) -> bool:
    """`floor`: "" when `ids` are every id there is, "*" when older ones were left out, or the
    id from which `ids` are exact."""
    done = await scripts(redis).finish_build(
        keys=[key, generation_key, epoch_key],
        args=[generation, floor, cap, ttl_s, *ids],
    )
    return bool(done)


async def extend_down(
    redis: Redis,
    key: str,
    generation_key: str,
    generation: str,
    ids: list[str],
    *,
    floor: str,
    cap: int,
    epoch_key: str,
) -> bool:
    """Lower the floor of an existing window to `floor`, with `ids` every id from it on (read
    from the graph after `generation` was read, with `store.generation`)."""
    done = await scripts(redis).extend_down(
        keys=[key, generation_key, epoch_key], args=[generation, floor, cap, *ids]
    )
    return bool(done)


def time_us(reply: Any) -> str:
    """Redis's `TIME` reply (seconds, microseconds) as the microseconds `FILL_AFTER` compares."""
    seconds, micros = reply
    return f"{int(seconds)}{int(micros):06d}"


async def now_us(redis: Redis) -> str:
    return time_us(await redis.time())


async def tombstone(redis: Redis, keys: list[str], *, ttl_s: int) -> None:
    if keys:
        await scripts(redis).tombstone(keys=keys, args=[ttl_s])


async def fill_after(redis: Redis, values: dict[str, str], *, started_us: str, ttl_s: int) -> int:
    """Cache `values` unless an invalidation newer than `started_us` (or a live value) is there."""
    if not values:
        return 0
    keys = list(values)
    filled = await scripts(redis).fill_after(
        keys=keys, args=[started_us, ttl_s, *(values[key] for key in keys)]
    )
    return int(filled)
