/**
 * GET /metrics (also /api/metrics): the Prometheus metrics, in the text
 * format. A scraper authenticates with THINKGATE_METRICS_TOKEN as a bearer
 * token (a secret of its own, so no thinkgate key sits in the scrape
 * config); an admin key or an admin's session is accepted too.
 */
import crypto from "node:crypto";
import type { Handler } from "../api/http";
import { newRequestId } from "../api/ids";
import { errorResponse, requirePrincipal } from "../api/wrap";
import { recorder } from "../gateway/record";
import { presentedKey } from "../gateway/keys";
import { metrics } from "./metrics";

const digest = (s: string) => crypto.createHash("sha256").update(s).digest();

function scraperToken(headers: Record<string, string | undefined>): boolean {
  const token = process.env.THINKGATE_METRICS_TOKEN?.trim();
  const presented = presentedKey(headers);
  // Compared as digests: equal length, constant time.
  return !!token && !!presented && crypto.timingSafeEqual(digest(token), digest(presented));
}

export const getMetrics: Handler = async (req) => {
  const requestId = newRequestId();
  try {
    if (!scraperToken(req.headers)) await requirePrincipal(req, "admin");
    const m = metrics();
    // The recorder's backlog is read when scraped.
    const status = recorder().status();
    m.queueDepth.set(status.queued);
    m.spoolBytes.set(status.spool?.bytes ?? 0);
    return {
      status: 200,
      headers: { "content-type": m.registry.contentType, "cache-control": "no-store", "request-id": requestId },
      body: await m.registry.metrics(),
    };
  } catch (err) {
    return errorResponse(err, requestId);
  }
};
