/**
 * Where to send a browser after it signs in: only a destination on this
 * origin. The check resolves the path the way a browser will (the WHATWG URL
 * parser drops tabs and newlines and reads "\" as "/"), so "/\t/evil.example",
 * which a prefix check took for a path, is seen as "//evil.example", another
 * origin. What comes back is the normalised path, free of control characters
 * a redirect header cannot carry, and it is checked again as what it is: a
 * path on this origin can normalise to another origin's ("/..//evil.example"
 * resolves, dot segments removed, to "//evil.example", which a browser
 * follows to evil.example).
 */
const BASE = "http://thinkgate.invalid";

function sameOriginPath(next: string): string | null {
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return null;
  }
  return url.origin === BASE ? url.pathname + url.search + url.hash : null;
}

export function safeNext(next: string | undefined | null): string {
  if (!next || !next.startsWith("/")) return "/";
  const out = sameOriginPath(next);
  // The result is resolved once more: the normalised form must name this origin too, and stay the same.
  return out !== null && !out.startsWith("//") && sameOriginPath(out) === out ? out : "/";
}
