// A post as the feed, the post page and the hashtag page show it.

import { decode } from "blurhash";
import { api, REPORT_CATEGORIES, type Audience, type Author, type Media, type Post } from "./api";
import { ago, announce, describe, h, link, plural } from "./dom";

/** Caption text with #hashtags and @mentions turned into links. */
export function caption(text: string): DocumentFragment {
  const out = document.createDocumentFragment();
  const pattern = /([#@])([\p{L}\p{N}_]+)/gu;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const [whole, sigil, name] = match;
    const start = match.index;
    if (start > 0 && /[\p{L}\p{N}_]/u.test(text.charAt(start - 1))) continue; // a@b is not a mention
    out.append(text.slice(last, start));
    const target = sigil === "#" ? `/tags/${encodeURIComponent((name ?? "").toLowerCase())}` : `/u/${encodeURIComponent((name ?? "").toLowerCase())}`;
    out.append(link(target, { class: sigil === "#" ? "tag" : "mention" }, whole));
    last = start + whole.length;
  }
  out.append(text.slice(last));
  return out;
}

const placeholders = new Map<string, string>();

/** The blurhash painted on a 32 px canvas, as a data URL (cached: the feed repeats few). */
function placeholder(hash: string, ratio: number): string | null {
  const key = `${hash}:${ratio.toFixed(2)}`;
  const cached = placeholders.get(key);
  if (cached) return cached;
  try {
    const width = 32;
    const height = Math.max(1, Math.round(32 / ratio));
    const pixels = decode(hash, width, height);
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    if (!context) return null;
    const image = context.createImageData(width, height);
    image.data.set(pixels);
    context.putImageData(image, 0, 0);
    const url = canvas.toDataURL();
    placeholders.set(key, url);
    return url;
  } catch {
    return null; // a malformed hash only costs the placeholder
  }
}

function altText(post: Post, index: number, total: number, kind: string): string {
  const own = post.media[index]?.description?.trim();
  if (own) return own;
  const what = kind === "video" ? "Video" : "Picture";
  const position = total > 1 ? ` ${index + 1} of ${total}` : "";
  const words = post.caption.trim();
  return `${what}${position} by @${post.author.username}${words ? `: ${words.slice(0, 120)}` : ""}`;
}

function mediaItem(post: Post, item: Media, index: number, total: number, eager: boolean): HTMLElement {
  const ratio = item.width && item.height ? item.width / item.height : 1;
  const frame = h("div", {
    class: "media",
    style: `aspect-ratio: ${Math.min(Math.max(ratio, 0.8), 1.91)}`,
    "data-kind": item.kind,
  });
  const blur = item.blurhash ? placeholder(item.blurhash, ratio) : null;
  if (blur) frame.style.backgroundImage = `url(${blur})`;
  const alt = altText(post, index, total, item.kind);
  if (item.status !== "ready" || !item.url) {
    frame.append(
      h("p", { class: "media-state", role: "img", "aria-label": alt },
        item.status === "failed" ? "This media could not be processed." : "Processing…"),
    );
    return frame;
  }
  if (item.kind === "video") {
    const video = h("video", {
      controls: true,
      preload: "metadata",
      playsinline: true,
      src: item.url,
      poster: item.preview_url ?? undefined,
      "aria-label": alt,
    });
    frame.append(video);
    return frame;
  }
  const image = h("img", {
    src: item.url,
    alt,
    loading: eager ? "eager" : "lazy",
    decoding: "async",
    width: item.width ?? undefined,
    height: item.height ?? undefined,
  });
  image.addEventListener("load", () => frame.classList.add("loaded"));
  image.addEventListener("error", () => frame.classList.add("broken"));
  frame.append(image);
  return frame;
}

/** One item, or a scroll-snapping carousel with Previous/Next buttons and a position. */
export function mediaView(post: Post, eager = false): HTMLElement | null {
  if (post.media.length === 0) return null;
  const items = post.media.map((m, i) => mediaItem(post, m, i, post.media.length, eager && i === 0));
  if (items.length === 1) return h("div", { class: "media-single" }, items[0]);
  const track = h("div", { class: "carousel-track", tabindex: 0, "aria-label": `${items.length} items; use the arrow keys or the buttons` }, items);
  const position = h("span", { class: "carousel-position", "aria-live": "polite" }, `1 / ${items.length}`);
  let current = 0;
  const go = (index: number) => {
    current = Math.max(0, Math.min(items.length - 1, index));
    track.scrollTo({ left: current * track.clientWidth, behavior: "smooth" });
  };
  const prev = h("button", { type: "button", class: "carousel-prev", "aria-label": "Previous", onclick: () => go(current - 1) }, "‹");
  const next = h("button", { type: "button", class: "carousel-next", "aria-label": "Next", onclick: () => go(current + 1) }, "›");
  // aria-disabled, not disabled: a disabled button would drop keyboard focus at either end.
  const update = () => {
    current = Math.round(track.scrollLeft / Math.max(1, track.clientWidth));
    position.textContent = `${current + 1} / ${items.length}`;
    prev.setAttribute("aria-disabled", String(current === 0));
    next.setAttribute("aria-disabled", String(current === items.length - 1));
  };
  track.addEventListener("scroll", () => window.requestAnimationFrame(update), { passive: true });
  track.addEventListener("keydown", (event) => {
    if (event.key === "ArrowRight") go(current + 1);
    if (event.key === "ArrowLeft") go(current - 1);
  });
  update();
  return h("div", { class: "carousel", role: "group", "aria-roledescription": "carousel" }, track, prev, next, position);
}

/** The Like/Unlike button and the like count, updated in place from the API's answer. */
export function likeBar(post: Post, onChange: (post: Post) => void = () => undefined): HTMLElement {
  const count = h("span", { class: "like-count" });
  const button = h("button", { type: "button", class: "like" });
  const show = (p: Post) => {
    button.textContent = p.liked ? "Unlike" : "Like";
    button.classList.toggle("on", p.liked);
    count.textContent = plural(p.like_count, "like");
  };
  show(post);
  // Busy rather than disabled: a disabled button would drop keyboard focus mid-click.
  let busy = false;
  button.addEventListener("click", async () => {
    if (busy) return;
    busy = true;
    button.setAttribute("aria-busy", "true");
    try {
      const updated = post.liked ? await api.unlike(post.id) : await api.like(post.id);
      post = updated;
      show(updated);
      onChange(updated);
    } catch (error) {
      announce(describe(error));
    } finally {
      busy = false;
      button.removeAttribute("aria-busy");
    }
  });
  return h("div", { class: "like-bar" }, button, count);
}

/** An account's avatar: its picture (48 px, 150 px on dense screens or `big`), else its generated default. */
export function avatar(user: Author, big = false): HTMLElement {
  const pic = user.avatar;
  const src = pic ? (big ? pic.urls["150"] ?? pic.url : pic.urls["48"] ?? pic.url) : `/avatars/default/${user.username}.png`;
  const attrs: Record<string, string> = { class: big ? "avatar big" : "avatar", src, alt: "", "aria-hidden": "true", loading: "lazy" };
  if (pic && !pic.default) attrs.srcset = big ? `${pic.urls["150"]} 1x, ${pic.urls["300"]} 2x` : `${pic.urls["48"]} 1x, ${pic.urls["150"]} 2x`;
  return h("img", attrs);
}

/** "Report": a reason to pick, then the report goes to the moderators (the author is not told). */
export function reportControl(post: Post): HTMLElement {
  const wrap = h("div", { class: "report" });
  const open = h("button", { type: "button", class: "link-button" }, "Report");
  open.addEventListener("click", () => {
    const select = h("select", { id: `report-${post.id}` },
      ...REPORT_CATEGORIES.map((c) => h("option", { value: c }, c.charAt(0).toUpperCase() + c.slice(1))));
    const send = h("button", { type: "button" }, "Send report");
    const form = h("div", { class: "report-form", role: "group", "aria-label": "Report this post" },
      h("label", { for: `report-${post.id}` }, "Reason"), select, send);
    send.addEventListener("click", async () => {
      send.disabled = true;
      try {
        await api.report(post.id, select.value);
        const thanks = h("p", { class: "reported", role: "status" }, "Thanks: the moderators will look at this post.");
        form.replaceWith(thanks);
      } catch (error) {
        send.disabled = false;
        announce(describe(error));
      }
    });
    open.replaceWith(form);
    select.focus();
  });
  wrap.append(open);
  return wrap;
}

/** Who a post is for, in words; null for everyone. */
export function audienceLabel(audience: Audience | undefined): string | null {
  if (!audience || audience === "everyone") return null;
  if (audience === "close_friends") return "Close friends";
  if (audience === "mutuals") return "Mutual follows";
  return `Followers of ${plural(audience.followers_for_days, "day")}`;
}

export function authorLine(post: Post): HTMLElement {
  const audience = audienceLabel(post.audience);
  return h("header", { class: "post-head" },
    link(`/u/${post.author.username}`, { class: "author" },
      avatar(post.author),
      h("span", { class: "name" }, post.author.display_name),
      h("span", { class: "handle" }, `@${post.author.username}`)),
    audience ? h("span", { class: "audience-badge", title: `Shared with: ${audience}` }, audience) : null,
    link(`/p/${post.id}`, { class: "time" }, h("time", { datetime: post.created_at, title: post.created_at }, ago(post.created_at))),
  );
}

/** A post in a list: media, caption, likes, and a link to its comments. */
export function postCard(post: Post, eager = false): HTMLElement {
  const comments = link(`/p/${post.id}`, { class: "comment-count" },
    post.comment_count ? `View ${plural(post.comment_count, "comment")}` : "No comments yet");
  return h("article", { class: "post", "data-post-id": post.id, "aria-label": `Post by @${post.author.username}` },
    authorLine(post),
    mediaView(post, eager),
    h("div", { class: "post-body" },
      likeBar(post),
      post.caption ? h("p", { class: "caption" }, caption(post.caption)) : null,
      comments,
      reportControl(post)),
  );
}

/** A square tile for a profile's grid. */
export function postTile(post: Post): HTMLElement {
  const first = post.media[0];
  const label = post.caption.trim() ? post.caption.slice(0, 80) : `Post from ${ago(post.created_at)} ago`;
  let inner: HTMLElement;
  if (first && first.status === "ready" && (first.preview_url ?? first.url)) {
    const ratio = first.width && first.height ? first.width / first.height : 1;
    const blur = first.blurhash ? placeholder(first.blurhash, ratio) : null;
    inner = h("img", {
      src: first.preview_url ?? first.url ?? "",
      alt: altText(post, 0, 1, first.kind),
      loading: "lazy",
      style: blur ? `background-image: url(${blur})` : undefined,
    });
  } else {
    inner = h("span", { class: "tile-text" }, post.caption.slice(0, 60) || "Text post");
  }
  return link(`/p/${post.id}`, { class: "tile", "aria-label": label }, inner,
    post.media.length > 1 ? h("span", { class: "tile-badge", "aria-hidden": "true" }, "▣") : null,
    first?.kind === "video" ? h("span", { class: "tile-badge", "aria-hidden": "true" }, "▶") : null);
}
