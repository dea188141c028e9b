import { describe, expect, it } from "vitest";
import {
  calibrateDeployment,
  confusionAt,
  shareNeededForRecall,
  sweep,
  thresholdForGroupRecall,
  thresholdForRecall,
  thresholdForShare,
  type ScoredItem,
} from "./calibrate";

const items: ScoredItem[] = [
  { score: 0.95, label: "reasoning" },
  { score: 0.9, label: "reasoning" },
  { score: 0.8, label: "standard" },
  { score: 0.7, label: "reasoning" },
  { score: 0.4, label: "standard" },
  { score: 0.3, label: "reasoning" },
  { score: 0.2, label: "standard" },
  { score: 0.1, label: "standard" },
];

describe("thresholdForShare", () => {
  const scores = items.map((i) => i.score);
  it("sends the target share to reasoning", () => {
    const t = thresholdForShare(scores, 0.25);
    expect(t).toBe(0.9);
    expect(scores.filter((s) => s >= t).length / scores.length).toBe(0.25);
    expect(thresholdForShare(scores, 0.3)).toBe(0.8); // ceil(0.3 * 8) = 3 calls
  });
  it("handles the extremes", () => {
    expect(thresholdForShare(scores, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(thresholdForShare(scores, 1)).toBe(0.1);
    expect(() => thresholdForShare([], 0.5)).toThrow();
  });
});

describe("thresholdForRecall", () => {
  it("is the highest threshold reaching the recall", () => {
    expect(thresholdForRecall(items, 0.5)).toBe(0.9);
    expect(thresholdForRecall(items, 0.75)).toBe(0.7);
    expect(thresholdForRecall(items, 1)).toBe(0.3);
    expect(confusionAt(items, thresholdForRecall(items, 0.75)).recall).toBeGreaterThanOrEqual(0.75);
  });
  it("weights items", () => {
    const w = items.map((i) => ({ ...i, weight: i.score === 0.3 ? 10 : 1 }));
    // the heavy low-scored item must be caught for 50% weighted recall
    expect(thresholdForRecall(w, 0.5)).toBe(0.3);
  });
  it("applies the target to every group (worst group)", () => {
    const g = [
      ...items.map((i) => ({ ...i, group: "easy" })),
      { score: 0.5, label: "reasoning" as const, group: "hard" },
      { score: 0.2, label: "reasoning" as const, group: "hard" },
      { score: 0.6, label: "standard" as const, group: "std-only" },
    ];
    expect(thresholdForGroupRecall(g, 0.5)).toBe(0.5); // hard needs 0.5, easy 0.9
    expect(thresholdForGroupRecall(g, 1)).toBe(0.2);
  });
});

describe("metrics", () => {
  it("computes the confusion at a threshold", () => {
    const c = confusionAt(items, 0.5);
    expect([c.tp, c.fp, c.fn, c.tn]).toEqual([3, 1, 1, 3]);
    expect(c.precision).toBe(0.75);
    expect(c.recall).toBe(0.75);
    expect(c.f1).toBeCloseTo(0.75);
    expect(c.share).toBe(0.5);
    expect(c.fpr).toBe(0.25);
  });
  it("sweeps thresholds monotonically", () => {
    const rows = sweep(items);
    for (let k = 1; k < rows.length; k++) {
      expect(rows[k]!.share).toBeLessThanOrEqual(rows[k - 1]!.share);
      expect(rows[k]!.recall).toBeLessThanOrEqual(rows[k - 1]!.recall);
    }
  });
  it("reports the share of calls needed for a recall", () => {
    const r = shareNeededForRecall(items, 0.75);
    expect(r.threshold).toBe(0.7);
    expect(r.share).toBe(0.5);
  });
  it("builds a deployment record", () => {
    const d = calibrateDeployment({ method: "share", target: 0.25, scores: items.map((i) => i.score) }, "test traffic");
    expect(d).toMatchObject({ threshold: 0.9, method: "share", target: 0.25, n: 8, calibratedOn: "test traffic" });
    const r = calibrateDeployment({ method: "recall", target: 1, items });
    expect(r.threshold).toBe(0.3);
    expect(() => calibrateDeployment({ method: "share", target: 2, scores: [0.1] })).toThrow();
  });
});
