/** Builds the stored record of one gateway request, with its cost. */
import { requestsRepo } from "../db/requests.repo";
import { estimateReasoningCost } from "../pricing/counterfactual";
import { costOf, priceFor } from "../pricing/service";
import { Recorder } from "../recorder/recorder";
import type { RequestRecordRow } from "../recorder/record";
import type { Attempt } from "./messages";
import type { Observed } from "./stream-observer";
import { lastSnapshot } from "../routing/config";

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
  httpStatus: number;
  errorType: string | null;
  errorMessage: string | null;
  observed?: Observed;
  upstreamRequestId?: string | null;
  ttftMs?: number | null;
}

const MAX_TEXT = Number(process.env.THINKGATE_MAX_STORED_CHARS ?? 1_000_000);
const clip = (s: string | null | undefined) => (s ? (s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) : s) : null);

export function buildRecord(a: Attempt, o: Outcome): RequestRecordRow {
  const d = a.decision;
  const seen = o.observed;
  const served = a.applied?.model ?? a.body?.model ?? "unknown";
  const costed = seen?.usage ? costOf(served, seen.usage, a.createdAt) : null;
  const b = costed?.buckets;
  const c = costed?.cost;

  // What reasoning would have cost: the actual cost when it reasoned, an
  // estimate on the reasoning route's model otherwise.
  let counterfactual: number | null = null;
  if (costed && c) {
    const snap = lastSnapshot();
    const reasoning = snap?.routes.get(snap.tierRoutes.reasoning);
    const model = reasoning ? (reasoning.model === "*" ? served : reasoning.model) : served;
    counterfactual = estimateReasoningCost({
      actual: costed.buckets,
      modifiers: costed.modifiers,
      servedTier: d?.tier ?? "standard",
      actualCost: c,
      reasoningPrice: priceFor(model, a.createdAt),
      thinkingTier: reasoning?.budgetTier ?? "complex",
    }).cost.total;
  }

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
    routeId: d?.route?.id ?? null,
    routeName: d?.route?.name ?? null,
    requestedModel: a.body?.model ?? "unknown",
    servedModel: served,
    thinkingConfig: a.applied ? JSON.stringify({ thinking: a.applied.thinking ?? null, effort: a.applied.effort ?? null }) : null,
    maxTokensRequested: a.body?.max_tokens ?? null,
    maxTokensSent: a.applied?.body.max_tokens ?? null,
    adjustments: JSON.stringify(a.applied?.adjustments ?? []),
    hops: "[]",
    escalated: false,
    stream: a.body?.stream === true,
    status: o.status,
    httpStatus: o.httpStatus,
    errorType: o.errorType,
    errorMessage: o.errorMessage,
    stopReason: seen?.stopReason ?? null,
    upstreamRequestId: o.upstreamRequestId ?? null,
    latencyMs: Math.round(performance.now() - a.started),
    ttftMs: o.ttftMs ?? null,
    inputTokens: b?.input ?? 0,
    cacheWrite5mTokens: b?.cacheWrite5m ?? 0,
    cacheWrite1hTokens: b?.cacheWrite1h ?? 0,
    cacheReadTokens: b?.cacheRead ?? 0,
    outputTokens: b?.output ?? 0,
    thinkingTokens: b?.thinking ?? 0,
    pricingStatus: c?.pricingStatus ?? "unpriced",
    costInput: c?.input ?? null,
    costCacheWrite: c?.cacheWrite ?? null,
    costCacheRead: c?.cacheRead ?? null,
    costOutput: c?.output ?? null,
    costThinking: c?.thinking ?? null,
    costTotal: c?.total ?? null,
    counterfactualCost: counterfactual,
    system: clip(a.routable?.system),
    prompt: clip(a.routable?.prompt),
    messageCount: a.body?.messages.length ?? 0,
    hasTools: a.routable?.hasTools ?? false,
    answer: clip(seen?.answer),
    thinkingStatus: seen?.thinkingStatus ?? "none",
    thinkingText: clip(seen?.thinking),
  };
}
