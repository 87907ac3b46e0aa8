// Stories: the tray above the feed, the full-screen viewer, the viewers list, highlights.
//
// The viewer shows one story at a time with a progress bar per story of the ring; it goes on by
// itself (a picture after 5 s, a video when it ends), by a tap on the right or left half, by the
// arrow keys or by the "Next story" / "Previous story" buttons, and pauses while held down.

import { api, type Highlight, type Ring, type Story, type UserSummary } from "./api";
import { announce, describe, errorBox, h, replace } from "./dom";
import { avatar } from "./post";

const PICTURE_MS = 5000;

/** A ring to open: whose stories, and which of them. */
interface Reel {
  user: UserSummary;
  stories: Story[];
}

function ringButton(reel: Reel, seen: boolean, open: () => void, label?: string): HTMLElement {
  return h("li", { class: "ring-item" },
    h("button", {
      type: "button",
      class: seen ? "ring seen" : "ring unseen",
      "aria-label": `${label ?? `Stories of @${reel.user.username}`}${seen ? "" : ", new"}`,
      onclick: open,
    }, avatar(reel.user, true), h("span", { class: "ring-name" }, label ?? reel.user.username)));
}

/** The story tray: one ring per followed account with live stories; nothing when there are none. */
export async function storyTray(): Promise<HTMLElement | null> {
  let rings: Ring[];
  try {
    rings = await api.tray(30);
  } catch (error) {
    return errorBox(error);
  }
  if (rings.length === 0) return null;
  const list = h("ul", { class: "tray-list" });
  const tray = h("nav", { class: "tray", "aria-label": "Stories" }, list);
  const reels: Reel[] = rings.map((r) => ({ user: r.user, stories: r.stories }));
  rings.forEach((ring, index) => {
    list.append(ringButton(reels[index] ?? ring, ring.seen, () => {
      const unseen = ring.stories.findIndex((s) => !s.seen);
      openViewer(reels, index, Math.max(0, unseen), { markSeen: true, own: false });
    }));
  });
  return tray;
}

/** An account's live stories as one ring (a profile's), or null when it has none. */
export async function profileRing(user: UserSummary, own: boolean): Promise<HTMLElement | null> {
  const stories = await api.userStories(user.username);
  if (stories.length === 0) return null;
  const reel = { user, stories };
  const seen = own || stories.every((s) => s.seen);
  return h("ul", { class: "tray-list" }, ringButton(reel, seen, () => openViewer([reel], 0, 0, { markSeen: !own, own })));
}

/** An account's highlights as rings under its profile header. */
export async function highlightsRow(user: UserSummary, own: boolean): Promise<HTMLElement | null> {
  let highlights: Highlight[];
  try {
    highlights = await api.highlights(user.username);
  } catch {
    return null;
  }
  if (highlights.length === 0) return null;
  const reels = highlights.map((hl) => ({ user, stories: hl.stories }));
  const list = h("ul", { class: "tray-list" });
  highlights.forEach((hl, index) => {
    list.append(ringButton(reels[index] ?? { user, stories: [] }, true, () => openViewer(reels, index, 0, { markSeen: false, own }), hl.title));
  });
  return h("nav", { class: "tray highlights", "aria-label": "Highlights" }, list);
}

interface ViewerOptions {
  markSeen: boolean;
  own: boolean;
}

/** The full-screen viewer over `reels`, starting at story `storyIndex` of reel `reelIndex`. */
export function openViewer(reels: Reel[], reelIndex: number, storyIndex: number, options: ViewerOptions): void {
  const previouslyFocused = document.activeElement as HTMLElement | null;
  let reel = reelIndex;
  let index = storyIndex;
  let timer = 0;
  let started = 0;
  let elapsed = 0;
  let paused = false;
  let frame = 0;

  const bars = h("div", { class: "story-bars" });
  const stage = h("div", { class: "story-stage" });
  const who = h("p", { class: "story-who" });
  const extra = h("div", { class: "story-extra" });
  const close = h("button", { type: "button", class: "story-close", "aria-label": "Close" }, "✕");
  const prev = h("button", { type: "button", class: "story-prev", "aria-label": "Previous story" }, "‹");
  const next = h("button", { type: "button", class: "story-next", "aria-label": "Next story" }, "›");
  const dialog = h("div", { class: "story-viewer", role: "dialog", "aria-modal": "true", "aria-label": "Stories", tabindex: -1 },
    bars, who, stage, prev, next, close, extra);

  const current = (): Story | undefined => reels[reel]?.stories[index];

  const stopTimer = () => {
    window.clearTimeout(timer);
    window.cancelAnimationFrame(frame);
  };

  const paint = () => {
    const bar = bars.children[index]?.firstElementChild as HTMLElement | null | undefined;
    const story = current();
    if (!bar || !story) return;
    const video = stage.querySelector("video");
    const total = video && video.duration ? video.duration * 1000 : PICTURE_MS;
    const done = video ? video.currentTime * 1000 : elapsed + (paused ? 0 : performance.now() - started);
    bar.style.width = `${Math.min(100, (done / total) * 100)}%`;
    if (!paused) frame = window.requestAnimationFrame(paint);
  };

  const run = () => {
    stopTimer();
    started = performance.now();
    const story = current();
    if (!story) return;
    if (story.media?.kind !== "video") timer = window.setTimeout(forward, PICTURE_MS - elapsed);
    frame = window.requestAnimationFrame(paint);
  };

  const pause = () => {
    if (paused) return;
    paused = true;
    elapsed += performance.now() - started;
    stopTimer();
    stage.querySelector("video")?.pause();
    dialog.dataset.paused = "true";
  };

  const resume = () => {
    if (!paused) return;
    paused = false;
    delete dialog.dataset.paused;
    void stage.querySelector("video")?.play().catch(() => undefined);
    run();
  };

  const show = () => {
    stopTimer();
    elapsed = 0;
    paused = false;
    const current_reel = reels[reel];
    const story = current();
    if (!current_reel || !story) {
      finish();
      return;
    }
    replace(bars, current_reel.stories.map((_story, i) =>
      h("div", { class: "story-bar", role: "progressbar", "aria-label": `Story ${i + 1} of ${current_reel.stories.length}`,
        "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": i < index ? 100 : 0 },
      h("span", { class: "story-fill", style: `width: ${i < index ? 100 : 0}%` }))));
    replace(who, avatar(current_reel.user), h("span", {}, `@${current_reel.user.username}`));
    const media = story.media;
    const alt = `Story ${index + 1} of ${current_reel.stories.length} by @${current_reel.user.username}`;
    if (media?.kind === "video" && media.url) {
      const video = h("video", { src: media.url, autoplay: true, playsinline: true, muted: true, "aria-label": alt });
      video.addEventListener("ended", forward);
      replace(stage, video);
    } else if (media?.url) {
      replace(stage, h("img", { src: media.url, alt }));
    } else {
      replace(stage, h("p", { class: "muted" }, "This story is still being prepared."));
    }
    replace(extra);
    if (options.own) {
      const viewers = h("button", { type: "button", class: "story-viewers-button" }, "Viewers");
      viewers.addEventListener("click", () => void showViewers(story));
      const keep = h("button", { type: "button", class: "story-highlight-button" }, "Add to highlight");
      keep.addEventListener("click", () => void addToHighlight(story, current_reel.user));
      replace(extra, viewers, keep);
    }
    if (options.markSeen && !story.seen) {
      story.seen = true;
      void api.storySeen(story.id).catch(() => undefined);
    }
    prev.disabled = reel === 0 && index === 0;
    run();
  };

  const showViewers = async (story: Story) => {
    pause();
    const list = h("ul", { class: "people story-viewers", "aria-label": "Viewers" });
    replace(extra, h("h2", {}, "Viewers"), list);
    try {
      const found = await api.storyViewers(story.id);
      if (found.items.length === 0) list.append(h("li", { class: "muted" }, "No one has seen it yet."));
      for (const v of found.items) list.append(h("li", { class: "person" }, avatar(v), h("span", {}, `@${v.username}`)));
    } catch (error) {
      replace(extra, errorBox(error));
    }
  };

  /** The author keeps the story in one of their highlights, or in a new one. */
  const addToHighlight = async (story: Story, author: UserSummary) => {
    pause();
    let existing: Highlight[] = [];
    try {
      existing = await api.highlights(author.username);
    } catch (error) {
      replace(extra, errorBox(error));
      return;
    }
    const choice = h("select", { id: "highlight-choice" },
      ...existing.map((hl) => h("option", { value: hl.id }, hl.title)),
      h("option", { value: "" }, "New highlight"));
    const title = h("input", { id: "highlight-title", type: "text", maxlength: 50, required: true });
    const titleRow = h("p", {}, h("label", { for: "highlight-title" }, "Highlight title"), title);
    const status = h("p", { class: "story-highlight-status", role: "status" });
    const showTitle = () => {
      titleRow.hidden = choice.value !== "";
      title.required = choice.value === "";
    };
    choice.addEventListener("change", showTitle);
    showTitle();
    const form = h("form", { class: "story-highlight-form", "aria-label": "Add to highlight" },
      h("p", {}, h("label", { for: "highlight-choice" }, "Highlight"), choice),
      titleRow,
      h("button", { type: "submit" }, "Add"),
      status);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void (async () => {
        try {
          const kept = choice.value === ""
            ? await api.createHighlight(title.value.trim(), [story.id])
            : await api.addToHighlight(choice.value, [story.id]);
          story.highlighted = true;
          replace(status, `Added to “${kept.title}”.`);
        } catch (error) {
          replace(status, describe(error));
        }
      })();
    });
    replace(extra, h("h2", {}, "Add to highlight"), form);
    choice.focus();
  };

  function forward(): void {
    const current_reel = reels[reel];
    if (current_reel && index + 1 < current_reel.stories.length) {
      index += 1;
    } else {
      reel += 1;
      index = 0;
    }
    show();
  }

  const back = () => {
    if (index > 0) {
      index -= 1;
    } else if (reel > 0) {
      reel -= 1;
      index = Math.max(0, (reels[reel]?.stories.length ?? 1) - 1);
    }
    show();
  };

  function finish(): void {
    stopTimer();
    document.removeEventListener("keydown", keys);
    dialog.remove();
    document.body.classList.remove("story-open");
    previouslyFocused?.focus();
  }

  function keys(event: KeyboardEvent): void {
    // Arrow keys in the highlight form move its caret or choice, not the story.
    const target = event.target;
    if ((target instanceof HTMLInputElement || target instanceof HTMLSelectElement) && event.key !== "Escape") return;
    if (event.key === "ArrowRight") forward();
    else if (event.key === "ArrowLeft") back();
    else if (event.key === "Escape") finish();
    else return;
    event.preventDefault();
  }

  next.addEventListener("click", forward);
  prev.addEventListener("click", back);
  close.addEventListener("click", finish);
  // Tap the left third to go back, elsewhere to go on; hold to pause.
  let held = 0;
  let longPress = false;
  stage.addEventListener("pointerdown", () => {
    longPress = false;
    held = window.setTimeout(() => {
      longPress = true;
      pause();
    }, 250);
  });
  stage.addEventListener("pointerup", (event) => {
    window.clearTimeout(held);
    if (longPress) {
      resume();
      return;
    }
    const box = stage.getBoundingClientRect();
    if (event.clientX < box.left + box.width / 3) back();
    else forward();
  });
  stage.addEventListener("pointerleave", () => {
    window.clearTimeout(held);
    if (longPress) resume();
  });
  document.addEventListener("keydown", keys);
  document.body.classList.add("story-open");
  document.body.append(dialog);
  dialog.focus();
  show();
}

/** "Share to story" for the upload page: one ready media item, with an audience. */
export function storyControls(mediaId: () => string | null): HTMLElement {
  const audience = h("select", { id: "story-audience" },
    h("option", { value: "everyone" }, "Everyone"),
    h("option", { value: "mutuals" }, "Mutual follows"),
    h("option", { value: "close_friends" }, "Close friends"),
    h("option", { value: "followers_30" }, "Followers of 30 days or more"));
  const share = h("button", { type: "button" }, "Share to story");
  share.addEventListener("click", async () => {
    const id = mediaId();
    if (!id) {
      announce("Upload one picture or video first.");
      return;
    }
    share.disabled = true;
    const value = audience.value;
    try {
      await api.createStory(id, value === "followers_30" ? { followers_for_days: 30 } : (value as "everyone" | "mutuals" | "close_friends"));
      announce("Your story is up for 24 hours.", "info");
    } catch (error) {
      announce(`Couldn't share the story: ${describe(error)}`);
    } finally {
      share.disabled = false;
    }
  });
  return h("div", { class: "story-controls" },
    h("label", { for: "story-audience" }, "Story audience"), audience, share);
}
