// Graphgram's web client: a router over history URLs under /web/, a layout, and the views.

import "./style.css";
import { api, page, session, setUnauthorizedHandler, type Account, type Notification } from "./api";
import { announce, describe, h, link, replace } from "./dom";
import { NAVIGATE, navigate } from "./nav";
import { authView } from "./views/auth";
import { closeFriendsView } from "./views/closefriends";
import { feedView } from "./views/feed";
import { moderationView } from "./views/moderation";
import { notificationsView } from "./views/notifications";
import { postView } from "./views/post";
import { followListView, profileView, settingsView } from "./views/profile";
import { exploreView, searchView, suggestionsView, tagView } from "./views/search";
import { uploadView } from "./views/upload";

export interface Context {
  me: Account;
  main: HTMLElement;
  params: string[];
  query: URLSearchParams;
}

type View = (ctx: Context) => Promise<void> | void;

const routes: [RegExp, View, string][] = [
  [/^\/$/, feedView, "Home"],
  [/^\/p\/([^/]+)$/, postView, "Post"],
  [/^\/u\/([^/]+)$/, profileView, "Profile"],
  [/^\/u\/([^/]+)\/(followers|following)$/, followListView, "People"],
  [/^\/upload$/, uploadView, "New post"],
  [/^\/notifications$/, notificationsView, "Notifications"],
  [/^\/search$/, searchView, "Search"],
  [/^\/explore$/, exploreView, "Explore"],
  [/^\/suggestions$/, suggestionsView, "Suggestions"],
  [/^\/tags\/([^/]+)$/, tagView, "Hashtag"],
  [/^\/settings$/, settingsView, "Settings"],
  [/^\/close-friends$/, closeFriendsView, "Close friends"],
  [/^\/moderation$/, moderationView, "Moderation"],
];

let me: Account | null = null;
let flash: string | null = null;

/** The path inside the client (after /web). */
function here(): string {
  const path = location.pathname.replace(/^\/web/, "") || "/";
  return path.length > 1 ? path.replace(/\/$/, "") : path;
}


setUnauthorizedHandler(() => {
  me = null;
  flash = "Your session has ended. Log in again.";
  if (!/^\/(login|signup)$/.test(here())) navigate("/login", true);
});

// Unread notifications, shown on the nav; read at most every 30 s, and zero once the page is seen.
let unread = { count: 0, at: 0 };
async function unreadBadge(badge: HTMLElement): Promise<void> {
  if (here() === "/notifications") {
    unread = { count: 0, at: Date.now() };
  } else if (Date.now() - unread.at > 30_000) {
    try {
      const found = await page<Notification>("/notifications?limit=40");
      unread = { count: found.items.filter((n) => !n.read).length, at: Date.now() };
    } catch {
      return; // the badge is a hint; the page says what went wrong when it matters
    }
  }
  badge.replaceChildren(
    unread.count >= 40 ? "40+" : String(unread.count),
    h("span", { class: "visually-hidden" }, " new"),
  );
  badge.hidden = unread.count === 0;
}

function nav(account: Account): HTMLElement {
  const badge = h("span", { class: "badge-count" });
  badge.hidden = true;
  void unreadBadge(badge);
  const item = (href: string, label: string, icon: string) =>
    h("li", {}, link(href, { class: "nav-link", "aria-current": here() === href ? "page" : null },
      h("span", { class: "icon", "aria-hidden": "true" }, icon), h("span", { class: "label" }, label),
      href === "/notifications" ? badge : null));
  const logout = h("button", { type: "button", class: "logout" }, "Log out");
  logout.addEventListener("click", async () => {
    try {
      await api.logout();
    } catch {
      // The token is dropped either way.
    }
    session.token = null;
    me = null;
    flash = "You are logged out.";
    navigate("/login");
  });
  return h("nav", { class: "nav", "aria-label": "Main" },
    link("/", { class: "brand" }, "Graphgram"),
    h("ul", {},
      item("/", "Home", "⌂"),
      item("/search", "Search", "⌕"),
      item("/explore", "Explore", "✦"),
      item("/upload", "New post", "+"),
      item("/notifications", "Notifications", "♡"),
      item(`/u/${account.username}`, "Profile", "☺"),
      account.role === "moderator" || account.role === "admin" ? item("/moderation", "Moderation", "⚑") : null),
    logout);
}

async function render(): Promise<void> {
  const app = document.getElementById("app");
  if (!app) return;
  const path = here();
  const main = h("main", { id: "main", tabindex: -1 });

  if (path === "/login" || path === "/signup") {
    if (session.token) {
      navigate("/", true);
      return;
    }
    replace(app, main);
    const message = flash;
    flash = null;
    authView(main, path === "/signup" ? "signup" : "login", message, () => {
      me = null;
      navigate("/", true);
    });
    document.title = `${path === "/signup" ? "Sign up" : "Log in"} · Graphgram`;
    return;
  }
  if (!session.token) {
    navigate("/login", true);
    return;
  }
  if (!me) {
    try {
      me = await api.me();
    } catch (error) {
      if (session.token) replace(app, h("main", { id: "main" }, h("p", { class: "error", role: "alert" }, describe(error))));
      return;
    }
  }
  const match = routes.map(([pattern, view, title]) => [pattern.exec(path), view, title] as const).find(([m]) => m);
  replace(app, nav(me), main);
  if (!match) {
    replace(main, h("h1", {}, "Not found"), h("p", {}, "There is no page at this address."), link("/", {}, "Go home"));
    return;
  }
  const [found, view, title] = match;
  document.title = `${title} · Graphgram`;
  const ctx: Context = {
    me,
    main,
    params: (found ?? []).slice(1).map((p) => decodeURIComponent(p)),
    query: new URLSearchParams(location.search),
  };
  try {
    await view(ctx);
  } catch (error) {
    main.append(h("p", { class: "error", role: "alert" }, describe(error)));
  }
  // Move focus to the new page's heading so keyboard and screen-reader users start there,
  // unless they have already moved it while the page loaded (a slow part of the view, such as
  // suggestions, must not pull focus away from the Like button they just pressed).
  const heading = main.querySelector<HTMLElement>("h1");
  const untouched = document.activeElement === null || document.activeElement === document.body;
  if (heading && untouched) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}


document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target.closest("a[data-link]") : null;
  if (!(target instanceof HTMLAnchorElement)) return;
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  const url = new URL(target.href);
  navigate(url.pathname.replace(/^\/web/, "") + url.search);
});
window.addEventListener("popstate", () => void render());
window.addEventListener(NAVIGATE, () => void render());
window.addEventListener("unhandledrejection", (event) => {
  announce(describe(event.reason));
});

void render();
