import { describe, expect, it } from "vitest";
import { createLlmClassifier, llmClassifierConfigSchema, parseVerdict, type CallModel } from "./llm-classifier";

const config = llmClassifierConfigSchema.parse({ enabled: true, timeoutMs: 100 });
const usage = { input_tokens: 120, output_tokens: 12 };

describe("LLM classifier stage", () => {
  it("reads strict JSON, tolerating text around it", () => {
    expect(parseVerdict('{"reasoning": true, "confidence": 0.8}')).toEqual({ reasoning: true, confidence: 0.8 });
    expect(parseVerdict('Sure: {"reasoning": false, "confidence": 0.6} done')).toEqual({ reasoning: false, confidence: 0.6 });
    expect(parseVerdict('{"reasoning": "yes"}')).toBeNull();
    expect(parseVerdict("no json")).toBeNull();
  });

  it("turns a verdict into a score and caches it by prompt", async () => {
    let calls = 0;
    const call: CallModel = async () => {
      calls++;
      return { text: '{"reasoning": true, "confidence": 0.8}', usage };
    };
    const classify = createLlmClassifier(call);
    const first = await classify("Plan a migration", config);
    expect(first).toMatchObject({ ok: true, verdict: { reasoning: true, score: 0.9, cached: false, usage } });
    const second = await classify("Plan a migration", config);
    expect(second).toMatchObject({ ok: true, verdict: { cached: true, usage: null } });
    expect(calls).toBe(1);
  });

  it("falls back when the model is too slow, and frees its timer", async () => {
    const call: CallModel = ({ signal }) =>
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true }));
    const classify = createLlmClassifier(call);
    const t = performance.now();
    const out = await classify("x", config);
    // Sent, so the record lists it: a timeout has no HTTP status.
    expect(out).toEqual({ ok: false, reason: "the classifier model did not answer within 100 ms", usage: null, called: true, failure: { status: null, errorType: "timeout_error" } });
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it("falls back on an answer that is not the expected JSON, keeping its usage for the record", async () => {
    const classify = createLlmClassifier(async () => ({ text: "I think it needs reasoning.", usage }));
    expect(await classify("x", config)).toEqual({ ok: false, reason: "the classifier model did not answer in the expected JSON", usage, called: true });
  });

  it("makes no call when the request may not pay for it, falling back with the reason; a cached verdict, free, still counts", async () => {
    let calls = 0;
    const classify = createLlmClassifier(async () => {
      calls++;
      return { text: '{"reasoning": false, "confidence": 0.9}', usage };
    });
    const why = "claude-mythos-preview has no price in the price table";
    expect(await classify("Name a bakery", config, undefined, why)).toEqual({ ok: false, reason: why, usage: null, called: false });
    expect(calls).toBe(0);
    expect((await classify("Name a bakery", config)).ok).toBe(true);
    expect(await classify("Name a bakery", config, undefined, why)).toMatchObject({ ok: true, verdict: { cached: true, usage: null } });
    expect(calls).toBe(1);
  });
});
