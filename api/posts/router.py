"""Posts, likes and comments."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from api.auth.scopes import ReadStatuses, WriteFavourites, WriteStatuses
from api.deps import Backend, Config, Graph
from api.errors import ERROR_RESPONSES, FORBIDDEN
from api.pagination import Pagination
from api.posts.schemas import Comment, NewComment, NewPost, Post, hashtags, mentions
from api.posts.views import cached_post_page, post_view
from api.schemas import UserSummary
from graph import posts, users
from graph.driver import Graph as GraphClient
from graphgram.errors import FieldError, Forbidden, NotFound, Unprocessable
from graphgram.ids import new_id
from graphgram.settings import Settings
from media.lifecycle import release_media
from timelines import hooks as timeline_hooks

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
    body: NewPost, viewer: WriteStatuses, graph: Graph, settings: Config, backends: Backend
) -> Post:
    if len(set(body.media_ids)) != len(body.media_ids):
        raise Unprocessable(
            "media_ids: each media item may appear once",
            fields=[FieldError(field="media_ids", message="duplicate media id")],
        )
    post_id = new_id()
    try:
        await posts.create(
            graph,
            viewer_id=viewer.id,
            post_id=post_id,
            caption=body.caption,
            hashtags=hashtags(body.caption),
            mentions=mentions(body.caption),
            media_ids=body.media_ids,
        )
    except posts.MediaNotAttachable as exc:
        raise Unprocessable(
            f"media_ids: not yours, unknown or failed: {', '.join(exc.media_ids)}",
            fields=[FieldError(field="media_ids", message="unknown, not yours, or failed")],
        ) from None
    await timeline_hooks.post_created(backends, post_id, viewer.id)
    return await _view(graph, settings, viewer.id, post_id)


@router.get("/posts/{post_id}", response_model=Post)
async def get_post(post_id: str, viewer: ReadStatuses, graph: Graph, settings: Config) -> Post:
    return await _view(graph, settings, viewer.id, post_id)


@router.delete("/posts/{post_id}", status_code=status.HTTP_204_NO_CONTENT, responses=FORBIDDEN)
async def delete_post(
    post_id: str, viewer: WriteStatuses, graph: Graph, backends: Backend
) -> Response:
    found = await _visible_post(graph, viewer.id, post_id)
    if not found.own:
        raise Forbidden("only the author can delete a post")
    released = await posts.delete(graph, viewer.id, post_id)
    await timeline_hooks.post_deleted(backends, post_id, viewer.id)
    if released:
        await release_media(backends, released)
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
    ids = await posts.user_post_ids(graph, found.user_id, page.params())
    return await cached_post_page(backends, viewer.id, ids, page)


@router.post("/posts/{post_id}/like", response_model=Post)
async def like(
    post_id: str, viewer: WriteFavourites, graph: Graph, settings: Config, backends: Backend
) -> Post:
    if not await posts.like(graph, viewer.id, post_id, new_id()):
        raise NotFound(f"no post {post_id!r}")
    await timeline_hooks.liked(backends, viewer.id, post_id)
    return await _view(graph, settings, viewer.id, post_id)


@router.delete("/posts/{post_id}/like", response_model=Post)
async def unlike(
    post_id: str, viewer: WriteFavourites, graph: Graph, settings: Config, backends: Backend
) -> Post:
    await _visible_post(graph, viewer.id, post_id)
    await posts.unlike(graph, viewer.id, post_id)
    await timeline_hooks.unliked(backends, viewer.id, post_id)
    return await _view(graph, settings, viewer.id, post_id)


@router.get("/posts/{post_id}/likes", response_model=list[UserSummary])
async def list_likers(
    post_id: str,
    viewer: ReadStatuses,
    graph: Graph,
    page: Pagination,
) -> list[UserSummary]:
    await _visible_post(graph, viewer.id, post_id)
    rows = await posts.likers(graph, viewer.id, post_id, page.params())
    return [UserSummary(**row) for row in page.items(rows, key="cursor")]


@router.post(
    "/posts/{post_id}/comments", status_code=status.HTTP_201_CREATED, response_model=Comment
)
async def create_comment(
    post_id: str, body: NewComment, viewer: WriteStatuses, graph: Graph, backends: Backend
) -> Comment:
    await _visible_post(graph, viewer.id, post_id)
    if body.reply_to is not None and not await posts.reply_target_ok(
        graph, viewer.id, post_id, body.reply_to
    ):
        raise Unprocessable(
            "reply_to: no such comment on this post",
            fields=[FieldError(field="reply_to", message="no such comment on this post")],
        )
    row = await posts.create_comment(
        graph,
        viewer_id=viewer.id,
        post_id=post_id,
        comment_id=new_id(),
        text=body.text,
        reply_to=body.reply_to,
    )
    if row is None:  # the post was deleted meanwhile
        raise NotFound(f"no post {post_id!r}")
    await timeline_hooks.commented(backends, post_id)
    return Comment(**row)


@router.get("/posts/{post_id}/comments", response_model=list[Comment])
async def list_comments(
    post_id: str,
    viewer: ReadStatuses,
    graph: Graph,
    page: Pagination,
) -> list[Comment]:
    await _visible_post(graph, viewer.id, post_id)
    rows = await posts.comments(graph, viewer.id, post_id, page.params())
    return [Comment(**row) for row in page.items(rows)]


@router.delete(
    "/comments/{comment_id}", status_code=status.HTTP_204_NO_CONTENT, responses=FORBIDDEN
)
async def delete_comment(
    comment_id: str, viewer: WriteStatuses, graph: Graph, backends: Backend
) -> Response:
    found = await posts.comment_access(graph, viewer.id, comment_id)
    if found is None or not found["visible"]:
        raise NotFound(f"no comment {comment_id!r}")
    if not (found["own"] or found["post_owner"]):
        raise Forbidden("only the comment's author or the post's owner can delete it")
    await posts.delete_comment(graph, comment_id)
    await timeline_hooks.commented(backends, found["post_id"])
    return Response(status_code=status.HTTP_204_NO_CONTENT)
