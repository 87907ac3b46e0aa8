"""Posts, likes and comments."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from api.auth.scopes import (
    ReadBookmarks,
    ReadStatuses,
    WriteBookmarks,
    WriteFavourites,
    WriteStatuses,
)
from api.deps import Backend, Config, Graph
from api.errors import ERROR_RESPONSES, FORBIDDEN
from api.pagination import Pagination
from api.posts.schemas import (
    Comment,
    MediaAlt,
    NewComment,
    NewPost,
    Post,
    PostChanges,
    PostVersion,
    Saved,
)
from api.posts.views import cached_post_list, cached_post_page, post_view
from api.schemas import UserSummary, summary
from graph import posts, users
from graph.driver import Graph as GraphClient
from graphgram.errors import NotFound
from graphgram.settings import Settings
from services import posts as post_service
from timelines.views import author

router = APIRouter(tags=["posts"], responses=ERROR_RESPONSES)


async def _view(graph: GraphClient, settings: Settings, viewer_id: str, post_id: str) -> Post:
    """The post as the viewer sees it; 404 when it is not visible or was deleted meanwhile."""
    rows = await posts.hydrate(graph, viewer_id, [post_id])
    if not rows:
        raise NotFound(f"no post {post_id!r}")
    return post_view(settings, rows[0])


async def _visible_post(graph: GraphClient, viewer_id: str, post_id: str) -> posts.PostAccess:
    found = await posts.access(graph, viewer_id, post_id)
    if found is None or not found.visible:
        raise NotFound(f"no post {post_id!r}")
    return found


@router.post("/posts", status_code=status.HTTP_201_CREATED, response_model=Post)
async def create_post(
    body: NewPost,
    viewer: WriteStatuses,
    graph: Graph,
    settings: Config,
    backends: Backend,
    request: Request,
) -> Post:
    audience, audience_days = body.audience_parts()
    post_id = await post_service.create_post(
        backends,
        viewer.id,
        caption=body.caption,
        media_ids=body.media_ids,
        idempotency_key=request.headers.get("idempotency-key"),
        audience=audience,
        audience_days=audience_days,
    )
    return await _view(graph, settings, viewer.id, post_id)


@router.get("/posts/{post_id}", response_model=Post)
async def get_post(post_id: str, viewer: ReadStatuses, graph: Graph, settings: Config) -> Post:
    return await _view(graph, settings, viewer.id, post_id)


@router.patch("/posts/{post_id}", response_model=Post, responses=FORBIDDEN)
async def edit_post(
    post_id: str,
    body: PostChanges,
    viewer: WriteStatuses,
    graph: Graph,
    settings: Config,
    backends: Backend,
) -> Post:
    """Edit your post's caption (hashtags and mentions follow it) and its media's alt texts; the
    version replaced is kept (`GET /posts/{id}/history`)."""
    await post_service.edit_post(
        backends,
        viewer.id,
        post_id,
        caption=body.caption,
        alts={m.id: m.description for m in body.media},
    )
    return await _view(graph, settings, viewer.id, post_id)


@router.get("/posts/{post_id}/history", response_model=list[PostVersion])
async def post_history(post_id: str, viewer: ReadStatuses, graph: Graph) -> list[PostVersion]:
    """Every version of a post you may see, newest first: the current one, then those its edits
    replaced."""
    await _visible_post(graph, viewer.id, post_id)
    return [
        PostVersion(
            caption=row["caption"],
            media=[
                MediaAlt(id=m, description=a)
                for m, a in zip(row["media_ids"], row["alts"], strict=True)
            ],
            created_at=row["created_at"],
        )
        for row in await posts.history(graph, post_id)
    ]


@router.delete("/posts/{post_id}", status_code=status.HTTP_204_NO_CONTENT, responses=FORBIDDEN)
async def delete_post(post_id: str, viewer: WriteStatuses, backends: Backend) -> Response:
    await post_service.delete_post(backends, viewer.id, post_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/users/{username}/posts", response_model=list[Post], tags=["users"])
async def list_user_posts(
    username: str,
    viewer: ReadStatuses,
    backends: Backend,
    page: Pagination,
) -> Response:
    graph = backends.graph
    found = await users.access(graph, viewer.id, username.lower())
    if found is None or not found.content_visible:
        raise NotFound(f"no user {username!r}")
    ids = await posts.user_post_ids(graph, viewer.id, found.user_id, page.params())
    return await cached_post_page(backends, viewer.id, ids, page)


@router.post("/posts/{post_id}/like", response_model=Post)
async def like(
    post_id: str, viewer: WriteFavourites, graph: Graph, settings: Config, backends: Backend
) -> Post:
    await post_service.like(backends, viewer.id, post_id)
    return await _view(graph, settings, viewer.id, post_id)


@router.delete("/posts/{post_id}/like", response_model=Post)
async def unlike(
    post_id: str, viewer: WriteFavourites, graph: Graph, settings: Config, backends: Backend
) -> Post:
    await post_service.unlike(backends, viewer.id, post_id)
    return await _view(graph, settings, viewer.id, post_id)


@router.get("/posts/{post_id}/save", response_model=Saved, tags=["saved"])
async def get_saved(post_id: str, viewer: ReadBookmarks, graph: Graph) -> Saved:
    """Whether you saved the post (only you know)."""
    await _visible_post(graph, viewer.id, post_id)
    return Saved(saved=await posts.is_saved(graph, viewer.id, post_id))


@router.put("/posts/{post_id}/save", response_model=Saved, tags=["saved"])
async def save(post_id: str, viewer: WriteBookmarks, backends: Backend) -> Saved:
    """Save a post you may see, for later; idempotent. Nobody else is told."""
    await post_service.save(backends, viewer.id, post_id)
    return Saved(saved=True)


@router.delete("/posts/{post_id}/save", response_model=Saved, tags=["saved"])
async def unsave(post_id: str, viewer: WriteBookmarks, backends: Backend) -> Saved:
    """Take a post out of your saved posts; idempotent."""
    await post_service.unsave(backends, viewer.id, post_id)
    return Saved(saved=False)


@router.get("/me/saved", response_model=list[Post], tags=["saved"])
async def list_saved(viewer: ReadBookmarks, backends: Backend, page: Pagination) -> Response:
    """Your saved posts, newest saved first, leaving out those you may no longer see (blocked
    either way, deleted, or their author turned private and you do not follow them). The
    cursors (`max_id`, `since_id`, `min_id`, the Link header) are save ids, not post ids."""
    rows = await posts.saved(backends.graph, viewer.id, page.params())
    kept = page.items(rows, key="cursor")
    return await cached_post_list(backends, viewer.id, [row["id"] for row in kept], page)


@router.get("/posts/{post_id}/likes", response_model=list[UserSummary])
async def list_likers(
    post_id: str,
    viewer: ReadStatuses,
    graph: Graph,
    settings: Config,
    page: Pagination,
) -> list[UserSummary]:
    await _visible_post(graph, viewer.id, post_id)
    rows = await posts.likers(graph, viewer.id, post_id, page.params())
    return [summary(settings, row) for row in page.items(rows, key="cursor")]


@router.post(
    "/posts/{post_id}/comments", status_code=status.HTTP_201_CREATED, response_model=Comment
)
async def create_comment(
    post_id: str, body: NewComment, viewer: WriteStatuses, backends: Backend
) -> Comment:
    row = await post_service.comment(
        backends, viewer.id, post_id, text=body.text, reply_to=body.reply_to
    )
    return Comment(**{**row, "author": author(backends.settings, row["author"])})


@router.get("/posts/{post_id}/comments", response_model=list[Comment])
async def list_comments(
    post_id: str,
    viewer: ReadStatuses,
    graph: Graph,
    settings: Config,
    page: Pagination,
) -> list[Comment]:
    await _visible_post(graph, viewer.id, post_id)
    rows = await posts.comments(graph, viewer.id, post_id, page.params())
    return [
        Comment(**{**row, "author": author(settings, row["author"])}) for row in page.items(rows)
    ]


@router.delete(
    "/comments/{comment_id}", status_code=status.HTTP_204_NO_CONTENT, responses=FORBIDDEN
)
async def delete_comment(comment_id: str, viewer: WriteStatuses, backends: Backend) -> Response:
    await post_service.delete_comment(backends, viewer.id, comment_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
