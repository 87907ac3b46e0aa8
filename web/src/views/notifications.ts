// Notifications as the API derives them (likes, comments and replies, follows, requests,
// mentions), with runs of the same kind on the same post folded into one line, and the pending
// follow requests with Accept and Reject at the top.

import { api, type Notification, type UserSummary } from "../api";
import { ago, announce, describe, endless, errorBox, h, link, replace } from "../dom";
import type { Context } from "../main";

const verbs: Record<string, string> = {
  like: "liked your post",
  comment: "commented on your post",
  follow: "started following you",
  follow_request: "asked to follow you",
  mention: "mentioned you in a post",
};

function names(accounts: Notification["account"][]): (Node | string)[] {
  const first = accounts.slice(0, 2).map((a) => link(`/u/${a.username}`, { class: "author-name" }, a.username));
  if (accounts.length === 1) return first;
  if (accounts.length === 2) return [first[0] as Node, " and ", first[1] as Node];
  const others = accounts.length - 2;
  return [first[0] as Node, ", ", first[1] as Node, ` and ${others} ${others === 1 ? "other" : "others"}`];
}

function requestItem(user: UserSummary, onDone: () => void): HTMLElement {
  const accept = h("button", { type: "button", class: "primary" }, "Accept");
  const reject = h("button", { type: "button" }, "Reject");
  const row = h("li", { class: "person request", "aria-label": `Follow request from @${user.username}` },
    link(`/u/${user.username}`, { class: "person-link" },
      h("span", { class: "avatar", "aria-hidden": "true" }, user.username.charAt(0).toUpperCase()),
      h("span", { class: "person-names" },
        h("span", { class: "name" }, user.display_name),
        h("span", { class: "handle" }, `@${user.username}`))),
    h("span", { class: "actions" }, accept, reject));
  const answer = async (yes: boolean) => {
    accept.disabled = reject.disabled = true;
    try {
      if (yes) await api.accept(user.username);
      else await api.reject(user.username);
      replace(row, h("span", { role: "status" },
        yes ? `@${user.username} now follows you.` : `You declined @${user.username}'s request.`));
      onDone();
    } catch (error) {
      announce(describe(error));
      accept.disabled = reject.disabled = false;
    }
  };
  accept.addEventListener("click", () => void answer(true));
  reject.addEventListener("click", () => void answer(false));
  return row;
}

export async function notificationsView({ main }: Context): Promise<void> {
  const requests = h("section", { class: "requests", "aria-labelledby": "requests-title" });
  const list = h("ol", { class: "notifications", "aria-label": "Notifications" });
  replace(main, h("section", { class: "card" }, h("h1", {}, "Notifications"), requests, list));

  try {
    const pending = await api.followRequests();
    if (pending.items.length) {
      replace(requests, h("h2", { id: "requests-title" }, "Follow requests"),
        h("ul", { class: "people" }, pending.items.map((u) => requestItem(u, () => undefined))));
    }
  } catch (error) {
    requests.append(errorBox(error));
  }

  // Runs of the same type on the same post fold into one line: "ada, bob and 3 others liked…".
  let last: { key: string; accounts: Notification["account"][]; text: HTMLElement } | null = null;
  const render = (n: Notification): Node => {
    const key = `${n.type}:${n.post_id ?? ""}`;
    const groupable = n.type === "like" || n.type === "follow";
    if (groupable && last && last.key === key) {
      if (!last.accounts.some((a) => a.id === n.account.id)) last.accounts.push(n.account);
      replace(last.text, ...names(last.accounts), ` ${verbs[n.type] ?? n.type}`);
      return document.createDocumentFragment();
    }
    const text = h("span", { class: "what" }, ...names([n.account]), ` ${verbs[n.type] ?? n.type}`);
    last = { key, accounts: [n.account], text };
    const target = n.post_id ? `/p/${n.post_id}${n.comment_id ? `#c-${n.comment_id}` : ""}` : `/u/${n.account.username}`;
    return h("li", { class: `notification ${n.read ? "read" : "unread"}`, "data-type": n.type },
      h("span", { class: "avatar", "aria-hidden": "true" }, n.account.username.charAt(0).toUpperCase()),
      h("span", { class: "notification-text" }, text, " ",
        link(target, { class: "when" }, h("time", { datetime: n.created_at }, ago(n.created_at)))),
      n.read ? null : h("span", { class: "visually-hidden" }, " (new)"));
  };
  endless<Notification>(list, "/notifications?limit=30", render, {
    label: "notifications",
    empty: () => h("li", { class: "muted" }, "Nothing yet. Likes, comments, follows and mentions show up here."),
  });
  // Seen now; the highlight stays until the next visit.
  void api.markNotificationsRead().catch(() => undefined);
}
