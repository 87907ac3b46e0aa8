"""Redis commands issued by concurrent requests in one turn of the event loop, sent together.

Under load an API process has several requests waiting on Redis at once, and on our machines a
command's cost is mostly its round trip: the write syscall (which runs the loopback receive path
and wakes Redis), the wake-up, the read (py-spy: the one write of a served feed page was a sixth
of a worker's busy time). `CommandBatcher.execute` queues the command; the first command of a
turn schedules one flush at the end of that turn, which writes every queued command on one pooled
connection in one syscall and reads the replies in order. Redis, too, then reads the batch in one
read and answers it in one write. A request alone in its turn is sent at once, as before.

On a Redis Cluster (`RedisCluster`) the commands of a turn are grouped by the node that holds
each one's key (its slot in the client's slot map), and each node gets one write on one of its
pooled connections, all nodes at once. A command the node answers with a redirection (MOVED or
ASK after a failover or a resharding, TRYAGAIN, CLUSTERDOWN), and every command of a node whose
connection failed, goes again alone through the cluster client, which follows the redirection,
reloads its slot map and retries as it does for any command. A command whose connection failed
may thus reach Redis twice: only commands safe to repeat go through here (the fast feed page's
reads, its timeline touch and its kept merge, `timelines/fastpage.py`).

This is auto-pipelining as ioredis and coredis offer it; redis-py has no such mode, so this uses
its connection pool, packer and reply parser directly. Replies come back as bytes (never
decoded). An error reply (NOSCRIPT...) is raised for its own command only; a connection error or
a timeout fails every command of the batch and drops the connection, as a failed command would.
"""

from __future__ import annotations

import asyncio
import functools
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias, cast

import hiredis
from redis.asyncio import Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.client import NEVER_DECODE
from redis.crc import key_slot
from redis.exceptions import (
    AskError,
    ClusterDownError,
    NoScriptError,
    ResponseError,
    TryAgainError,
)
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.typing import EncodableT

from graphgram.metrics import observe_backend
from redis_scripts import script

_Future: TypeAlias = "asyncio.Future[Any]"
_Pending = tuple[tuple[EncodableT, ...], "asyncio.Future[Any]"]

NODE_GET = script("cluster/node_get")


@dataclass(frozen=True, slots=True)
class MultiGet:
    """`execute_many`'s read of several keys in any slots; its reply is their values in order
    (None where a key is missing). One MGET on one Redis server. On a cluster, where a command's
    keys must share one slot, each node holding some of them gets one `cluster/node_get` call
    (a GET each inside Redis; a plain GET for a node's only key), in its write of the turn."""

    keys: tuple[str, ...]


Command: TypeAlias = tuple[EncodableT, ...] | MultiGet


@functools.lru_cache(maxsize=65536)
def _slot(key: str) -> int:
    """A key's hash slot (the keys of a feed page repeat from page to page)."""
    return key_slot(key.encode())


def positions_by_node(cluster: RedisCluster, keys: Sequence[str]) -> list[list[int]]:
    """The positions of `keys` grouped by the node that holds each one's slot in the client's
    slot map, in first-seen order; a key whose slot the map lacks is a group of its own (a
    command the cluster client routes). A MultiGet's parts here; a fan-out's in
    `timelines.store.run_per_node`."""
    nodes = cluster.nodes_manager
    by_node: dict[str, list[int]] = {}
    for position, key in enumerate(keys):
        try:
            name = nodes.get_node_from_slot(_slot(key)).name
        except Exception:  # noqa: BLE001 - no slot map entry
            name = f"?{position}"
        by_node.setdefault(name, []).append(position)
    return list(by_node.values())


class CommandBatcher:
    def __init__(self, redis: Redis, *, timeout_s: float) -> None:
        self._redis = redis
        self._timeout_s = timeout_s
        self._pending: list[_Pending] = []
        self._sending: set[asyncio.Task[None]] = set()

    async def execute(self, *args: EncodableT) -> Any:
        """Send one command with the others of this turn; its reply, undecoded."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        if not self._pending:
            loop.call_soon(self._flush)
        self._pending.append((args, future))
        return await future

    async def execute_many(self, commands: Sequence[Command]) -> list[Any]:
        """Send several commands at once, with the others of this turn; their replies in order
        (undecoded; a `MultiGet`'s: the list of its values), or the first error reply raised."""
        if not commands:
            return []
        loop = asyncio.get_running_loop()
        if not self._pending:
            loop.call_soon(self._flush)
        futures: list[asyncio.Future[Any]] = []
        # Per command: None, or a MultiGet's keys and the key positions of each of its parts.
        plans: list[tuple[tuple[str, ...], list[list[int]]] | None] = []
        for command in commands:
            if isinstance(command, MultiGet):
                split = self._multi_get_parts(command.keys)
                plans.append((command.keys, [positions for positions, _ in split]))
                sent = [args for _, args in split]
            else:
                plans.append(None)
                sent = [command]
            for args in sent:
                future: asyncio.Future[Any] = loop.create_future()
                self._pending.append((args, future))
                futures.append(future)
        settled = await asyncio.gather(*futures, return_exceptions=True)
        replies: list[Any] = []
        at = 0
        for plan in plans:
            if plan is None:
                reply = settled[at]
                at += 1
                if isinstance(reply, BaseException):
                    raise reply
                replies.append(reply)
                continue
            keys, parts = plan
            values: list[Any] = [None] * len(keys)
            for positions in parts:
                got = settled[at]
                at += 1
                if isinstance(got, BaseException):
                    got = await self._get_each(keys, positions, got)
                elif len(positions) == 1 and isinstance(self._redis, RedisCluster):
                    got = [got]  # a node's only key: a plain GET
                for position, value in zip(positions, got, strict=True):
                    values[position] = value
            replies.append(values)
        return replies

    def _multi_get_parts(self, keys: tuple[str, ...]) -> list[tuple[list[int], tuple[Any, ...]]]:
        """A MultiGet's commands, each with the positions of the keys it reads: one MGET; on a
        cluster one `cluster/node_get` per node of the slot map (GET for a node's only key)."""
        if not isinstance(self._redis, RedisCluster):
            return [(list(range(len(keys))), ("MGET", *keys))]
        parts: list[tuple[list[int], tuple[Any, ...]]] = []
        for positions in positions_by_node(self._redis, keys):
            if len(positions) == 1:
                parts.append((positions, ("GET", keys[positions[0]])))
            else:
                first, *rest = (keys[p] for p in positions)
                parts.append((positions, ("EVALSHA", NODE_GET.sha, 1, first, *rest)))
        return parts

    async def _get_each(
        self, keys: tuple[str, ...], positions: list[int], error: BaseException
    ) -> list[Any]:
        """A node's part of a MultiGet that Redis refused, read again a GET each (routed and
        redirected by the cluster client): a key no longer on that node (a failover or a
        resharding since the slot map was read), or the script not loaded there yet (a restarted
        or newly promoted node: it is loaded again on every primary). Other errors are raised."""
        if isinstance(error, NoScriptError):
            await self._redis.script_load(NODE_GET.text)  # every primary, on a cluster
        elif not isinstance(error, ResponseError) or len(positions) == 1:
            raise error
        return await self.execute_many([("GET", keys[p]) for p in positions])

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        task = asyncio.get_running_loop().create_task(self._send(batch))
        self._sending.add(task)  # a reference, so the task is not collected while it runs
        task.add_done_callback(self._sending.discard)

    async def _send(self, batch: list[_Pending]) -> None:
        if isinstance(self._redis, RedisCluster):
            await self._send_cluster(self._redis, batch)
            return
        started = time.perf_counter()
        pool = self._redis.connection_pool
        try:
            connection = await pool.get_connection()  # type: ignore[no-untyped-call]
        except Exception as exc:
            _fail(batch, exc, started)
            return
        try:
            async with asyncio.timeout(self._timeout_s):
                await connection.send_packed_command(_pack(args for args, _ in batch))
                for args, future in batch:
                    try:
                        # The batch's own timeout bounds the reads (no per-read timer).
                        reply = await connection.read_response(
                            disable_decoding=True, timeout=math.inf
                        )
                    except ResponseError as exc:
                        _settle(future, args, started, error=exc)
                    else:
                        _settle(future, args, started, reply=reply)
        except TimeoutError:
            await connection.disconnect(nowait=True)
            _fail(batch, RedisTimeoutError("Timeout reading from Redis"), started)
        except Exception as exc:
            await connection.disconnect(nowait=True)
            _fail(batch, exc, started)
        finally:
            await pool.release(connection)

    async def _send_cluster(self, cluster: RedisCluster, batch: list[_Pending]) -> None:
        started = time.perf_counter()
        by_node: dict[str, tuple[ClusterNode, list[_Pending]]] = {}
        alone: list[_Pending] = []
        for args, future in batch:
            key = _key(args)
            node = None
            if key is not None:
                try:
                    node = cluster.nodes_manager.get_node_from_slot(
                        _slot(key) if isinstance(key, str) else cluster.keyslot(key)
                    )
                except Exception:  # noqa: BLE001 - no slot map entry: the client finds it
                    node = None
            if node is None:
                alone.append((args, future))
            else:
                by_node.setdefault(node.name, (node, []))[1].append((args, future))
        await asyncio.gather(
            *(self._send_node(cluster, node, items, started) for node, items in by_node.values()),
            *(self._alone(cluster, args, future, started) for args, future in alone),
        )

    async def _send_node(
        self, cluster: RedisCluster, node: ClusterNode, items: list[_Pending], started: float
    ) -> None:
        """One node's commands in one write; redirected ones, or all of them when the
        connection fails, again alone through the cluster client."""
        again: list[_Pending] = []
        answered = 0
        try:
            connection = node.acquire_connection()
        except Exception:  # noqa: BLE001 - no connection to spare: the client queues them
            await asyncio.gather(*(self._alone(cluster, a, f, started) for a, f in items))
            return
        try:
            async with asyncio.timeout(self._timeout_s):
                await connection.send_packed_command(_pack(args for args, _ in items))
                for args, future in items:
                    try:
                        reply = await connection.read_response(
                            disable_decoding=True, timeout=math.inf
                        )
                    except (AskError, TryAgainError, ClusterDownError):
                        again.append((args, future))
                    except ResponseError as exc:
                        _settle(future, args, started, error=exc)
                    else:
                        _settle(future, args, started, reply=reply)
                    answered += 1
        except Exception:  # noqa: BLE001 - the node is away or slow: the client decides
            await connection.disconnect(nowait=True)
            again.extend(items[answered:])
        finally:
            node.release(connection)
        await asyncio.gather(*(self._alone(cluster, a, f, started) for a, f in again))

    async def _alone(
        self, cluster: RedisCluster, args: tuple[EncodableT, ...], future: _Future, started: float
    ) -> None:
        try:
            reply = await cluster.execute_command(*args, **{NEVER_DECODE: True})
        except Exception as exc:  # noqa: BLE001 - the command's own error, as the caller's
            _settle(future, args, started, error=exc)
        else:
            _settle(future, args, started, reply=reply)


def _pack(commands: Iterable[tuple[EncodableT, ...]]) -> bytes:
    """The commands in Redis's protocol, packed by hiredis's C packer (redis-py's asyncio
    connection packs in Python, argument by argument: py-spy put that at 8% of a feed page's
    CPU, and hiredis packs the same bytes about seven times faster)."""
    # hiredis's stub types the argument as a 1-tuple; it takes a tuple of any length.
    return b"".join([hiredis.pack_command(cast(Any, args)) for args in commands])


def _key(args: tuple[EncodableT, ...]) -> EncodableT | None:
    """The key a command is routed by: EVALSHA's first key, else its first argument."""
    name = str(args[0]).upper()
    if name in ("EVALSHA", "EVAL"):
        return args[3] if len(args) > 3 and int(args[2]) > 0 else None
    return args[1] if len(args) > 1 else None


def _settle(
    future: asyncio.Future[Any],
    args: tuple[EncodableT, ...],
    started: float,
    *,
    reply: Any = None,
    error: BaseException | None = None,
) -> None:
    observe_backend("redis", str(args[0]).lower(), time.perf_counter() - started, error is None)
    if future.done():  # the request was cancelled (its client went away)
        return
    if error is None:
        future.set_result(reply)
    else:
        future.set_exception(error)


def _fail(batch: list[_Pending], error: BaseException, started: float) -> None:
    for args, future in batch:
        _settle(future, args, started, error=error)
