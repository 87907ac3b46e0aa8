"""The home feed's common page in one Redis round trip: one Lua script merges, renders and
returns the page as JSON.

`timelines/feed.py` answers every page correctly with a few pipelines and Python around them.
Most requests, though, are the plain case: newest first (no cursor or `max_id`), a timeline and
celebrity set that exist, a viewer in no block, no post of the page still in flight, every post's
rendered fragment cached. For those, `FAST_PAGE` does the whole merge inside Redis (the home
timeline, the followed celebrities' author lists, the in-flight set), reads each post's rendered
fragment (`<ns>:pf:<post>`: the `Post` JSON without `liked` and its closing brace, compact,
signed media URLs included, kept
for one URL-signing window) and the viewer's liked window, and returns the page's JSON text:
Python only passes the bytes on. Whenever the script meets anything else it answers "no", and
the full path (which also fills the fragments) serves the request; the answers are the same
either way (`tests/test_timelines_churn.py` compares them with the Cypher feed).

The script (`redis_scripts/timelines/fast_page.lua`) reads keys it is not handed (author lists,
fragments), which a single Redis server allows and Redis Cluster does not (docs/redis-scripts.md):
with `timeline_fast_page = false` (set it on a cluster) every page takes the full path.
"""

from __future__ import annotations

import logging
import random
from typing import Any

from redis.exceptions import NoScriptError

from backends import Backends
from graphgram.metrics import cache_lookup
from redis_scripts import script
from timelines.store import Keys

# Its header says what its keys and arguments are and how the celebrity merge it keeps works.
FAST_PAGE = script("timelines/fast_page")

log = logging.getLogger(__name__)

# The share of reads that refresh the timeline's inactivity TTL (as in timelines/feed.py).
TOUCH_SHARE = 0.125
# How long a viewer's kept celebrity merge lives once made (a minted version, twice as long).
# Also the longest a merge can outlive a post whose hook died between changing the author's
# list and replacing its version (Redis failing between two commands): five minutes, against
# one remade merge per active viewer per five minutes.
CELEBRITY_MERGE_TTL_S = 300

SHA = FAST_PAGE.sha


async def _evaluate(backends: Backends, keys: list[str], args: list[Any]) -> Any:
    """EVALSHA, loading the script on NOSCRIPT (a restarted or flushed Redis), as redis-py's
    `Script` does, but with the reply left as bytes: the page's JSON goes to the socket as it
    came, instead of being decoded to text and encoded back. Sent with the other requests' pages
    of the same loop turn (`backends.batching`)."""
    command = ("EVALSHA", SHA, len(keys), *keys, *args)
    try:
        return await backends.redis_batched.execute(*command)
    except NoScriptError:
        await backends.redis.script_load(FAST_PAGE.text)
        return await backends.redis_batched.execute(*command)


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
    session is `session_key` (then the request's one round trip also authenticates it)."""
    settings = backends.settings
    if not settings.timeline_fast_page:
        return None
    k = Keys(settings.timeline_namespace)
    ttl = settings.timeline_inactive_days * 86400 if random.random() < TOUCH_SHARE else 0
    want = limit + 1
    found = await _evaluate(
        backends,
        # The first four are placeholders the script replaces with the viewer's keys.
        [k.home(viewer_id), k.celebs(viewer_id), k.blocks(viewer_id), k.liked(viewer_id)]
        + [k.inflight, session_key],
        # `want` per source: the script filters nothing out (it gives up instead), so no source
        # needs to be read beyond the page, unlike the full path's over-fetch.
        [k.ns, max_id or "", want, want, limit, ttl, viewer_id, CELEBRITY_MERGE_TTL_S],
    )
    served = bool(found) and int(found[0]) == 1
    cache_lookup("feed_page", hit=served)
    if not served:
        log.debug("home page takes the full path: %s", found[1:])
        return None
    return found[2].decode(), [i.decode() for i in found[3:]], bytes(found[1])
