import { describe, expect, it } from "vitest";
import { apgr, cpt, outcomeMetrics, qualityCurve, spread, strongShareForQuality, type OutcomeItem } from "./outcomes";

// Weak right on 2 of 4, strong on all 4: the gap is two answers.
const items: OutcomeItem[] = [
  { score: 0.9, weak: 0, strong: 1 }, // strong helps
  { score: 0.7, weak: 1, strong: 1 },
  { score: 0.5, weak: 0, strong: 1 }, // strong helps
  { score: 0.1, weak: 1, strong: 1 },
];

describe("qualityCurve", () => {
  it("routes the highest scores first and recovers the gap step by step", () => {
    const c = qualityCurve(items);
    expect(c.map((p) => p.share)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(c.map((p) => p.quality)).toEqual([0.5, 0.75, 0.75, 1, 1]);
    expect(c.map((p) => p.pgr)).toEqual([0, 0.5, 0.5, 1, 1]);
  });

  it("treats tied scores as routed in random order (expected quality)", () => {
    const tied = items.map((i) => ({ ...i, score: 0.3 }));
    const c = qualityCurve(tied);
    expect(c.map((p) => p.share)).toEqual([0, 1]);
    expect(apgr(c)).toBeCloseTo(0.5, 12);
    expect(cpt(c, 0.5)).toBeCloseTo(0.5, 12);
    // quality goes linearly from 0.5 to 1: 95% of 1 at share 0.9
    expect(strongShareForQuality(c, 1, 0.95)).toBeCloseTo(0.9, 12);
  });
});

describe("outcomeMetrics", () => {
  it("matches hand-computed APGR, CPT and the share for 95% of the strong quality", () => {
    const m = outcomeMetrics(items);
    expect(m.n).toBe(4);
    expect(m.weakQuality).toBe(0.5);
    expect(m.strongQuality).toBe(1);
    // trapezoids: (0+.5)/2*.25 + (.5+.5)/2*.25 + (.5+1)/2*.25 + (1+1)/2*.25
    expect(m.apgr).toBeCloseTo(0.625, 12);
    expect(m.cpt50).toBeCloseTo(0.25, 12);
    // PGR goes from 0.5 at 0.5 to 1 at 0.75: 0.8 is reached 60% of the way
    expect(m.cpt80).toBeCloseTo(0.65, 12);
    // quality 0.75 -> 1 between 0.5 and 0.75: 0.95 at 80% of the way
    expect(m.strongShareFor95).toBeCloseTo(0.7, 12);
  });

  it("gives an oracle a high APGR and a reversed oracle a low one", () => {
    const oracle = items.map((i) => ({ ...i, score: i.strong - i.weak }));
    const reversed = items.map((i) => ({ ...i, score: i.weak - i.strong }));
    // oracle: PGR 0 -> 1 over the first half, then 1: 0.25 + 0.5
    expect(outcomeMetrics(oracle).apgr).toBeCloseTo(0.75, 12);
    expect(outcomeMetrics(oracle).cpt80).toBeCloseTo(0.4, 12);
    // reversed: PGR 0 over the first half, then 0 -> 1: 0.25
    expect(outcomeMetrics(reversed).apgr).toBeCloseTo(0.25, 12);
  });

  it("counts prompts where the strong configuration is worse against the router", () => {
    const m = outcomeMetrics([
      { score: 0.9, weak: 1, strong: 0 },
      { score: 0.1, weak: 0, strong: 1 },
    ]);
    // gap is 0 answers overall: PGR undefined, APGR NaN, and 95% of the strong quality (0.5) is met with no strong calls
    expect(Number.isNaN(m.apgr)).toBe(true);
    expect(m.strongShareFor95).toBe(0);
  });

  it("lets PGR go negative where the router sends a prompt the strong configuration gets wrong, and NaN when a target is never reached", () => {
    const worse = [
      { score: 0.9, weak: 1, strong: 0 },
      { score: 0.5, weak: 1, strong: 1 },
      { score: 0.1, weak: 0, strong: 1 },
      { score: 0.05, weak: 0, strong: 1 },
    ];
    const c = qualityCurve(worse);
    expect(c.map((p) => p.pgr)).toEqual([0, -1, -1, 0, 1]);
    expect(cpt(c, 0.5)).toBeCloseTo(0.875, 12);
    expect(Number.isNaN(cpt(c, 1.5))).toBe(true);
  });
});

describe("spread", () => {
  it("gives the mean, sample standard deviation and range, skipping NaN", () => {
    const s = spread([4, 1, Number.NaN, 3, 2]);
    expect(s.n).toBe(4);
    expect(s.mean).toBeCloseTo(2.5, 12);
    // squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, over n - 1 = 3
    expect(s.sd).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect([s.min, s.max]).toEqual([1, 4]);
  });

  it("has no standard deviation for one value, and nothing for none", () => {
    expect(spread([0.7])).toMatchObject({ n: 1, mean: 0.7, min: 0.7, max: 0.7 });
    expect(spread([0.7]).sd).toBeNaN();
    expect(spread([Number.NaN]).mean).toBeNaN();
  });
});
