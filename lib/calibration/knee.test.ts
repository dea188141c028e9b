import { describe, expect, it } from "vitest";
import { findKnee } from "./knee";
import { wilson, type ConfigStats } from "./stats";

/** A configuration with k of n right at a mean cost. */
function point(key: string, k: number, n: number, meanCost: number): ConfigStats {
  return { key, n, correct: k, failed: 0, accuracy: k / n, ci: wilson(k, n), meanCost, p95Cost: meanCost, meanThinking: 0, p95Thinking: 0, meanLatencyMs: 0, p95LatencyMs: 0 };
}

describe("findKnee", () => {
  // A budget ladder that rises, then plateaus: 4,096 is within 2 points of the best.
  const curve = [
    point("off", 40, 200, 0.001),
    point("1024", 80, 200, 0.004),
    point("2048", 120, 200, 0.007),
    point("4096", 170, 200, 0.012),
    point("8192", 172, 200, 0.02),
    point("16384", 172, 200, 0.035),
  ];

  it("recommends the cheapest configuration within the tolerance of the best", () => {
    const k = findKnee(curve, 0.02)!;
    expect(k.best).toBe("8192");
    expect(k.recommended).toBe("4096");
    expect(k.frontier).toEqual(["off", "1024", "2048", "4096", "8192"]);
    expect(k.stopsPayingAfter).toBe("4096");
    const last = k.steps.at(-1)!;
    expect(last).toMatchObject({ from: "4096", to: "8192", pays: false });
    expect(last.why).toMatch(/less than the 2.0 % tolerance/);
    expect(k.explanation.join(" ")).toMatch(/stops paying after 4096/);
  });

  it("with no tolerance recommends the best itself", () => {
    const k = findKnee(curve, 0)!;
    expect(k.recommended).toBe("8192");
    // The last gain (+1 point on 200 items) is within the noise.
    expect(k.steps.at(-1)!.why).toMatch(/within the noise/);
  });

  it("breaks accuracy ties by cost, and ignores configurations with nothing graded or priced", () => {
    const k = findKnee([point("a", 9, 10, 0.5), point("b", 9, 10, 0.2), { ...point("c", 10, 10, 0.1), meanCost: null }, { ...point("d", 0, 1, 0.01), n: 0 }], 0)!;
    expect(k.best).toBe("b");
    expect(k.recommended).toBe("b");
    expect(k.steps).toEqual([]);
    expect(k.explanation.at(-1)).toMatch(/did not pay/);
  });

  it("says every step paid when the curve never flattens", () => {
    const k = findKnee([point("a", 10, 100, 0.01), point("b", 50, 100, 0.02), point("c", 95, 100, 0.04)], 0.02)!;
    expect(k.recommended).toBe("c");
    expect(k.stopsPayingAfter).toBe("c");
    expect(k.steps.every((s) => s.pays)).toBe(true);
    expect(k.steps[0]!.costPerExtraCorrect).toBeCloseTo(0.01 / 0.4);
  });

  it("is null without usable results", () => {
    expect(findKnee([], 0.02)).toBeNull();
  });
});
