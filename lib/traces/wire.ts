/**
 * The trace explorer's wire shapes as the browser sees them (dates are ISO
 * strings). lib/traces/api.ts builds them; keep the two in step.
 */
import type { RequestSummary } from "../ui/types";
import type { SignalKind, SpanLike } from "./present";

/** One row of GET /api/traces. */
export interface TraceListItem extends RequestSummary {
  routeId: string | null;
  /** Hedges in thinking and answer; null when nothing was read (errors, omitted thinking). */
  hedgeCount: number | null;
  /** Probability that the answer is wrong (lib/traces/failure-score.ts); null without thinking text. */
  failureScore: number | null;
  thinkingStatus: string;
}

export interface TraceFacets {
  routes: { id: string; name: string }[];
  models: string[];
  apps: string[];
  tasks: string[];
}

export interface TextSignalsWire {
  spans: SpanLike[];
  stats: {
    chars: number;
    words: number;
    counts: Record<SignalKind, number>;
    density: Record<SignalKind, number>;
    positionDensity: { total: number[]; byKind: Record<SignalKind, number[]> };
  };
}

export interface TraceDetail {
  id: string;
  createdAt: string;
  keyId: string | null;
  /** The endpoint the request came through: messages, openai (chat completions), openai-responses, playground or calibration. */
  via: string;
  app: string | null;
  task: string | null;
  stage: string;
  reason: string;
  tier: "reasoning" | "standard";
  routeId: string | null;
  routeName: string | null;
  requestedModel: string;
  servedModel: string;
  thinkingConfig: unknown;
  maxTokensRequested: number | null;
  maxTokensSent: number | null;
  adjustments: unknown;
  hops: unknown;
  escalated: boolean;
  stream: boolean;
  status: "ok" | "error" | "partial";
  httpStatus: number;
  errorType: string | null;
  errorMessage: string | null;
  stopReason: string | null;
  upstreamRequestId: string | null;
  latencyMs: number;
  ttftMs: number | null;
  system: string | null;
  prompt: string | null;
  messageCount: number;
  hasTools: boolean;
  answer: string | null;
  /** When the retention sweep cleared the record's text (prompt, answer, thinking, tool calls); null while it is kept. */
  textClearedAt: string | null;
  decision: {
    stage: string;
    reason: string;
    ruleId: string | null;
    score: number | null;
    threshold: number | null;
    tier: string;
    routeId: string | null;
    routeName: string | null;
  };
  usage: {
    inputTokens: number;
    cacheWrite5mTokens: number;
    cacheWrite1hTokens: number;
    cacheReadTokens: number;
    outputTokens: number;
    thinkingTokens: number;
    webSearchRequests: number;
    webFetchRequests: number;
  };
  cost: {
    pricingStatus: "priced" | "unpriced" | "not_billed";
    input: number | null;
    cacheWrite: number | null;
    cacheRead: number | null;
    output: number | null;
    thinking: number | null;
    serverTools: number | null;
    total: number | null;
    counterfactualReasoning: number | null;
  };
  thinking: {
    status: "none" | "text" | "omitted" | "redacted" | "empty" | "sampled_out" | "cleared";
    text: string | null;
    tokens: number;
    placeholder: string | null;
    signals: TextSignalsWire | null;
  };
  answerSignals: TextSignalsWire | null;
  /** The failure score and why; null without thinking text. */
  failure: { score: number; reasons: { feature: string; text: string; logOdds: number }[] } | null;
  /** Calls stored for this request's conversation (1 when it is alone): more than one links to the thread view. */
  conversationCalls: number;
  label: { label: "reasoning" | "standard"; source: string; createdBy: string; updatedAt: string } | null;
}

/** GET /api/traces/:id/thread (lib/traces/thread.ts, dates as ISO strings). */
export interface TraceThread {
  requestId: string;
  conversationKey: string | null;
  limit: number;
  /** The conversation has more calls than the limit: `calls` are those around the one opened (requestId). */
  truncated: boolean;
  /** Calls of the conversation before the ones shown, and after them. */
  earlier: number;
  later: number;
  calls: number;
  toolCalls: number;
  models: string[];
  turns: {
    turn: number;
    calls: {
      id: string;
      at: string;
      model: string;
      tier: string;
      stage: string;
      pinned: boolean;
      status: string;
      messageCount: number;
      userText: string | null;
      toolResults: { toolUseId: string; content: string; isError: boolean }[];
      thinking: string | null;
      thinkingStatus: string;
      thinkingTokens: number;
      answer: string | null;
      toolCalls: { id: string; name: string; input: string }[];
      failureScore: number | null;
      /** The text retention cleared this call's text. */
      textCleared: boolean;
    }[];
  }[];
}
