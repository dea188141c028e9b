/**
 * The stored row of a request, built from its RecordInput (the plain facts the
 * gateway journaled when the response finished): costing per hop, the
 * counterfactual reasoning cost, redaction, signal counts and thinking
 * sampling. Pure: prices and trace settings come in as a RecordContext, so
 * the same function runs on the record thread (lib/recorder/thread.ts), in
 * the process when there is no thread, and on a replay after a crash.
 */
import { computeCost, pickPrice, type CostBreakdown } from "../pricing/cost";
import { estimateReasoningCost, type ThinkingTier } from "../pricing/counterfactual";
import type { PriceRow } from "../pricing/seed";
import { normalizeUsage, usageModifiers, type AnthropicUsage, type PriceModifiers, type TokenBuckets } from "../pricing/usage";
import type { Observed, ToolCall } from "../gateway/stream-observer";
import type { Tier } from "../routing/types";
import { analyseRecordText, type RecordSignals } from "../traces/record-signals";
import type { Redactor } from "../traces/redaction";
import { shouldStoreThinking, type SamplingConfig } from "../traces/sampling";
import type { RequestRecordRow } from "./record";

/** What building a row needs besides the record itself: the prices and trace settings in effect. */
export interface RecordContext {
  prices: PriceRow[];
  traces: { sampling: SamplingConfig; redact: Redactor };
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
  /** The answer served after an escalation still failed the route's validators (JSON schema, pattern): why. */
  validatorFailures?: string[];
}

/**
 * The error type of a request the gateway stopped in the middle of (killed,
 * out of memory, crashed): its provisional record (Recorder.provisional),
 * journaled when it was sent upstream, stored at the next start because no
 * final record followed. Its usage and cost are unknown.
 */
export const INTERRUPTED = "interrupted";

/** What a record is built from: plain JSON, so it can be journaled and rebuilt after a crash. */
export interface RecordInput {
  requestId: string;
  /** The endpoint it came through; absent in lines journaled before it was recorded (Messages). */
  via?: string;
  /** The client's user-agent; absent in lines journaled before it was recorded. */
  client?: string | null;
  /** Epoch milliseconds. */
  createdAt: number;
  keyId: string | null;
  request: { model: string; maxTokens: number | null; messageCount: number; stream: boolean } | null;
  routable: { system: string; prompt: string; app: string | null; task: string | null; hasTools: boolean } | null;
  decision: {
    stage: string;
    reason: string;
    ruleId: string | null;
    score: number | null;
    threshold: number | null;
    tier: Tier;
    routeId: string | null;
    routeName: string | null;
  } | null;
  applied: { model: string; thinking: Record<string, unknown> | null; effort: string | null; maxTokens: number | null; adjustments: string[] } | null;
  hops: Hop[];
  /**
   * Upstream calls that answered with a success status and whose body was then lost (a connection
   * broken in a JSON answer, or before a stream's first event): the API billed them, and their usage
   * is unknown, so the request's cost is too. Absent when there were none.
   */
  unreadAnswers?: number;
  /**
   * What the request counts against its key's and its app's daily budgets, in
   * micro-dollars (lib/limits/admission.ts budgetCharge); absent when neither
   * had one, and in lines journaled before it was recorded.
   */
  budgetMicro?: number;
  /** The reasoning route when the request finished, for the counterfactual cost. */
  reasoning: { model: string; budgetTier: ThinkingTier | null } | null;
  outcome: Omit<Outcome, "observed"> & {
    observed: (Pick<Observed, "usage" | "stopReason" | "answer" | "thinking" | "thinkingStatus"> & { toolCalls?: ToolCall[] }) | null;
  };
  /**
   * The conversation the call belongs to (its pin key, lib/routing/request.ts)
   * and the tool results its last user turn carried: an agent loop is shown
   * as one thread from these. Absent in lines journaled before they were kept.
   */
  conversation?: { key: string; toolResults: ToolResult[] };
}

export interface ToolResult {
  toolUseId: string;
  content: string;
  isError: boolean;
}

interface Costed {
  buckets: TokenBuckets;
  modifiers: ReturnType<typeof usageModifiers>;
  cost: CostBreakdown;
}

function costOf(prices: PriceRow[], model: string, usage: AnthropicUsage, at: Date): Costed {
  const buckets = normalizeUsage(usage);
  const modifiers = usageModifiers(usage);
  return { buckets, modifiers, cost: computeCost(buckets, modifiers, pickPrice(prices, model, at)) };
}

const MAX_TEXT = Number(process.env.THINKGATE_MAX_STORED_CHARS ?? 1_000_000);
const clip = (s: string | null | undefined) => (s ? (s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) : s) : null);
/** More than any secret the redaction masks is long, so masking the handed-over text and then clipping stores what masking the whole would. */
const REDACTION_MARGIN = 16_384;

/**
 * What the request path hands the recorder of a client's text: no more than
 * can be stored. The record is journalled and posted to the record thread on
 * the main thread, so a 16 MB prompt copied whole would hold every other
 * request for as long as that takes, for text the clip then throws away.
 */
export function recordable(text: string): string {
  return text.length > RECORDABLE_CHARS ? text.slice(0, RECORDABLE_CHARS) : text;
}

/** The most of one text (a prompt, an answer, its thinking) a record can use: what recordable() keeps. */
export const RECORDABLE_CHARS = MAX_TEXT + REDACTION_MARGIN;

type Content = Pick<RequestRecordRow, "system" | "prompt" | "answer" | "errorMessage" | "thinkingText" | "thinkingSampledOut" | "conversationKey" | "toolCalls" | "toolResults"> &
  RecordSignals;

/**
 * What the record keeps of the texts, with the trace settings in effect
 * (lib/traces/config.ts): secrets and personal data masked before the row is
 * written (redacted first, then clipped, so a clip never leaves half a secret
 * unmasked), signals counted once on what is stored (hedgeCount keeps the
 * meaning the explorer filters on: thinking and answer), and the thinking
 * text kept or left out by sampling. Counts and cost are stored either way.
 */
function content(r: RecordInput, routeId: string | null, escalated: boolean, traces: RecordContext["traces"]): Content {
  const o = r.outcome;
  const store = (s: string | null | undefined) => (s ? clip(traces.redact(s).text) : null);
  const thinking = store(o.observed?.thinking);
  const answer = store(o.observed?.answer);
  const { columns, thinkingHedges } = analyseRecordText(thinking, answer);
  const keep =
    thinking === null ||
    shouldStoreThinking(
      { requestId: r.requestId, routeId, status: o.status, escalated, hedgeDensity: columns.hedgeDensity, hedgeCount: thinkingHedges },
      traces.sampling,
    );
  const tools = r.outcome.observed?.toolCalls ?? [];
  const results = r.conversation?.toolResults ?? [];
  return {
    system: store(r.routable?.system),
    conversationKey: r.conversation?.key ?? null,
    // Tool inputs and results are redacted like the prompt (they carry file contents, command output).
    toolCalls: tools.length ? JSON.stringify(tools.map((t) => ({ ...t, input: traces.redact(t.input).text }))) : null,
    toolResults: results.length ? JSON.stringify(results.map((t) => ({ ...t, content: traces.redact(t.content).text }))) : null,
    prompt: store(r.routable?.prompt),
    answer,
    errorMessage: o.errorMessage === null ? null : traces.redact(o.errorMessage).text,
    thinkingText: keep ? thinking : null,
    thinkingSampledOut: !keep,
    ...columns,
  };
}

/**
 * One upstream call of a request: the LLM classifier, a standard answer that
 * was escalated, or the answer served; and for upstream faults
 * (lib/gateway/dispatch.ts) a failed call that was tried again ("retry"), a
 * failed route left for its fallback ("fallback"), or a route not called
 * because its model's circuit was open ("skipped").
 */
export interface Hop {
  kind: "classifier" | "answer" | "retry" | "fallback" | "skipped";
  routeId: string | null;
  model: string;
  usage: AnthropicUsage | null;
  stopReason?: string | null;
  /** For an answer that was checked before it was served. */
  escalated?: boolean;
  reasons?: string[];
  /** An escalated (rejected) answer's text, redacted when the record is built. */
  answer?: string;
  /** The answer served failed the route's validators all the same: why. */
  validatorFailed?: string[];
  upstreamRequestId?: string | null;
  /** A failed call: its HTTP status (null for a connection error or timeout) and error type. */
  status?: number | null;
  errorType?: string;
  /** How long the gateway waited before the next call, in ms. */
  waitMs?: number;
}

interface CostedHop extends Hop {
  buckets: TokenBuckets | null;
  modifiers: PriceModifiers | null;
  cost: CostBreakdown | null;
}

const sum = (xs: (number | null)[]): number | null => (xs.some((x) => x === null) ? null : Math.round(xs.reduce<number>((t, x) => t + (x ?? 0), 0) * 1e9) / 1e9);

/**
 * The request's tokens and cost are those of every hop together: a request
 * that was escalated paid for both answers, and the classifier's call too.
 * One unpriced hop makes the whole request unpriced: never a partial sum
 * passed off as the total. A request with no billed hop at all (it failed
 * before any upstream call reported usage) was not billed: $0, "not_billed",
 * whatever the price table says about its model (lib/pricing/billing.ts).
 */
function totals(hops: CostedHop[], usageUnknown: boolean) {
  const billed = hops.filter((h) => h.buckets);
  const bucket = (k: keyof TokenBuckets) => billed.reduce((t, h) => t + h.buckets![k], 0);
  const priced = !usageUnknown && billed.every((h) => h.cost?.pricingStatus === "priced");
  const costs = (k: "input" | "cacheWrite" | "cacheRead" | "output" | "thinking" | "serverTools" | "total") => (priced && billed.length ? sum(billed.map((h) => h.cost![k])) : null);
  const uses = (k: "webSearchRequests" | "webFetchRequests") => billed.reduce((t, h) => t + (h.modifiers?.[k] ?? 0), 0);
  // An interrupted request's answer may have been billed, and an answer whose body was lost was: the
  // cost is unknown, neither $0 nor the other hops' sum.
  const status = usageUnknown ? "unknown" : !billed.length ? "not_billed" : priced ? "priced" : "unpriced";
  return {
    buckets: { input: bucket("input"), cacheWrite5m: bucket("cacheWrite5m"), cacheWrite1h: bucket("cacheWrite1h"), cacheRead: bucket("cacheRead"), output: bucket("output"), thinking: bucket("thinking") },
    pricingStatus: status as RequestRecordRow["pricingStatus"],
    cost: { input: costs("input"), cacheWrite: costs("cacheWrite"), cacheRead: costs("cacheRead"), output: costs("output"), thinking: costs("thinking"), serverTools: costs("serverTools"), total: costs("total") },
    serverTools: { webSearchRequests: uses("webSearchRequests"), webFetchRequests: uses("webFetchRequests") },
  };
}

/**
 * Why a call that used server tools has no cost: the price row sets no fee
 * for a tool it used (none is shipped). Said where the request's other
 * caveats are, with what its tokens alone cost, which the true cost exceeds.
 */
function feeNotes(hops: CostedHop[]): string[] {
  const out: string[] = [];
  for (const h of hops) {
    if (h.cost?.unpricedReason !== "server_tool_fee_unknown" || !h.modifiers) continue;
    const used = [
      h.modifiers.webSearchRequests ? `${h.modifiers.webSearchRequests} web search(es)` : "",
      h.modifiers.webFetchRequests ? `${h.modifiers.webFetchRequests} web fetch(es)` : "",
    ].filter(Boolean).join(" and ");
    const floor = h.cost.lowerBoundTotal === null ? "" : `; its tokens alone cost $${h.cost.lowerBoundTotal.toFixed(6)}`;
    out.push(`cost unknown: ${used} on ${h.model}, and the price table sets no fee for them (webSearchFee, webFetchFee)${floor}`);
  }
  return out;
}

export function buildRecord(r: RecordInput, ctx: RecordContext): RequestRecordRow {
  const d = r.decision;
  const o = r.outcome;
  const seen = o.observed;
  const createdAt = new Date(r.createdAt);
  const served = r.applied?.model ?? r.request?.model ?? "unknown";
  const costed = seen?.usage ? costOf(ctx.prices, served, seen.usage, createdAt) : null;
  const c = costed?.cost;
  const routeId = d?.routeId ?? null;
  const escalated = r.hops.some((h) => h.escalated);

  const final: Hop = { kind: "answer", routeId, model: served, usage: seen?.usage ?? null, stopReason: seen?.stopReason ?? null, upstreamRequestId: o.upstreamRequestId ?? null };
  if (o.validatorFailures?.length) final.validatorFailed = o.validatorFailures;
  const hops: CostedHop[] = [...r.hops, final].map((h) => {
    const hc = h.usage ? (h === final ? costed : costOf(ctx.prices, h.model, h.usage, createdAt)) : null;
    return { ...h, buckets: hc?.buckets ?? null, modifiers: hc?.modifiers ?? null, cost: hc?.cost ?? null };
  });
  const t = totals(hops, (o.status === "error" && o.errorType === INTERRUPTED) || (r.unreadAnswers ?? 0) > 0);
  const b = t.buckets;

  // What reasoning would have cost: the actual cost when it reasoned, an
  // estimate on the reasoning route's model otherwise (for the answer served).
  // An answer that did not complete (an error, a stream cut after a token)
  // says nothing about what a full reasoning answer would cost: its
  // counterfactual is what it cost, so it never shows as a saving.
  let counterfactual: number | null = null;
  if (t.pricingStatus === "unknown") {
    // What it cost is not known, so neither is what reasoning would have cost.
  } else if (costed && c && o.status !== "ok") {
    counterfactual = t.cost.total;
  } else if (costed && c) {
    const reasoning = r.reasoning;
    const model = reasoning ? (reasoning.model === "*" ? served : reasoning.model) : served;
    const estimate = estimateReasoningCost({
      actual: costed.buckets,
      modifiers: costed.modifiers,
      servedTier: d?.tier ?? "standard",
      actualCost: c,
      reasoningPrice: pickPrice(ctx.prices, model, createdAt),
      thinkingTier: reasoning?.budgetTier ?? "complex",
    }).cost.total;
    // The hops before the answer were paid for either way.
    const before = hops.length > 1 ? sum(hops.slice(0, -1).map((h) => (h.usage ? h.cost?.total ?? null : 0))) : 0;
    counterfactual = estimate === null || before === null ? null : Math.round((estimate + before) * 1e9) / 1e9;
  }
  const hopsJson = hops.length > 1
    ? JSON.stringify(
        hops.map(({ buckets, cost, modifiers: _m, usage: _u, ...h }) => ({
          ...h,
          // A rejected answer is stored like the served one: redacted, then clipped.
          ...(h.answer !== undefined ? { answer: clip(ctx.traces.redact(h.answer).text) } : {}),
          tokens: buckets,
          costUsd: cost?.total ?? null,
          pricingStatus: cost?.pricingStatus ?? "unpriced",
        })),
      )
    : "[]";

  return {
    id: r.requestId,
    createdAt,
    keyId: r.keyId,
    app: r.routable?.app ?? null,
    task: r.routable?.task ?? null,
    stage: d?.stage ?? "none",
    reason: d?.reason ?? "",
    ruleId: d?.ruleId ?? null,
    score: d?.score ?? null,
    threshold: d?.threshold ?? null,
    tier: d?.tier ?? "standard",
    routeId,
    routeName: d?.routeName ?? null,
    requestedModel: r.request?.model ?? "unknown",
    servedModel: served,
    thinkingConfig: r.applied ? JSON.stringify({ thinking: r.applied.thinking, effort: r.applied.effort }) : null,
    maxTokensRequested: r.request?.maxTokens ?? null,
    maxTokensSent: r.applied?.maxTokens ?? null,
    adjustments: JSON.stringify([...(r.applied?.adjustments ?? []), ...feeNotes(hops)]),
    hops: hopsJson,
    escalated,
    stream: r.request?.stream === true,
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
    answerInputTokens: costed?.buckets.input ?? null,
    answerCacheWrite5mTokens: costed?.buckets.cacheWrite5m ?? null,
    answerCacheWrite1hTokens: costed?.buckets.cacheWrite1h ?? null,
    answerCacheReadTokens: costed?.buckets.cacheRead ?? null,
    answerOutputTokens: costed?.buckets.output ?? null,
    answerThinkingTokens: costed?.buckets.thinking ?? null,
    // The tokens' cost: the server tools' fees are paid whichever route answered, as the calls before the answer are.
    answerCost: c?.total != null ? Math.round((c.total - (c.serverTools ?? 0)) * 1e9) / 1e9 : null,
    webSearchRequests: t.serverTools.webSearchRequests,
    webFetchRequests: t.serverTools.webFetchRequests,
    pricingStatus: t.pricingStatus,
    budgetUsd: r.budgetMicro === undefined ? null : r.budgetMicro / 1e6,
    costInput: t.cost.input,
    costCacheWrite: t.cost.cacheWrite,
    costCacheRead: t.cost.cacheRead,
    costOutput: t.cost.output,
    costThinking: t.cost.thinking,
    costServerTools: t.cost.serverTools,
    costTotal: t.cost.total,
    counterfactualCost: counterfactual,
    messageCount: r.request?.messageCount ?? 0,
    hasTools: r.routable?.hasTools ?? false,
    thinkingStatus: seen?.thinkingStatus ?? "none",
    via: r.via ?? "messages",
    client: r.client ?? null,
    ...content(r, routeId, escalated, ctx.traces),
  };
}
