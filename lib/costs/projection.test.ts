import { describe, expect, it } from "vitest";
import { projectMonth, projectionWindow, type DayRow } from "./projection";

const DAY = 86_400_000;
const NOW = Date.parse("2026-12-05T13:30:00Z");
const TODAY = Date.parse("2026-12-05T00:00:00Z");

const row = (daysAgo: number, over: Partial<DayRow> = {}): DayRow => ({
  day: TODAY - daysAgo * DAY, key: "standard", label: "Standard", via: "messages", requests: 100, priced: 100, unpriced: 0, cost: 2, ...over,
});

describe("projectMonth", () => {
  it("divides by the days that had traffic, not by the range", () => {
    // Traffic on 2 of the last 7 days: $2 a day → $60 a month.
    const p = projectMonth([row(2), row(5)], NOW);
    expect(p.basis.days).toEqual(["2026-11-30", "2026-12-03"]);
    expect(p.basis.dayCount).toBe(2);
    expect(p.perDay).toBeCloseTo(2, 9);
    expect(p.monthly).toBeCloseTo(60, 9);
    expect(p.groups[0]!.requestsPerDay).toBe(100);
  });

  it("counts today as the hours that have passed", () => {
    // 14 hours of today (13:30 → 14 whole hours) with $7: $12 a day.
    const p = projectMonth([row(0, { cost: 7 })], NOW);
    expect(p.basis.todayHours).toBe(14);
    expect(p.basis.dayCount).toBeCloseTo(14 / 24, 12);
    expect(p.monthly).toBeCloseTo(7 * (24 / 14) * 30, 9);
  });

  it("leaves calibration and playground traffic out unless asked, and says how much", () => {
    const rows = [row(1), row(1, { key: "calibration:e1", via: "calibration", requests: 40, priced: 40, cost: 50 }), row(3, { via: "playground", requests: 2, priced: 2, cost: 1 })];
    const p = projectMonth(rows, NOW);
    expect(p.monthly).toBeCloseTo(60, 9);
    expect(p.basis.days).toEqual(["2026-12-04"]);
    expect(p.basis.oneOff).toEqual({ requests: 42, cost: 51 });
    const all = projectMonth(rows, NOW, true);
    expect(all.basis.dayCount).toBe(2);
    expect(all.monthly).toBeCloseTo(((2 + 50 + 1) / 2) * 30, 9);
  });

  it("ignores days before the window and reports unpriced requests beside the money", () => {
    const p = projectMonth([row(1, { unpriced: 10, requests: 110 }), row(8, { cost: 1000 })], NOW);
    expect(p.monthly).toBeCloseTo(60, 9);
    expect(p.unpricedPerDay).toBe(10);
  });

  it("has no basis without traffic", () => {
    const p = projectMonth([], NOW);
    expect(p.monthly).toBe(0);
    expect(p.basis.dayCount).toBe(0);
    expect(p.groups).toEqual([]);
  });

  it("looks at seven UTC days ending with the current hour", () => {
    const w = projectionWindow(NOW);
    expect(new Date(w.from).toISOString()).toBe("2026-11-29T00:00:00.000Z");
    expect(new Date(w.to).toISOString()).toBe("2026-12-05T14:00:00.000Z");
  });
});
