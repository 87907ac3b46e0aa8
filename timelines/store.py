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

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.crc import key_slot
from redis.exceptions import NoScriptError, ResponseError

from backends.batching import positions_by_node
from graphgram.redis_keys import Keys
from redis_scripts import Script, script

__all__ = ["Keys"]

SENTINEL = "!"
BUILDING = "!?"
# Lexicographic bounds: every sentinel starts with "!", every ULID with a digit.
AFTER_SENTINELS = "(!~"


GROUP = "fanout"

# The scripts that keep windows and caches consistent (redis_scripts/timelines/*.lua: each one's
# header says what its keys and arguments are).
ADD_IF_EXISTS = script("timelines/add_if_exists")
# Its form for Redis Cluster: one call per node over windows of that node's many slots.
NODE_ADD_IF_EXISTS = script("cluster/node_add_if_exists")
START_BUILD = script("timelines/start_build")
FINISH_BUILD = script("timelines/finish_build")
EXTEND_DOWN = script("timelines/extend_down")
# Cache invalidation with a time: a tombstone is "-<Redis time in microseconds>", so a fill can
# tell whether it read the graph after the invalidation (and may replace the tombstone at once)
# or before it (and must not).
TOMBSTONE = script("timelines/tombstone")
FILL_AFTER = script("timelines/fill_after")
# A set read from the graph (a viewer's follows), loaded only if its generation held.
FILL_SET = script("timelines/fill_set")
# How long a post's author stays beside it for the in-flight check (`Keys.inflight_author`): past
# it, a post still in fan-out (a backlog) counts as followed, and the full path asks the graph.
INFLIGHT_AUTHOR_TTL_S = 3_600


class Scripts:
    """The one-window scripts, registered once per client (EVALSHA with a fallback to EVAL);
    the scripts that take many windows run per slot (`run_per_slot`), or per node on a cluster
    where they have a node form (`run_per_node`)."""

    def __init__(self, redis: Redis) -> None:
        self.finish_build = redis.register_script(FINISH_BUILD.text)
        self.start_build = redis.register_script(START_BUILD.text)
        self.extend_down = redis.register_script(EXTEND_DOWN.text)
        self.fill_set = redis.register_script(FILL_SET.text)


_scripts: dict[int, Scripts] = {}


def scripts(redis: Redis) -> Scripts:
    found = _scripts.get(id(redis))
    if found is None:
        found = _scripts[id(redis)] = Scripts(redis)
    return found


def by_slot(redis: Redis | RedisCluster, keys: list[str]) -> list[list[str]]:
    """`keys` in groups a script may take together: one group on one Redis server, one per hash
    slot on a cluster (keys of one owner share a slot: graphgram/redis_keys.py)."""
    if not isinstance(redis, RedisCluster) or len(keys) < 2:
        return [keys]
    groups: dict[int, list[str]] = {}
    for key in keys:
        groups.setdefault(key_slot(key.encode()), []).append(key)
    return list(groups.values())


def pipe_script(pipe: Any, found: Script, keys: list[str], args: list[Any]) -> None:
    """Queue EVALSHA of a catalog script on a pipeline (redis-py's cluster pipeline refuses its
    `evalsha` method, not the command: it routes the command by its first key)."""
    pipe.execute_command("EVALSHA", found.sha, len(keys), *keys, *args)


async def run_per_slot(
    redis: Redis | RedisCluster,
    found: Script,
    keys: list[str],
    args: list[Any] | Callable[[list[str]], list[Any]],
) -> list[Any]:
    """Run a script whose keys are all alike (`KEYS[1..]`) once per slot group of `keys`, the
    groups in one pipeline (split by node on a cluster); the replies in group order. `args`:
    the same for every group, or made per group."""
    groups = by_slot(redis, keys)

    def args_of(group: list[str]) -> list[Any]:
        return args(group) if callable(args) else args

    for attempt in range(2):
        try:
            if len(groups) == 1:
                group = groups[0]
                return [await redis.evalsha(found.sha, len(group), *group, *args_of(group))]
            async with redis.pipeline(transaction=False) as pipe:
                for group in groups:
                    pipe_script(pipe, found, group, args_of(group))
                replies: list[Any] = await pipe.execute()
                return replies
        except NoScriptError:
            if attempt:
                raise
            await redis.script_load(found.text)  # every primary, on a cluster
    raise AssertionError("unreachable")  # pragma: no cover


async def run_per_node(
    redis: RedisCluster, node_script: Script, slot_script: Script, keys: list[str], args: list[Any]
) -> list[Any]:
    """On Redis Cluster, a script of many alike keys as one call per node: `node_script` (flagged
    `allow-cross-slot-keys`, routed by its first key, the others in ARGV after their count, then
    `args`), all nodes at once; the replies in no particular order. A node that refuses its call
    (a key whose slot it no longer holds after a failover or a resharding) may have run part of
    it, so `slot_script` does what `node_script` does, and again changes nothing: that node's
    keys go again through `run_per_slot`, routed and redirected by the client."""

    async def one_node(group: list[str]) -> list[Any]:
        if len(group) == 1:
            return await run_per_slot(redis, slot_script, group, args)
        first, *rest = group
        for attempt in range(2):
            try:
                reply = await redis.execute_command(
                    "EVALSHA", node_script.sha, 1, first, len(rest), *rest, *args
                )
                return [reply]
            except NoScriptError:
                if attempt:
                    raise
                await redis.script_load(node_script.text)  # every primary
            except ResponseError:
                break
        return await run_per_slot(redis, slot_script, group, args)

    groups = [[keys[p] for p in part] for part in positions_by_node(redis, keys)]
    replies = await asyncio.gather(*(one_node(group) for group in groups))
    return [reply for part in replies for reply in part]


async def mget(redis: Redis, keys: list[str]) -> list[Any]:
    """GET of every key, in order; on a cluster one MGET per slot (redis-py splits them)."""
    if isinstance(redis, RedisCluster):
        return list(await redis.mget_nonatomic(keys))
    return list(await redis.mget(keys))


def pipe_gets(pipe: Any, keys: list[str]) -> None:
    """Queue a GET of each key on a pipeline (an MGET's keys would have to share one slot on a
    cluster); their replies are the next `len(keys)` of the pipeline's."""
    for key in keys:
        pipe.get(key)


async def _epoch(redis: Redis, epoch_key: str) -> str:
    return str(await redis.get(epoch_key) or "0")


async def _still_in_epoch(redis: Redis, key: str, generation: str, epoch_key: str) -> bool:
    """After a write made from a graph read: a repair that moved the epoch since the read began
    (`generation` ends with the epoch then) drops the window, as the repair's own sweep would.
    The epoch is one key, in no owner's slot, so no script reads it with the window: the write
    goes first and this check after it, so a repair either sees the window in its sweep or
    is seen here."""
    if generation.rpartition("@")[2] == await _epoch(redis, epoch_key):
        return True
    await redis.delete(key)
    return False


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
    args = [cap, exact_from, *members]
    if isinstance(redis, RedisCluster) and len(keys) > 1:
        added = await run_per_node(redis, NODE_ADD_IF_EXISTS, ADD_IF_EXISTS, keys, args)
    else:
        added = await run_per_slot(redis, ADD_IF_EXISTS, keys, args)
    return sum(int(n) for n in added)


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
    epoch = await _epoch(redis, epoch_key)
    generation = await scripts(redis).start_build(keys=[key, generation_key])
    return None if generation is None else f"{generation}@{epoch}"


async def generation(redis: Redis, generation_key: str, *, epoch_key: str) -> str:
    """A window's generation as the scripts compare it (`GENERATION`), read before a graph read
    whose result `extend_down` applies."""
    epoch = await _epoch(redis, epoch_key)
    current = await redis.get(generation_key)
    return f"{str(current or '0')}@{epoch}"


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
        keys=[key, generation_key],
        args=[generation.rpartition("@")[0], floor, cap, ttl_s, *ids],
    )
    return bool(done) and await _still_in_epoch(redis, key, generation, epoch_key)


async def fill_set(
    redis: Redis,
    key: str,
    generation_key: str,
    generation: str,
    members: list[str],
    *,
    sentinel: str,
    ttl_s: int,
    epoch_key: str,
) -> bool:
    """Load the set `key` with `members` and `sentinel` (which says the set is loaded), read from
    the graph after `generation` was read (`store.generation`); nothing when the generation or
    the repair epoch moved since."""
    done = await scripts(redis).fill_set(
        keys=[key, generation_key],
        args=[generation.rpartition("@")[0], ttl_s, sentinel, *members],
    )
    return bool(done) and await _still_in_epoch(redis, key, generation, epoch_key)


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
        keys=[key, generation_key], args=[generation.rpartition("@")[0], floor, cap, *ids]
    )
    return bool(done) and await _still_in_epoch(redis, key, generation, epoch_key)


def time_us(reply: Any) -> str:
    """Redis's `TIME` reply (seconds, microseconds) as the microseconds `FILL_AFTER` compares."""
    seconds, micros = reply
    return f"{int(seconds)}{int(micros):06d}"


async def now_us(redis: Redis) -> str:
    return time_us(await redis.time())


async def tombstone(redis: Redis, keys: list[str], *, ttl_s: int) -> None:
    if keys:
        await run_per_slot(redis, TOMBSTONE, keys, [ttl_s])


async def fill_after(redis: Redis, values: dict[str, str], *, started_us: str, ttl_s: int) -> int:
    """Cache `values` unless an invalidation newer than `started_us` (or a live value) is there."""
    if not values:
        return 0
    filled = await run_per_slot(
        redis,
        FILL_AFTER,
        list(values),
        lambda group: [started_us, ttl_s, *(values[key] for key in group)],
    )
    return sum(int(n) for n in filled)


async def mark_in_flight(redis: Redis, k: Keys, post_id: str, author_id: str) -> None:
    """The post joins the in-flight set, its author written beside it first: a page that meets
    the post there asks whether it is the viewer's (timelines/fastpage.py `_check_in_flight`)."""
    await redis.set(k.inflight_author(post_id), author_id, ex=INFLIGHT_AUTHOR_TTL_S)
    await redis.zadd(k.inflight, {post_id: 0})
