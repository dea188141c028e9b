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

  it("escalates on the thinking's failure score only when a maximum is set and thinking came back", () => {
    const doubtful =
      "Hmm, I'm not sure. Maybe the answer is 12? Wait, that's not right. Perhaps it's 14, or maybe 16. I'm stuck on how the second condition applies. " +
      "Actually, let me reconsider. It might be 12 after all, but I'm not certain. Alternatively the puzzle could be a trick. I'm confused.";
    const calm = "Six times seven is 42, so the answer is 42.";
    const answer = { text: "The answer is 12.", stopReason: "end_turn" };
    const policy = escalationPolicySchema.parse({ maxFailureScore: 0.15 });
    expect(judgeAnswer({ ...answer, thinking: doubtful }, DEFAULT_POLICY).escalate).toBe(false);
    const v = judgeAnswer({ ...answer, thinking: doubtful }, policy);
    expect(v.escalate).toBe(true);
    expect(v.reasons[0]).toMatch(/failure score 0\.\d\d, above 0\.15: /);
    expect(judgeAnswer({ ...answer, thinking: calm }, policy).escalate).toBe(false);
    expect(judgeAnswer(answer, policy).escalate).toBe(false);
    expect(() => escalationPolicySchema.parse({ maxFailureScore: 1.5 })).toThrow();
  });
});
