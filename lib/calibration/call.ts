/**
 * One calibration call through the gateway's own path (handleMessages, in
 * process): limits, forwarding and recording are those of any traffic; the
 * records carry app "calibration" and the experiment id as task, so the trace
 * explorer and the cost dashboard show them for what they are.
 */
import { bodyOf, type ApiRequest } from "../api/http";
import type { Caller } from "../api/wrap";
import { handleMessages } from "../gateway/messages";
import { costOf } from "../pricing/service";
import type { AnthropicUsage } from "../pricing/usage";
import type { RouteConfig } from "../routing/types";

export const CALIBRATION_APP = "calibration";

export interface CallInput {
  caller: Caller;
  route: RouteConfig;
  reason: string;
  /** Recorded as the request's task: the experiment it belongs to. */
  task: string;
  model: string;
  maxTokens: number;
  prompt: string;
  system?: string | null;
  signal?: AbortSignal;
}

export type CallResult =
  | {
      ok: true;
      answer: string;
      requestId: string | null;
      costUsd: number | null;
      inputTokens: number;
      outputTokens: number;
      thinkingTokens: number;
      latencyMs: number;
    }
  | { ok: false; status: number; message: string; retry: boolean; retryAfterMs: number | null; requestId: string | null };

interface MessageJson {
  model?: string;
  content?: { type: string; text?: string }[];
  usage?: AnthropicUsage;
  error?: { message?: string };
}

export async function callGateway(input: CallInput): Promise<CallResult> {
  const body = JSON.stringify({
    model: input.model,
    max_tokens: input.maxTokens,
    ...(input.system ? { system: input.system } : {}),
    messages: [{ role: "user", content: input.prompt }],
  });
  const req: ApiRequest = {
    method: "POST",
    path: "/api/v1/messages",
    query: new URLSearchParams(),
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", "thinkgate-app": CALIBRATION_APP, "thinkgate-task": input.task },
    params: {},
    ...bodyOf(body),
    signal: input.signal ?? new AbortController().signal,
  };
  const started = performance.now();
  const res = await handleMessages(req, { via: "calibration", internal: { caller: input.caller, route: input.route, reason: input.reason } });
  const latencyMs = Math.round(performance.now() - started);
  const text = "body" in res ? (typeof res.body === "string" ? res.body : new TextDecoder().decode(res.body)) : "";
  const requestId = res.headers["thinkgate-request-id"] ?? null;
  let json: MessageJson = {};
  try {
    json = JSON.parse(text) as MessageJson;
  } catch {
    /* reported below */
  }
  if (res.status !== 200 || !json.usage) {
    const after = Number(res.headers["retry-after-ms"] ?? NaN) || Number(res.headers["retry-after"] ?? NaN) * 1000;
    return {
      ok: false,
      status: res.status,
      message: json.error?.message ?? `HTTP ${res.status}`,
      // A spent daily budget says so (x-should-retry: false): waiting for the next day is not a retry.
      retry: retryable(res.status) && res.headers["x-should-retry"] !== "false",
      retryAfterMs: Number.isFinite(after) && after > 0 ? after : null,
      requestId,
    };
  }
  // A limit that downgraded the call answered with another configuration: its result would be measured under the wrong name.
  if (res.headers["thinkgate-limit"]?.startsWith("downgraded")) {
    return { ok: false, status: res.status, message: `a budget limit downgraded the call to the standard route (${res.headers["thinkgate-limit"]})`, retry: false, retryAfterMs: null, requestId };
  }
  const answer = (json.content ?? []).filter((b) => b.type === "text").map((b) => b.text ?? "").join("\n");
  const costed = costOf(json.model ?? input.model, json.usage, new Date());
  return {
    ok: true,
    answer,
    requestId,
    costUsd: costed.cost.total,
    inputTokens: costed.buckets.input + costed.buckets.cacheRead + costed.buckets.cacheWrite5m + costed.buckets.cacheWrite1h,
    outputTokens: costed.buckets.output,
    thinkingTokens: costed.buckets.thinking,
    latencyMs,
  };
}

/** 429 (rate limited), 529 (overloaded), 5xx and connection failures are worth another try; other 4xx are not. */
export function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}
