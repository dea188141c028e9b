import { describe, expect, it } from "vitest";
import {
  DEFAULT_SAMPLING,
  MIN_HEDGES,
  sampleFraction,
  samplingConfigSchema,
  samplingReason,
  shouldStoreThinking,
  type SamplingConfig,
  type SamplingInput,
} from "./sampling";

/** 10,000 ids shaped like lib/api/ids.ts makes them (time prefix, then hex), but fixed, so the test is stable. */
const IDS = Array.from({ length: 10_000 }, (_, i) => {
  const ms = 1_764_000_000_000 + i * 37;
  const hex = ((i * 2654435761) >>> 0).toString(16).padStart(8, "0") + ((i * 40503) >>> 0).toString(16).padStart(8, "0");
  return `req_${ms.toString(36).padStart(9, "0")}${hex}`;
});

const ok = (requestId: string, over: Partial<SamplingInput> = {}): SamplingInput => ({
  requestId,
  routeId: "reasoning",
  status: "ok",
  escalated: false,
  hedgeDensity: 5,
  hedgeCount: 2,
  ...over,
});

const config = (over: Partial<SamplingConfig> = {}): SamplingConfig => samplingConfigSchema.parse(over);

const share = (cfg: SamplingConfig, over: Partial<SamplingInput> = {}) => IDS.filter((id) => shouldStoreThinking(ok(id, over), cfg)).length / IDS.length;

describe("shouldStoreThinking", () => {
  it("defaults to 10%, a hedge threshold of 20 per 1,000 words", () => {
    expect(DEFAULT_SAMPLING).toEqual({ rate: 0.1, perRoute: {}, hedgeDensityThreshold: 20 });
  });

  it("is deterministic by request id", () => {
    const cfg = config({ rate: 0.3 });
    for (const id of IDS.slice(0, 500)) {
      expect(shouldStoreThinking(ok(id), cfg)).toBe(shouldStoreThinking(ok(id), cfg));
      expect(sampleFraction(id)).toBe(sampleFraction(id));
      expect(sampleFraction(id)).toBeGreaterThanOrEqual(0);
      expect(sampleFraction(id)).toBeLessThan(1);
    }
  });

  it.each([0.01, 0.1, 0.25, 0.5, 0.9])("keeps about %d of 10,000 ids", (rate) => {
    // Binomial standard deviation at n = 10,000 is at most 0.005; allow ~4 of them.
    expect(Math.abs(share(config({ rate })) - rate)).toBeLessThan(0.02);
  });

  it("spreads ids evenly over [0, 1)", () => {
    const bins = new Array<number>(10).fill(0);
    for (const id of IDS) bins[Math.floor(sampleFraction(id) * 10)]!++;
    for (const b of bins) expect(Math.abs(b - 1000)).toBeLessThan(150);
  });

  it("only adds traces when the rate goes up", () => {
    const low = config({ rate: 0.1 });
    const high = config({ rate: 0.2 });
    for (const id of IDS) if (shouldStoreThinking(ok(id), low)) expect(shouldStoreThinking(ok(id), high)).toBe(true);
  });

  it("keeps nothing at rate 0 and everything at rate 1 (0 is a rate, not 'unset')", () => {
    expect(samplingConfigSchema.parse({ rate: 0 }).rate).toBe(0);
    expect(share(config({ rate: 0 }))).toBe(0);
    expect(share(config({ rate: 1 }))).toBe(1);
  });

  it("applies per-route rates over the default", () => {
    const cfg = config({ rate: 0, perRoute: { "code-review": 1, reasoning: 0.5 } });
    expect(share(cfg, { routeId: "code-review" })).toBe(1);
    expect(Math.abs(share(cfg, { routeId: "reasoning" }) - 0.5)).toBeLessThan(0.02);
    expect(share(cfg, { routeId: "standard" })).toBe(0);
    expect(share(cfg, { routeId: null })).toBe(0);
  });

  it("reads a route's rate from the configuration's own keys: routes named like Object's members get the default", () => {
    for (const routeId of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      expect(share(config({ rate: 1 }), { routeId }), routeId).toBe(1);
      expect(share(config({ rate: 0 }), { routeId }), routeId).toBe(0);
    }
  });

  it("always keeps errors, partial answers and escalations", () => {
    const cfg = config({ rate: 0 });
    expect(share(cfg, { status: "error" })).toBe(1);
    expect(share(cfg, { status: "partial" })).toBe(1);
    expect(share(cfg, { escalated: true })).toBe(1);
    expect(samplingReason(ok(IDS[0]!, { status: "error" }), cfg)).toBe("error");
    expect(samplingReason(ok(IDS[0]!, { status: "partial" }), cfg)).toBe("partial");
    expect(samplingReason(ok(IDS[0]!, { escalated: true }), cfg)).toBe("escalated");
  });

  it("always keeps traces that hedge more than the threshold, counting at least MIN_HEDGES hedges", () => {
    const cfg = config({ rate: 0, hedgeDensityThreshold: 20 });
    expect(share(cfg, { hedgeDensity: 20.5, hedgeCount: MIN_HEDGES })).toBe(1);
    expect(samplingReason(ok(IDS[0]!, { hedgeDensity: 40, hedgeCount: 8 }), cfg)).toBe("hedging");
    // At the threshold is not above it; one hedge in a short trace is noise.
    expect(share(cfg, { hedgeDensity: 20, hedgeCount: 9 })).toBe(0);
    expect(share(cfg, { hedgeDensity: 50, hedgeCount: MIN_HEDGES - 1 })).toBe(0);
    expect(share(cfg, { hedgeDensity: null, hedgeCount: 0 })).toBe(0);
    expect(samplingReason(ok(IDS[0]!), cfg)).toBe("sampled_out");
    expect(samplingReason(ok(IDS[0]!), config({ rate: 1 }))).toBe("sampled");
  });

  it("validates the setting", () => {
    expect(samplingConfigSchema.safeParse({ rate: 1.5 }).success).toBe(false);
    expect(samplingConfigSchema.safeParse({ rate: -0.1 }).success).toBe(false);
    expect(samplingConfigSchema.safeParse({ perRoute: { x: 2 } }).success).toBe(false);
    expect(samplingConfigSchema.safeParse({ hedgeDensityThreshold: -1 }).success).toBe(false);
  });
});
