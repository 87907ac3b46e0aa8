// Direct uploads for large files: the bytes go in parts straight to the object store on URLs the
// API presigns (S3 multipart), and a dropped connection resumes from the parts the store holds
// instead of starting over. The API only starts, lists and completes the upload.

import { ApiError, json, type Media } from "./api";

/** Files at least this big go direct; smaller ones take one `POST /media`. */
export const DIRECT_THRESHOLD = 5 * 1024 * 1024;
/** Waits between retries after a network failure: 1 s, doubling, at most 15 s. */
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];

interface PartUrl {
  number: number;
  size: number;
  url: string;
}

interface Upload {
  id: string;
  status: string;
  part_size: number;
  part_count: number;
  part_urls: PartUrl[];
  parts: { number: number; size: number }[];
}

export interface DirectEvents {
  /** Fraction of the file's bytes the store holds or is receiving (0..1). */
  progress: (fraction: number) => void;
  /** The connection dropped; the next try is in `seconds`. */
  waiting: (seconds: number) => void;
  /** Sending again after a drop. */
  resumed: () => void;
}

class NetworkDown extends Error {}
class UrlExpired extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** PUT one part with XMLHttpRequest (the one browser API that reports upload progress). */
function putPart(url: string, body: Blob, onLoaded: (bytes: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.upload.onprogress = (event) => onLoaded(event.loaded);
    xhr.onerror = () => reject(new NetworkDown("the connection dropped"));
    xhr.ontimeout = () => reject(new NetworkDown("the store did not answer"));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else if (xhr.status === 403) reject(new UrlExpired("the part URL is no longer valid"));
      else reject(new ApiError(xhr.status, "store", `the store refused a part (${xhr.status})`));
    };
    xhr.send(body);
  });
}

/** Run `attempt` until it succeeds, waiting with backoff while the network is down. */
async function withRetry<T>(attempt: () => Promise<T>, events: DirectEvents): Promise<T> {
  for (let failures = 0; ; failures += 1) {
    try {
      const result = await attempt();
      if (failures > 0) events.resumed();
      return result;
    } catch (error) {
      const down = error instanceof NetworkDown || (error instanceof ApiError && error.status === 0);
      if (!down) throw error;
      const wait = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)] ?? 15000;
      events.waiting(Math.round(wait / 1000));
      await sleep(wait);
    }
  }
}

/** Upload `file` directly; resolves with the media item (processing until the worker is done). */
export async function uploadDirect(file: File, events: DirectEvents): Promise<Media> {
  const upload = await json<Upload>("/uploads", {
    method: "POST",
    body: { filename: file.name, content_type: file.type || "application/octet-stream", size: file.size },
  });
  const urls = new Map<number, PartUrl>(upload.part_urls.map((p) => [p.number, p]));
  const done = new Set<number>();
  let stored = 0;
  const report = (inFlight: number) => events.progress(Math.min(1, (stored + inFlight) / file.size));

  const freshUrl = async (number: number): Promise<PartUrl> => {
    const more = await json<Upload>(`/uploads/${upload.id}/parts?first=${number}`);
    for (const p of more.part_urls) urls.set(p.number, p);
    const url = urls.get(number);
    if (!url) throw new ApiError(0, "error", `no URL for part ${number}`);
    return url;
  };

  /** Ask the store which parts it holds: after a drop, only the others are sent again. */
  const resync = async () => {
    const state = await json<Upload>(`/uploads/${upload.id}`);
    done.clear();
    stored = 0;
    for (const p of state.parts) {
      done.add(p.number);
      stored += p.size;
    }
    report(0);
  };

  let dropped = false;
  for (let number = 1; number <= upload.part_count; number += 1) {
    if (done.has(number)) continue;
    await withRetry(async () => {
      try {
        if (dropped) await resync();
        dropped = false;
        if (done.has(number)) return;
        let url = urls.get(number) ?? (await freshUrl(number));
        const start = (number - 1) * upload.part_size;
        const body = file.slice(start, start + url.size);
        try {
          await putPart(url.url, body, report);
        } catch (error) {
          if (!(error instanceof UrlExpired)) throw error;
          url = await freshUrl(number);
          await putPart(url.url, body, report);
        }
        done.add(number);
        stored += url.size;
        report(0);
      } catch (error) {
        dropped = true;
        throw error;
      }
    }, events);
  }
  return withRetry(
    () => json<Media>(`/uploads/${upload.id}/complete`, { method: "POST" }),
    events,
  );
}
