import { describe, expect, it } from "vitest";
import { compareModels, type ComparedItem } from "@/lib/routing/classifier/compare";
import { changeTone, comparisonRows, formatChange, formatMetric, outOfFoldLine } from "./router";

const item = (label: "reasoning" | "standard", group: string, current: number, candidate: number): ComparedItem => ({ label, group, current, candidate });

/** Through JSON, as the page receives it (NaN becomes null). */
const viaJson = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe("comparisonRows", () => {
  const comparison = compareModels({
    shippedTest: [item("reasoning", "gsm8k", 0.9, 0.9), item("standard", "gsm8k", 0.7, 0.2), item("standard", "alpaca", 0.1, 0.1), item("reasoning", "alpaca", 0.4, 0.8)],
    teamTest: [],
    thresholds: { current: 0.5, candidate: 0.5 },
  });
  const rows = comparisonRows(viaJson({ evaluation: { comparison } } as never));

  it("has the shipped split, then its sources indented, and leaves out an empty team set", () => {
    expect(rows.map((r) => [r.name, r.indent, r.set, r.n, r.reasoning])).toEqual([
      ["Shipped test split", false, "shipped", 4, 2],
      ["alpaca", true, "shipped", 2, 1],
      ["gsm8k", true, "shipped", 2, 1],
    ]);
  });

  it("computes each model's figures and the change", () => {
    const all = rows[0]!;
    // current: tp 1 (0.9), fn 1 (0.4), fp 1 (0.7): F1 0.5; candidate: tp 2, fp 0: F1 1.
    expect(all.f1).toEqual({ current: 0.5, candidate: 1, change: 0.5 });
    expect(all.stdToReasoning).toEqual({ current: 0.5, candidate: 0, change: -0.5 });
    expect(all.recall.change).toBe(0.5);
  });

  it("shows a metric that does not exist (no reasoning rows: no F1) as a dash, not 0", () => {
    const onlyStandard = compareModels({ shippedTest: [item("standard", "x", 0.1, 0.9)], teamTest: [], thresholds: { current: 0.5, candidate: 0.5 } });
    const [r] = comparisonRows(viaJson({ evaluation: { comparison: onlyStandard } } as never));
    expect(r!.f1).toEqual({ current: null, candidate: null, change: null });
    expect(formatMetric(r!.f1.current, "ratio")).toBe("–");
    expect(r!.stdToReasoning).toEqual({ current: 0, candidate: 1, change: 1 });
  });
});

it("puts the team's test labels and their origins after the shipped rows", () => {
  const comparison = compareModels({
    shippedTest: [item("reasoning", "gsm8k", 0.9, 0.9)],
    teamTest: [item("reasoning", "trace", 0.2, 0.9), item("standard", "playground", 0.1, 0.1)],
    thresholds: { current: 0.5, candidate: 0.5 },
  });
  const rows = comparisonRows(viaJson({ evaluation: { comparison } } as never));
  expect(rows.map((r) => [r.name, r.set, r.indent])).toEqual([
    ["Shipped test split", "shipped", false],
    ["gsm8k", "shipped", true],
    ["Team's test labels", "team", false],
    ["playground", "team", true],
    ["trace", "team", true],
  ]);
  expect(rows[2]!.recall).toEqual({ current: 0, candidate: 1, change: 1 });
});

describe("formatting", () => {
  it("formats ratios, rates and their changes", () => {
    expect(formatMetric(0.93921, "ratio")).toBe("0.939");
    expect(formatMetric(0.0523, "percent")).toBe("5.2%");
    expect(formatChange(-0.0437, "ratio")).toBe("−0.044");
    expect(formatChange(0.015, "percent")).toBe("+1.5 pp");
    expect(formatChange(0, "ratio")).toBe("±0.000");
  });

  it("tells better from worse by the metric's direction", () => {
    expect(changeTone(0.02, true)).toBe("better");
    expect(changeTone(0.02, false)).toBe("worse");
    expect(changeTone(-0.01, false)).toBe("better");
    expect(changeTone(0, true)).toBe("same");
    expect(changeTone(null, true)).toBe("same");
  });
});

describe("outOfFoldLine", () => {
  it("says a model's out-of-family figures, or nothing for a file without them", () => {
    expect(outOfFoldLine({ f1: 0.8109, precision: 0.8968, recall: 0.74, fpr: 0.1217 })).toBe(
      "F1 0.811 · standard prompts sent to reasoning 12.2% · reasoning prompts caught 74.0%",
    );
    expect(outOfFoldLine(null)).toBeNull();
  });
});
