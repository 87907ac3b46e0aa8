// A post page: the post, its comments with replies, like/unlike and commenting in place.

import { api, ApiError, page, type Comment, type Post } from "../api";
import { ago, announce, describe, h, link, plural, replace } from "../dom";
import type { Context } from "../main";
import { navigate } from "../nav";
import { authorLine, avatar, caption, likeBar, mediaView } from "../post";

export async function postView({ main, me, params }: Context): Promise<void> {
  const id = params[0] ?? "";
  let post: Post;
  try {
    post = await api.post(id);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      replace(main, h("section", { class: "card empty" },
        h("h1", {}, "This post isn't available"),
        h("p", {}, "It may have been deleted, or its author's posts are not visible to you."),
        link("/", {}, "Go home")));
      return;
    }
    throw error;
  }
  const own = post.author.username === me.username;
  const comments: Comment[] = [];
  let older: string | null = null;
  const thread = h("ol", { class: "comments", "aria-label": "Comments" });
  const commentCount = h("h2", { id: "comments-title" });
  const loadOlder = h("button", { type: "button", class: "more" }, "Load older comments");
  loadOlder.hidden = true;

  const field = h("textarea", { id: "comment-text", name: "comment", rows: 2, maxlength: 2200, required: true });
  const replying = h("div", { class: "replying", "aria-live": "polite" });
  const formStatus = h("div", { "aria-live": "assertive" });
  const submit = h("button", { type: "submit", class: "primary" }, "Comment");
  let replyTo: Comment | null = null;

  const setReply = (comment: Comment | null) => {
    replyTo = comment;
    if (!comment) {
      replace(replying);
      return;
    }
    const cancel = h("button", { type: "button", class: "link-button" }, "Cancel reply");
    cancel.addEventListener("click", () => setReply(null));
    replace(replying, h("span", {}, `Replying to @${comment.author.username} `), cancel);
    field.focus();
  };

  const renderComment = (comment: Comment, replies: Comment[]): HTMLElement => {
    const reply = h("button", { type: "button", class: "link-button", "aria-label": `Reply to @${comment.author.username}` }, "Reply");
    reply.addEventListener("click", () => setReply(comment));
    let remove: HTMLButtonElement | null = null;
    if (own || comment.author.username === me.username) {
      const del = h("button", { type: "button", class: "link-button", "aria-label": `Delete comment by @${comment.author.username}` }, "Delete");
      del.addEventListener("click", async () => {
        del.disabled = true;
        try {
          await api.deleteComment(comment.id);
          // Replies go with their comment.
          const gone = new Set([comment.id]);
          for (const c of comments) if (c.reply_to && gone.has(c.reply_to)) gone.add(c.id);
          for (let i = comments.length - 1; i >= 0; i--) if (gone.has(comments[i]?.id ?? "")) comments.splice(i, 1);
          post.comment_count = Math.max(0, post.comment_count - gone.size);
          renderThread();
        } catch (error) {
          announce(describe(error));
          del.disabled = false;
        }
      });
      remove = del;
    }
    return h("li", { class: "comment", id: `c-${comment.id}` },
      h("p", {},
        avatar(comment.author), " ",
        link(`/u/${comment.author.username}`, { class: "author-name" }, comment.author.username), " ",
        caption(comment.text)),
      h("p", { class: "comment-meta" },
        h("time", { datetime: comment.created_at }, ago(comment.created_at)), " · ", reply, remove ? " · " : null, remove),
      replies.length
        ? h("ol", { class: "replies", "aria-label": `Replies to @${comment.author.username}` },
            replies.map((r) => renderComment(r, [])))
        : null);
  };

  const renderThread = () => {
    const known = new Set(comments.map((c) => c.id));
    const byParent = new Map<string, Comment[]>();
    // Oldest first reads like a conversation; the API pages newest first.
    const sorted = [...comments].sort((a, b) => (a.id < b.id ? -1 : 1));
    const roots: Comment[] = [];
    for (const c of sorted) {
      if (c.reply_to && known.has(c.reply_to)) {
        // A reply to a reply hangs under the top comment it belongs to.
        let root = c.reply_to;
        let parent = comments.find((x) => x.id === root);
        while (parent?.reply_to && known.has(parent.reply_to)) {
          root = parent.reply_to;
          parent = comments.find((x) => x.id === root);
        }
        byParent.set(root, [...(byParent.get(root) ?? []), c]);
      } else {
        roots.push(c);
      }
    }
    replace(thread, roots.map((c) => renderComment(c, byParent.get(c.id) ?? [])));
    commentCount.textContent = plural(post.comment_count, "comment");
    if (comments.length === 0) thread.append(h("li", { class: "muted" }, "No comments yet. Start the conversation."));
  };

  const load = async (path: string) => {
    loadOlder.disabled = true;
    try {
      const result = await page<Comment>(path);
      comments.push(...result.items);
      older = result.next;
      loadOlder.hidden = older === null;
      renderThread();
    } catch (error) {
      announce(describe(error));
    } finally {
      loadOlder.disabled = false;
    }
  };
  loadOlder.addEventListener("click", () => {
    if (older) void load(older);
  });

  const form = h("form", { class: "comment-form" },
    h("label", { for: "comment-text" }, "Comment"), replying, field, submit, formStatus);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = field.value.trim();
    if (!text) {
      replace(formStatus, h("p", { class: "error", role: "alert" }, "Write something first."));
      return;
    }
    submit.disabled = true;
    replace(formStatus);
    try {
      const created = await api.comment(post.id, text, replyTo?.id ?? null);
      comments.push(created);
      post.comment_count += 1;
      field.value = "";
      setReply(null);
      renderThread();
      document.getElementById(`c-${created.id}`)?.scrollIntoView({ block: "nearest" });
    } catch (error) {
      replace(formStatus, h("p", { class: "error", role: "alert" }, describe(error)));
    } finally {
      submit.disabled = false;
    }
  });
  field.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });

  // Save for later: private to you; the post says whether you saved it.
  const save = h("button", { type: "button", class: "save", "aria-pressed": "false" }, "Save");
  const showSaved = (saved: boolean) => {
    save.textContent = saved ? "Saved" : "Save";
    save.setAttribute("aria-pressed", String(saved));
    save.setAttribute("aria-label", saved ? "Remove from saved" : "Save for later");
  };
  showSaved(post.saved);
  let saving = false;
  save.addEventListener("click", async () => {
    if (saving) return;
    saving = true;
    save.setAttribute("aria-busy", "true");
    try {
      const wasSaved = save.getAttribute("aria-pressed") === "true";
      const state = wasSaved ? await api.unsave(post.id) : await api.save(post.id);
      showSaved(state.saved);
      announce(state.saved ? "Saved for later." : "Removed from saved.", "info");
    } catch (error) {
      announce(describe(error));
    } finally {
      saving = false;
      save.removeAttribute("aria-busy");
    }
  });

  // The caption, edited in place by its author.
  const captionBox = h("div", { class: "caption-box" });
  const showCaption = () => {
    replace(captionBox,
      post.caption ? h("p", { class: "caption" }, caption(post.caption)) : null,
      post.edited_at
        ? h("p", { class: "edited muted" }, "Edited ", h("time", { datetime: post.edited_at, title: post.edited_at }, ago(post.edited_at)), " ago")
        : null);
  };
  showCaption();
  let edit: HTMLButtonElement | null = null;
  if (own) {
    edit = h("button", { type: "button", class: "link-button" }, "Edit caption");
    edit.addEventListener("click", () => {
      const box = h("textarea", { id: "edit-caption", name: "caption", rows: 3, maxlength: 2200 });
      box.value = post.caption;
      const status = h("div", { "aria-live": "assertive" });
      const done = h("button", { type: "submit", class: "primary" }, "Save caption");
      const cancel = h("button", { type: "button", class: "link-button" }, "Cancel");
      const editor = h("form", { class: "caption-editor" },
        h("label", { for: "edit-caption" }, "Caption"), box, done, cancel, status);
      cancel.addEventListener("click", () => {
        showCaption();
        edit?.focus();
      });
      editor.addEventListener("submit", async (event) => {
        event.preventDefault();
        done.disabled = true;
        try {
          post = await api.editPost(post.id, box.value);
          showCaption();
          announce("Caption updated.", "info");
          edit?.focus();
        } catch (error) {
          replace(status, h("p", { class: "error", role: "alert" }, describe(error)));
          done.disabled = false;
        }
      });
      replace(captionBox, editor);
      box.focus();
    });
  }

  let remove: HTMLButtonElement | null = null;
  if (own) {
    remove = h("button", { type: "button", class: "danger" }, "Delete post");
    remove.addEventListener("click", async () => {
      if (!remove) return;
      remove.disabled = true;
      try {
        await api.deletePost(post.id);
        announce("Post deleted.", "info");
        navigate(`/u/${me.username}`);
      } catch (error) {
        announce(describe(error));
        remove.disabled = false;
      }
    });
  }

  replace(main, h("article", { class: `post post-page${post.media.length ? " has-media" : ""}`, "data-post-id": post.id },
    h("h1", { class: "visually-hidden" }, `Post by @${post.author.username}`),
    authorLine(post),
    mediaView(post, true),
    h("div", { class: "post-body" },
      h("div", { class: "post-actions" }, likeBar(post), save),
      captionBox,
      edit,
      remove,
      h("section", { class: "comments-section", "aria-labelledby": "comments-title" },
        commentCount, thread, loadOlder, form))));
  renderThread();
  await load(`/posts/${encodeURIComponent(post.id)}/comments?limit=100`);
}
