import { describe, expect, it } from "vitest";
import { computeCost, pickPrice } from "./cost";
import { DEFAULT_THINKING_TOKENS, estimateReasoningCost, estimateStandardCost } from "./counterfactual";
import { PRICE_SEED } from "./seed";
import { STANDARD_MODIFIERS, ZERO_BUCKETS, type TokenBuckets } from "./usage";

const NOW = new Date("2026-11-25T12:00:00Z");
const sonnet46 = pickPrice(PRICE_SEED, "claude-sonnet-4-6", NOW)!; // 3 / 15
const opus55 = pickPrice(PRICE_SEED, "claude-opus-5-5", NOW)!; // 4 / 20

describe("estimateReasoningCost", () => {
  const actual: TokenBuckets = { ...ZERO_BUCKETS, input: 1000, output: 500 };
  const actualCost = computeCost(actual, STANDARD_MODIFIERS, sonnet46);

  it("documents the default thinking tokens per tier", () => {
    expect(DEFAULT_THINKING_TOKENS).toEqual({ simple: 2500, complex: 9000, maximum: 20000 });
  });

  it("prices a standard request on the reasoning route with the tier's typical thinking", () => {
    const cf = estimateReasoningCost({ actual, modifiers: STANDARD_MODIFIERS, servedTier: "standard", actualCost, reasoningPrice: opus55, thinkingTier: "complex" });
    expect(cf.estimated).toBe(true);
    expect(cf.buckets).toEqual({ ...actual, thinking: 9000 });
    // 1000×$4 + 500×$20 + 9000×$20 = 194,000 µUSD
    expect(cf.cost.total).toBe(0.194);
    expect(cf.cost.thinking).toBe(0.18);
  });

  it("takes per-deployment overrides of the typical thinking tokens", () => {
    const cf = estimateReasoningCost({
      actual, modifiers: STANDARD_MODIFIERS, servedTier: "standard", actualCost, reasoningPrice: opus55,
      thinkingTier: "simple", thinkingTokens: { simple: 1000 },
    });
    expect(cf.buckets.thinking).toBe(1000);
    expect(cf.cost.total).toBe(0.034); // 4,000 + 10,000 + 20,000 µUSD
  });

  it("never assumes less thinking than the standard request already did", () => {
    const thought = { ...actual, thinking: 12_000 };
    const cf = estimateReasoningCost({
      actual: thought, modifiers: STANDARD_MODIFIERS, servedTier: "standard",
      actualCost: computeCost(thought, STANDARD_MODIFIERS, sonnet46), reasoningPrice: opus55, thinkingTier: "simple",
    });
    expect(cf.buckets.thinking).toBe(12_000);
  });

  it("is the actual cost when the request reasoned", () => {
    const cf = estimateReasoningCost({ actual, modifiers: STANDARD_MODIFIERS, servedTier: "reasoning", actualCost, reasoningPrice: opus55, thinkingTier: "maximum" });
    expect(cf).toEqual({ cost: actualCost, buckets: actual, estimated: false });
  });

  it("carries the request's modifiers (batch halves the estimate)", () => {
    const batch = { ...STANDARD_MODIFIERS, serviceTier: "batch" };
    const cf = estimateReasoningCost({ actual, modifiers: batch, servedTier: "standard", actualCost, reasoningPrice: opus55, thinkingTier: "complex" });
    expect(cf.cost.total).toBe(0.097);
  });

  it("is unpriced when the reasoning model has no price", () => {
    const cf = estimateReasoningCost({ actual, modifiers: STANDARD_MODIFIERS, servedTier: "standard", actualCost, reasoningPrice: null, thinkingTier: "complex" });
    expect(cf.cost).toMatchObject({ pricingStatus: "unpriced", total: null });
  });
});

describe("estimateStandardCost", () => {
  const actual: TokenBuckets = { ...ZERO_BUCKETS, input: 1000, cacheRead: 2000, output: 300, thinking: 4000 };
  const actualCost = computeCost(actual, STANDARD_MODIFIERS, opus55);

  it("drops thinking and prices the same prompt and answer at the standard model", () => {
    const cf = estimateStandardCost({ actual, modifiers: STANDARD_MODIFIERS, servedTier: "reasoning", actualCost, standardPrice: sonnet46 });
    expect(cf.estimated).toBe(true);
    expect(cf.buckets).toEqual({ ...actual, thinking: 0 });
    // 1000×$3 + 2000×$0.30 + 300×$15 = 8,100 µUSD
    expect(cf.cost.total).toBe(0.0081);
    expect(cf.cost.thinking).toBe(0);
  });

  it("is the actual cost when the request was standard", () => {
    const cf = estimateStandardCost({ actual, modifiers: STANDARD_MODIFIERS, servedTier: "standard", actualCost, standardPrice: sonnet46 });
    expect(cf).toEqual({ cost: actualCost, buckets: actual, estimated: false });
  });
});
