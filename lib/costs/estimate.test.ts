import { describe, expect, it } from "vitest";
import { pickPrice } from "../pricing/cost";
import { PRICE_SEED } from "../pricing/seed";
import { describeMethod, estimateCell, estimateSavings, MIN_SAMPLES, SamplePools, sizeBand, type CounterfactualContext, type ReasoningSample, type StandardCell } from "./estimate";

const AT = new Date("2026-12-01T00:00:00Z");
const opus47 = pickPrice(PRICE_SEED, "claude-opus-4-7", AT)!; // $5 in, $25 out per MTok

/** n reasoning samples that each generated output o and thinking t exactly (variance 0). */
function uniform(n: number, o: number, t: number, cell: Partial<ReasoningSample> = {}): ReasoningSample {
  return { band: 0, task: "", app: "", n, output: n * o, thinking: n * t, generatedSq: n * (o + t) ** 2, ...cell };
}

function std(n: number, over: Partial<StandardCell> = {}): StandardCell {
  // 500 input and 100 output tokens each on Haiku 4.5 ($1 / $5): $0.001 per request.
  return { band: 0, task: "", app: "", model: "claude-haiku-4-5", n, input: 500 * n, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: 100 * n, cost: 0.001 * n, before: 0, ...over };
}

function ctx(samples: ReasoningSample[]): CounterfactualContext {
  return { pools: new SamplePools(samples), priceFor: () => opus47, thinkingTier: "complex" };
}

describe("sizeBand", () => {
  it("puts prompts in the documented bands", () => {
    expect([0, 999, 1000, 3999, 4000, 16_000, 64_000, 1e6].map(sizeBand)).toEqual([0, 0, 1, 1, 2, 3, 4, 4]);
  });
});

describe("estimateSavings", () => {
  it("uses the literature default, labelled so, without enough measured reasoning traffic", () => {
    const samples = [uniform(MIN_SAMPLES - 1, 400, 3000)];
    const s = estimateSavings([std(10)], ctx(samples), samples);
    expect(s.byBasis).toEqual({ cell: 0, size: 0, all: 0, literature: 10 });
    // 500 × $5 + 100 × $25 + 9,000 × $25 per MTok = $0.23 per request.
    expect(s.counterfactual).toBeCloseTo(2.3, 9);
    expect(s.savings).toBeCloseTo(2.29, 9);
    // Bounds: the complex tier's 8,000–16,000 thinking tokens.
    expect(s.low).toBeCloseTo(10 * (0.0025 + 0.0025 + 0.2) - 0.01, 9);
    expect(s.high).toBeCloseTo(10 * (0.0025 + 0.0025 + 0.4) - 0.01, 9);
    expect(describeMethod(s)).toContain("literature default");
  });

  it("uses the measured thinking and output of the same cell once it has enough samples", () => {
    const samples = [uniform(MIN_SAMPLES, 400, 3000, { task: "qa" }), uniform(50, 1000, 20_000, { task: "math" })];
    const s = estimateSavings([std(10, { task: "qa" })], ctx(samples), samples);
    expect(s.byBasis.cell).toBe(10);
    // 500 × $5 + 3,400 × $25 per MTok = $0.0875 per request, not the 9,000-token default.
    expect(s.counterfactual).toBeCloseTo(0.875, 9);
    expect(s.savings).toBeCloseTo(0.865, 9);
    // No spread in the samples: no interval.
    expect(s.high - s.low).toBeCloseTo(0, 9);
    expect(s.measured.requests).toBe(70);
  });

  it("widens to the same prompt size, then to all reasoning traffic, before falling back", () => {
    const samples = [uniform(12, 400, 3000, { band: 1, task: "a" }), uniform(12, 600, 5000, { band: 1, task: "b" })];
    const c = ctx(samples);
    const s = estimateSavings([std(1, { band: 1, task: "c" }), std(1, { band: 0, task: "c" })], c, samples);
    // Both cells fall back to the pool of all 24 samples (band 1 has 24 too, so band 1 uses "size").
    expect(s.byBasis).toEqual({ cell: 0, size: 1, all: 1, literature: 0 });
  });

  it("gives a wider interval for a more spread sample, around the same mean", () => {
    const tight = [uniform(40, 500, 3000)];
    // Same mean (3,500 generated), half at 1,500 and half at 5,500.
    const spread: ReasoningSample[] = [{ band: 0, task: "", app: "", n: 40, output: 40 * 500, thinking: 40 * 3000, generatedSq: 20 * 1500 ** 2 + 20 * 5500 ** 2 }];
    const a = estimateSavings([std(100)], ctx(tight), tight);
    const b = estimateSavings([std(100)], ctx(spread), spread);
    expect(b.savings).toBeCloseTo(a.savings, 9);
    expect(b.high - b.low).toBeGreaterThan(0);
    // sd = 2,000 (sample sd 2,025.3), standard error over 40 samples, × 100 requests × $25/MTok × 1.96 each side.
    const half = 1.96 * 100 * 25e-6 * Math.sqrt((20 * 1500 ** 2 + 20 * 5500 ** 2 - 40 * 3500 ** 2) / 39 / 40);
    expect(b.high - b.savings).toBeCloseTo(half, 9);
  });

  it("does not compare a request whose reasoning model has no price", () => {
    const samples = [uniform(30, 400, 3000)];
    const s = estimateSavings([std(5)], { pools: new SamplePools(samples), priceFor: () => null, thinkingTier: "complex" }, samples);
    expect(s.compared).toBe(0);
    expect(s.unpricedModel).toBe(5);
    expect(s.savings).toBe(0);
  });
});

describe("estimateCell", () => {
  it("prices fractional means (measured averages) to the whole token over the cell", () => {
    // 21 samples: means of 3,333.33 thinking and 666.67 output tokens, priced for 3 requests.
    const samples: ReasoningSample[] = [{ band: 0, task: "", app: "", n: 21, output: 14_000, thinking: 70_000, generatedSq: 21 * 4000 ** 2 }];
    const e = estimateCell({ band: 0, task: "", app: "", model: "x", n: 3, input: 3000, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: 3, before: 0 }, ctx(samples))!;
    expect(e.cost).toBeCloseTo(3000 * 5e-6 + 12_000 * 25e-6, 9);
  });


  it("prices one request on the reasoning model with the pool's means", () => {
    const samples = [uniform(25, 1000, 4000)];
    const e = estimateCell({ band: 0, task: "", app: "", model: "x", n: 1, input: 2000, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: 1, before: 0 }, ctx(samples))!;
    expect(e.basis).toBe("cell");
    expect(e.cost).toBeCloseTo(2000 * 5e-6 + 5000 * 25e-6, 12);
  });

  it("adds what the calls before the answer cost as they cost, not at the reasoning model's rates", () => {
    // The answer's 2,000 prompt tokens are priced on the reasoning model; the classifier's call cost $0.0007.
    const samples = [uniform(25, 1000, 4000)];
    const e = estimateCell({ band: 0, task: "", app: "", model: "x", n: 1, input: 2000, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: 1, before: 0.0007 }, ctx(samples))!;
    expect(e.cost).toBeCloseTo(2000 * 5e-6 + 5000 * 25e-6 + 0.0007, 12);
    const lit = estimateCell({ band: 0, task: "", app: "", model: "x", n: 2, input: 4000, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: 200, before: 0.0014 }, ctx([]))!;
    expect(lit.basis).toBe("literature");
    expect(lit.cost).toBeCloseTo(4000 * 5e-6 + (200 + 2 * 9000) * 25e-6 + 0.0014, 12);
    expect(lit.low).toBeCloseTo(4000 * 5e-6 + (200 + 2 * 8000) * 25e-6 + 0.0014, 12);
  });
});
