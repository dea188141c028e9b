import { describe, expect, it } from "vitest";
import { countByKind, densityPoints, segmentText, SIGNAL_ORDER, SIGNAL_STYLES, type SignalKind, type SpanLike } from "./present";
import { activeFilterCount, filtersToApiQuery, filtersToSearch, readFilters } from "./url";

const text = "I think the cache is stale. Wait, no, it is fresh. Assuming n is even.";
const spans: SpanLike[] = [
  { start: 0, end: 7, kind: "hedge", text: "I think" },
  { start: 28, end: 36, kind: "self_correction", text: "Wait, no" },
  { start: 51, end: 59, kind: "assumption", text: "Assuming" },
];
const all = new Set<SignalKind>(SIGNAL_ORDER);

describe("segmentText", () => {
  it("cuts the text into plain and highlighted parts that join back to the text", () => {
    const segs = segmentText(text, spans, all);
    expect(segs.map((s) => s.text).join("")).toBe(text);
    expect(segs.filter((s) => s.kind).map((s) => [s.text, s.kind, s.index])).toEqual([
      ["I think", "hedge", 0],
      ["Wait, no", "self_correction", 1],
      ["Assuming", "assumption", 2],
    ]);
  });

  it("leaves switched-off kinds as plain text and numbers the shown spans only", () => {
    const segs = segmentText(text, spans, new Set<SignalKind>(["assumption"]));
    expect(segs.map((s) => s.text).join("")).toBe(text);
    expect(segs.filter((s) => s.kind).map((s) => [s.kind, s.index])).toEqual([["assumption", 0]]);
  });

  it("skips spans that overlap or fall outside the text", () => {
    const bad: SpanLike[] = [...spans, { start: 2, end: 9, kind: "stuck", text: "" }, { start: 60, end: 999, kind: "hedge", text: "" }];
    expect(segmentText(text, bad, all).filter((s) => s.kind)).toHaveLength(3);
  });
});

describe("signal styles", () => {
  it("gives every kind its own colour", () => {
    expect(new Set(SIGNAL_ORDER.map((k) => SIGNAL_STYLES[k].chart)).size).toBe(5);
    expect(new Set(SIGNAL_ORDER.map((k) => SIGNAL_STYLES[k].mark)).size).toBe(5);
  });

  it("counts spans by kind and sums the density of the enabled kinds", () => {
    expect(countByKind(spans)).toEqual({ hedge: 1, assumption: 1, self_correction: 1, alternative: 0, stuck: 0 });
    const byKind = { hedge: [1, 0], assumption: [0, 2], self_correction: [3, 0], alternative: [0, 0], stuck: [0, 0] };
    expect(densityPoints({ total: [4, 2], byKind }, new Set<SignalKind>(["hedge", "assumption"])).map((p) => p.density)).toEqual([1, 2]);
  });
});

describe("explorer URL", () => {
  it("round-trips filters through the query string in a stable order", () => {
    const f = readFilters(new URLSearchParams("tier=reasoning&q=retry&hedging=true&junk=1&app="));
    expect(f).toEqual({ tier: "reasoning", q: "retry", hedging: "true" });
    expect(filtersToSearch(f)).toBe("?q=retry&tier=reasoning&hedging=true");
    expect(activeFilterCount(f)).toBe(2);
  });

  it("turns a range preset into from, relative to now", () => {
    const now = Date.parse("2026-11-25T12:00:00Z");
    expect(filtersToApiQuery({ range: "24h", tier: "standard", to: "x" }, now)).toEqual({ from: "2026-11-24T12:00:00.000Z", tier: "standard" });
    expect(filtersToApiQuery({ range: "custom", from: "2026-11-01T00:00:00.000Z" }, now)).toEqual({ from: "2026-11-01T00:00:00.000Z" });
  });
});
