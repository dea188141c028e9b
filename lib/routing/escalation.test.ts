import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, escalationPolicySchema, judgeAnswer } from "./escalation";

const ok = { text: "The capital of France is Paris.", stopReason: "end_turn" };

describe("escalation triggers", () => {
  it("lets a plain, complete answer through", () => {
    expect(judgeAnswer(ok, DEFAULT_POLICY)).toEqual({ escalate: false, reasons: [] });
  });

  it("escalates an answer cut at max_tokens, and a refusal", () => {
    expect(judgeAnswer({ text: "Partial", stopReason: "max_tokens" }, DEFAULT_POLICY).reasons).toEqual(["the answer stopped at max_tokens"]);
    expect(judgeAnswer({ text: "", stopReason: "refusal" }, DEFAULT_POLICY).reasons).toEqual(["the model refused"]);
    expect(judgeAnswer({ text: "x", stopReason: "max_tokens" }, { ...DEFAULT_POLICY, onMaxTokens: false }).escalate).toBe(false);
  });

  it("validates JSON against the rule's schema, fenced or not", () => {
    const policy = escalationPolicySchema.parse({ jsonSchema: { type: "object", required: ["total"], properties: { total: { type: "number" } } } });
    expect(judgeAnswer({ text: '{"total": 12.5}', stopReason: "end_turn" }, policy).escalate).toBe(false);
    expect(judgeAnswer({ text: '```json\n{"total": 3}\n```', stopReason: "end_turn" }, policy).escalate).toBe(false);
    expect(judgeAnswer({ text: '{"total": "twelve"', stopReason: "end_turn" }, policy).reasons).toEqual(["the answer is not valid JSON"]);
    expect(judgeAnswer({ text: '{"sum": 3}', stopReason: "end_turn" }, policy).reasons[0]).toMatch(/does not match the JSON schema.*total/);
  });

  it("checks a pattern in linear time, and refuses a pattern that cannot run so", () => {
    const policy = escalationPolicySchema.parse({ answerPattern: "^(yes|no)\\b" });
    expect(judgeAnswer({ text: "yes, because", stopReason: "end_turn" }, policy).escalate).toBe(false);
    expect(judgeAnswer({ text: "maybe", stopReason: "end_turn" }, policy).escalate).toBe(true);
    // Catastrophic for a backtracking engine, harmless for the linear-time one.
    const hostile = escalationPolicySchema.parse({ answerPattern: "(a+)+$" });
    const t = performance.now();
    expect(judgeAnswer({ text: "a".repeat(100_000) + "!", stopReason: "end_turn" }, hostile).reasons).toContain("the answer does not match the expected pattern");
    expect(performance.now() - t).toBeLessThan(1_000);
    const refused = escalationPolicySchema.safeParse({ answerPattern: "(a)\\1" });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/answerPattern: backreferences are not allowed/);
  });

  it("escalates an answer that hedges heavily, not one that hedges once", () => {
    const hedging = "I think it might be 42, but I'm not sure. It seems plausible, probably, though I guess it could be 41.";
    const v = judgeAnswer({ text: hedging, stopReason: "end_turn" }, DEFAULT_POLICY);
    expect(v.escalate).toBe(true);
    expect(v.reasons[0]).toMatch(/hedges \d+ times/);
    const once = "I think the answer is 42, computed from 6 times 7, which is the product we need for the table of results in section two.";
    expect(judgeAnswer({ text: once, stopReason: "end_turn" }, DEFAULT_POLICY).escalate).toBe(false);
  });

  it("escalates on self-reported low confidence only when enabled", () => {
    const text = "The answer is 17. Confidence: low.";
    expect(judgeAnswer({ text, stopReason: "end_turn" }, DEFAULT_POLICY).escalate).toBe(false);
    expect(judgeAnswer({ text, stopReason: "end_turn" }, { ...DEFAULT_POLICY, onLowConfidence: true }).reasons).toEqual(["the answer reports low confidence"]);
  });
});
