// Close friends: the list your posts for "Close friends" reach. Adding or removing someone tells
// them nothing; a removed friend stops seeing those posts at once.

import { api, type UserSummary } from "../api";
import { announce, describe, endless, h, link, replace } from "../dom";
import type { Context } from "../main";
import { personItem } from "./profile";

export function closeFriendsView(ctx: Context): void {
  render(ctx, null);
}

function render(ctx: Context, notice: string | null): void {
  const { main, me } = ctx;
  const field = h("input", {
    id: "close-friend", name: "username", autocomplete: "off", required: true, maxlength: 30,
    "aria-describedby": "close-friend-hint",
  });
  const add = h("button", { type: "submit", class: "primary" }, "Add");
  const status = h("div", { "aria-live": "polite" },
    notice ? h("p", { class: "notice", role: "status" }, notice) : null);
  const list = h("ul", { class: "people", "aria-label": "Close friends" });

  const row = (user: UserSummary): HTMLElement => {
    const item = personItem(user);
    const remove = h("button", { type: "button", "aria-label": `Remove @${user.username} from close friends` }, "Remove");
    remove.addEventListener("click", async () => {
      remove.disabled = true;
      try {
        await api.removeCloseFriend(user.username);
        item.remove();
        announce(`@${user.username} is no longer a close friend.`, "info");
      } catch (error) {
        remove.disabled = false;
        announce(describe(error));
      }
    });
    item.append(remove);
    return item;
  };


  const form = h("form", { class: "close-friend-form" },
    h("label", { for: "close-friend" }, "Add by username"),
    field,
    h("p", { class: "hint", id: "close-friend-hint" }, "They are not told."),
    add, status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const username = field.value.trim().replace(/^@/, "").toLowerCase();
    if (!username) return;
    add.disabled = true;
    try {
      await api.addCloseFriend(username);
      render(ctx, `@${username} is a close friend now.`);
      main.querySelector<HTMLInputElement>("#close-friend")?.focus();
    } catch (error) {
      replace(status, h("p", { class: "error", role: "alert" }, `Couldn't add @${username}: ${describe(error)}`));
    } finally {
      add.disabled = false;
    }
  });
  replace(main, h("section", { class: "card" },
    h("p", {}, link(`/u/${me.username}`, {}, `← @${me.username}`)),
    h("h1", {}, "Close friends"),
    h("p", { class: "hint" }, "Posts you share with “Close friends” reach only these people."),
    form,
    list));
  endless<UserSummary>(list, "/me/close-friends?limit=30", row, {
    label: "close friends",
    end: null,
    empty: () => h("li", { class: "muted" }, "No close friends yet."),
  });
}
