import { describe, expect, it } from "vitest";
import type { Attempt } from "./messages";
import { buildRecord, INTERRUPTED } from "../recorder/build";
import { billingStatus } from "../pricing/billing";
import { recordContext, recordInput } from "./record";
import { PRICE_SEED } from "../pricing/seed";

const attempt = (): Attempt => ({
  requestId: "req_roundtrip",
  via: "openai",
  createdAt: new Date("2026-11-20T10:11:12.345Z"),
  started: performance.now(),
  keyId: "key_1",
  scope: "key_1",
  authenticated: true,
  body: { model: "claude-sonnet-4-6", max_tokens: 512, stream: true, messages: [{ role: "user", content: "Is 91 prime?" }] } as never,
  routable: { model: "claude-sonnet-4-6", prompt: "Is 91 prime? mail me at a@b.example", system: "Be brief.", hasTools: false, hasThinkingBlocks: false, pendingToolResult: false, conversationKey: "k", threadKey: "k", turnKey: "k", background: false, task: "math" },
  decision: { tier: "reasoning", stage: "rule", reason: "task math", ruleId: "reasoning-tasks", route: { id: "reasoning", name: "Reasoning" } as never },
  applied: { body: { max_tokens: 4096 } as never, model: "claude-opus-4-7", thinking: { type: "adaptive" }, effort: "high", adjustments: ["max_tokens raised"] },
  hops: [{ kind: "classifier", routeId: null, model: "claude-haiku-4-5", usage: { input_tokens: 40, output_tokens: 5 } }],
});

describe("record input", () => {
  it("is plain JSON: the row rebuilt from the spooled line equals the row built in memory", () => {
    const input = recordInput(attempt(), {
      status: "ok",
      latencyMs: 42,
      httpStatus: 200,
      errorType: null,
      errorMessage: null,
      upstreamRequestId: "req_up",
      ttftMs: 9,
      observed: { usage: { input_tokens: 20, output_tokens: 300 }, stopReason: "end_turn", answer: "No: 7 × 13.", thinking: "Check small primes. 7 divides it.", thinkingStatus: "text", needsPin: true, streamError: null, complete: true, messageId: "msg_1", toolCalls: [], outputEstimated: false },
    });
    const line = JSON.stringify(input);
    expect(line).not.toContain("\n");
    const direct = buildRecord(input, recordContext());
    const replayed = buildRecord(JSON.parse(line), recordContext());
    expect(replayed).toEqual(direct);
    expect(direct.createdAt.toISOString()).toBe("2026-11-20T10:11:12.345Z");
    expect(direct).toMatchObject({ id: "req_roundtrip", via: "openai", requestedModel: "claude-sonnet-4-6", servedModel: "claude-opus-4-7", maxTokensSent: 4096, stream: true, latencyMs: 42, task: "math" });
    expect(JSON.parse(direct.hops)).toHaveLength(2);
  });
});

describe("what a record's cost means", () => {
  const ctx = () => ({ ...recordContext(), prices: PRICE_SEED });
  const standard = (): Attempt => ({
    ...attempt(),
    decision: { tier: "standard", stage: "rule", reason: "task qa", ruleId: "standard-tasks", route: { id: "standard", name: "Standard" } as never },
    applied: { body: { max_tokens: 512 } as never, model: "claude-sonnet-4-6", thinking: undefined, effort: undefined, adjustments: [] },
    hops: [],
  });
  const outcome = { latencyMs: 5, upstreamRequestId: null, ttftMs: null } as const;

  it("a request that failed before any upstream call was not billed: $0, not unpriced", () => {
    const row = buildRecord(recordInput(standard(), { ...outcome, status: "error", httpStatus: 400, errorType: "invalid_request_error", errorMessage: "bad", observed: undefined }), ctx());
    expect(row.pricingStatus).toBe("not_billed");
    expect(row.costTotal).toBeNull();
    expect(row.counterfactualCost).toBeNull();
  });

  it("an answer cut after one token shows no saving: its counterfactual is its cost", () => {
    const observed = { usage: { input_tokens: 30, output_tokens: 1 }, stopReason: null, answer: "N", thinking: null, thinkingStatus: "none", needsPin: false, streamError: "cut", complete: false, messageId: "msg_2" } as never;
    const row = buildRecord(recordInput(standard(), { ...outcome, status: "partial", httpStatus: 200, errorType: "api_error", errorMessage: "cut", observed }), ctx());
    expect(row.pricingStatus).toBe("priced");
    expect(row.costTotal).toBeCloseTo((30 * 3 + 1 * 15) / 1e6, 12);
    expect(row.counterfactualCost).toBe(row.costTotal);
  });

  it("a request the gateway stopped in the middle of: an error whose usage and cost are unknown, not $0, even with a classifier hop it paid for; its prompt redacted as any record's", () => {
    const a = attempt();
    const row = buildRecord(recordInput(a, { latencyMs: 7, status: "error", httpStatus: 502, errorType: INTERRUPTED, errorMessage: "the gateway stopped" }), ctx());
    expect(row).toMatchObject({ id: "req_roundtrip", status: "error", errorType: "interrupted", pricingStatus: "unknown", costTotal: null, counterfactualCost: null, stream: true, servedModel: "claude-opus-4-7", prompt: "Is 91 prime? mail me at [redacted:email]" });
    expect(billingStatus(row)).toBe("unpriced");
  });

  it("a complete standard answer is priced on the reasoning route", () => {
    const observed = { usage: { input_tokens: 30, output_tokens: 10 }, stopReason: "end_turn", answer: "No.", thinking: null, thinkingStatus: "none", needsPin: false, streamError: null, complete: true, messageId: "msg_3" } as never;
    const row = buildRecord(recordInput(standard(), { ...outcome, status: "ok", httpStatus: 200, errorType: null, errorMessage: null, observed }), ctx());
    expect(row.counterfactualCost!).toBeGreaterThan(row.costTotal!);
  });
});
