import { describe, expect, it } from "vitest";
import type { AssumptionPattern, RateRow } from "./patterns";
import { patternsView, summariseScopes } from "./patterns-view";

const rate = (over: Partial<RateRow>): RateRow => ({
  day: "2026-12-01",
  routeId: "code-review",
  routeName: "Code review",
  app: null,
  traces: 10,
  hedgeRate: 0.5,
  assumptionRate: 0.2,
  meanHedgeDensity: 3,
  meanAssumptionDensity: 1,
  meanFailureScore: 0.2,
  ...over,
});
const pattern = (key: string, meanFailureScore: number | null, traces = 4): AssumptionPattern => ({
  key,
  variants: [],
  traces,
  examples: ["req_1"],
  meanFailureScore,
  routeId: "code-review",
  routeName: "Code review",
  share: traces / 30,
  scopeTraces: 30,
  suggestion: `assume '${key}' — state it in the prompt`,
});

describe("patterns view", () => {
  it("merges days per route and app, weighting by traces", () => {
    const s = summariseScopes([rate({ traces: 10, meanFailureScore: 0.2, hedgeRate: 0.5 }), rate({ day: "2026-12-02", traces: 30, meanFailureScore: 0.4, hedgeRate: 0.1 }), rate({ app: "ide", traces: 5 })]);
    expect(s).toHaveLength(2);
    expect(s[0]).toMatchObject({ routeId: "code-review", app: null, traces: 40 });
    expect(s[0]!.meanFailureScore).toBeCloseTo(0.35);
    expect(s[0]!.hedgeRate).toBeCloseTo(0.2);
  });

  it("calls an assumption failure-prone when its traces score clearly above the route's mean", () => {
    const v = patternsView({
      window: { from: "", to: "", routeId: null, app: null },
      analysed: { traces: 30, limit: 5000, truncated: false },
      rates: [rate({ traces: 30, meanFailureScore: 0.2 })],
      assumptions: [pattern("input is sorted", 0.45), pattern("cache is warm", 0.21), pattern("old record", null)],
    });
    expect(v.assumptions.map((a) => [a.key, a.failureProne])).toEqual([["input is sorted", true], ["cache is warm", false], ["old record", false]]);
    expect(v.failureProne.map((a) => a.key)).toEqual(["input is sorted"]);
    expect(v.failureProne[0]!.routeFailureScore).toBeCloseTo(0.2);
  });
});
