import { describe, expect, it } from "vitest";
import {
  bucketLabel, COST_BUCKETS, formatAxisUsd, formatShare, OTHER_KEY, prepareBucketSeries, prepareGroupSeries, prepareGroupTable, projectMonthly, toCents,
} from "./prepare";
import type { MonthlyProjection } from "./projection";
import type { CostGroup, CostStat, CostSummary } from "./types";

function stat(over: Partial<CostStat> = {}): CostStat {
  return {
    requests: 0, reasoning: 0, errors: 0, escalated: 0, priced: 0, unpriced: 0,
    costInput: 0, costCache: 0, costOutput: 0, costThinking: 0, costServerTools: 0, costTotal: 0,
    counterfactualCount: 0, counterfactualCost: 0, counterfactualActual: 0,
    inputTokens: 0, cacheTokens: 0, outputTokens: 0, thinkingTokens: 0, latencyMs: 0, ...over,
  };
}

function group(key: string, over: Partial<CostStat> = {}, label = key): CostGroup {
  const s = stat(over);
  return { key, label, ...s, avgCostPerRequest: s.priced ? s.costTotal / s.priced : null };
}

const B1 = "2026-11-24T00:00:00.000Z";
const B2 = "2026-11-25T00:00:00.000Z";
const B3 = "2026-11-26T00:00:00.000Z";

function summary(): CostSummary {
  const series = [
    { ...group("reasoning", { requests: 2, reasoning: 2, priced: 2, costInput: 0.01, costThinking: 0.3, costOutput: 0.05, costTotal: 0.36 }, "Reasoning"), bucket: B1 },
    { ...group("standard", { requests: 5, priced: 4, unpriced: 1, costInput: 0.02, costCache: 0.001, costOutput: 0.03, costTotal: 0.051 }, "Standard"), bucket: B1 },
    { ...group("standard", { requests: 1, priced: 1, costInput: 0.001, costOutput: 0.002, costTotal: 0.003 }, "Standard"), bucket: B3 },
  ];
  const groups = [
    group("standard", { requests: 6, priced: 5, unpriced: 1, costInput: 0.021, costCache: 0.001, costOutput: 0.032, costTotal: 0.054 }, "Standard"),
    group("reasoning", { requests: 2, reasoning: 2, priced: 2, costInput: 0.01, costThinking: 0.3, costOutput: 0.05, costTotal: 0.36 }, "Reasoning"),
  ];
  const totals = stat({ requests: 8, reasoning: 2, priced: 7, unpriced: 1, costTotal: 0.414 });
  return {
    range: { from: B1, to: "2026-11-27T00:00:00.000Z", granularity: "day", groupBy: "route", timezone: "UTC", days: 3, hourlyFirstDays: false, dataSince: B1 },
    buckets: [B1, B2, B3],
    series,
    groups,
    routes: groups,
    notServed: { keys: [], requests: 0 },
    totals: { ...totals, notBilled: 0, reasoningShare: 0.25, avgCostPerRequest: 0.414 / 7, savings: 0 },
    savings: {
      savings: 0, low: 0, high: 0, counterfactual: 0, actual: 0, compared: 0, byBasis: { cell: 0, size: 0, all: 0, literature: 0 },
      unpricedModel: 0, measured: { requests: 0, meanThinking: null, meanOutput: null }, method: "", reasoningRoute: null, reasoningModel: null, thinkingTier: "complex",
    },
    projection: {
      groups: [], perDay: 0, monthly: 0, unpricedPerDay: 0,
      basis: { days: [], dayCount: 0, todayHours: null, from: B1, to: B3, requests: 0, cost: 0, includeOneOff: false, oneOff: { requests: 0, cost: 0 } },
    },
    top: [],
  };
}

describe("prepareBucketSeries", () => {
  it("sums the groups per bucket and keeps empty buckets as zeros", () => {
    const pts = prepareBucketSeries(summary());
    expect(pts.map((p) => p.bucket)).toEqual([B1, B2, B3]);
    expect(pts[0]!.costTotal).toBeCloseTo(0.411, 12);
    expect(pts[0]!.costThinking).toBeCloseTo(0.3, 12);
    expect(pts[0]!.costCache).toBeCloseTo(0.001, 12);
    expect(pts[0]!.requests).toBe(7);
    expect(pts[0]!.unpriced).toBe(1);
    expect(pts[1]).toMatchObject({ costTotal: 0, requests: 0, reasoningShare: null, label: "Nov 25" });
    expect(pts[0]!.reasoningShare).toBeCloseTo(2 / 7, 12);
  });

  it("stacks to the total: the four buckets add up to costTotal in every bucket", () => {
    for (const p of prepareBucketSeries(summary())) {
      const stacked = COST_BUCKETS.reduce((a, b) => a + p[b.key], 0);
      expect(toCents(stacked)).toBe(toCents(p.costTotal));
    }
  });
});

describe("prepareGroupSeries", () => {
  it("gives each group a column and a colour, tiers their own", () => {
    const s = summary();
    const g = prepareGroupSeries(s);
    expect(g.keys.map((k) => [k.key, k.dataKey])).toEqual([["reasoning", "g0"], ["standard", "g1"]]);
    expect(g.rows[0]).toMatchObject({ bucket: B1, g0: 0.36, g1: 0.051 });
    expect(g.rows[1]).toMatchObject({ g0: 0, g1: 0 });
    const tiers = prepareGroupSeries({ ...s, range: { ...s.range, groupBy: "tier" }, groups: [group("reasoning", { costTotal: 2 }), group("standard", { costTotal: 1 })] });
    expect(tiers.keys.find((k) => k.key === "reasoning")!.color).toBe("#7c3aed");
    expect(tiers.keys.find((k) => k.key === "standard")!.color).toBe("#0d9488");
  });

  it("folds the long tail into Other, and keeps the totals", () => {
    const s = summary();
    const groups = Array.from({ length: 9 }, (_, i) => group(`m${i}`, { costTotal: 10 - i, requests: 1 }));
    const series = groups.map((g) => ({ ...g, bucket: B2 }));
    const out = prepareGroupSeries({ ...s, groups, series }, 4);
    expect(out.keys.map((k) => k.key)).toEqual(["m0", "m1", "m2", OTHER_KEY]);
    expect(out.keys[3]!.label).toBe("Other (6)");
    const row = out.rows[1]!;
    expect(row[OTHER_KEY]).toBe(7 + 6 + 5 + 4 + 3 + 2);
    const sum = out.keys.reduce((a, k) => a + (row[k.dataKey] as number), 0);
    expect(sum).toBe(groups.reduce((a, g) => a + g.costTotal, 0));
  });

  it("keeps a group named like a row's own field or Object's prototype apart from them", () => {
    const s = summary();
    const names = ["label", "bucket", "__proto__", "constructor"];
    const groups = names.map((k, i) => group(k, { costTotal: 4 - i, requests: 1 }));
    const series = groups.map((g) => ({ ...g, bucket: B2 }));
    const out = prepareGroupSeries({ ...s, groups, series });
    expect(out.keys.map((k) => k.key)).toEqual(names);
    const row = out.rows[1]!;
    expect(row).toMatchObject({ bucket: B2, label: out.rows[1]!.label });
    expect(typeof row.label).toBe("string");
    expect(out.keys.map((k) => row[k.dataKey])).toEqual([4, 3, 2, 1]);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });
});

describe("prepareGroupTable", () => {
  it("ranks by spend with shares, reasoning share and the average cost per priced request", () => {
    const rows = prepareGroupTable(summary());
    expect(rows.map((r) => r.key)).toEqual(["reasoning", "standard"]);
    expect(rows[0]!.share).toBeCloseTo(0.36 / 0.414, 12);
    expect(rows[0]!.reasoningShare).toBe(1);
    expect(rows[1]!.avgCostPerRequest).toBeCloseTo(0.054 / 5, 12);
    expect(rows[1]!.unpriced).toBe(1);
  });

  it("leaves the average unknown when nothing is priced (never $0)", () => {
    const rows = prepareGroupTable(summary(), [group("x", { requests: 3, unpriced: 3 })]);
    expect(rows[0]!.avgCostPerRequest).toBeNull();
  });
});

describe("projectMonthly", () => {
  const groups: MonthlyProjection["groups"] = [
    { key: "standard", label: "Standard", requestsPerDay: 100, costPerDay: 1, avgCostPerRequest: 0.01, monthly: 30, unpriced: 0 },
    { key: "reasoning", label: "Reasoning", requestsPerDay: 10, costPerDay: 2, avgCostPerRequest: 0.2, monthly: 60, unpriced: 0 },
    { key: "new", label: "New", requestsPerDay: 1, costPerDay: 0, avgCostPerRequest: null, monthly: null, unpriced: 3 },
  ];

  it("keeps the server's monthly figures when nothing is edited", () => {
    const p = projectMonthly({ groups });
    expect(p.rows.find((r) => r.key === "standard")!.monthly).toBe(30);
    expect(p.monthly).toBeCloseTo(90, 9);
  });

  it("scales an edited group's month with the requests per day the user typed", () => {
    const p = projectMonthly({ groups }, { reasoning: 1000 });
    const rsn = p.rows.find((r) => r.key === "reasoning")!;
    expect(rsn.edited).toBe(true);
    expect(rsn.requestsPerDay).toBe(1000);
    expect(rsn.monthly).toBeCloseTo(1000 * 0.2 * 30, 9);
    expect(p.monthly).toBeCloseTo(30 + 6000, 9);
  });

  it("leaves unpriced groups out of the total and counts them", () => {
    const p = projectMonthly({ groups });
    expect(p.rows.find((r) => r.key === "new")!.monthly).toBeNull();
    expect(p.unpricedRoutes).toBe(1);
  });

  it("ignores a negative or non-numeric override", () => {
    const p = projectMonthly({ groups }, { standard: -5, reasoning: Number.NaN });
    expect(p.rows.every((r) => !r.edited)).toBe(true);
  });
});

describe("formatting helpers", () => {
  it("rounds to the cent once", () => {
    expect(toCents(0.1 + 0.2)).toBe(0.3);
    expect(toCents(1.005)).toBe(1.01);
    expect(toCents(0.004)).toBe(0);
  });

  it("labels buckets in UTC", () => {
    expect(bucketLabel("2026-11-25T14:00:00.000Z", "hour")).toBe("Nov 25, 14:00");
    expect(bucketLabel("2026-11-25T00:00:00.000Z", "day")).toBe("Nov 25");
    expect(bucketLabel("2026-11-23T00:00:00.000Z", "week")).toBe("Wk Nov 23");
  });

  it("formats shares", () => {
    expect(formatShare(null)).toBe("—");
    expect(formatShare(0.433)).toBe("43%");
    expect(formatShare(0.045)).toBe("4.5%");
    expect(formatShare(0.0004)).toBe("<0.1%");
    expect(formatShare(0)).toBe("0.0%");
  });

  it("labels an axis tick with the value of its grid line, not the nearest dollar", () => {
    // The ticks the charts' axis picks for a $3.41 bar: each label must read as the value it stands at.
    expect([0, 0.9, 1.8, 2.7, 3.6].map(formatAxisUsd)).toEqual(["$0", "$0.90", "$1.80", "$2.70", "$3.60"]);
    expect([0, 1, 2, 3, 4].map(formatAxisUsd)).toEqual(["$0", "$1", "$2", "$3", "$4"]);
    expect([0.35, 1.05, 1.4].map(formatAxisUsd)).toEqual(["$0.35", "$1.05", "$1.40"]);
    expect(formatAxisUsd(0.0035)).toBe("$0.0035");
    expect(formatAxisUsd(1250)).toBe("$1,250");
  });
});
