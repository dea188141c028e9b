import { describe, expect, it } from "vitest";
import { computeCost, pickPrice, type CostBreakdown } from "./cost";
import { PRICE_SEED, type PriceRow } from "./seed";
import { STANDARD_MODIFIERS, ZERO_BUCKETS, type PriceModifiers, type TokenBuckets } from "./usage";

const at = (iso: string) => new Date(iso);
const NOW = at("2026-11-25T12:00:00Z");
const price = (model: string, when = NOW) => {
  const p = pickPrice(PRICE_SEED, model, when);
  if (!p) throw new Error(`no seeded price for ${model}`);
  return p;
};
const buckets = (over: Partial<TokenBuckets>): TokenBuckets => ({ ...ZERO_BUCKETS, ...over });
const mods = (over: Partial<PriceModifiers>): PriceModifiers => ({ ...STANDARD_MODIFIERS, ...over });
const bucketSum = (c: CostBreakdown) => c.input! + c.cacheWrite! + c.cacheRead! + c.output! + c.thinking!;

describe("pickPrice", () => {
  it("returns null for a model with no price (claude-mythos-preview, unknown ids)", () => {
    expect(pickPrice(PRICE_SEED, "claude-mythos-preview", NOW)).toBeNull();
    expect(pickPrice(PRICE_SEED, "gpt-5", NOW)).toBeNull();
  });

  it("prefers the dated id's own row", () => {
    expect(pickPrice(PRICE_SEED, "claude-sonnet-4-5-20250929", NOW)?.model).toBe("claude-sonnet-4-5-20250929");
  });

  it("falls back from a dated id to its alias row", () => {
    const p = pickPrice(PRICE_SEED, "claude-opus-4-1-20250805", NOW);
    expect(p?.model).toBe("claude-opus-4-1");
    expect(p?.output).toBe(75);
  });

  it("falls back from an alias to its newest dated row", () => {
    const only = PRICE_SEED.filter((r) => r.model === "claude-haiku-4-5-20251001");
    const older = { ...only[0]!, model: "claude-haiku-4-5-20240101", input: 99 };
    expect(pickPrice([older, ...only], "claude-haiku-4-5", NOW)?.model).toBe("claude-haiku-4-5-20251001");
  });

  it("does not confuse a different model sharing a prefix", () => {
    const rows = PRICE_SEED.filter((r) => r.model === "claude-opus-4");
    expect(pickPrice(rows, "claude-opus-4-8", NOW)).toBeNull();
  });

  it("selects Sonnet 5.5's cache-read rate by effective date around the 2026-10-07 cut", () => {
    expect(pickPrice(PRICE_SEED, "claude-sonnet-5-5", at("2026-09-27T23:59:59.999Z"))).toBeNull(); // before launch
    expect(price("claude-sonnet-5-5", at("2026-09-28T00:00:00Z")).cacheRead).toBe(0.2);
    expect(price("claude-sonnet-5-5", at("2026-10-06T23:59:59.999Z")).cacheRead).toBe(0.2);
    expect(price("claude-sonnet-5-5", at("2026-10-07T00:00:00.000Z")).cacheRead).toBe(0.1);
    expect(price("claude-sonnet-5-5", NOW).cacheRead).toBe(0.1);
  });

  it("does not depend on row order", () => {
    const reversed = [...PRICE_SEED].reverse();
    expect(pickPrice(reversed, "claude-sonnet-5-5", NOW)?.cacheRead).toBe(0.1);
  });
});

describe("computeCost", () => {
  const sonnet45 = price("claude-sonnet-4-5"); // 3 / 3.75 / 6 / 0.30 / 15

  it("prices every bucket separately, thinking at the output rate", () => {
    const c = computeCost(
      buckets({ input: 1000, cacheWrite5m: 2000, cacheWrite1h: 3000, cacheRead: 10_000, output: 177, thinking: 212 }),
      STANDARD_MODIFIERS,
      sonnet45,
    );
    expect(c.pricingStatus).toBe("priced");
    expect(c.input).toBe(0.003); // 1000 × $3
    expect(c.cacheWrite).toBe(0.0255); // 2000 × $3.75 + 3000 × $6
    expect(c.cacheRead).toBe(0.003); // 10,000 × $0.30
    expect(c.output).toBe(0.002655); // 177 × $15
    expect(c.thinking).toBe(0.00318); // 212 × $15
    expect(c.total).toBe(0.037335);
    expect(c.nanoUsd).toEqual({
      input: 3_000_000,
      cacheWrite5m: 7_500_000,
      cacheWrite1h: 18_000_000,
      cacheRead: 3_000_000,
      output: 2_655_000,
      thinking: 3_180_000,
      serverTools: 0,
      total: 37_335_000,
    });
    expect(c).toMatchObject({ tier: "standard", priceModel: "claude-sonnet-4-5", multipliers: { batch: 1, geo: 1, fast: 1 }, notes: [] });
  });

  it("shows an unpriced model as unpriced with nulls, never $0", () => {
    const c = computeCost(buckets({ input: 500, output: 100 }), STANDARD_MODIFIERS, pickPrice(PRICE_SEED, "claude-mythos-preview", NOW));
    expect(c).toMatchObject({ pricingStatus: "unpriced", unpricedReason: "no_price", nanoUsd: null, tier: null });
    for (const v of [c.input, c.cacheWrite, c.cacheRead, c.output, c.thinking, c.total]) expect(v).toBeNull();
  });

  it("prices zero usage as a real $0 when the model is priced", () => {
    const c = computeCost(ZERO_BUCKETS, STANDARD_MODIFIERS, sonnet45);
    expect(c).toMatchObject({ pricingStatus: "priced", total: 0 });
  });

  it("treats an unusable price row (NaN, negative) as unpriced rather than throwing", () => {
    const bad: PriceRow = { ...sonnet45, output: Number.NaN };
    expect(computeCost(buckets({ output: 1 }), STANDARD_MODIFIERS, bad)).toMatchObject({ pricingStatus: "unpriced", unpricedReason: "invalid_price" });
  });

  describe("Haiku 5.5 long-context tier", () => {
    const haiku = price("claude-haiku-5-5");
    // prompt = input + cache read + 5m + 1h = 40,000 + 50,000 + 6,000 + 4,000 = 100,000
    const atThreshold = buckets({ input: 40_000, cacheRead: 50_000, cacheWrite5m: 6_000, cacheWrite1h: 4_000, output: 600, thinking: 400 });

    it("stays on standard rates at exactly 100,000 prompt tokens", () => {
      const c = computeCost(atThreshold, STANDARD_MODIFIERS, haiku);
      expect(c.tier).toBe("standard");
      // 40,000×0.10 + 50,000×0.01 + 6,000×0.125 + 4,000×0.20 + 1,000×0.50 (µUSD)
      expect(c.nanoUsd).toMatchObject({ input: 4_000_000, cacheRead: 500_000, cacheWrite5m: 750_000, cacheWrite1h: 800_000, output: 300_000, thinking: 200_000 });
      expect(c.total).toBe(0.00655);
    });

    it("bills the whole request, output and thinking included, at long rates one token past it", () => {
      const c = computeCost({ ...atThreshold, input: 40_001 }, STANDARD_MODIFIERS, haiku);
      expect(c.tier).toBe("long_context");
      // 40,001×0.50 + 50,000×0.05 + 6,000×0.625 + 4,000×1.00 + 600×2.50 + 400×2.50 (µUSD)
      expect(c.nanoUsd).toMatchObject({
        input: 20_000_500,
        cacheRead: 2_500_000,
        cacheWrite5m: 3_750_000,
        cacheWrite1h: 4_000_000,
        output: 1_500_000,
        thinking: 1_000_000,
        total: 32_750_500,
      });
      expect(c.total).toBe(0.0327505);
    });

    it("ignores output when measuring the prompt", () => {
      expect(computeCost({ ...atThreshold, output: 90_000 }, STANDARD_MODIFIERS, haiku).tier).toBe("standard");
    });
  });

  describe("modifiers", () => {
    const opus46 = price("claude-opus-4-6"); // 5 / 6.25 / 10 / 0.50 / 25, fast ×6
    const b = buckets({ input: 1000, cacheWrite5m: 1000, cacheWrite1h: 1000, cacheRead: 1000, output: 1000, thinking: 1000 });
    // standard µUSD: 5,000 + 6,250 + 10,000 + 500 + 25,000 + 25,000 = 71,750
    const standard = computeCost(b, STANDARD_MODIFIERS, opus46);

    it("standard baseline", () => expect(standard.total).toBe(0.07175));

    it("batch halves every bucket, cache writes and reads included", () => {
      const c = computeCost(b, mods({ serviceTier: "batch" }), opus46);
      expect(c.multipliers.batch).toBe(0.5);
      expect(c.input).toBe(0.0025);
      expect(c.cacheWrite).toBe(0.008125);
      expect(c.cacheRead).toBe(0.00025);
      expect(c.output).toBe(0.0125);
      expect(c.thinking).toBe(0.0125);
      expect(c.total).toBe(0.035875);
    });

    it("inference_geo us is 1.1× on every bucket, exactly", () => {
      const c = computeCost(b, mods({ inferenceGeo: "us" }), opus46);
      expect(c.cacheRead).toBe(0.00055);
      expect(c.total).toBe(0.078925);
      expect(computeCost(b, mods({ inferenceGeo: "global" }), opus46).total).toBe(0.07175);
    });

    it("speed fast multiplies by the row's fastMultiplier", () => {
      const c = computeCost(b, mods({ speed: "fast" }), opus46);
      expect(c.multipliers.fast).toBe(6);
      expect(c.total).toBe(0.4305);
    });

    it("stacks batch, geo and fast", () => {
      // 71,750 × 0.5 × 1.1 × 6 = 236,775 µUSD
      expect(computeCost(b, mods({ serviceTier: "batch", inferenceGeo: "us", speed: "fast" }), opus46).total).toBe(0.236775);
    });

    it("marks a fast request on a model with no known multiplier unpriced, with the standard total as a lower bound", () => {
      const opus45 = price("claude-opus-4-5");
      const c = computeCost(b, mods({ speed: "fast" }), opus45);
      expect(c).toMatchObject({ pricingStatus: "unpriced", unpricedReason: "fast_multiplier_unknown", total: null, output: null });
      expect(c.lowerBoundTotal).toBe(0.07175);
      expect(c.notes).toContain("fast_multiplier_unknown");
      expect(c.priceModel).toBe("claude-opus-4-5");
    });

    it("prices the priority tier at standard rates with a note", () => {
      const c = computeCost(b, mods({ serviceTier: "priority" }), opus46);
      expect(c.total).toBe(0.07175);
      expect(c.notes).toContain("priority_tier_priced_at_standard");
    });

    it("leaves a request that used a server tool unpriced while the row sets no fee for it, the tokens' cost as its floor", () => {
      const c = computeCost(b, mods({ webSearchRequests: 2 }), opus46);
      expect(c).toMatchObject({ pricingStatus: "unpriced", unpricedReason: "server_tool_fee_unknown", total: null, serverTools: null });
      expect(c.lowerBoundTotal).toBe(0.07175);
      // A fee for searches says nothing of fetches.
      expect(computeCost(b, mods({ webFetchRequests: 1 }), { ...opus46, webSearchFee: 0.01 }).unpricedReason).toBe("server_tool_fee_unknown");
      expect(computeCost(b, mods({ webSearchRequests: 0 }), opus46).total).toBe(0.07175);
    });

    it("adds each server tool use at the row's fee, with no token multiplier", () => {
      const row = { ...opus46, webSearchFee: 0.01, webFetchFee: 0.0025 };
      const c = computeCost(b, mods({ webSearchRequests: 3, webFetchRequests: 2 }), row);
      expect(c).toMatchObject({ pricingStatus: "priced", serverTools: 0.035, total: 0.10675 });
      expect(c.nanoUsd!.total).toBe(c.nanoUsd!.input + c.nanoUsd!.cacheWrite5m + c.nanoUsd!.cacheWrite1h + c.nanoUsd!.cacheRead + c.nanoUsd!.output + c.nanoUsd!.thinking + c.nanoUsd!.serverTools);
      // Batch halves the tokens, not the fees.
      expect(computeCost(b, mods({ serviceTier: "batch", webSearchRequests: 3, webFetchRequests: 2 }), row).total).toBe(0.070875); // 0.07175 / 2 + 0.035
    });
  });

  describe("totals", () => {
    it("equal the sum of the buckets, exactly in nano-USD and to the cent in USD, for every seeded price", () => {
      // A small deterministic PRNG, so failures reproduce.
      let seed = 20261125;
      const rand = (max: number) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % max;
      };
      const tiers = [null, "batch", "priority"] as const;
      const geos = [null, "us", "global"] as const;
      let checked = 0;
      for (const row of PRICE_SEED) {
        for (let i = 0; i < 50; i++) {
          const b = buckets({
            input: rand(300_000),
            cacheWrite5m: rand(50_000),
            cacheWrite1h: rand(50_000),
            cacheRead: rand(500_000),
            output: rand(64_000),
            thinking: rand(64_000),
          });
          const m = mods({ serviceTier: tiers[i % 3]!, inferenceGeo: geos[(i >> 1) % 3]!, speed: row.fastMultiplier && i % 5 === 0 ? "fast" : null });
          const c = computeCost(b, m, row);
          expect(c.pricingStatus).toBe("priced");
          const n = c.nanoUsd!;
          expect(n.total).toBe(n.input + n.cacheWrite5m + n.cacheWrite1h + n.cacheRead + n.output + n.thinking);
          expect(Math.round(c.total! * 100)).toBe(Math.round(bucketSum(c) * 100));
          expect(Math.abs(c.total! - bucketSum(c))).toBeLessThan(1e-9);
          checked++;
        }
      }
      expect(checked).toBe(PRICE_SEED.length * 50);
    });

    it("avoids float drift: 100,000 Haiku 5.5 input tokens at the US geo cost exactly $0.011", () => {
      // Naive floats give 100_000 * 0.1 / 1e6 * 1.1 === 0.011000000000000001.
      expect(100_000 * 0.1 / 1e6 * 1.1).not.toBe(0.011);
      const c = computeCost(buckets({ input: 100_000 }), mods({ inferenceGeo: "us" }), price("claude-haiku-5-5"));
      expect(c.total).toBe(0.011);
      expect(c.nanoUsd?.total).toBe(11_000_000);
    });

    it("rounds each bucket once, half-up, to the nano-dollar", () => {
      // 1 token × $0.01/MTok = 0.01 µUSD = 10 nUSD; × 1.1 = 11 nUSD; 3 tokens of $0.125 batch = 0.1875 µUSD = 187.5 → 188 nUSD
      const haiku = price("claude-haiku-5-5");
      expect(computeCost(buckets({ cacheRead: 1 }), mods({ inferenceGeo: "us" }), haiku).nanoUsd?.cacheRead).toBe(11);
      expect(computeCost(buckets({ cacheWrite5m: 3 }), mods({ serviceTier: "batch" }), haiku).nanoUsd?.cacheWrite5m).toBe(188);
    });
  });
});
