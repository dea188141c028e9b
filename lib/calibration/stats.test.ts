import { describe, expect, it } from "vitest";
import { configStats, percentile, statsByCategory, wilson } from "./stats";

describe("wilson", () => {
  it("matches the textbook interval", () => {
    const [lo, hi] = wilson(8, 10);
    expect(lo).toBeCloseTo(0.4902, 3);
    expect(hi).toBeCloseTo(0.9433, 3);
  });
  it("stays inside [0, 1] at the extremes and is wide without data", () => {
    expect(wilson(0, 10)[0]).toBe(0);
    expect(wilson(10, 10)[1]).toBe(1);
    expect(wilson(10, 10)[0]).toBeCloseTo(0.7225, 3);
    expect(wilson(0, 0)).toEqual([0, 1]);
  });
});

describe("configStats", () => {
  const t = (correct: boolean | null, cost: number | null, thinking = 0, category: string | null = null) => ({ configKey: "k", category, correct, costUsd: cost, thinkingTokens: thinking, latencyMs: 10 });

  it("counts failed calls apart from accuracy, and averages priced trials only", () => {
    const s = configStats("k", [t(true, 0.01, 100), t(false, 0.03, 300), t(true, null, 200), t(null, null)]);
    expect(s).toMatchObject({ n: 3, correct: 2, failed: 1, meanThinking: 200, p95Thinking: 300 });
    expect(s.accuracy).toBeCloseTo(2 / 3);
    expect(s.meanCost).toBeCloseTo(0.02);
    expect(s.p95Cost).toBe(0.03);
  });

  it("nearest-rank p95", () => {
    expect(percentile([...Array(100).keys()].map((i) => i + 1), 0.95)).toBe(95);
    expect(percentile([5], 0.95)).toBe(5);
  });

  it("splits by category", () => {
    const cats = statsByCategory(["k"], [t(true, 0.01, 0, "b"), t(false, 0.01, 0, "a"), t(true, 0.01, 0, "a")]);
    expect(cats.map((c) => [c.category, c.stats[0]!.accuracy])).toEqual([["a", 0.5], ["b", 1]]);
  });
});
