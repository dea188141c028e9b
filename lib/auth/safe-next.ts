/**
 * Where to send a browser after it signs in: only a destination on this
 * origin. The check resolves the path the way a browser will (the WHATWG URL
 * parser drops tabs and newlines and reads "\" as "/"), so "/\t/evil.example",
 * which a prefix check took for a path, is seen as "//evil.example", another
 * origin. What comes back is the normalised path, free of control characters
 * a redirect header cannot carry.
 */
const BASE = "http://thinkgate.invalid";

export function safeNext(next: string | undefined | null): string {
  if (!next || !next.startsWith("/")) return "/";
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return "/";
  }
  return url.origin === BASE ? url.pathname + url.search + url.hash : "/";
}
