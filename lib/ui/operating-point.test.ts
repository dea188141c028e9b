import { describe, expect, it } from "vitest";
import { pointAt, prepareCurve, thresholdChange, tierTraffic } from "./operating-point";

const curve = [
  { threshold: 0, share: 1, recall: 1, fpr: 1, pgr: 1 },
  { threshold: 0.5, share: 0.4, recall: 0.9, fpr: 0.1, pgr: 0.7 },
  { threshold: 1, share: 0, recall: 0, fpr: 0, pgr: 0 },
];

describe("operating point", () => {
  it("interpolates between stored thresholds and clamps at the ends", () => {
    expect(pointAt(curve, 0.25)).toEqual({ threshold: 0.25, share: 0.7, recall: 0.95, fpr: 0.55, pgr: 0.85 });
    expect(pointAt(curve, -1)).toBe(curve[0]);
    expect(pointAt(curve, 2)).toBe(curve[2]);
    expect(pointAt([{ ...curve[1]!, pgr: null }, curve[2]!], 0.75).pgr).toBeNull();
  });

  it("orders the chart by share, in percent", () => {
    expect(prepareCurve(curve).map((p) => [p.share, p.caught, p.recovered])).toEqual([
      [0, 0, 0],
      [40, 90, 70],
      [100, 100, 100],
    ]);
  });

  it("prices a threshold change at the team's traffic", () => {
    // 600 requests over 20 days = 900 a month; 0.5 -> 0.25 sends 30 points more to reasoning at $0.25 more each
    const traffic = tierTraffic(
      [
        { key: "standard", requests: 400, avgCostPerRequest: 0.01 },
        { key: "reasoning", requests: 200, avgCostPerRequest: 0.26 },
      ],
      20,
    );
    expect(traffic).toEqual({ requestsPerMonth: 900, standardCost: 0.01, reasoningCost: 0.26 });
    const c = thresholdChange(curve, 0.5, 0.25, traffic);
    expect(c.proposed.share).toBeCloseTo(0.7, 12);
    expect(c.monthlyDelta).toBeCloseTo(900 * 0.3 * 0.25, 9);
    expect(thresholdChange(curve, 0.25, 0.5, traffic).monthlyDelta).toBeCloseTo(-67.5, 9);
  });

  it("says nothing about cost without traffic or prices", () => {
    expect(thresholdChange(curve, 0.5, 0.25, null).monthlyDelta).toBeNull();
    expect(thresholdChange(curve, 0.5, 0.25, tierTraffic([{ key: "standard", requests: 10, avgCostPerRequest: 0.01 }], 1)).monthlyDelta).toBeNull();
  });
});
