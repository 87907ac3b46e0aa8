// Moving between pages without a reload; main.ts renders on the event this sends.

export const NAVIGATE = "graphgram:navigate";

export function navigate(path: string, replaceState = false): void {
  const url = `/web${path}`;
  if (replaceState) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  window.scrollTo(0, 0);
  window.dispatchEvent(new Event(NAVIGATE));
}
