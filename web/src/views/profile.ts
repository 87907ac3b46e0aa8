// Profiles: header with counts, follow / request / mute / block, the grid, follower lists, settings.

import { api, ApiError, type FollowState, type Post, type Profile, type UserSummary } from "../api";
import { announce, describe, endless, h, link, replace } from "../dom";
import type { Context } from "../main";
import { avatar, postTile } from "../post";
import { highlightsRow, profileRing } from "../stories";

/**
 * Follow, Unfollow, or (for a private account) Follow then "Withdraw request" while pending.
 * `onChange` gets the new state so a header can update its counts.
 */
export function followButton(
  username: string,
  state: FollowState,
  isPrivate: boolean,
  onChange: (state: FollowState) => void = () => undefined,
): HTMLButtonElement {
  const button = h("button", { type: "button", class: "follow" });
  const show = (s: FollowState) => {
    state = s;
    button.textContent = s.following ? "Unfollow" : s.requested ? "Withdraw request" : "Follow";
    button.classList.toggle("primary", !s.following && !s.requested);
    button.title = !s.following && !s.requested && isPrivate ? "Private account: they approve who follows them" : "";
  };
  show(state);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const next = state.following || state.requested ? await api.unfollow(username) : await api.follow(username);
      show(next);
      onChange(next);
      if (next.requested) announce(`Follow request sent to @${username}.`, "info");
    } catch (error) {
      announce(describe(error));
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/** After a re-render, keyboard focus goes back to the profile's first action. */
function focusAction(main: HTMLElement): void {
  main.querySelector<HTMLElement>(".profile-actions button, .card.empty button")?.focus();
}

async function unavailable(ctx: Context, username: string): Promise<void> {
  // The API hides a blocked account from its blocker too; our own block list says if it is ours.
  const blocked = await api.blocks().then(
    (found) => found.items.some((u) => u.username === username),
    () => false,
  );
  if (!blocked) {
    replace(ctx.main, h("section", { class: "card empty" },
      h("h1", {}, "This account isn't available"),
      h("p", {}, `@${username} may not exist, or one of you has blocked the other.`),
      link("/", {}, "Go home")));
    return;
  }
  const unblock = h("button", { type: "button" }, "Unblock");
  unblock.addEventListener("click", async () => {
    try {
      await api.unblock(username);
      announce(`@${username} is unblocked.`, "info");
      await profileView(ctx);
      focusAction(ctx.main);
    } catch (error) {
      announce(describe(error));
    }
  });
  replace(ctx.main, h("section", { class: "card empty" },
    h("h1", {}, `@${username}`),
    h("p", {}, `You have blocked @${username}. Neither of you sees the other's profile, posts or comments.`),
    unblock));
}

function counts(profile: Profile, visible: boolean): HTMLElement {
  const stat = (n: number, label: string, href: string | null) => {
    const inner = [h("strong", {}, n.toLocaleString("en")), ` ${label}`];
    return h("li", {}, visible && href ? link(href, {}, ...inner) : h("span", {}, ...inner));
  };
  return h("ul", { class: "counts", "aria-label": "Counts" },
    stat(profile.post_count, profile.post_count === 1 ? "post" : "posts", null),
    stat(profile.follower_count, profile.follower_count === 1 ? "follower" : "followers", `/u/${profile.username}/followers`),
    stat(profile.following_count, "following", `/u/${profile.username}/following`));
}

export async function profileView(ctx: Context): Promise<void> {
  const { main, me, params } = ctx;
  const username = (params[0] ?? "").toLowerCase();
  let profile: Profile;
  try {
    profile = await api.profile(username);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return unavailable(ctx, username);
    throw error;
  }
  const own = profile.username === me.username;
  const rel = profile.relationship;
  // What the API lets us see: our own, a public account, or a private one we follow.
  const visible = !rel.blocking && (own || !profile.private || rel.following);

  const actions = h("div", { class: "profile-actions" });
  const header = h("header", { class: "profile-head" });
  const body = h("div", { class: "profile-body" });
  const renderHeader = () => {
    replace(header,
      avatar(profile, true),
      h("div", { class: "profile-names" },
        h("h1", {}, profile.display_name),
        h("p", { class: "handle" }, `@${profile.username} `, profile.private ? h("span", { class: "badge" }, "Private") : null,
          rel.followed_by && !own ? h("span", { class: "badge" }, "Follows you") : null),
        profile.bio ? h("p", { class: "bio" }, profile.bio) : null,
        counts(profile, visible),
        actions));
  };
  const renderActions = () => {
    if (own) {
      replace(actions, link("/settings", { class: "button" }, "Edit profile"), pictureControl(profile, renderHeader));
      return;
    }
    const block = h("button", { type: "button", class: "danger" }, rel.blocking ? "Unblock" : "Block");
    block.addEventListener("click", async () => {
      block.disabled = true;
      try {
        if (rel.blocking) await api.unblock(profile.username);
        else await api.block(profile.username);
        announce(rel.blocking ? `@${profile.username} is unblocked.` : `@${profile.username} is blocked. Neither of you sees the other now.`, "info");
        await profileView(ctx);
        focusAction(main);
      } catch (error) {
        announce(describe(error));
        block.disabled = false;
      }
    });
    // A mute is quiet: their posts leave your feed and their notifications stop; they are not told.
    const mute = h("button", { type: "button" }, rel.muting ? "Unmute" : "Mute");
    mute.addEventListener("click", async () => {
      mute.disabled = true;
      try {
        if (rel.muting) await api.unmute(profile.username);
        else await api.mute(profile.username);
        announce(rel.muting ? `@${profile.username} is unmuted.` : `@${profile.username} is muted. Their posts and notifications are hidden from you; they are not told.`, "info");
        await profileView(ctx);
        focusAction(main);
      } catch (error) {
        announce(describe(error));
        mute.disabled = false;
      }
    });
    replace(actions,
      rel.blocking ? null : followButton(profile.username, rel, profile.private, () => {
        // Re-read the profile: counts change, and following a private account opens its posts.
        void profileView(ctx).then(() => focusAction(main));
      }),
      rel.blocking ? null : mute,
      block);
  };
  renderHeader();
  renderActions();

  if (rel.blocking) {
    body.append(h("p", { class: "card empty" }, `You have blocked @${profile.username}. Unblock to see their posts.`));
  } else if (!visible) {
    body.append(h("div", { class: "card empty" },
      h("h2", {}, "This account is private"),
      h("p", {}, rel.requested
        ? "Your follow request is waiting for their answer."
        : "Follow this account to see their photos and videos.")));
  } else {
    const stories = h("div", { class: "profile-stories" });
    body.append(stories);
    void Promise.all([profileRing(profile, own).catch(() => null), highlightsRow(profile, own)]).then(([ring, row]) => {
      if (ring) stories.append(ring);
      if (row) stories.append(row);
    });
    const grid = h("div", { class: "grid", "aria-label": `Posts by @${profile.username}` });
    body.append(h("h2", { class: "visually-hidden" }, "Posts"), grid);
    endless<Post>(grid, `/users/${encodeURIComponent(profile.username)}/posts?limit=18`, postTile, {
      label: "posts",
      end: null,
      empty: () => h("p", { class: "muted grid-empty" }, own ? "Share your first post." : "No posts yet."),
    });
  }
  replace(main, h("section", { class: "profile" }, header, body));
}

export function personItem(user: UserSummary): HTMLElement {
  return h("li", { class: "person" },
    link(`/u/${user.username}`, { class: "person-link" },
      avatar(user),
      h("span", { class: "person-names" },
        h("span", { class: "name" }, user.display_name),
        h("span", { class: "handle" }, `@${user.username}`))));
}

export async function followListView({ main, params }: Context): Promise<void> {
  const username = (params[0] ?? "").toLowerCase();
  const which = params[1] === "following" ? "following" : "followers";
  const list = h("ul", { class: "people" });
  replace(main, h("section", { class: "card" },
    h("p", {}, link(`/u/${username}`, {}, `← @${username}`)),
    h("h1", {}, which === "followers" ? `Followers of @${username}` : `@${username} follows`),
    list));
  endless<UserSummary>(list, `/users/${encodeURIComponent(username)}/${which}?limit=30`, personItem, {
    label: "people",
    end: null,
    empty: () => h("li", { class: "muted" }, which === "followers" ? "No followers yet." : "Follows nobody yet."),
  });
  await Promise.resolve();
}

/** Upload or remove your own avatar, from your profile. */
function pictureControl(profile: Profile, rerender: () => void): HTMLElement {
  const input = h("input", { id: "avatar-file", type: "file", accept: "image/*", class: "visually-hidden" });
  const status = h("span", { "aria-live": "polite" });
  const remove = h("button", { type: "button", class: "link-button" }, "Remove photo");
  remove.hidden = !profile.avatar || profile.avatar.default;
  input.addEventListener("change", async () => {
    const file = input.files?.[0];
    if (!file) return;
    replace(status, "Uploading…");
    try {
      const updated = await api.setPicture("avatar", file);
      if (updated.avatar) profile.avatar = updated.avatar;
      remove.hidden = !updated.avatar || updated.avatar.default;
      replace(status, h("span", { role: "status" }, "Profile photo updated."));
      rerender();
    } catch (error) {
      replace(status, h("span", { class: "error", role: "alert" }, describe(error)));
    } finally {
      input.value = "";
    }
  });
  remove.addEventListener("click", async () => {
    remove.disabled = true;
    try {
      await api.removePicture("avatar");
      delete profile.avatar;
      remove.hidden = true;
      replace(status, h("span", { role: "status" }, "Profile photo removed."));
      rerender();
    } catch (error) {
      replace(status, h("span", { class: "error", role: "alert" }, describe(error)));
    } finally {
      remove.disabled = false;
    }
  });
  return h("div", { class: "picture-control" },
    h("label", { for: "avatar-file", class: "button" }, "Change photo"), input, remove, status);
}

export function settingsView({ main, me }: Context): void {
  const name = h("input", { id: "display-name", value: me.display_name, maxlength: 64, required: true });
  const bio = h("textarea", { id: "bio", maxlength: 300, rows: 3 }, me.bio);
  const priv = h("input", { id: "private", type: "checkbox", checked: me.private });
  const status = h("div", { "aria-live": "polite" });
  const save = h("button", { type: "submit", class: "primary" }, "Save");
  const form = h("form", { class: "settings-form" },
    h("label", { for: "display-name" }, "Display name"), name,
    h("label", { for: "bio" }, "Bio"), bio,
    h("div", { class: "check" }, priv, h("label", { for: "private" }, "Private account")),
    h("p", { class: "hint" }, "Only people you approve see a private account's posts and lists."),
    save, status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    save.disabled = true;
    try {
      const updated = await api.updateMe({ display_name: name.value.trim(), bio: bio.value, private: priv.checked });
      Object.assign(me, updated);
      replace(status, h("p", { class: "notice", role: "status" }, "Saved."));
    } catch (error) {
      replace(status, h("p", { class: "error", role: "alert" }, describe(error)));
    } finally {
      save.disabled = false;
    }
  });
  replace(main, h("section", { class: "card" },
    h("p", {}, link(`/u/${me.username}`, {}, `← @${me.username}`)),
    h("h1", {}, "Edit profile"), form,
    h("p", {}, link("/close-friends", {}, "Close friends"))));
}

