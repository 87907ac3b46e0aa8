// A few DOM helpers: build elements, say errors in words, and an endless list on API cursors.

import { ApiError, page, type Page } from "./api";

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/**
 * `h("button", {type: "button", onclick}, "Like")`: attributes, `on*` listeners, children.
 * `style` goes through the CSSOM (`element.style`), which the page's Content-Security-Policy
 * allows; a `style` attribute set as text is an inline style, which it refuses.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") {
      element.addEventListener(name.replace(/^on/, ""), value);
    } else if (name === "style") {
      element.style.cssText = String(value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

export function replace(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** An internal link: the router picks up clicks on `a[data-link]`. */
export function link(href: string, attrs: Attrs, ...children: (Child | Child[])[]): HTMLAnchorElement {
  return h("a", { href: `/web${href}`, "data-link": true, ...attrs }, ...children);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en")} ${count === 1 ? one : many}`;
}

export function ago(iso: string): string {
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) return "just now";
  const units: [number, string][] = [
    [60 * 60 * 24 * 7, "w"],
    [60 * 60 * 24, "d"],
    [60 * 60, "h"],
    [60, "min"],
  ];
  for (const [size, unit] of units) {
    if (seconds >= size) return `${Math.floor(seconds / size)} ${unit}`;
  }
  return "just now";
}

/** What went wrong, in words a person can act on. */
export function describe(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) {
      const wait = error.retryAfter ?? 60;
      return `Slow down, try again in ${wait} s.`;
    }
    if (error.status === 401) return "Your session has ended. Log in again.";
    if (error.status === 0) return error.message;
    const fields = error.fields.map((f) => `${f.field}: ${f.message}`).join("; ");
    return capitalize(fields && !error.message.includes(fields) ? `${error.message} (${fields})` : error.message);
  }
  return "Something went wrong on this page. Reload to try again.";
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A message in the page's live region, read out by screen readers. */
export function announce(message: string, kind: "error" | "info" = "error"): void {
  const region = document.getElementById("toast");
  if (!region) return;
  region.className = `toast ${kind}`;
  region.setAttribute("role", kind === "error" ? "alert" : "status");
  region.textContent = message;
  region.hidden = false;
  window.clearTimeout(Number(region.dataset.timer ?? 0));
  region.dataset.timer = String(window.setTimeout(() => (region.hidden = true), 8000));
}

export function errorBox(error: unknown): HTMLElement {
  return h("p", { class: "error", role: "alert" }, describe(error));
}

/**
 * An endlessly scrolling list: loads the first page, then the `rel="next"` page whenever the
 * sentinel nears the viewport, or when "Load more" is pressed (keyboard and no-observer users).
 */
export function endless<T>(
  container: HTMLElement,
  first: string,
  render: (item: T) => Node,
  options: { empty?: () => Node; label?: string; initial?: Page<T>; end?: string | null } = {},
): void {
  let next: string | null = first;
  let loading = false;
  let count = 0;
  let initial = options.initial;
  const more = h("button", { type: "button", class: "more" }, `Load more ${options.label ?? ""}`.trim());
  const status = h("p", { class: "list-status", "aria-live": "polite" });
  const footer = h("div", { class: "list-footer" }, status, more);
  container.after(footer);
  more.hidden = true;

  const observer = new IntersectionObserver(
    (entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void load();
    },
    { rootMargin: "600px" },
  );

  async function load(): Promise<void> {
    if (loading || next === null) return;
    loading = true;
    status.textContent = "Loading…";
    try {
      const result: Page<T> = initial ?? (await page<T>(next));
      initial = undefined;
      for (const item of result.items) container.appendChild(render(item));
      count += result.items.length;
      next = result.next;
      status.textContent = "";
      if (count === 0 && options.empty) container.appendChild(options.empty());
      more.hidden = next === null;
      if (next === null) {
        observer.disconnect();
        if (count > 0) status.textContent = options.end === undefined ? "You're all caught up." : options.end ?? "";
      }
    } catch (error) {
      status.replaceChildren(errorBox(error));
      more.hidden = false;
      return;
    } finally {
      loading = false;
    }
    // The observer fires on changes only: if the footer is still in reach, keep going.
    if (next !== null && footer.isConnected && footer.getBoundingClientRect().top < innerHeight + 600) {
      void load();
    }
  }

  more.addEventListener("click", () => void load());
  observer.observe(footer);
  void load();
}
