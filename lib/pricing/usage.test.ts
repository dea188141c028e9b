import { describe, expect, it } from "vitest";
import type { MessageDeltaUsage, Usage } from "@anthropic-ai/sdk/resources/messages";
import { mergeStreamUsage, normalizeUsage, promptTokens, totalTokens, usageModifiers, type AnthropicUsage } from "./usage";

/** A full SDK Usage, so the tests also prove the SDK's types fit ours. */
function usage(over: Partial<Usage> = {}): Usage {
  return {
    input_tokens: 0,
    cache_creation_input_tokens: null,
    cache_read_input_tokens: null,
    cache_creation: null,
    output_tokens: 0,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: "standard",
    inference_geo: null,
    speed: null,
    ...over,
  };
}

function delta(over: Partial<MessageDeltaUsage> = {}): MessageDeltaUsage {
  return {
    input_tokens: null,
    cache_creation_input_tokens: null,
    cache_read_input_tokens: null,
    output_tokens: 0,
    output_tokens_details: null,
    server_tool_use: null,
    ...over,
  };
}

describe("normalizeUsage", () => {
  it("fills every bucket, splitting thinking out of output_tokens", () => {
    const b = normalizeUsage(
      usage({
        input_tokens: 100,
        cache_creation_input_tokens: 50,
        cache_creation: { ephemeral_5m_input_tokens: 30, ephemeral_1h_input_tokens: 20 },
        cache_read_input_tokens: 400,
        output_tokens: 389,
        output_tokens_details: { thinking_tokens: 212 },
      }),
    );
    expect(b).toEqual({ input: 100, cacheWrite5m: 30, cacheWrite1h: 20, cacheRead: 400, output: 177, thinking: 212 });
  });

  it("never adds thinking on top of output_tokens: output + thinking = output_tokens", () => {
    for (const [out, think] of [[389, 212], [1, 0], [5000, 5000], [64_000, 63_999]] as const) {
      const b = normalizeUsage(usage({ output_tokens: out, output_tokens_details: { thinking_tokens: think } }));
      expect(b.output + b.thinking).toBe(out);
      expect(b.thinking).toBe(think);
    }
  });

  it("treats missing output_tokens_details as no thinking", () => {
    expect(normalizeUsage(usage({ output_tokens: 42 }))).toMatchObject({ output: 42, thinking: 0 });
  });

  it("clamps thinking to output_tokens so output is never negative", () => {
    expect(normalizeUsage(usage({ output_tokens: 10, output_tokens_details: { thinking_tokens: 15 } }))).toMatchObject({
      output: 0,
      thinking: 10,
    });
  });

  it("prices all cache writes at 5m when cache_creation is null", () => {
    expect(normalizeUsage(usage({ cache_creation_input_tokens: 1234, cache_creation: null }))).toMatchObject({
      cacheWrite5m: 1234,
      cacheWrite1h: 0,
    });
  });

  it("uses the TTL breakdown when present, even if it is all 1h", () => {
    expect(
      normalizeUsage(
        usage({ cache_creation_input_tokens: 700, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 700 } }),
      ),
    ).toMatchObject({ cacheWrite5m: 0, cacheWrite1h: 700 });
  });

  it("puts write tokens the breakdown does not explain into 5m (a stream delta raised the total)", () => {
    expect(
      normalizeUsage(
        usage({ cache_creation_input_tokens: 900, cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 600 } }),
      ),
    ).toMatchObject({ cacheWrite5m: 300, cacheWrite1h: 600 });
  });

  it("reads missing, null, negative or non-finite counts as 0", () => {
    const raw: AnthropicUsage = { input_tokens: -5, cache_read_input_tokens: Number.NaN, output_tokens: undefined };
    expect(normalizeUsage(raw)).toEqual({ input: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: 0, thinking: 0 });
    expect(normalizeUsage({})).toEqual({ input: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: 0, thinking: 0 });
  });

  it("reads a count no request comes near (past what a record's integer columns hold) as 0, so no cost or total becomes infinite", () => {
    const raw = { input_tokens: 10, cache_read_input_tokens: 1e308, cache_creation_input_tokens: 2 ** 31, output_tokens: Number.MAX_VALUE } as AnthropicUsage;
    expect(normalizeUsage(raw)).toEqual({ input: 10, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: 0, thinking: 0 });
    expect(normalizeUsage({ input_tokens: 2 ** 31 - 1 } as AnthropicUsage).input).toBe(2 ** 31 - 1);
  });

  it("prompt and total token helpers add the exclusive buckets", () => {
    const b = { input: 1, cacheWrite5m: 2, cacheWrite1h: 3, cacheRead: 4, output: 5, thinking: 6 };
    expect(promptTokens(b)).toBe(10);
    expect(totalTokens(b)).toBe(21);
  });
});

describe("usageModifiers", () => {
  it("carries service_tier, inference_geo and speed through, and counts server tool requests", () => {
    expect(
      usageModifiers(
        usage({ service_tier: "batch", inference_geo: "us", speed: "fast", server_tool_use: { web_search_requests: 2, web_fetch_requests: 1 } }),
      ),
    ).toEqual({ serviceTier: "batch", inferenceGeo: "us", speed: "fast", webSearchRequests: 2, webFetchRequests: 1 });
  });

  it("maps absent fields to null", () => {
    expect(usageModifiers({})).toEqual({ serviceTier: null, inferenceGeo: null, speed: null, webSearchRequests: 0, webFetchRequests: 0 });
  });
});

describe("mergeStreamUsage", () => {
  const start = usage({
    input_tokens: 50,
    cache_read_input_tokens: 1000,
    cache_creation_input_tokens: 200,
    cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 0 },
    output_tokens: 1,
    inference_geo: "us",
  });

  it("takes the last running total of output_tokens, never the sum", () => {
    const deltas = [
      delta({ output_tokens: 10, output_tokens_details: { thinking_tokens: 8 } }),
      delta({ output_tokens: 50, output_tokens_details: { thinking_tokens: 30 } }),
      delta({ output_tokens: 120, output_tokens_details: { thinking_tokens: 90 } }),
    ];
    const merged = deltas.reduce<AnthropicUsage>(mergeStreamUsage, start);
    expect(merged.output_tokens).toBe(120);
    expect(merged.output_tokens_details).toEqual({ thinking_tokens: 90 });
    expect(normalizeUsage(merged)).toMatchObject({ output: 30, thinking: 90 });
  });

  it("keeps the base's input and cache counts when the delta sends null", () => {
    const merged = mergeStreamUsage(start, delta({ output_tokens: 7 }));
    expect(merged).toMatchObject({ input_tokens: 50, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, inference_geo: "us" });
  });

  it("overwrites input, cache, server tool and details counts when the delta sends them", () => {
    const merged = mergeStreamUsage(
      start,
      delta({
        output_tokens: 9,
        input_tokens: 60,
        cache_read_input_tokens: 1100,
        cache_creation_input_tokens: 250,
        server_tool_use: { web_search_requests: 1, web_fetch_requests: 0 },
        output_tokens_details: { thinking_tokens: 4 },
      }),
    );
    expect(merged).toMatchObject({
      input_tokens: 60,
      cache_read_input_tokens: 1100,
      cache_creation_input_tokens: 250,
      server_tool_use: { web_search_requests: 1, web_fetch_requests: 0 },
      output_tokens: 9,
    });
    // The raised write total keeps its stale 5m/1h breakdown; the extra 50 lands in 5m.
    expect(normalizeUsage(merged)).toMatchObject({ cacheWrite5m: 250, cacheWrite1h: 0 });
  });

  it("keeps the last non-null value across deltas and does not mutate the base", () => {
    const snapshot = structuredClone(start);
    const merged = [delta({ output_tokens: 5, input_tokens: 70 }), delta({ output_tokens: 6 })].reduce<AnthropicUsage>(
      mergeStreamUsage,
      start,
    );
    expect(merged.input_tokens).toBe(70);
    expect(merged.output_tokens).toBe(6);
    expect(start).toEqual(snapshot);
  });
});
