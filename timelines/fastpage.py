"""The home feed's common page in few Redis round trips, on one Redis server or a cluster.

`timelines/feed.py` answers every page correctly with a few pipelines and Python around them.
Most requests, though, are the plain case: newest first (no cursor or `max_id`), a timeline and
celebrity set that exist, a viewer in no block and with no mute that has ended, no post of the
page still in flight for them (a post in fan-out by an author they do not follow is not
theirs: `_check_in_flight`), every post's rendered fragment cached. For those this module merges and
renders the page with the least work:

1. one batch: the in-flight set's newest ids, then `timelines/fast_page` on the viewer's slot
   (the timeline's range and coverage, the celebrity and block sets, the mute set (a mute that
   has ended sends the page to the full path), the liked and saved windows' coverage and the kept
   celebrity merge, all keys tagged by the viewer, `graphgram.redis_keys`), and with
   them what this process's hints of the viewer's last page name (`_Hints`): the cached session
   (checked against the hinted viewer), each followed celebrity's list version and the
   fragments (`<ns>:{p:<post>}:pf`: the `Post` JSON without `liked`, `saved` and its closing
   brace) of the last page's posts (plain reads of many owners' keys in one
   `backends.batching.MultiGet`: one MGET on one server, one call per node on a cluster), and
   their liked and saved flags;
2. only for what the hints did not cover: the session first when this process has not seen it,
   the versions of newly followed celebrities and of versions gone missing (minted by
   `timelines/author_version`) (for an older page each list's range,
   `timelines/window_range`), and the fragments and flags of the ids the page most likely shows
   (the newest of the timeline and of the kept merge);
3. only when the kept merge no longer holds or the page needs posts not read yet: one more batch
   (the celebrities' lists, the missing fragments and flags, the merge kept again).

A viewer's second page in a process is thus one round trip. A hint never decides an answer: the
session is read in the same batch and a revoked one declines at once.

Batches go through `backends.batching`: one write with the other requests' commands of the same
loop turn, replies left as bytes, on one server; on a cluster one such write per node. Before
all this, a viewer's newest page whose hints still make it is one script
(`timelines/hinted_page`) with the read of its fragments behind it (`_hinted_page`), the
in-flight set's read just before it in the same write: on a cluster the script has the
viewer's slot, and the session and the versions are read beside it too.

Either way, a post still in fan-out that would be on the page and is not in it yet sends the
page to the full path only when it may be the viewer's (`_check_in_flight`): its author is
someone they follow. The in-flight set is global, so this check is what keeps other people's
posts in fan-out from costing this viewer's page anything but two reads.
The page's JSON is the fragments joined with their liked and saved flags: no post is parsed or
rendered.
Whenever anything is not plain the answer is "no", and the full path (which also fills the
fragments) serves the request; the answers are the same either way
(`tests/test_timelines_churn.py` compares them with the Cypher feed).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import random
import time
from typing import Any

from redis.exceptions import NoScriptError

from backends import Backends
from backends.batching import Command, MultiGet
from graph import timelines as tl_graph
from graphgram.metrics import cache_lookup
from redis_scripts import Script, script
from timelines import store
from timelines.store import AFTER_SENTINELS, Keys

FAST_PAGE = script("timelines/fast_page")
WINDOW_RANGE = script("timelines/window_range")
AUTHOR_VERSION = script("timelines/author_version")
HINTED_PAGE = script("timelines/hinted_page")
SCRIPTS = (FAST_PAGE, WINDOW_RANGE, AUTHOR_VERSION, HINTED_PAGE)

log = logging.getLogger(__name__)

# The share of reads that refresh the timeline's inactivity TTL (as in timelines/feed.py).
TOUCH_SHARE = 0.125
# How long a viewer's kept celebrity merge lives once made (a minted version, twice as long).
# Also the longest a merge can outlive a post whose hook died between changing the author's
# list and replacing its version (Redis failing between two commands): five minutes, against
# one remade merge per active viewer per five minutes.
CELEBRITY_MERGE_TTL_S = 300
# How long a viewer's follows (`Keys.follows`) stay loaded: a day, then the next page that meets
# a post in fan-out reads them from the graph again (a follow change drops them at once).
FOLLOWS_TTL_S = 86_400
# The loaded follows' sentinel: an integer, like every member (`follow_tag`), so the set stays an
# intset (8 bytes a member up to Redis's set-max-intset-entries, 512 by default) where the ids
# themselves would make a hash table (about 77 bytes a member: 23 KB for 300 follows).
FOLLOWS_SENTINEL = "0"

SHA = FAST_PAGE.sha
# The viewer's part of a post's JSON, by (liked, saved): closes the cached fragment.
_FLAGS = {
    (liked, saved): f',"liked":{str(liked).lower()},"saved":{str(saved).lower()}}}'.encode()
    for liked in (False, True)
    for saved in (False, True)
}


class _Decline(Exception):
    """The full path must answer; the message says why."""


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _texts(values: list[Any]) -> list[str]:
    """Replies' ids as text, decoded in one call (ids hold no newline)."""
    if not values:
        return []
    if all(type(v) is bytes for v in values):
        return b"\n".join(values).decode().split("\n")
    return [_text(v) for v in values]


def _session_viewer(raw: Any) -> str:
    """The viewer of a cached session, or _Decline; parsed once per distinct cached value."""
    if raw is None:
        raise _Decline("session")
    viewer = _session_viewer_cached(raw.encode() if isinstance(raw, str) else bytes(raw))
    if viewer.startswith("!"):
        raise _Decline(viewer[1:])
    return viewer


@functools.lru_cache(maxsize=4096)
def _session_viewer_cached(raw: bytes) -> str:
    """`_parse_session` with a decline as "!why" (lru_cache keeps values, not exceptions)."""
    try:
        return _parse_session(raw)
    except _Decline as why:
        return f"!{why}"


def _parse_session(raw: Any) -> str:
    """The viewer of a cached session (wire/sessions.py) the page may serve: first-party (null
    scopes) or an app's token with `read` or `read:statuses` (api/auth/scopes.py); anything
    else (missing, revoked, unreadable, no read scope) is for the full path, which
    authenticates properly and refuses with the API's own error."""
    if raw is None:
        raise _Decline("session")
    try:
        data = json.loads(raw)
    except ValueError:
        raise _Decline("session") from None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise _Decline("session")
    scopes = data.get("scopes")
    if scopes is not None:
        if not isinstance(scopes, list):
            raise _Decline("session")
        if not {"read", "read:statuses"} & {s for s in scopes if isinstance(s, str)}:
            raise _Decline("scope")
    return str(data["id"])


def _merge(lists: list[list[str]], count: int) -> list[str]:
    """Merge newest-first lists (a timeline, author lists, a kept merge) as far as `count`
    distinct ids."""
    # Every list is newest first, so the merge is the newest `count` of their union (sorting
    # the union in C costs less than stepping through the lists in Python).
    return sorted(set().union(*lists), reverse=True)[:count]


class _Sources:
    """The lists a page merges, with the bound below which the page cannot reach: once one list
    holds `n` ids, the page is among ids >= its n-th (`safe`)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.lists: list[list[str]] = []
        self.safe: str | None = None

    def add(self, got: list[str]) -> None:
        if self.safe is not None:
            got = [i for i in got if i >= self.safe]
        got = got[: self.n]
        if len(got) >= self.n and (self.safe is None or got[self.n - 1] > self.safe):
            self.safe = got[self.n - 1]
        if got:
            self.lists.append(got)


async def _load_scripts(backends: Backends) -> None:
    for each in SCRIPTS:
        await backends.redis.script_load(each.text)  # every primary, on a cluster


async def home_page(
    backends: Backends,
    *,
    limit: int,
    max_id: str | None,
    viewer_id: str = "",
    session_key: str = "",
) -> tuple[str, list[str], bytes] | None:
    """(the viewer's id, up to limit + 1 post ids, the JSON of the first `limit` posts), or
    None when the full path must answer. The viewer is `viewer_id`, or the one whose cached
    session is `session_key`."""
    if not backends.settings.timeline_fast_page:
        return None
    for attempt in range(2):
        try:
            found = await _page(
                backends, limit=limit, max_id=max_id, viewer_id=viewer_id, session_key=session_key
            )
        except _Decline as why:
            cache_lookup("feed_page", hit=False)
            log.debug("home page takes the full path: %s", why)
            return None
        except NoScriptError:  # a restarted, flushed or newly promoted Redis
            if attempt:
                raise
            await _load_scripts(backends)
            continue
        cache_lookup("feed_page", hit=True)
        return found
    return None  # pragma: no cover - the loop returns or raises


class _Hints:
    """What this process saw of recent pages, to send a page's reads in one round trip: a
    session's viewer, and a viewer's followed celebrities and newest page. A hint never decides
    an answer: the session is read in the same batch as the viewer's script and checked against
    the hint (a revoked or unknown session declines as before), and whatever the hints missed is
    read in a second round trip. Each map keeps its newest `size` entries."""

    def __init__(self, size: int = 8192) -> None:
        self.size = size
        self.viewers: dict[str, str] = {}
        # viewer -> (celebrities, the page's ids, how many ids the page asked for)
        self.pages: dict[str, tuple[list[str], list[str], int]] = {}

    def _put(self, found: dict[str, Any], key: str, value: Any) -> None:
        found.pop(key, None)
        found[key] = value
        if len(found) > self.size:
            del found[next(iter(found))]

    def viewer(self, session_key: str) -> str:
        return self.viewers.get(session_key, "")

    def saw_viewer(self, session_key: str, viewer_id: str) -> None:
        if self.viewers.get(session_key) != viewer_id:
            self._put(self.viewers, session_key, viewer_id)

    def forget_viewer(self, session_key: str) -> None:
        self.viewers.pop(session_key, None)

    def page(self, viewer_id: str) -> tuple[list[str], list[str], int]:
        return self.pages.get(viewer_id, ([], [], 0))

    def saw_page(self, viewer_id: str, authors: list[str], ids: list[str], want: int) -> None:
        self._put(self.pages, viewer_id, (authors, ids, want))


HINTS = _Hints()
# The authors of posts met in fan-out (a post's author never changes): every page of this
# process that meets the same post then reads only the viewer's follows. The newest 4,096.
_AUTHORS: dict[str, str] = {}
_AUTHORS_KEPT = 4096


async def _page(
    backends: Backends, *, limit: int, max_id: str | None, viewer_id: str, session_key: str
) -> tuple[str, list[str], bytes]:
    settings = backends.settings
    batched = backends.redis_batched
    k = Keys(settings.timeline_namespace)
    # The viewer: given, or the hint of an earlier page with this session (checked against the
    # session read in the same batch below), or the session read first.
    check_session = False
    if not viewer_id:
        viewer_id = HINTS.viewer(session_key)
        check_session = bool(viewer_id)
        if not viewer_id:
            viewer_id = _session_viewer(await batched.execute("GET", session_key))
            HINTS.saw_viewer(session_key, viewer_id)
    ttl = settings.timeline_inactive_days * 86400 if random.random() < TOUCH_SHARE else 0
    want = limit + 1
    # `want` per source: the page filters nothing out (it gives up instead), so no source needs
    # to be read beyond the page, unlike the full path's over-fetch.
    n = want
    hi = max_id or ""
    merge_key = k.celebrity_merge(viewer_id)
    high = f"({hi}" if hi else "+"
    # The newest page's reads besides the viewer's script go in the same batch, from the hints
    # of this viewer's last page: its celebrities' list versions and its posts' fragments and
    # liked flags. The in-flight set is read whole (its newest n) before the timeline, so a post
    # acknowledged before this request is in one or the other.
    hinted_authors, hinted_ids, hinted_want = HINTS.page(viewer_id) if not hi else ([], [], 0)
    hinted_ids = hinted_ids[:want]
    # The script only when the hinted page was at least as long (a shorter one cannot name
    # every post of this one).
    if hinted_ids and hinted_want >= want:
        found = await _hinted_page(
            backends,
            k,
            viewer_id,
            session_key if check_session else "",
            hinted_authors,
            hinted_ids,
            limit=limit,
            ttl=ttl,
        )
        if found is not None:
            return found
    commands: list[Command] = []
    if check_session:
        commands.append(("GET", session_key))
    commands.append(("ZREVRANGEBYLEX", k.inflight, high, AFTER_SENTINELS, "LIMIT", 0, n))
    commands.append(
        (
            "EVALSHA",
            SHA,
            7,
            k.home(viewer_id),
            k.celebs(viewer_id),
            k.blocks(viewer_id),
            k.liked(viewer_id),
            merge_key,
            k.mutes(viewer_id),
            k.saved(viewer_id),
            hi,
            n,
            ttl,
            int(time.time() * 1000),
        )
    )
    # Hinted versions and fragments are plain reads, in one MultiGet; a version that is missing
    # is minted with the versions still needed below.
    commands.extend(
        _gets(
            [k.author_version(author) for author in hinted_authors]
            + [k.fragment(post_id) for post_id in hinted_ids]
        )
    )
    commands.extend(_flags(k, viewer_id, hinted_ids))
    replies = await batched.execute_many(commands)
    if check_session:
        session, *replies = replies
        try:
            if _session_viewer(session) != viewer_id:
                raise _Decline("session")
        except _Decline:
            HINTS.forget_viewer(session_key)
            raise
    inflight, head, *replies = replies
    versions: dict[str, Any] = {}
    known: dict[str, tuple[bytes | str | None, bool, bool]] = {}
    if hinted_authors or hinted_ids:
        hinted_values, *replies = replies
        versions = {
            author: version
            for author, version in zip(hinted_authors, hinted_values, strict=False)
            if version is not None
        }
        fragments = hinted_values[len(hinted_authors) :]
    if hinted_ids:
        liked, saved, *_ = replies
        for i, post_id in enumerate(hinted_ids):
            known[post_id] = (fragments[i], liked[i] is not None, saved[i] is not None)
    if int(head[0]) != 1:
        raise _Decline(_text(head[1]))
    floor = _text(head[1]) or None
    liked_floor = _text(head[2]) or None
    saved_floor = _text(head[3]) or None
    kept = _parse_kept(_text(head[4]) if not hi else "")
    count = int(head[5])
    authors = sorted(_texts(head[6 : 6 + count]))
    sources = _Sources(n)
    sources.add(_texts(head[6 + count :]))
    low = f"[{sources.safe}" if sources.safe is not None else AFTER_SENTINELS

    # The page is most often the newest of the timeline and the kept merge: what the hints did
    # not cover of their fragments and liked and saved flags is read in the same round trip as the
    # versions (or, for an older page, the lists) still needed, and only what the page turns
    # out to need besides is read after.
    guessed = [
        post_id
        for post_id in _guess(sources.lists, kept if authors else None, want)
        if post_id not in known
    ]
    commands = _gets([k.fragment(post_id) for post_id in guessed])
    commands.extend(_flags(k, viewer_id, guessed))
    unversioned = [a for a in authors if a not in versions]
    if hi:
        for author in authors:
            commands.append(_script(WINDOW_RANGE, k.author(author), high, low, n))
    else:
        commands.extend(_versions(k, unversioned))
    replies = await batched.execute_many(commands) if commands else []
    if guessed:
        fragments, liked, saved, *replies = replies
        for i, post_id in enumerate(guessed):
            known[post_id] = (fragments[i], liked[i] is not None, saved[i] is not None)
    if not hi:
        versions.update(zip(unversioned, replies, strict=True))
        per_author = [versions[a] for a in authors]
    else:
        per_author = replies

    remade: str | None = None
    if hi:
        for reply in per_author:
            if int(reply[0]) != 1:
                raise _Decline("author")
            afloor = _text(reply[1]) or None
            if afloor and (floor is None or afloor > floor):
                floor = afloor
            sources.add(_texts(reply[2:]))
    elif authors:
        signature = ",".join(f"{a}={_text(v)}" for a, v in zip(authors, per_author, strict=True))
        merged, mfloor = _kept_merge(kept, signature, n)
        if merged is None:
            merged, mfloor = await _celebrity_merge(backends, k, authors, n)
            remade = json.dumps(
                {"sig": signature, "n": n, "floor": mfloor or "", "ids": merged},
                separators=(",", ":"),
            )
        if mfloor and (floor is None or mfloor > floor):
            floor = mfloor
        # A kept merge may hold more than n ids (made for a longer page): a page of n never
        # reads past its n-th.
        sources.add(merged)

    ids = _merge(sources.lists, want)
    safe = sources.safe
    for post_id in ids:
        if (safe and post_id < safe) or (floor and post_id < floor):
            raise _Decline("floor")
        if liked_floor and post_id < liked_floor:
            raise _Decline("liked")
        if saved_floor and post_id < saved_floor:
            raise _Decline("saved")
    if len(ids) < want and (safe or floor):
        raise _Decline("floor")
    await _check_in_flight(backends, k, viewer_id, _texts(inflight), ids, want)
    missing = [post_id for post_id in ids if post_id not in known]
    if missing or remade is not None:
        commands = _gets([k.fragment(post_id) for post_id in missing])
        commands.extend(_flags(k, viewer_id, missing))
        if remade is not None:
            commands.append(("SET", merge_key, remade, "EX", CELEBRITY_MERGE_TTL_S))
        replies = await batched.execute_many(commands)
        if missing:
            fragments, liked, saved, *_ = replies
            for i, post_id in enumerate(missing):
                known[post_id] = (fragments[i], liked[i] is not None, saved[i] is not None)
    if not hi:
        HINTS.saw_page(viewer_id, authors, ids, want)
    if not ids:
        return viewer_id, [], b"[]"
    parts = [b"["]
    for i, post_id in enumerate(ids):
        fragment, is_liked, is_saved = known[post_id]
        if isinstance(fragment, str):  # replies are bytes; a str is taken as well
            fragment = fragment.encode()
        if not fragment or fragment[:1] != b"{":
            raise _Decline("fragment")  # the extra id's too: the full path caches it
        if i >= limit:
            continue
        if i:
            parts.append(b",")
        parts.append(fragment)
        parts.append(_FLAGS[is_liked, is_saved])
    parts.append(b"]")
    return viewer_id, ids, b"".join(parts)


def _flags(k: Keys, viewer_id: str, ids: list[str]) -> list[tuple[Any, ...]]:
    """Commands that read the viewer's liked and saved flags of `ids` (two replies; none for no
    ids)."""
    if not ids:
        return []
    return [("ZMSCORE", k.liked(viewer_id), *ids), ("ZMSCORE", k.saved(viewer_id), *ids)]


async def _hinted_page(
    backends: Backends,
    k: Keys,
    viewer_id: str,
    session_key: str,
    authors: list[str],
    post_ids: list[str],
    *,
    limit: int,
    ttl: int,
) -> tuple[str, list[str], bytes] | None:
    """The newest page in one round trip, when the hints of this viewer's last page (its
    celebrities, its posts) still make it: `timelines/hinted_page` (the same checks, merge and
    floors as the pipelines below) answers the page's ids and liked and saved flags, and the
    read of the hinted posts' fragments behind it in the same write. None when they do not (a
    new post, a changed celebrity list, a fragment gone...): the pipelines then read the page.
    A session to check (`session_key`) is read in the same write and checked here.

    The in-flight set's newest ids are read just before the script, in the same write, and a
    post of it that would be on the page is checked by `_check_in_flight` (raising _Decline
    for the full path when it may be the viewer's). On one Redis server the script is handed
    every other key it reads and the fragments are one MGET. On a cluster it is handed the
    viewer's keys (one slot) only; beside it in the same write goes one MultiGet of the
    celebrities' versions, the fragments and the session, and the page stands only when the
    kept merge the script took was made from the versions read."""
    want = limit + 1
    cluster = backends.settings.redis_topology == "cluster"
    keys, extra_keys = _hinted_keys(
        k, viewer_id, session_key, tuple(authors), tuple(post_ids), cluster
    )
    args = (want, want, ttl, int(time.time() * 1000), "1" if session_key else "0")
    commands: list[Command] = [
        # The in-flight set first: on one server it is read before the timeline, so a post
        # acknowledged before this request is in one or the other.
        ("ZREVRANGEBYLEX", k.inflight, "+", AFTER_SENTINELS, "LIMIT", 0, want),
        ("EVALSHA", HINTED_PAGE.sha, len(keys), *keys, *args, len(authors), *authors, *post_ids),
    ]
    if not cluster:
        commands.append(("MGET", *extra_keys))
    else:
        # The session is one more plain read: in the MultiGet, after the versions and fragments.
        commands.append(MultiGet((*extra_keys, session_key) if session_key else extra_keys))
    inflight, reply, values = await backends.redis_batched.execute_many(commands)
    fragments = values[len(authors) : len(extra_keys)] if cluster else values
    why = _text(reply[1]) if int(reply[0]) != 1 else None
    ids: list[str] = []
    body = b"[]"
    if why is None:
        ids = _texts(reply[4:])
        try:
            if cluster:
                _check_beside(authors, values[: len(authors)], reply[3])
            body = _hinted_body(ids, post_ids, fragments, reply[1], limit)
        except _Decline as declined:
            why = str(declined)
    if why is not None:
        # A decline costs this call and the pipelines' reads: how often, is this counter's miss.
        cache_lookup("feed_page_hints", hit=False)
        log.debug("hinted page declined: %s", why)
        return None
    try:
        await _check_in_flight(backends, k, viewer_id, _texts(inflight), ids, want)
    except _Decline:
        # The pipelines would meet the same post: the full path answers.
        cache_lookup("feed_page_hints", hit=False)
        raise
    cache_lookup("feed_page_hints", hit=True)
    if session_key:
        session = values[-1] if cluster else reply[2]
        try:
            if _session_viewer(session) != viewer_id:
                raise _Decline("session")
        except _Decline:
            HINTS.forget_viewer(session_key)
            raise
    HINTS.saw_page(viewer_id, authors, ids, want)
    return viewer_id, ids, body


def _check_beside(authors: list[str], versions: list[Any], signature: Any) -> None:
    """On a cluster, what `timelines/hinted_page` could not read in its slot: the kept merge it
    took must be made from the celebrities' versions read beside it (as the pipelines' merge
    signature). _Decline otherwise."""
    if authors:
        if any(version is None for version in versions):
            raise _Decline("version")
        made = ",".join(f"{a}={_text(v)}" for a, v in zip(authors, versions, strict=True))
        if _text(signature) != made:
            raise _Decline("merge")


def follow_tag(user_id: str) -> str:
    """An account as a member of the loaded follows (`Keys.follows`): a 64-bit hash of its id.
    Two accounts that share one make a stranger's post count as followed (the full path then
    answers, rightly): never the other way, and never the sentinel."""
    digest = hashlib.blake2b(user_id.encode(), digest_size=8).digest()
    return str(int.from_bytes(digest, "big", signed=True) or 1)


async def _check_in_flight(
    backends: Backends, k: Keys, viewer_id: str, inflight: list[str], ids: list[str], want: int
) -> None:
    """_Decline when a post still in fan-out would be on the page (newer than its last post, or
    the page is short, and not in it yet) and may be the viewer's: its author is someone they
    follow, themselves, or unknown. The full path then shows it to them if it is theirs, as
    fan-out is about to. A post by anyone else is on no page of theirs: the page stands.

    The authors (`Keys.inflight_author`, set before a post joins the set) are read in one
    MultiGet the first time this process meets a post (`_AUTHORS` after that), then checked
    against the viewer's follows (`Keys.follows`), loaded from the graph the first time
    (guarded by the viewer's generation, which every follow change moves, and dropped by it)."""
    held = set(ids)
    on_page = [p for p in inflight if p not in held and (len(ids) < want or p > ids[-1])]
    if not on_page:
        return
    batched = backends.redis_batched
    unknown = [p for p in on_page if p not in _AUTHORS]
    if unknown:
        (found,) = await batched.execute_many(_gets([k.inflight_author(p) for p in unknown]))
        if any(author is None for author in found):
            raise _Decline("inflight")
        for post_id, author in zip(unknown, found, strict=True):
            _AUTHORS[post_id] = _text(author)
        while len(_AUTHORS) > _AUTHORS_KEPT:
            del _AUTHORS[next(iter(_AUTHORS))]
    authors = sorted({_AUTHORS[p] for p in on_page})
    if viewer_id in authors:
        raise _Decline("inflight")
    (members,) = await batched.execute_many(
        [("SMISMEMBER", k.follows(viewer_id), FOLLOWS_SENTINEL, *map(follow_tag, authors))]
    )
    if int(members[0]):
        followed = any(int(m) for m in members[1:])
    else:
        redis = backends.redis
        generation = await store.generation(redis, k.generation(viewer_id), epoch_key=k.epoch)
        following = await tl_graph.following_ids(backends.graph, viewer_id)
        await store.fill_set(
            redis,
            k.follows(viewer_id),
            k.generation(viewer_id),
            generation,
            [follow_tag(user_id) for user_id in following],
            sentinel=FOLLOWS_SENTINEL,
            ttl_s=FOLLOWS_TTL_S,
            epoch_key=k.epoch,
        )
        followed = not set(authors).isdisjoint(following)
    if followed:
        raise _Decline("inflight")


@functools.lru_cache(maxsize=4096)
def _hinted_keys(
    k: Keys,
    viewer_id: str,
    session_key: str,
    authors: tuple[str, ...],
    post_ids: tuple[str, ...],
    cluster: bool,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The keys `timelines/hinted_page` takes for these hints, and the keys read beside it: the
    hinted posts' fragments (on a cluster the celebrities' versions first), made once per hinted
    page (a viewer's pages repeat their hints)."""
    viewer = (
        k.home(viewer_id),
        k.celebs(viewer_id),
        k.blocks(viewer_id),
        k.liked(viewer_id),
        k.celebrity_merge(viewer_id),
        k.mutes(viewer_id),
        k.saved(viewer_id),
    )
    fragments = tuple(k.fragment(post_id) for post_id in post_ids)
    versions = tuple(k.author_version(author) for author in authors)
    if cluster:
        return viewer, versions + fragments
    keys = (
        *viewer,
        session_key or k.home(viewer_id),  # not read when there is no session to check
        *versions,
    )
    return keys, fragments


# A post's closing part by its digit of `timelines/hinted_page`'s flags (1 liked, 2 saved).
_FLAG_DIGITS = {
    ord(str(liked + 2 * saved)): _FLAGS[bool(liked), bool(saved)]
    for liked in (0, 1)
    for saved in (0, 1)
}


def _hinted_body(
    ids: list[str], post_ids: list[str], fragments: list[Any], flags: bytes, limit: int
) -> bytes:
    """The page's JSON from the hinted posts' fragments (read in `post_ids`' order) and the
    script's flags (the script names hinted posts only); _Decline when a fragment is missing
    (the pipelines, then the full path, which caches it, answer)."""
    if ids != post_ids[: len(ids)]:
        at = {post_id: i for i, post_id in enumerate(post_ids)}
        try:
            fragments = [fragments[at[post_id]] for post_id in ids]
        except KeyError:
            raise _Decline("hints") from None
    parts = [b"["]
    for i, fragment in enumerate(fragments[: len(ids)]):
        if not fragment or fragment[:1] != b"{":
            raise _Decline("fragment")  # the extra id's too, as in the pipelines
        if i < limit:
            if i:
                parts.append(b",")
            parts.append(fragment)
            parts.append(_FLAG_DIGITS[flags[i]])
    parts.append(b"]")
    return b"".join(parts)


def _versions(k: Keys, authors: list[str]) -> list[tuple[Any, ...]]:
    return [
        _script(AUTHOR_VERSION, k.author_version(author), CELEBRITY_MERGE_TTL_S * 2)
        for author in authors
    ]


def _gets(keys: list[str]) -> list[Command]:
    """The command that reads `keys` (a MultiGet: one MGET on one Redis server, one call per node
    on a cluster, `backends.batching`), or none for no keys."""
    return [MultiGet(tuple(keys))] if keys else []


def _script(found: Script, key: str, *args: Any) -> tuple[Any, ...]:
    return ("EVALSHA", found.sha, 1, key, *args)


def _parse_kept(kept: str) -> dict[str, Any] | None:
    """The kept celebrity merge (`{"sig", "n", "floor", "ids"}`), or None when there is none or
    it is unreadable."""
    if not kept:
        return None
    try:
        m = json.loads(kept)
    except ValueError:
        return None
    if not isinstance(m, dict) or not isinstance(m.get("ids"), list):
        return None
    return m


def _guess(lists: list[list[str]], kept: dict[str, Any] | None, want: int) -> list[str]:
    """The ids the page most likely shows: the newest `want` of the timeline's range and of the
    kept celebrity merge (whether it still holds is not known yet)."""
    candidates = {i for items in lists for i in items[:want]}
    if kept is not None:
        candidates.update(str(i) for i in kept["ids"][:want])
    return sorted(candidates, reverse=True)[:want]


def _kept_merge(
    kept: dict[str, Any] | None, signature: str, n: int
) -> tuple[list[str] | None, str | None]:
    """The kept merge's ids and floor when it was made from these versions for n ids or more."""
    if kept is None or kept.get("sig") != signature or int(kept.get("n", 0)) < n:
        return None, None
    return [str(i) for i in kept["ids"]], (str(kept.get("floor") or "") or None)


async def _celebrity_merge(
    backends: Backends, k: Keys, authors: list[str], n: int
) -> tuple[list[str], str | None]:
    """The newest n ids of every followed celebrity's list, and the highest floor among them."""
    replies = await backends.redis_batched.execute_many(
        [_script(WINDOW_RANGE, k.author(author), "+", AFTER_SENTINELS, n) for author in authors]
    )
    lists: list[list[str]] = []
    mfloor: str | None = None
    for reply in replies:
        if int(reply[0]) != 1:
            raise _Decline("author")
        afloor = _text(reply[1]) or None
        if afloor and (mfloor is None or afloor > mfloor):
            mfloor = afloor
        if len(reply) > 2:
            lists.append(_texts(reply[2:]))
    ids = _merge(lists, n)
    return ids, mfloor
