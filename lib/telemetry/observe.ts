/**
 * What a finished gateway request leaves behind besides its record: the
 * access log line, the Prometheus observations and, when tracing is on, its
 * spans. Called with the record (record() in lib/gateway/record.ts); the work
 * runs on a later turn of the event loop, so none of it delays a client.
 */
import type { Attributes } from "@opentelemetry/api";
import type { Attempt } from "../gateway/messages";
import type { Hop, Outcome } from "../gateway/record";
import { accessLog, logger } from "../observability/logger";
import { costOf, priceFor } from "../pricing/service";
import type { TokenBuckets } from "../pricing/usage";
import { runtimeEnv } from "../runtime/env";
import { metrics } from "./metrics";
import { exportSpans, type ClassifierCall, type RequestTrace, type SpanSpec } from "./tracing";

const ROUTE = "/api/v1/messages";

/** The request's route: the route's id, or how the request went when no route applied. */
function routeOf(a: Attempt): string {
  const d = a.decision;
  if (!d) return "none";
  return d.route?.id ?? (d.pinned ? "pinned" : "passthrough");
}

/**
 * A route as a metric label. Label values must be bounded: a calibration
 * trial runs on a route made for its experiment, outside the routing
 * configuration (`calibration:<experiment id>`, trialRoute in
 * lib/calibration/grid.ts), and its id as a label left a set of series per
 * experiment that no scrape ever dropped. Every trial counts as
 * "calibration"; the log line, the span and the record keep the id.
 * Configured routes (and none, pinned, passthrough) are a bounded set.
 */
export function routeLabel(route: string, via: Attempt["via"]): string {
  return via === "calibration" || route.startsWith("calibration:") ? "calibration" : route;
}

/** Models outside the price table count as "other": a client's model name is free text. */
function modelLabel(model: string, at: Date): string {
  return priceFor(model, at) ? model : "other";
}

interface CostedHop {
  hop: Hop;
  buckets: TokenBuckets | null;
  costUsd: number | null;
}

function costHops(a: Attempt, final: Hop): CostedHop[] {
  return [...a.hops, final].map((hop) => {
    if (!hop.usage) return { hop, buckets: null, costUsd: null };
    const c = costOf(hop.model, hop.usage, a.createdAt);
    return { hop, buckets: c.buckets, costUsd: c.cost.pricingStatus === "priced" ? c.cost.total : null };
  });
}

/** The request's totals: every upstream call it made, as in its record. One unpriced call leaves the cost unknown. */
function totals(hops: CostedHop[]): { buckets: TokenBuckets; costUsd: number | null } {
  const t: TokenBuckets = { input: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: 0, thinking: 0 };
  let cost: number | null = 0;
  let billed = 0;
  for (const h of hops) {
    if (!h.buckets) continue;
    billed++;
    for (const k of Object.keys(t) as (keyof TokenBuckets)[]) t[k] += h.buckets[k];
    cost = cost === null || h.costUsd === null ? null : cost + h.costUsd;
  }
  return { buckets: t, costUsd: billed && cost !== null ? Math.round(cost * 1e9) / 1e9 : null };
}

/**
 * Observes a recorded request (every request with an accepted key), on the
 * next turn of the event loop: record() is called before the response's last
 * byte goes out.
 */
export function observeRequest(a: Attempt, o: Outcome): void {
  setImmediate(() => {
    try {
      observe(a, o);
    } catch (err) {
      logger.warn({ err: (err as Error).message, requestId: a.requestId }, "could not observe a request");
    }
  });
}

function observe(a: Attempt, o: Outcome): void {
  const routeId = routeOf(a);
  const route = routeLabel(routeId, a.via);
  const tier = a.decision?.tier ?? "none";
  const stage = a.decision?.stage ?? "none";
  const served = a.applied?.model ?? a.body?.model ?? "unknown";
  const final: Hop = {
    kind: "answer",
    routeId: a.decision?.route?.id ?? null,
    model: served,
    usage: o.observed?.usage ?? null,
    stopReason: o.observed?.stopReason ?? null,
    upstreamRequestId: o.upstreamRequestId ?? null,
  };
  const hops = costHops(a, final);
  const total = totals(hops);
  const escalated = a.hops.some((h) => h.escalated);

  const m = metrics();
  m.requests.inc({ route, tier, stage, status: o.status, code: String(o.httpStatus) });
  m.duration.observe({ route, tier }, o.latencyMs / 1000);
  if (o.ttftMs != null) m.ttft.observe({ route }, o.ttftMs / 1000);
  for (const { hop, buckets, costUsd } of hops) {
    const model = modelLabel(hop.model, a.createdAt);
    if (buckets) {
      const kinds: [string, number][] = [
        ["input", buckets.input],
        ["output", buckets.output],
        ["thinking", buckets.thinking],
        ["cache_read", buckets.cacheRead],
        ["cache_write", buckets.cacheWrite5m + buckets.cacheWrite1h],
      ];
      for (const [kind, n] of kinds) if (n > 0) m.tokens.inc({ route, model, kind }, n);
    }
    if (costUsd) m.cost.inc({ route, model }, costUsd);
    const from = routeLabel(hop.routeId ?? "none", a.via);
    if (hop.escalated) m.escalations.inc({ from_route: from, to_route: route });
    else if (hop.kind === "fallback" || hop.kind === "skipped") m.fallbacks.inc({ from_route: from, to_route: route });
  }

  const b = total.buckets;
  accessLog.info(
    {
      requestId: a.requestId,
      keyId: a.keyId,
      route: routeId,
      tier,
      stage,
      status: o.status,
      httpStatus: o.httpStatus,
      durationMs: o.latencyMs,
      ttftMs: o.ttftMs ?? null,
      requestedModel: a.body?.model ?? null,
      servedModel: served,
      stream: a.body?.stream === true,
      escalated,
      // The calls dispatch made (thinkgate-attempts), not the hops: a request refused before any call, or whose
      // client left during a retry's wait, has a final hop for a call that never went out.
      upstreamCalls: a.attempts ?? 0,
      tokens: { input: b.input, output: b.output, thinking: b.thinking, cacheRead: b.cacheRead, cacheWrite: b.cacheWrite5m + b.cacheWrite1h },
      costUsd: total.costUsd,
      errorType: o.errorType,
    },
    "gateway request",
  );

  if (a.trace) exportSpans(a.trace, serverSpan(a, a.trace, o, { route: routeId, served, escalated, ...total }), clientSpans(a, a.trace, o, hops));
}

/** Observes a request refused before a key was accepted (it has no record). */
export function observeRejected(a: Attempt, httpStatus: number, errorType: string): void {
  const latencyMs = Math.round(performance.now() - a.started);
  setImmediate(() => {
    metrics().requests.inc({ route: "none", tier: "none", stage: "none", status: "rejected", code: String(httpStatus) });
    accessLog.info({ requestId: a.requestId, keyId: null, route: "none", status: "rejected", httpStatus, durationMs: latencyMs, errorType }, "gateway request");
    if (!a.trace) return;
    const start = performance.timeOrigin + a.started;
    exportSpans(a.trace, {
      name: "chat",
      kind: "server",
      spanId: a.trace.spanId,
      start,
      end: start + latencyMs,
      attributes: { ...httpAttributes(httpStatus), "gen_ai.operation.name": "chat", "gen_ai.provider.name": "anthropic", "error.type": errorType, "thinkgate.request_id": a.requestId },
    }, []);
  });
}

function httpAttributes(status: number): Attributes {
  return { "http.request.method": "POST", "http.route": ROUTE, "url.path": ROUTE, "http.response.status_code": status };
}

/**
 * GenAI usage attributes from exclusive buckets. The convention's input
 * count includes cache reads and writes (Anthropic reports them apart), and
 * its output count includes the thinking.
 */
function usageAttributes(b: TokenBuckets): Attributes {
  const cacheWrite = b.cacheWrite5m + b.cacheWrite1h;
  return {
    "gen_ai.usage.input_tokens": b.input + b.cacheRead + cacheWrite,
    "gen_ai.usage.output_tokens": b.output + b.thinking,
    "gen_ai.usage.reasoning.output_tokens": b.thinking,
    "gen_ai.usage.cache_read.input_tokens": b.cacheRead,
    "gen_ai.usage.cache_creation.input_tokens": cacheWrite,
  };
}

interface Summary {
  route: string;
  served: string;
  escalated: boolean;
  buckets: TokenBuckets;
  costUsd: number | null;
}

function serverSpan(a: Attempt, t: RequestTrace, o: Outcome, s: Summary): SpanSpec {
  const start = performance.timeOrigin + a.started;
  const requested = a.body?.model ?? "unknown";
  const d = a.decision;
  const attributes: Attributes = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "anthropic",
    "gen_ai.request.model": requested,
    ...httpAttributes(o.httpStatus),
    "thinkgate.request_id": a.requestId,
    "thinkgate.route": s.route,
    "thinkgate.tier": d?.tier ?? "none",
    "thinkgate.stage": d?.stage ?? "none",
    "thinkgate.status": o.status,
    "thinkgate.escalated": s.escalated,
  };
  if (a.keyId) attributes["thinkgate.key_id"] = a.keyId;
  if (d?.ruleId) attributes["thinkgate.rule"] = d.ruleId;
  if (a.body?.max_tokens != null) attributes["gen_ai.request.max_tokens"] = a.body.max_tokens;
  if (a.body?.stream === true) attributes["gen_ai.request.stream"] = true;
  if (o.observed) {
    // The request's tokens and cost are those of every upstream call it made, as in its record.
    Object.assign(attributes, usageAttributes(s.buckets));
    attributes["gen_ai.response.model"] = s.served;
    if (o.observed.messageId) attributes["gen_ai.response.id"] = o.observed.messageId;
    if (o.observed.stopReason) attributes["gen_ai.response.finish_reasons"] = [o.observed.stopReason];
  }
  if (s.costUsd !== null) attributes["thinkgate.cost_usd"] = s.costUsd;
  if (o.ttftMs != null) attributes["gen_ai.response.time_to_first_chunk"] = o.ttftMs / 1000;
  if (o.status !== "ok") attributes["error.type"] = o.errorType ?? String(o.httpStatus);
  // A server span is in error for the server's failures, not for a client's bad request.
  const failed = o.status === "partial" || (o.status === "error" && o.httpStatus >= 500);
  return { name: `chat ${requested}`, kind: "server", spanId: t.spanId, start, end: start + o.latencyMs, attributes, error: failed ? (o.errorType ?? "error") : null };
}

let upstreamAddress: { url: string; host: string; port: number } | null = null;

function upstreamServer(): { host: string; port: number } {
  const url = runtimeEnv().upstreamBaseUrl;
  if (upstreamAddress?.url !== url) {
    const u = new URL(url);
    upstreamAddress = { url, host: u.hostname, port: Number(u.port || (u.protocol === "https:" ? 443 : 80)) };
  }
  return upstreamAddress;
}

/** Hops that were a forwarding call made with the request's traceparent (not the classifier's, not a skipped route). */
function isCall(h: Hop): boolean {
  return h.kind !== "classifier" && h.kind !== "skipped";
}

/**
 * One CLIENT span per upstream call the request made. The calls and the hops
 * line up from the end: the last call gave the answer served, the ones
 * before it the hops recorded before it (an escalated answer, a failed call
 * that fell back). A call lasts until the next one starts (less the wait
 * before a retry), the last one until the response ended. The classifier's
 * call, made while routing, is timed on its own (classifierSpan).
 */
function clientSpans(a: Attempt, t: RequestTrace, o: Outcome, hops: CostedHop[]): SpanSpec[] {
  const upstreamHops = hops.filter((h) => isCall(h.hop));
  const requestEnd = performance.timeOrigin + a.started + o.latencyMs;
  const server = upstreamServer();
  const classifier = t.classifier ? [classifierSpan(a, t.classifier, hops.find((h) => h.hop.kind === "classifier"), server)] : [];
  const offset = upstreamHops.length - t.calls.length;
  const forwarded = t.calls.map((call, i) => {
    const h = upstreamHops[offset + i];
    const last = i === t.calls.length - 1;
    const next = t.calls[i + 1];
    const model = h?.hop.model ?? "unknown";
    const attributes = callAttributes(a, model, server, h);
    if (h) {
      if (h.hop.routeId) attributes["thinkgate.route"] = h.hop.routeId;
      if (h.hop.stopReason) attributes["gen_ai.response.finish_reasons"] = [h.hop.stopReason];
      if (h.hop.upstreamRequestId) attributes["thinkgate.upstream_request_id"] = h.hop.upstreamRequestId;
      if (h.hop.status != null) attributes["http.response.status_code"] = h.hop.status;
      if (h.hop.escalated) {
        attributes["thinkgate.escalated"] = true;
        if (h.hop.reasons?.length) attributes["thinkgate.escalation_reasons"] = h.hop.reasons;
      }
    }
    if (last) attributes["http.response.status_code"] = o.httpStatus;
    // Measured from the request's arrival; the convention measures it from this call's start.
    if (last && o.ttftMs != null) attributes["gen_ai.response.time_to_first_chunk"] = Math.max(0, o.ttftMs - (call.start - a.started)) / 1000;
    // The answer served failed as its outcome says; an earlier call without usage failed too (it was retried or fell back).
    const error = last ? (o.status === "ok" ? null : (o.errorType ?? "error")) : h && !h.buckets ? (h.hop.errorType ?? "upstream call failed") : null;
    if (error) attributes["error.type"] = error;
    const start = performance.timeOrigin + call.start;
    // A failed call that was retried ended when the wait before the next one began.
    const end = next ? Math.max(start, performance.timeOrigin + next.start - (h?.hop.waitMs ?? 0)) : requestEnd;
    return { name: `chat ${model}`, kind: "client", spanId: call.spanId, start, end, attributes, error } satisfies SpanSpec;
  });
  return [...classifier, ...forwarded];
}

/** What every upstream call's span says: the GenAI operation, the upstream, and the hop's kind, usage and cost when there is a hop. */
function callAttributes(a: Attempt, model: string, server: { host: string; port: number }, h: CostedHop | undefined): Attributes {
  const attributes: Attributes = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "anthropic",
    "gen_ai.request.model": model,
    "server.address": server.host,
    "server.port": server.port,
    "thinkgate.request_id": a.requestId,
  };
  if (!h) return attributes;
  attributes["thinkgate.hop"] = h.hop.kind;
  if (h.buckets) Object.assign(attributes, usageAttributes(h.buckets), { "gen_ai.response.model": model });
  if (h.costUsd !== null) attributes["thinkgate.cost_usd"] = h.costUsd;
  return attributes;
}

/** The LLM classifier's call: its usage and cost when it answered (the classifier hop), its error when it did not. */
function classifierSpan(a: Attempt, call: ClassifierCall, h: CostedHop | undefined, server: { host: string; port: number }): SpanSpec {
  const attributes = callAttributes(a, call.model, server, h);
  attributes["thinkgate.hop"] = "classifier";
  if (call.error) attributes["error.type"] = call.error;
  const start = performance.timeOrigin + call.start;
  const end = performance.timeOrigin + (call.end ?? call.start);
  return { name: `chat ${call.model}`, kind: "client", spanId: call.spanId, start, end, attributes, error: call.error };
}
