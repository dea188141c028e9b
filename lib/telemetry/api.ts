/**
 * GET /metrics (also /api/metrics): the Prometheus metrics, in the text
 * format. A scraper authenticates with THINKGATE_METRICS_TOKEN as a bearer
 * token (a secret of its own, so no thinkgate key sits in the scrape
 * config); an admin key or an admin's session is accepted too.
 */
import crypto from "node:crypto";
import type { Handler } from "../api/http";
import { newRequestId } from "../api/ids";
import { errorResponse } from "../api/error-response";
import { requirePrincipal } from "../api/wrap";
import { recorder } from "../gateway/record";
import { presentedKey } from "../gateway/keys";
import { breaker } from "../gateway/breaker";
import { priceFor } from "../pricing/service";
import { metrics, type GatewayMetrics } from "./metrics";

const digest = (s: string) => crypto.createHash("sha256").update(s).digest();

function scraperToken(headers: Record<string, string | undefined>): boolean {
  const token = process.env.THINKGATE_METRICS_TOKEN?.trim();
  const presented = presentedKey(headers);
  // Compared as digests: equal length, constant time.
  return !!token && !!presented && crypto.timingSafeEqual(digest(token), digest(presented));
}

const CIRCUIT_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

/** One value per model; models outside the price table share "other", which shows the worst of them. */
function setCircuits(m: GatewayMetrics): void {
  const now = new Date();
  const byLabel = new Map<string, number>();
  for (const [model, state] of breaker().states()) {
    const label = priceFor(model, now) ? model : "other";
    byLabel.set(label, Math.max(byLabel.get(label) ?? 0, CIRCUIT_VALUE[state]));
  }
  // Reset first: a model the breaker no longer tracks must not keep its last value.
  m.circuits.reset();
  for (const [model, value] of byLabel) m.circuits.set({ model }, value);
}

export const getMetrics: Handler = async (req) => {
  const requestId = newRequestId();
  try {
    if (!scraperToken(req.headers)) await requirePrincipal(req, "admin");
    const m = metrics();
    // The recorder's backlog and the circuits are read when scraped.
    const status = recorder().status();
    m.queueDepth.set(status.queued);
    m.spoolBytes.set(status.spool?.bytes ?? 0);
    setCircuits(m);
    return {
      status: 200,
      headers: { "content-type": m.registry.contentType, "cache-control": "no-store", "request-id": requestId },
      body: await m.registry.metrics(),
    };
  } catch (err) {
    return errorResponse(err, requestId);
  }
};
