/** Builds the stored record of one gateway request, with its cost. */
import { requestsRepo } from "../db/requests.repo";
import { estimateReasoningCost } from "../pricing/counterfactual";
import type { CostBreakdown } from "../pricing/cost";
import { costOf, priceFor } from "../pricing/service";
import type { AnthropicUsage, TokenBuckets } from "../pricing/usage";
import { Recorder } from "../recorder/recorder";
import type { RequestRecordRow } from "../recorder/record";
import type { Attempt } from "./messages";
import type { Observed } from "./stream-observer";
import { lastSnapshot } from "../routing/config";
import { tracesSnapshot } from "../traces/config";
import { analyseRecordText, type RecordSignals } from "../traces/record-signals";
import { shouldStoreThinking } from "../traces/sampling";

const g = globalThis as unknown as { __thinkgateRecorder?: Recorder };

export function recorder(): Recorder {
  return (g.__thinkgateRecorder ??= new Recorder(requestsRepo, {
    batchSize: Number(process.env.THINKGATE_RECORDER_BATCH ?? 200),
    intervalMs: Number(process.env.THINKGATE_RECORDER_INTERVAL_MS ?? 50),
    maxQueue: Number(process.env.THINKGATE_RECORDER_MAX_QUEUE ?? 100_000),
  }));
}

export interface Outcome {
  status: "ok" | "error" | "partial";
  /** Measured when the response finished, not when the record is built. */
  latencyMs: number;
  httpStatus: number;
  errorType: string | null;
  errorMessage: string | null;
  observed?: Observed;
  upstreamRequestId?: string | null;
  ttftMs?: number | null;
}

const MAX_TEXT = Number(process.env.THINKGATE_MAX_STORED_CHARS ?? 1_000_000);
const clip = (s: string | null | undefined) => (s ? (s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) : s) : null);

type Content = Pick<RequestRecordRow, "system" | "prompt" | "answer" | "errorMessage" | "thinkingText" | "thinkingSampledOut"> & RecordSignals;

/**
 * What the record keeps of the texts, with the trace settings in memory
 * (lib/traces/config.ts): secrets and personal data masked before the row is
 * queued (redacted first, then clipped, so a clip never leaves half a secret
 * unmasked), signals counted once on what is stored (hedgeCount keeps the
 * meaning the explorer filters on: thinking and answer), and the thinking
 * text kept or left out by sampling. Counts and cost are stored either way.
 */
function content(a: Attempt, o: Outcome, routeId: string | null, escalated: boolean): Content {
  const traces = tracesSnapshot();
  const store = (s: string | null | undefined) => (s ? clip(traces.redact(s).text) : null);
  const thinking = store(o.observed?.thinking);
  const answer = store(o.observed?.answer);
  const { columns, thinkingHedges } = analyseRecordText(thinking, answer);
  const keep =
    thinking === null ||
    shouldStoreThinking(
      { requestId: a.requestId, routeId, status: o.status, escalated, hedgeDensity: columns.hedgeDensity, hedgeCount: thinkingHedges },
      traces.sampling,
    );
  return {
    system: store(a.routable?.system),
    prompt: store(a.routable?.prompt),
    answer,
    errorMessage: o.errorMessage === null ? null : traces.redact(o.errorMessage).text,
    thinkingText: keep ? thinking : null,
    thinkingSampledOut: !keep,
    ...columns,
  };
}

/**
 * Queues the record of a finished request. Building it (costing, redaction,
 * signal extraction) waits for the next turn of the event loop, so it never
 * delays the response it describes.
 */
export function record(a: Attempt, o: Omit<Outcome, "latencyMs">): void {
  const latencyMs = Math.round(performance.now() - a.started);
  setImmediate(() => recorder().add(buildRecord(a, { ...o, latencyMs })));
}

/** One upstream call of a request: the LLM classifier, a standard answer that was escalated, or the answer served. */
export interface Hop {
  kind: "classifier" | "answer";
  routeId: string | null;
  model: string;
  usage: AnthropicUsage | null;
  stopReason?: string | null;
  /** For an answer that was checked before it was served. */
  escalated?: boolean;
  reasons?: string[];
  upstreamRequestId?: string | null;
}

interface CostedHop extends Hop {
  buckets: TokenBuckets | null;
  cost: CostBreakdown | null;
}

const sum = (xs: (number | null)[]): number | null => (xs.some((x) => x === null) ? null : Math.round(xs.reduce<number>((t, x) => t + (x ?? 0), 0) * 1e9) / 1e9);

/**
 * The request's tokens and cost are those of every hop together: a request
 * that was escalated paid for both answers, and the classifier's call too.
 * One unpriced hop makes the whole request unpriced: never a partial sum
 * passed off as the total.
 */
function totals(hops: CostedHop[]) {
  const billed = hops.filter((h) => h.buckets);
  const bucket = (k: keyof TokenBuckets) => billed.reduce((t, h) => t + h.buckets![k], 0);
  const priced = billed.every((h) => h.cost?.pricingStatus === "priced");
  const costs = (k: "input" | "cacheWrite" | "cacheRead" | "output" | "thinking" | "total") => (priced && billed.length ? sum(billed.map((h) => h.cost![k])) : null);
  return {
    buckets: { input: bucket("input"), cacheWrite5m: bucket("cacheWrite5m"), cacheWrite1h: bucket("cacheWrite1h"), cacheRead: bucket("cacheRead"), output: bucket("output"), thinking: bucket("thinking") },
    pricingStatus: (priced && billed.length ? "priced" : "unpriced") as "priced" | "unpriced",
    cost: { input: costs("input"), cacheWrite: costs("cacheWrite"), cacheRead: costs("cacheRead"), output: costs("output"), thinking: costs("thinking"), total: costs("total") },
  };
}

export function buildRecord(a: Attempt, o: Outcome): RequestRecordRow {
  const d = a.decision;
  const seen = o.observed;
  const served = a.applied?.model ?? a.body?.model ?? "unknown";
  const costed = seen?.usage ? costOf(served, seen.usage, a.createdAt) : null;
  const c = costed?.cost;
  const routeId = d?.route?.id ?? null;
  const escalated = a.hops.some((h) => h.escalated);

  const final: Hop = { kind: "answer", routeId, model: served, usage: seen?.usage ?? null, stopReason: seen?.stopReason ?? null, upstreamRequestId: o.upstreamRequestId ?? null };
  const hops: CostedHop[] = [...a.hops, final].map((h) => {
    const hc = h.usage ? (h === final ? costed : costOf(h.model, h.usage, a.createdAt)) : null;
    return { ...h, buckets: hc?.buckets ?? null, cost: hc?.cost ?? null };
  });
  const t = totals(hops);
  const b = t.buckets;

  // What reasoning would have cost: the actual cost when it reasoned, an
  // estimate on the reasoning route's model otherwise (for the answer served).
  let counterfactual: number | null = null;
  if (costed && c) {
    const snap = lastSnapshot();
    const reasoning = snap?.routes.get(snap.tierRoutes.reasoning);
    const model = reasoning ? (reasoning.model === "*" ? served : reasoning.model) : served;
    const estimate = estimateReasoningCost({
      actual: costed.buckets,
      modifiers: costed.modifiers,
      servedTier: d?.tier ?? "standard",
      actualCost: c,
      reasoningPrice: priceFor(model, a.createdAt),
      thinkingTier: reasoning?.budgetTier ?? "complex",
    }).cost.total;
    // The hops before the answer were paid for either way.
    const before = hops.length > 1 ? sum(hops.slice(0, -1).map((h) => (h.usage ? h.cost?.total ?? null : 0))) : 0;
    counterfactual = estimate === null || before === null ? null : Math.round((estimate + before) * 1e9) / 1e9;
  }
  const hopsJson = hops.length > 1
    ? JSON.stringify(hops.map(({ buckets, cost, usage: _u, ...h }) => ({ ...h, tokens: buckets, costUsd: cost?.total ?? null, pricingStatus: cost?.pricingStatus ?? "unpriced" })))
    : "[]";

  return {
    id: a.requestId,
    createdAt: a.createdAt,
    keyId: a.keyId,
    app: a.routable?.app ?? null,
    task: a.routable?.task ?? null,
    stage: d?.stage ?? "none",
    reason: d?.reason ?? "",
    ruleId: d?.ruleId ?? null,
    score: d?.score ?? null,
    threshold: d?.threshold ?? null,
    tier: d?.tier ?? "standard",
    routeId,
    routeName: d?.route?.name ?? null,
    requestedModel: a.body?.model ?? "unknown",
    servedModel: served,
    thinkingConfig: a.applied ? JSON.stringify({ thinking: a.applied.thinking ?? null, effort: a.applied.effort ?? null }) : null,
    maxTokensRequested: a.body?.max_tokens ?? null,
    maxTokensSent: a.applied?.body.max_tokens ?? null,
    adjustments: JSON.stringify(a.applied?.adjustments ?? []),
    hops: hopsJson,
    escalated,
    stream: a.body?.stream === true,
    status: o.status,
    httpStatus: o.httpStatus,
    errorType: o.errorType,
    stopReason: seen?.stopReason ?? null,
    upstreamRequestId: o.upstreamRequestId ?? null,
    latencyMs: o.latencyMs,
    ttftMs: o.ttftMs ?? null,
    inputTokens: b?.input ?? 0,
    cacheWrite5mTokens: b?.cacheWrite5m ?? 0,
    cacheWrite1hTokens: b?.cacheWrite1h ?? 0,
    cacheReadTokens: b?.cacheRead ?? 0,
    outputTokens: b?.output ?? 0,
    thinkingTokens: b?.thinking ?? 0,
    pricingStatus: t.pricingStatus,
    costInput: t.cost.input,
    costCacheWrite: t.cost.cacheWrite,
    costCacheRead: t.cost.cacheRead,
    costOutput: t.cost.output,
    costThinking: t.cost.thinking,
    costTotal: t.cost.total,
    counterfactualCost: counterfactual,
    messageCount: a.body?.messages.length ?? 0,
    hasTools: a.routable?.hasTools ?? false,
    thinkingStatus: seen?.thinkingStatus ?? "none",
    ...content(a, o, routeId, escalated),
  };
}
