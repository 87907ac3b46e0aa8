// New post: pick pictures or a video, watch the bytes go up, wait for processing, caption, post.

import { api, uploadMedia, type Audience, type Media } from "../api";
import { DIRECT_THRESHOLD, uploadDirect } from "../direct";
import { describe, h, link, replace } from "../dom";
import type { Context } from "../main";
import { navigate } from "../nav";
import { storyControls } from "../stories";

interface Item {
  file: File;
  row: HTMLElement;
  media: Media | null;
  failed: boolean;
}

const POLL_MS = 1000;

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export function uploadView({ main }: Context): void {
  const picker = h("input", {
    id: "files",
    type: "file",
    accept: "image/*,video/*",
    multiple: true,
    "aria-describedby": "files-hint",
  });
  const uploadButton = h("button", { type: "button", class: "primary" }, "Upload");
  const list = h("ul", { class: "uploads", "aria-label": "Files" });
  const captionField = h("textarea", { id: "caption", name: "caption", rows: 3, maxlength: 2200 });
  const postButton = h("button", { type: "submit", class: "primary" }, "Post");
  const audience = audienceChooser();
  const status = h("div", { class: "form-status", "aria-live": "assertive" });
  let items: Item[] = [];
  let busy = false;

  const refresh = () => {
    const waiting = items.some((i) => !i.failed && (!i.media || i.media.status === "processing"));
    const ready = items.filter((i) => i.media?.status === "ready");
    uploadButton.disabled = busy || items.length === 0 || items.every((i) => i.media || i.failed);
    postButton.disabled = busy || waiting || (ready.length === 0 && !captionField.value.trim());
  };

  const setState = (item: Item, state: HTMLElement | string) => {
    const slot = item.row.querySelector(".upload-state");
    if (slot) replace(slot as HTMLElement, state);
  };

  const poll = async (item: Item) => {
    while (item.media && item.media.status === "processing") {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (!main.isConnected) return;
      try {
        item.media = await api.media(item.media.id);
      } catch (error) {
        item.failed = true;
        setState(item, h("span", { class: "error", role: "alert" }, `Couldn't check ${item.file.name}: ${describe(error)}`));
        refresh();
        return;
      }
    }
    showDone(item);
  };

  const showDone = (item: Item) => {
    const media = item.media;
    if (!media) return;
    if (media.status === "processing") {
      item.row.dataset.state = "processing";
      setState(item, h("span", { class: "processing", role: "status" }, "Processing… the video is being prepared"));
    } else if (media.status === "ready") {
      item.row.dataset.state = "ready";
      const preview = media.preview_url ?? media.url;
      setState(item, h("span", { class: "ready" },
        preview ? h("img", { src: preview, alt: `Preview of ${item.file.name}`, class: "upload-preview" }) : null,
        h("span", { role: "status" }, "Ready")));
    } else {
      item.failed = true;
      item.row.dataset.state = "failed";
      setState(item, h("span", { class: "error", role: "alert" }, `${item.file.name} could not be processed.`));
    }
    refresh();
  };

  const uploadOne = async (item: Item) => {
    const bar = h("progress", { max: 100, value: 0, "aria-label": `Uploading ${item.file.name}` });
    const percent = h("span", { class: "percent" }, "0%");
    item.row.dataset.state = "uploading";
    setState(item, h("span", { class: "progress" }, bar, percent));
    const progress = (fraction: number) => {
      const value = Math.round(fraction * 100);
      bar.value = value;
      percent.textContent = fraction >= 1 ? "Sent, checking…" : `${value}%`;
    };
    try {
      // Large files go straight to the store in parts and survive a dropped connection.
      item.media = item.file.size >= DIRECT_THRESHOLD
        ? await uploadDirect(item.file, {
          progress,
          waiting: (seconds) => {
            item.row.dataset.state = "waiting";
            percent.textContent = `${bar.value}% · connection lost, retrying in ${seconds} s`;
          },
          resumed: () => {
            item.row.dataset.state = "uploading";
            percent.textContent = `${bar.value}% · resumed`;
          },
        })
        : await uploadMedia(item.file, progress);
      showDone(item);
      if (item.media.status === "processing") void poll(item);
    } catch (error) {
      item.failed = true;
      item.row.dataset.state = "failed";
      setState(item, h("span", { class: "error", role: "alert" }, `Couldn't upload ${item.file.name}: ${describe(error)}`));
    }
  };

  picker.addEventListener("change", () => {
    items = [...(picker.files ?? [])].map((file) => ({
      file,
      media: null,
      failed: false,
      row: h("li", { class: "upload", "data-state": "picked" },
        h("span", { class: "file-name" }, file.name),
        h("span", { class: "file-size" }, sizeText(file.size)),
        h("span", { class: "upload-state" }, "Not uploaded yet")),
    }));
    replace(list, items.map((i) => i.row));
    replace(status);
    refresh();
  });

  uploadButton.addEventListener("click", async () => {
    busy = true;
    refresh();
    for (const item of items) {
      if (!item.media && !item.failed) await uploadOne(item);
    }
    busy = false;
    refresh();
  });
  captionField.addEventListener("input", refresh);

  const form = h("form", { class: "upload-form" },
    h("label", { for: "files" }, "Pictures or a video"),
    picker,
    h("p", { class: "hint", id: "files-hint" }, "JPEG, PNG, WebP, HEIC, GIF pictures, or an MP4/MOV/WebM video."),
    uploadButton,
    list,
    h("label", { for: "caption" }, "Caption"),
    captionField,
    h("p", { class: "hint" }, "Use #hashtags and @mentions."),
    audience.element,
    postButton,
    storyControls(() => {
      const ready = items.filter((i) => i.media?.status === "ready");
      return ready.length === 1 ? ready[0]?.media?.id ?? null : null;
    }),
    status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    busy = true;
    refresh();
    try {
      const ids = items.filter((i) => i.media?.status === "ready").map((i) => i.media?.id ?? "");
      const post = await api.createPost(captionField.value, ids, audience.value());
      navigate(`/p/${post.id}`);
    } catch (error) {
      replace(status, h("p", { class: "error", role: "alert" }, `Couldn't post: ${describe(error)}`));
    } finally {
      busy = false;
      refresh();
    }
  });
  replace(main, h("section", { class: "card" }, h("h1", {}, "New post"), form));
  refresh();
}

/** Who sees the post: a radio group, with the number of days for long-time followers. */
function audienceChooser(): { element: HTMLElement; value: () => Audience } {
  const choices: [string, string, string][] = [
    ["everyone", "Everyone", "Everyone who can see your account."],
    ["close_friends", "Close friends", "Only the people on your close friends list."],
    ["mutuals", "Mutual follows", "Only people you follow who follow you back."],
    ["followers_for_days", "Long-time followers", "Only people who have followed you for at least the days below."],
  ];
  const days = h("input", {
    id: "audience-days", type: "number", min: 1, max: 3650, value: 30, inputmode: "numeric",
  });
  const radios = choices.map(([value, label, hint]) => {
    const radio = h("input", {
      type: "radio", name: "audience", id: `audience-${value}`, value, checked: value === "everyone",
      "aria-describedby": `audience-${value}-hint`,
    });
    return { radio, row: h("div", { class: "check" }, radio,
      h("label", { for: `audience-${value}` }, label),
      h("span", { class: "hint", id: `audience-${value}-hint` }, ` ${hint}`)) };
  });
  const daysRow = h("div", { class: "audience-days" },
    h("label", { for: "audience-days" }, "Days of following"), days);
  const chosen = () => radios.find((r) => r.radio.checked)?.radio.value ?? "everyone";
  const sync = () => { daysRow.hidden = chosen() !== "followers_for_days"; };
  radios.forEach((r) => r.radio.addEventListener("change", sync));
  sync();
  const element = h("fieldset", { class: "audience" },
    h("legend", {}, "Audience"),
    ...radios.map((r) => r.row),
    daysRow,
    h("p", { class: "hint" }, link("/close-friends", {}, "Manage your close friends")));
  const value = (): Audience => {
    const which = chosen();
    if (which === "followers_for_days") return { followers_for_days: Number(days.value) || 1 };
    return which as Audience;
  };
  return { element, value };
}
