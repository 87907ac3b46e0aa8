"""Reads behind the Redis home timelines (timelines/): who gets a post, what a timeline or a
per-author list is rebuilt from, and the viewer state the feed's hot path caches."""

from __future__ import annotations

from dataclasses import dataclass

from graph.driver import Graph


@dataclass(frozen=True)
class FanoutTarget:
    followers: int
    posted: bool
    everyone: bool = True  # the post is for everyone (not for a narrower audience)


async def fanout_target(graph: Graph, author_id: str, post_id: str) -> FanoutTarget | None:
    row = await graph.read_one(
        "timelines/fanout_target", {"author_id": author_id, "post_id": post_id}
    )
    if row is None:
        return None
    return FanoutTarget(row["followers"], row["posted"], row["audience"] == "everyone")


async def audience_ids(graph: Graph, author_id: str, post_id: str) -> list[str]:
    """The followers in the audience of a post for a narrower audience than everyone, as the
    home feed has it (`feed/home`): whose timelines it is pushed into."""
    row = await graph.read_one(
        "timelines/audience_ids", {"author_id": author_id, "post_id": post_id}
    )
    return list(row["ids"]) if row else []


async def follower_ids(graph: Graph, author_id: str) -> list[str]:
    row = await graph.read_one("timelines/follower_ids", {"author_id": author_id})
    return list(row["ids"]) if row else []


async def author_post_ids(
    graph: Graph, author_id: str, *, limit: int, since: str | None = None
) -> list[str]:
    """The author's newest post ids for everyone: the per-author list every follower merges."""
    rows = await graph.read(
        "timelines/author_posts", {"author_id": author_id, "since": since, "limit": limit}
    )
    return [row["id"] for row in rows]


async def author_post_ids_for(
    graph: Graph, viewer_id: str, author_id: str, *, limit: int, since: str | None = None
) -> list[str]:
    """The author's newest post ids the viewer's home feed shows (audiences applied)."""
    rows = await graph.read(
        "timelines/author_posts_for",
        {"viewer_id": viewer_id, "author_id": author_id, "since": since, "limit": limit},
    )
    return [row["id"] for row in rows]


async def feed_hidden(graph: Graph, viewer_id: str, author_id: str, ids: list[str]) -> list[str]:
    """Which of `ids` the author wrote for an audience the viewer's feed no longer reaches."""
    if not ids:
        return []
    rows = await graph.read(
        "timelines/feed_hidden", {"viewer_id": viewer_id, "author_id": author_id, "ids": ids}
    )
    return [row["id"] for row in rows]


async def audience_visible(graph: Graph, viewer_id: str, ids: list[str]) -> set[str]:
    """Which of `ids` (posts still in flight) the viewer's home feed may show: by the viewer or
    an account they follow and do not mute, and in the post's audience."""
    if not ids:
        return set()
    rows = await graph.read("timelines/audience_visible", {"viewer_id": viewer_id, "ids": ids})
    return {row["id"] for row in rows}


async def followed_celebrities(
    graph: Graph, viewer_id: str, threshold: int, known: list[str]
) -> list[str]:
    rows = await graph.read(
        "timelines/followed_celebrities",
        {"viewer_id": viewer_id, "threshold": threshold, "known": known},
    )
    return [row["id"] for row in rows]


async def following_ids(graph: Graph, viewer_id: str) -> list[str]:
    """The viewer's id and the ids of everyone they follow."""
    rows = await graph.read("timelines/following_ids", {"viewer_id": viewer_id})
    return [row["id"] for row in rows]


async def blocked_ids(graph: Graph, viewer_id: str) -> list[str]:
    rows = await graph.read("timelines/blocked_ids", {"viewer_id": viewer_id})
    return [row["id"] for row in rows]


async def muted(graph: Graph, viewer_id: str) -> dict[str, int | None]:
    """The accounts the viewer mutes now, each with when its mute ends (epoch ms; None: never)."""
    rows = await graph.read("timelines/muted_ids", {"viewer_id": viewer_id})
    return {row["id"]: row["until_ms"] for row in rows}


async def muter_ids(graph: Graph, author_id: str) -> set[str]:
    """Everyone whose mute of the author is in force: a new post is not pushed to them."""
    row = await graph.read_one("timelines/muter_ids", {"author_id": author_id})
    return set(row["ids"]) if row else set()


async def liked_ids(graph: Graph, viewer_id: str, since: str) -> list[str]:
    rows = await graph.read("timelines/liked_ids", {"viewer_id": viewer_id, "since": since})
    return [row["id"] for row in rows]


async def saved_ids(graph: Graph, viewer_id: str, since: str) -> list[str]:
    rows = await graph.read("timelines/saved_ids", {"viewer_id": viewer_id, "since": since})
    return [row["id"] for row in rows]


async def followed_authors(graph: Graph, viewer_id: str, author_ids: list[str]) -> set[str]:
    rows = await graph.read(
        "timelines/followed_authors", {"viewer_id": viewer_id, "author_ids": author_ids}
    )
    return {row["id"] for row in rows}


async def requester_ids(graph: Graph, viewer_id: str) -> list[str]:
    rows = await graph.read("timelines/requester_ids", {"viewer_id": viewer_id})
    return [row["id"] for row in rows]


async def footprint(graph: Graph, viewer_id: str) -> set[str]:
    """Ids of the posts an account wrote, liked or commented on."""
    row = await graph.read_one("timelines/footprint", {"viewer_id": viewer_id})
    if row is None:
        return set()
    return {*row["posted"], *row["liked"], *row["commented"]}


async def posts_by_author(graph: Graph, author_id: str, ids: list[str]) -> list[str]:
    if not ids:
        return []
    rows = await graph.read("timelines/posts_by_author", {"author_id": author_id, "ids": ids})
    return [row["id"] for row in rows]


@dataclass(frozen=True)
class RepairState:
    """The Redis repair marker of a namespace (cypher/timelines/repair_*.cypher)."""

    marks: int  # records made
    repaired: int  # records a finished repair covered
    since: int | None  # ms: when the oldest unrepaired record was made
    reasons: list[str]
    owner: str | None
    lease_until: int | None

    @property
    def pending(self) -> bool:
        return self.marks > self.repaired


async def repair_mark(graph: Graph, namespace: str, reasons: list[str]) -> int:
    """Record that Redis's derived state may be wrong; returns the record's number."""
    row = await graph.write_one(
        "timelines/repair_mark", {"namespace": namespace, "reasons": reasons}
    )
    return int(row["marks"]) if row else 0


async def repair_state(graph: Graph, namespace: str) -> RepairState | None:
    row = await graph.read_one("timelines/repair_state", {"namespace": namespace})
    if row is None:
        return None
    return RepairState(
        marks=int(row["marks"] or 0),
        repaired=int(row["repaired"] or 0),
        since=row["since"],
        reasons=list(row["reasons"] or []),
        owner=row["owner"],
        lease_until=row["lease_until"],
    )


async def repair_claim(
    graph: Graph, namespace: str, owner: str, lease_s: float
) -> RepairState | None:
    """Take the pending repair (None: nothing pending, or another process holds it)."""
    row = await graph.write_one(
        "timelines/repair_claim",
        {"namespace": namespace, "owner": owner, "lease_ms": int(lease_s * 1000)},
    )
    if row is None:
        return None
    return RepairState(
        marks=int(row["marks"]),
        repaired=0,
        since=row["since"],
        reasons=list(row["reasons"] or []),
        owner=owner,
        lease_until=None,
    )


async def repair_renew(graph: Graph, namespace: str, owner: str, lease_s: float) -> bool:
    row = await graph.write_one(
        "timelines/repair_renew",
        {"namespace": namespace, "owner": owner, "lease_ms": int(lease_s * 1000)},
    )
    return row is not None


async def repair_done(graph: Graph, namespace: str, owner: str, marks: int) -> bool | None:
    """Mark the records up to `marks` repaired; True when more were made meanwhile (repair
    again), None when the claim was lost (another process took it over)."""
    row = await graph.write_one(
        "timelines/repair_done", {"namespace": namespace, "owner": owner, "marks": marks}
    )
    return None if row is None else bool(row["again"])
