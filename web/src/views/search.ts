// Search for people and hashtags, a hashtag's page, and the full list of suggestions.

import { api, ApiError, page, type Post, type SearchResults } from "../api";
import { describe, endless, errorBox, h, link, plural, replace } from "../dom";
import type { Context } from "../main";
import { postCard } from "../post";
import { suggestionItem } from "./feed";
import { personItem } from "./profile";

export function searchView({ main, query }: Context): void {
  const input = h("input", { id: "q", type: "search", name: "q", autocomplete: "off", value: query.get("q") ?? "", placeholder: "People or #hashtags" });
  const results = h("div", { class: "results", "aria-live": "polite" });
  const form = h("form", { class: "search-form", role: "search" },
    h("label", { for: "q" }, "Search"), input, h("button", { type: "submit" }, "Search"));
  let timer = 0;
  let asked = "";

  const run = async () => {
    const q = input.value.trim();
    if (q === asked) return;
    asked = q;
    history.replaceState(null, "", q ? `/web/search?q=${encodeURIComponent(q)}` : "/web/search");
    if (!q || q === "#") {
      replace(results);
      return;
    }
    let found: SearchResults;
    try {
      found = await api.search(q);
    } catch (error) {
      replace(results, errorBox(error));
      return;
    }
    if (input.value.trim() !== q) return; // a newer query is on its way
    replace(results,
      h("h2", {}, "People"),
      found.users.length ? h("ul", { class: "people" }, found.users.map(personItem)) : h("p", { class: "muted" }, q.startsWith("#") ? "Hashtags only: drop the # to find people." : "No people found."),
      h("h2", {}, "Hashtags"),
      found.hashtags.length
        ? h("ul", { class: "tags" }, found.hashtags.map((t) =>
            h("li", {}, link(`/tags/${encodeURIComponent(t.name)}`, {}, `#${t.name}`), h("span", { class: "muted" }, ` ${plural(t.post_count, "post")}`))))
        : h("p", { class: "muted" }, "No hashtags found."));
  };
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void run(), 250);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    asked = "";
    void run();
  });
  replace(main, h("section", { class: "card" }, h("h1", {}, "Search"), form, results));
  input.focus();
  if (input.value) void run();
}

/**
 * A hashtag's posts from `GET /tags/{name}/posts`. Against an API without hashtag pages, the
 * count from search and the posts of the home feed that carry the tag, said plainly.
 */
export async function tagView({ main, params }: Context): Promise<void> {
  const name = (params[0] ?? "").replace(/^#/, "").toLowerCase();
  const list = h("div", { class: "feed", role: "feed", "aria-label": `Posts tagged #${name}` });
  const note = h("div", {});
  replace(main, h("section", { class: "tag-page" }, h("h1", {}, `#${name}`), note, list));
  const path = `/tags/${encodeURIComponent(name)}/posts?limit=10`;
  try {
    const first = await page<Post>(path);
    void api.tag(name).then(
      (tag) => note.append(h("p", { class: "muted" }, plural(tag.post_count, "post"))),
      () => undefined,
    );
    let shown = false;
    endless<Post>(list, path, (post) => {
      const card = postCard(post, !shown);
      shown = true;
      return card;
    }, { label: "posts", initial: first, empty: () => h("p", { class: "muted" }, "No posts you can see carry this tag yet.") });
    return;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && error.message.startsWith("no hashtag")) {
      note.append(h("p", { class: "muted" }, `No posts carry #${name} yet.`));
      return;
    }
    if (!(error instanceof ApiError && (error.status === 404 || error.status === 405))) {
      note.append(errorBox(error));
      return;
    }
  }
  // An API without hashtag pages: fall back to what it does have.
  try {
    const found = await api.search(`#${name}`);
    const hit = found.hashtags.find((t) => t.name === name);
    note.append(h("p", { class: "notice" },
      hit ? `${plural(hit.post_count, "post")} carry #${name}. ` : `No posts carry #${name} yet. `,
      "Showing the ones in your home feed."));
  } catch (error) {
    note.append(h("p", { class: "error", role: "alert" }, describe(error)));
  }
  let next: string | null = "/feed?limit=50";
  let count = 0;
  for (let pages = 0; next && pages < 4; pages++) {
    const result: { items: Post[]; next: string | null } = await page<Post>(next);
    for (const post of result.items) {
      if (post.hashtags.includes(name)) {
        list.append(postCard(post, count === 0));
        count++;
      }
    }
    next = result.next;
  }
  if (count === 0) list.append(h("p", { class: "muted" }, "None of the recent posts in your feed carry it."));
}

/** Explore: posts from outside your follows, each with why it is shown, and trending hashtags. */
export async function exploreView({ main }: Context): Promise<void> {
  const tags = h("ul", { class: "tags" });
  const list = h("div", { class: "feed", role: "feed", "aria-label": "Explore" });
  replace(main, h("section", { class: "explore" },
    h("h1", {}, "Explore"),
    h("section", { "aria-labelledby": "trending-title" },
      h("h2", { id: "trending-title" }, "Trending in your network"), tags),
    list));
  try {
    const [items, trending] = await Promise.all([api.explore(20), api.trendingTags(10)]);
    if (!trending.length) tags.append(h("li", { class: "muted" }, "Nothing trending among the people you follow today."));
    for (const t of trending) {
      tags.append(h("li", {}, link(`/tags/${encodeURIComponent(t.name)}`, {}, `#${t.name}`),
        h("span", { class: "muted" }, ` ${plural(t.uses, "post")} today`)));
    }
    if (!items.length) list.append(h("p", { class: "muted" }, "Nothing to explore yet: posts liked by people you follow show here."));
    items.forEach((item, i) => {
      list.append(h("div", { class: "explore-item" },
        h("p", { class: "reason" }, item.reason),
        postCard(item.post, i === 0)));
    });
  } catch (error) {
    list.replaceWith(errorBox(error));
  }
}

export async function suggestionsView({ main }: Context): Promise<void> {
  const list = h("ul", { class: "people" });
  replace(main, h("section", { class: "card" }, h("h1", {}, "Suggested for you"), list));
  try {
    const found = await api.suggestions(30);
    if (!found.length) list.append(h("li", { class: "muted" }, "No suggestions right now."));
    for (const s of found) list.append(suggestionItem(s));
  } catch (error) {
    list.replaceWith(errorBox(error));
  }
}
