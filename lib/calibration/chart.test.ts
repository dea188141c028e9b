import { describe, expect, it } from "vitest";
import { chartSeries } from "./chart";
import { findKnee } from "./knee";
import { wilson, type ConfigStats } from "./stats";

const point = (key: string, k: number, n: number, meanCost: number | null): ConfigStats => ({
  key, n, correct: k, failed: 0, accuracy: n ? k / n : 0, ci: wilson(k, n), meanCost, p95Cost: meanCost, meanThinking: 0, p95Thinking: 0, meanLatencyMs: 0, p95LatencyMs: 0,
});

describe("chartSeries", () => {
  it("draws one cost-sorted line per model, with interval distances and the knee marked", () => {
    const stats = [point("a:4096", 9, 10, 0.02), point("a:off", 2, 10, 0.001), point("b:effort=low", 8, 10, 0.01), point("a:1024", 0, 0, null)];
    const knee = findKnee(stats, 0.1);
    const series = chartSeries(stats, knee, (k) => ({ label: k, model: k.split(":")[0]! }));
    expect(series.map((s) => [s.model, s.points.map((p) => p.key)])).toEqual([
      ["a", ["a:off", "a:4096"]],
      ["b", ["b:effort=low"]],
    ]);
    const top = series[0]!.points[1]!;
    expect(top.accuracy).toBe(90);
    expect(top.error[0]).toBeCloseTo(90 - wilson(9, 10)[0] * 100, 0);
    expect(top.best).toBe(true);
    expect(series[1]!.points[0]!.recommended).toBe(true);
  });
});
