import type { ApiRequest } from "../api/http";

/**
 * How many proxies in front of thinkgate append to x-forwarded-for
 * (THINKGATE_TRUST_PROXY: "true" for one, or a count, e.g. 2 for a CDN and a
 * balancer); 0 when none is trusted.
 */
export function trustedProxyHops(setting = process.env.THINKGATE_TRUST_PROXY): number {
  if (setting === "true") return 1;
  const n = Number(setting);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/**
 * The address login throttling counts by: the peer, or the address the
 * outermost trusted proxy saw. Each proxy appends the address it saw to
 * whatever came before, so that one is the hops-th entry from the end;
 * entries before it are the client's to choose, and a new one on each guess
 * escaped the per-address limit.
 */
export function clientAddress(req: Pick<ApiRequest, "headers" | "remoteAddress">, hops = trustedProxyHops()): string {
  if (hops > 0) {
    const seen = req.headers["x-forwarded-for"]?.split(",").at(-hops)?.trim();
    if (seen) return seen;
  }
  return req.remoteAddress ?? "unknown";
}
