// The home feed, endless on the API's cursors, with suggestions beside it.

import { api, type Post, type Suggestion } from "../api";
import { endless, errorBox, h, link, replace } from "../dom";
import { avatar, postCard } from "../post";
import type { Context } from "../main";
import { followButton } from "./profile";
import { storyTray } from "../stories";

export function suggestionItem(s: Suggestion): HTMLElement {
  return h("li", { class: "person" },
    link(`/u/${s.user.username}`, { class: "person-link" },
      avatar(s.user),
      h("span", { class: "person-names" },
        h("span", { class: "name" }, s.user.display_name),
        h("span", { class: "handle" }, `@${s.user.username}`),
        h("span", { class: "reason" }, s.reason))),
    followButton(s.user.username, { following: false, requested: false }, Boolean(s.user.private)));
}

export async function suggestionsPanel(limit: number): Promise<HTMLElement | null> {
  const list = h("ul", { class: "people" });
  const panel = h("section", { class: "suggestions", "aria-labelledby": "suggestions-title" },
    h("h2", { id: "suggestions-title" }, "Suggested for you"), list);
  try {
    const found = await api.suggestions(limit);
    if (found.length === 0) return null; // nobody to suggest: no empty box
    for (const s of found) list.append(suggestionItem(s));
    panel.append(link("/suggestions", { class: "see-all" }, "See all suggestions"));
  } catch (error) {
    list.replaceWith(errorBox(error));
  }
  return panel;
}

export async function feedView({ main }: Context): Promise<void> {
  const list = h("div", { class: "feed", role: "feed", "aria-label": "Home feed" });
  const aside = h("aside", { class: "side" });
  const traySlot = h("div", { class: "tray-slot" });
  replace(main, h("div", { class: "columns" },
    h("section", { class: "feed-column" }, h("h1", { class: "visually-hidden-mobile" }, "Home"), traySlot, list),
    aside));
  void storyTray().then((tray) => {
    if (tray) traySlot.append(tray);
  });
  let first = true;
  endless<Post>(list, "/feed?limit=10", (post) => {
    const card = postCard(post, first);
    first = false;
    return card;
  }, {
    label: "posts",
    empty: () => h("div", { class: "empty card" },
      h("h2", {}, "Your feed is empty"),
      h("p", {}, "Follow people to see their posts here, or share your first one."),
      link("/upload", { class: "button primary" }, "Share a post")),
  });
  const panel = await suggestionsPanel(5);
  if (panel) aside.append(panel);
}
