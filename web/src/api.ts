// The public JSON API, typed as its OpenAPI document describes it. Nothing else is called.

/** An avatar or header: `urls` by width (avatar 48/150/300, header 600/1500). */
export interface Picture {
  url: string;
  urls: Record<string, string>;
  blurhash?: string | null;
  default: boolean;
}

export interface Author {
  id: string;
  username: string;
  display_name: string;
  avatar?: Picture;
}

export interface UserSummary extends Author {
  private?: boolean;
}

export interface Account extends Author {
  bio: string;
  private: boolean;
  role: string;
  created_at: string;
  header?: Picture;
}

export interface Relationship {
  following: boolean;
  followed_by: boolean;
  requested: boolean;
  blocking: boolean;
  muting: boolean;
}

export interface Profile extends Author {
  bio: string;
  private: boolean;
  created_at: string;
  post_count: number;
  follower_count: number;
  following_count: number;
  relationship: Relationship;
}

export interface Media {
  id: string;
  kind: "image" | "video" | string;
  status: "ready" | "processing" | "failed" | string;
  width: number | null;
  height: number | null;
  duration: number | null;
  blurhash: string | null;
  url: string | null;
  preview_url: string | null;
  /** The uploader's alt text (set at upload on the Mastodon API, or by editing the post). */
  description?: string | null;
}

export interface ExploreItem {
  post: Post;
  reason: string;
}

export interface TrendingTag {
  name: string;
  uses: number;
  accounts: number;
}

/** Whom a post or a story is for: everyone who may see the account, or a narrower audience. */
export type Audience = "everyone" | "close_friends" | "mutuals" | { followers_for_days: number };

export interface Post {
  id: string;
  author: Author;
  caption: string;
  media: Media[];
  hashtags: string[];
  mentions: string[];
  like_count: number;
  liked: boolean;
  /** In your saved posts (only you see it). */
  saved: boolean;
  comment_count: number;
  created_at: string;
  /** When the caption or an alt text was last edited; null when never. */
  edited_at?: string | null;
  /** Absent on older APIs: everyone. */
  audience?: Audience;
}

export interface Comment {
  id: string;
  author: Author;
  text: string;
  reply_to: string | null;
  created_at: string;
}

export interface Notification {
  id: string;
  type: "like" | "comment" | "follow" | "follow_request" | "mention" | string;
  account: Author;
  /** A like group's latest likers (newest first), else [account]; absent on older APIs. */
  accounts?: Author[];
  /** How many accounts a like group stands for, else 1; absent on older APIs. */
  count?: number;
  post_id: string | null;
  comment_id: string | null;
  created_at: string;
  read: boolean;
}

export interface Suggestion {
  user: UserSummary;
  mutuals: number;
  reason: string;
}

export interface SearchResults {
  users: UserSummary[];
  hashtags: { name: string; post_count: number }[];
}

export interface FollowState {
  following: boolean;
  requested: boolean;
}

export interface Story {
  id: string;
  media: Media | null;
  audience: Audience;
  created_at: string;
  expires_at: string;
  seen: boolean;
  highlighted: boolean;
}

/** One account's ring in the story tray: its live stories, oldest first. */
export interface Ring {
  user: UserSummary;
  seen: boolean;
  cursor: string;
  stories: Story[];
}

export interface StoryViewer extends UserSummary {
  seen_at: string;
}

export interface Highlight {
  id: string;
  title: string;
  created_at: string;
  stories: Story[];
}

/** One page of a list and the path of the next (older) page from the `Link` header, if any. */
export interface ReportItem {
  type: "post" | "comment" | "story";
  id: string;
  author: string;
  text: string | null;
  post_id?: string | null;
  media: string[];
}

export interface AdminReport {
  id: string;
  status: string;
  category: string;
  comment: string;
  reporter: string;
  account: string;
  account_suspended: boolean;
  created_at: string;
  items: ReportItem[];
}

export const REPORT_CATEGORIES = ["spam", "harassment", "nudity", "violence", "illegal", "other"] as const;

export interface Page<T> {
  items: T[];
  next: string | null;
}

/** An error the API answered with, in its one error shape, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter: number | null = null,
    readonly fields: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

const TOKEN_KEY = "graphgram.token";

export const session = {
  get token(): string | null {
    return localStorage.getItem(TOKEN_KEY);
  },
  set token(value: string | null) {
    if (value === null) localStorage.removeItem(TOKEN_KEY);
    else localStorage.setItem(TOKEN_KEY, value);
  },
};

/** Called for every 401 on an authenticated call: the session is over, back to log in. */
let onUnauthorized: () => void = () => undefined;
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

async function errorFrom(response: Response): Promise<ApiError> {
  const retry = response.headers.get("Retry-After");
  const retryAfter = retry !== null && /^\d+$/.test(retry) ? Number(retry) : null;
  let code = "error";
  let message = `the server answered ${response.status} ${response.statusText}`.trim();
  let fields: { field: string; message: string }[] = [];
  try {
    const body = (await response.json()) as {
      error?: { code?: string; message?: string; fields?: { field: string; message: string }[] };
    };
    if (body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      fields = body.error.fields ?? [];
    }
  } catch {
    // Not JSON (a proxy's error page, say): keep the status line.
  }
  return new ApiError(response.status, code, message, retryAfter, fields);
}

/** The path and query of the `rel="next"` link, so the next page goes to this same origin. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (match?.[1]) {
      const url = new URL(match[1], location.origin);
      return url.pathname + url.search;
    }
  }
  return null;
}

interface CallOptions {
  method?: string;
  body?: unknown;
  auth?: boolean;
}

async function call(path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const auth = options.auth ?? true;
  if (auth && session.token) headers.Authorization = `Bearer ${session.token}`;
  const init: RequestInit = { method: options.method ?? "GET", headers };
  if (options.body instanceof FormData) {
    init.body = options.body; // the browser sets the multipart Content-Type and boundary
  } else if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, "network", "Graphgram can't be reached; check your connection.");
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401 && auth) {
      session.token = null;
      onUnauthorized();
    }
    throw error;
  }
  return response;
}

export async function json<T>(path: string, options: CallOptions = {}): Promise<T> {
  const response = await call(path, options);
  return (await response.json()) as T;
}

export async function send(path: string, options: CallOptions = {}): Promise<void> {
  await call(path, options);
}

export async function page<T>(path: string): Promise<Page<T>> {
  const response = await call(path);
  return { items: (await response.json()) as T[], next: nextLink(response.headers.get("Link")) };
}

/**
 * Upload one file to `POST /media` with XMLHttpRequest, the one browser API that reports
 * upload progress. `onProgress` gets the fraction of bytes sent (0..1).
 */
export function uploadMedia(file: File, onProgress: (fraction: number) => void): Promise<Media> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/media");
    if (session.token) xhr.setRequestHeader("Authorization", `Bearer ${session.token}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () =>
      reject(new ApiError(0, "network", "the connection dropped while uploading"));
    xhr.onload = () => {
      const response = new Response(xhr.responseText, {
        status: xhr.status,
        headers: { "Content-Type": "application/json", "Retry-After": xhr.getResponseHeader("Retry-After") ?? "" },
      });
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(JSON.parse(xhr.responseText) as Media);
        return;
      }
      void errorFrom(response).then((error) => {
        if (xhr.status === 401) {
          session.token = null;
          onUnauthorized();
        }
        reject(error);
      });
    };
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}

export const api = {
  register: (username: string, password: string) =>
    json<Account>("/auth/register", { method: "POST", body: { username, password }, auth: false }),
  login: (username: string, password: string) =>
    json<{ access_token: string }>("/auth/login", {
      method: "POST",
      body: { username, password },
      auth: false,
    }),
  logout: () => send("/auth/logout", { method: "POST" }),
  me: () => json<Account>("/me"),
  updateMe: (changes: Partial<Pick<Account, "display_name" | "bio" | "private">>) =>
    json<Account>("/me", { method: "PATCH", body: changes }),
  setPicture: (kind: "avatar" | "header", file: File) => {
    const form = new FormData();
    form.append("file", file, file.name);
    return json<Account>(`/me/${kind}`, { method: "PUT", body: form });
  },
  removePicture: (kind: "avatar" | "header") => send(`/me/${kind}`, { method: "DELETE" }),
  profile: (username: string) => json<Profile>(`/users/${encodeURIComponent(username)}`),
  follow: (username: string) =>
    json<FollowState>(`/users/${encodeURIComponent(username)}/follow`, { method: "POST" }),
  unfollow: (username: string) =>
    json<FollowState>(`/users/${encodeURIComponent(username)}/follow`, { method: "DELETE" }),
  block: (username: string) =>
    send(`/users/${encodeURIComponent(username)}/block`, { method: "POST" }),
  unblock: (username: string) =>
    send(`/users/${encodeURIComponent(username)}/block`, { method: "DELETE" }),
  blocks: () => page<UserSummary>("/me/blocks?limit=100"),
  mute: (username: string) =>
    send(`/users/${encodeURIComponent(username)}/mute`, { method: "PUT" }),
  unmute: (username: string) =>
    send(`/users/${encodeURIComponent(username)}/mute`, { method: "DELETE" }),
  followRequests: () => page<UserSummary>("/me/follow-requests?limit=50"),
  accept: (username: string) =>
    send(`/me/follow-requests/${encodeURIComponent(username)}/accept`, { method: "POST" }),
  reject: (username: string) =>
    send(`/me/follow-requests/${encodeURIComponent(username)}/reject`, { method: "POST" }),
  post: (id: string) => json<Post>(`/posts/${encodeURIComponent(id)}`),
  createPost: (caption: string, media_ids: string[], audience: Audience = "everyone") =>
    json<Post>("/posts", { method: "POST", body: { caption, media_ids, audience } }),
  closeFriends: () => page<UserSummary>("/me/close-friends?limit=100"),
  addCloseFriend: (username: string) =>
    send(`/me/close-friends/${encodeURIComponent(username)}`, { method: "PUT" }),
  removeCloseFriend: (username: string) =>
    send(`/me/close-friends/${encodeURIComponent(username)}`, { method: "DELETE" }),
  deletePost: (id: string) => send(`/posts/${encodeURIComponent(id)}`, { method: "DELETE" }),
  editPost: (id: string, caption: string) =>
    json<Post>(`/posts/${encodeURIComponent(id)}`, { method: "PATCH", body: { caption } }),
  saved: (id: string) => json<{ saved: boolean }>(`/posts/${encodeURIComponent(id)}/save`),
  save: (id: string) =>
    json<{ saved: boolean }>(`/posts/${encodeURIComponent(id)}/save`, { method: "PUT" }),
  unsave: (id: string) =>
    json<{ saved: boolean }>(`/posts/${encodeURIComponent(id)}/save`, { method: "DELETE" }),
  like: (id: string) => json<Post>(`/posts/${encodeURIComponent(id)}/like`, { method: "POST" }),
  unlike: (id: string) => json<Post>(`/posts/${encodeURIComponent(id)}/like`, { method: "DELETE" }),
  comment: (id: string, text: string, reply_to: string | null) =>
    json<Comment>(`/posts/${encodeURIComponent(id)}/comments`, {
      method: "POST",
      body: reply_to ? { text, reply_to } : { text },
    }),
  deleteComment: (id: string) =>
    send(`/comments/${encodeURIComponent(id)}`, { method: "DELETE" }),
  media: (id: string) => json<Media>(`/media/${encodeURIComponent(id)}`),
  tag: (name: string) => json<{ name: string; post_count: number }>(`/tags/${encodeURIComponent(name)}`),
  search: (q: string) => json<SearchResults>(`/search?q=${encodeURIComponent(q)}&limit=20`),
  suggestions: (limit = 10) => json<Suggestion[]>(`/suggestions?limit=${limit}`),
  explore: (limit = 20) => json<ExploreItem[]>(`/explore?limit=${limit}`),
  trendingTags: (limit = 10) => json<TrendingTag[]>(`/explore/tags?limit=${limit}`),
  markNotificationsRead: () => send("/notifications/read", { method: "POST" }),
  report: (post_id: string, category: string) =>
    json<{ id: string; created: boolean }>("/reports", { method: "POST", body: { post_ids: [post_id], category } }),
  // Moderation (404 to anyone without the moderator or admin role).
  reports: () => json<AdminReport[]>("/admin/reports?status=open&limit=100"),
  closeReport: (id: string, action: "resolve" | "dismiss", note: string) =>
    send(`/admin/reports/${encodeURIComponent(id)}/${action}`, { method: "POST", body: { note } }),
  removeItem: (item: ReportItem, reason: string) =>
    send(`/admin/${item.type === "post" ? "posts" : item.type === "story" ? "stories" : "comments"}/${encodeURIComponent(item.id)}/remove`, {
      method: "POST",
      body: { reason },
    }),
  // Stories (docs/stories.md).
  tray: (limit = 20) => json<Ring[]>(`/stories?limit=${limit}`),
  userStories: (username: string) => json<Story[]>(`/users/${encodeURIComponent(username)}/stories`),
  createStory: (media_id: string, audience: Audience) =>
    json<Story>("/stories", { method: "POST", body: { media_id, audience } }),
  deleteStory: (id: string) => send(`/stories/${encodeURIComponent(id)}`, { method: "DELETE" }),
  storySeen: (id: string) => send(`/stories/${encodeURIComponent(id)}/seen`, { method: "POST" }),
  storyViewers: (id: string) => page<StoryViewer>(`/stories/${encodeURIComponent(id)}/viewers?limit=50`),
  highlights: (username: string) => json<Highlight[]>(`/users/${encodeURIComponent(username)}/highlights`),
  createHighlight: (title: string, story_ids: string[]) =>
    json<Highlight>("/highlights", { method: "POST", body: { title, story_ids } }),
  addToHighlight: (id: string, story_ids: string[]) =>
    json<Highlight>(`/highlights/${encodeURIComponent(id)}/stories`, { method: "POST", body: { story_ids } }),
  suspend: (username: string, reason: string) =>
    send(`/admin/accounts/${encodeURIComponent(username)}/suspend`, { method: "POST", body: { reason } }),
};
