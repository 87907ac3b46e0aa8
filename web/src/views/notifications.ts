// Notifications as the API groups them (one item per post for likes: "ada, bob and 3 others
// liked your post"; comments and replies, follows, requests, mentions one by one), with the
// pending follow requests, Accept and Reject, at the top.

import { api, type Author, type Notification, type UserSummary } from "../api";
import { ago, announce, describe, endless, errorBox, h, link, replace } from "../dom";
import type { Context } from "../main";
import { avatar } from "../post";

const verbs: Record<string, string> = {
  like: "liked your post",
  comment: "commented",
  follow: "started following you",
  follow_request: "asked to follow you",
  mention: "mentioned you in a post",
};

/** "ada", "ada and bob", "ada, bob and 1,201 others": names linked, `count` people in all. */
function names(accounts: Author[], count: number): (Node | string)[] {
  const first = accounts.slice(0, 2).map((a) => link(`/u/${a.username}`, { class: "author-name" }, a.username));
  const [one, two] = first;
  if (!one) return [];
  if (!two || count <= 1) return [one];
  if (count === 2) return [one, " and ", two];
  const others = count - 2;
  return [one, ", ", two, ` and ${others.toLocaleString("en")} ${others === 1 ? "other" : "others"}`];
}

function requestItem(user: UserSummary, onDone: () => void): HTMLElement {
  const accept = h("button", { type: "button", class: "primary" }, "Accept");
  const reject = h("button", { type: "button" }, "Reject");
  const row = h("li", { class: "person request", "aria-label": `Follow request from @${user.username}` },
    link(`/u/${user.username}`, { class: "person-link" },
      avatar(user),
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

  const render = (n: Notification): Node => {
    const accounts = n.accounts?.length ? n.accounts : [n.account];
    const count = Math.max(n.count ?? 1, accounts.length);
    const text = h("span", { class: "what" }, ...names(accounts, count), ` ${verbs[n.type] ?? n.type}`);
    const target = n.post_id ? `/p/${n.post_id}${n.comment_id ? `#c-${n.comment_id}` : ""}` : `/u/${n.account.username}`;
    return h("li", { class: `notification ${n.read ? "read" : "unread"}`, "data-type": n.type },
      avatar(n.account),
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
