"""Posts, likes and comments."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from api.auth.deps import CurrentUser
from api.deps import Config, Graph, State
from api.errors import ERROR_RESPONSES, FieldError, Forbidden, NotFound, Unprocessable
from api.pagination import PageParams, paginate
from api.posts.schemas import Comment, NewComment, NewPost, Post, hashtags, mentions
from api.schemas import UserSummary
from graph import posts, users
from graph.driver import Graph as GraphClient
from graph.driver import Row
from graphgram.ids import new_id
from graphgram.settings import Settings
from media.lifecycle import release_media
from media.views import media_view

router = APIRouter(tags=["posts"], responses=ERROR_RESPONSES)


def post_view(settings: Settings, row: Row) -> Post:
    return Post(
        id=row["id"],
        author=row["author"],
        caption=row["caption"],
        media=[media_view(settings, node) for node in row["media"]],
        hashtags=row["hashtags"],
        mentions=row["mentions"],
        like_count=row["like_count"],
        liked=row["liked"],
        comment_count=row["comment_count"],
        created_at=row["created_at"],
    )


async def post_page(
    graph: GraphClient,
    settings: Settings,
    viewer_id: str,
    ids: list[str],
    page: PageParams,
    request: Request,
    response: Response,
) -> list[Post]:
    """Turn one page of post ids (limit + 1 fetched) into post views with a Link header."""
    page_ids = paginate([{"id": i} for i in ids], page, request, response)
    rows = await posts.hydrate(graph, viewer_id, [item["id"] for item in page_ids])
    return [post_view(settings, row) for row in rows]


async def _visible_post(graph: GraphClient, viewer_id: str, post_id: str) -> posts.PostAccess:
    found = await posts.access(graph, viewer_id, post_id)
    if found is None or not found.visible:
        raise NotFound(f"no post {post_id!r}")
    return found


@router.post("/posts", status_code=status.HTTP_201_CREATED, response_model=Post)
async def create_post(body: NewPost, viewer: CurrentUser, graph: Graph, settings: Config) -> Post:
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
    rows = await posts.hydrate(graph, viewer.id, [post_id])
    return post_view(settings, rows[0])


@router.get("/posts/{post_id}", response_model=Post)
async def get_post(post_id: str, viewer: CurrentUser, graph: Graph, settings: Config) -> Post:
    rows = await posts.hydrate(graph, viewer.id, [post_id])
    if not rows:
        raise NotFound(f"no post {post_id!r}")
    return post_view(settings, rows[0])


@router.delete("/posts/{post_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_post(post_id: str, viewer: CurrentUser, graph: Graph, state: State) -> Response:
    found = await _visible_post(graph, viewer.id, post_id)
    if not found.own:
        raise Forbidden("only the author can delete a post")
    released = await posts.delete(graph, viewer.id, post_id)
    if released:
        await release_media(state, released)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/users/{username}/posts", response_model=list[Post], tags=["users"])
async def list_user_posts(
    username: str,
    viewer: CurrentUser,
    graph: Graph,
    settings: Config,
    page: PageParams,
    request: Request,
    response: Response,
) -> list[Post]:
    found = await users.access(graph, viewer.id, username.lower())
    if found is None or not found.content_visible:
        raise NotFound(f"no user {username!r}")
    ids = await posts.user_post_ids(graph, found.user_id, page.params())
    return await post_page(graph, settings, viewer.id, ids, page, request, response)


@router.post("/posts/{post_id}/like", response_model=Post)
async def like(post_id: str, viewer: CurrentUser, graph: Graph, settings: Config) -> Post:
    if not await posts.like(graph, viewer.id, post_id, new_id()):
        raise NotFound(f"no post {post_id!r}")
    rows = await posts.hydrate(graph, viewer.id, [post_id])
    return post_view(settings, rows[0])


@router.delete("/posts/{post_id}/like", response_model=Post)
async def unlike(post_id: str, viewer: CurrentUser, graph: Graph, settings: Config) -> Post:
    await _visible_post(graph, viewer.id, post_id)
    await posts.unlike(graph, viewer.id, post_id)
    rows = await posts.hydrate(graph, viewer.id, [post_id])
    return post_view(settings, rows[0])


@router.get("/posts/{post_id}/likes", response_model=list[UserSummary])
async def list_likers(
    post_id: str,
    viewer: CurrentUser,
    graph: Graph,
    page: PageParams,
    request: Request,
    response: Response,
) -> list[UserSummary]:
    await _visible_post(graph, viewer.id, post_id)
    rows = await posts.likers(graph, viewer.id, post_id, page.params())
    items = paginate(rows, page, request, response, key="cursor")
    return [UserSummary(**{k: v for k, v in r.items() if k != "cursor"}) for r in items]


@router.post(
    "/posts/{post_id}/comments", status_code=status.HTTP_201_CREATED, response_model=Comment
)
async def create_comment(
    post_id: str, body: NewComment, viewer: CurrentUser, graph: Graph
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
    return Comment(**row)


@router.get("/posts/{post_id}/comments", response_model=list[Comment])
async def list_comments(
    post_id: str,
    viewer: CurrentUser,
    graph: Graph,
    page: PageParams,
    request: Request,
    response: Response,
) -> list[Comment]:
    await _visible_post(graph, viewer.id, post_id)
    rows = await posts.comments(graph, viewer.id, post_id, page.params())
    return [Comment(**row) for row in paginate(rows, page, request, response)]


@router.delete("/comments/{comment_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_comment(comment_id: str, viewer: CurrentUser, graph: Graph) -> Response:
    found = await posts.comment_access(graph, viewer.id, comment_id)
    if found is None or not found["visible"]:
        raise NotFound(f"no comment {comment_id!r}")
    if not (found["own"] or found["post_owner"]):
        raise Forbidden("only the comment's author or the post's owner can delete it")
    await posts.delete_comment(graph, comment_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
