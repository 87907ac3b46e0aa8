// The moderation queue, for moderators and admins: open reports with the items as they were when
// reported, and the actions (remove an item, suspend the account, resolve, dismiss), each with a
// reason that goes to the audit log.

import { ApiError, api, type AdminReport, type ReportItem } from "../api";
import { ago, announce, describe, errorBox, h, link, replace } from "../dom";
import type { Context } from "../main";

function itemView(item: ReportItem, act: (run: (reason: string) => Promise<void>, done: string) => void): HTMLElement {
  const kind = item.type === "post" ? "post" : item.type === "story" ? "story" : "comment";
  const remove = h("button", { type: "button", class: "danger" }, `Remove ${kind}`);
  remove.addEventListener("click", () => act((reason) => api.removeItem(item, reason), `The ${kind} was removed.`));
  return h("li", { class: "report-item", "aria-label": `Reported ${kind} by @${item.author}` },
    h("p", { class: "report-kind" }, item.type === "post" ? link(`/p/${item.id}`, {}, "Post") : item.type === "story" ? "Story" : "Comment",
      ` by @${item.author}`, item.media.length ? ` · ${item.media.length} media` : ""),
    h("blockquote", {}, item.text || "(no text)"),
    remove);
}

function reportView(report: AdminReport, refresh: () => void): HTMLElement {
  const reason = h("input", { id: `reason-${report.id}`, type: "text", maxlength: "1000" });
  const act = (run: (reason: string) => Promise<void>, done: string) => {
    void (async () => {
      try {
        await run(reason.value);
        announce(done, "info");
        refresh();
      } catch (error) {
        announce(describe(error));
      }
    })();
  };
  const suspend = h("button", { type: "button", class: "danger" }, `Suspend @${report.account}`);
  suspend.addEventListener("click", () => act((r) => api.suspend(report.account, r), `@${report.account} is suspended.`));
  const resolve = h("button", { type: "button", class: "primary" }, "Resolve");
  resolve.addEventListener("click", () => act((r) => api.closeReport(report.id, "resolve", r), "The report is resolved."));
  const dismiss = h("button", { type: "button" }, "Dismiss");
  dismiss.addEventListener("click", () => act((r) => api.closeReport(report.id, "dismiss", r), "The report is dismissed."));
  return h("article", { class: "card report-card", "aria-label": `Report on @${report.account}` },
    h("h2", {}, `${report.category} · @${report.account}`),
    h("p", { class: "meta" }, `Reported by @${report.reporter} ${ago(report.created_at)} ago`,
      report.account_suspended ? " · account suspended" : ""),
    report.comment ? h("p", { class: "report-comment" }, report.comment) : null,
    h("ul", { class: "report-items" }, ...report.items.map((item) => itemView(item, act))),
    h("div", { class: "report-actions" },
      h("label", { for: `reason-${report.id}` }, "Reason"), reason,
      report.account_suspended ? null : suspend, resolve, dismiss));
}

export async function moderationView({ main }: Context): Promise<void> {
  const list = h("div", { class: "reports" });
  replace(main, h("h1", {}, "Moderation"), list);
  const refresh = () => void load();
  async function load(): Promise<void> {
    try {
      const reports = await api.reports();
      if (reports.length === 0) {
        replace(list, h("p", { class: "empty" }, "No open reports."));
        return;
      }
      replace(list, ...reports.map((r) => reportView(r, refresh)));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        replace(list, h("p", {}, "There is no page at this address."));
        return;
      }
      replace(list, errorBox(error));
    }
  }
  await load();
}
