import { describe, expect, it } from "vitest";
import { heldOutScores, summariseLoso, type Fitted } from "./loso";

interface Row {
  source: string;
  prompt: string;
  label: "reasoning" | "standard";
}

const rows: Row[] = [
  { source: "a", prompt: "a1", label: "reasoning" },
  { source: "a", prompt: "a2", label: "standard" },
  { source: "b", prompt: "b1", label: "reasoning" },
  { source: "b", prompt: "b2", label: "reasoning" },
  { source: "c", prompt: "c1", label: "standard" },
  { source: "c", prompt: "c2", label: "standard" },
];

// A model that remembers its training rows' labels and says 0.6 for anything it never saw.
function memorise(train: Row[]): Fitted<Row> {
  const seen = new Map(train.map((r) => [r.prompt, r.label === "reasoning" ? 1 : 0]));
  return { score: (r) => seen.get(r.prompt) ?? 0.6, threshold: 0.5 };
}

describe("heldOutScores", () => {
  it("scores every row with a model fitted without its source", () => {
    const fitted: string[][] = [];
    const out = heldOutScores(rows, (r) => r.source, (train, leftOut) => {
      fitted.push([leftOut, ...train.map((r) => r.source)]);
      return memorise(train);
    });
    expect(fitted).toEqual([
      ["a", "b", "b", "c", "c"],
      ["b", "a", "a", "c", "c"],
      ["c", "a", "a", "b", "b"],
    ]);
    // nothing memorised reaches the held-out rows: all get the unseen score
    expect(out.map((o) => o.score)).toEqual([0.6, 0.6, 0.6, 0.6, 0.6, 0.6]);
    expect(out.map((o) => o.unit)).toEqual(["a", "a", "b", "b", "c", "c"]);
  });

  it("can run only some units", () => {
    const out = heldOutScores(rows, (r) => r.source, memorise, ["c"]);
    expect(out.map((o) => o.row.prompt)).toEqual(["c1", "c2"]);
  });

  it("refuses a single unit (nothing to train on)", () => {
    expect(() => heldOutScores(rows.slice(0, 2), (r) => r.source, memorise)).toThrow(/nothing to train on/);
  });
});

describe("summariseLoso", () => {
  // a per-unit threshold: unit a's model cuts at 0.5, unit b's at 0.8, c's at 0.3
  const thresholds: Record<string, number> = { a: 0.5, b: 0.8, c: 0.3 };
  const scores: Record<string, number> = { a1: 0.7, a2: 0.6, b1: 0.9, b2: 0.7, c1: 0.2, c2: 0.4 };
  const items = rows.map((row) => ({ row, unit: row.source, score: scores[row.prompt]!, threshold: thresholds[row.source]! }));
  const s = summariseLoso(items, (r) => r.label);

  it("judges each row at its own model's threshold", () => {
    const [a, b, c] = s.units;
    expect(a!.c).toMatchObject({ tp: 1, fp: 1, fn: 0, tn: 0 });
    expect(b!.c).toMatchObject({ tp: 1, fp: 0, fn: 1, tn: 0 });
    expect(c!.c).toMatchObject({ tp: 0, fp: 1, fn: 0, tn: 1 });
    expect(s.pooled.c).toMatchObject({ tp: 2, fp: 2, fn: 1, tn: 1 });
  });

  it("names the worst unit by F1, or accuracy where a unit has no reasoning rows", () => {
    // a: F1 2/3; b: precision 1, recall .5 -> F1 2/3; c: accuracy 0.5
    expect(s.units.map((u) => u.figure)).toEqual([2 / 3, 2 / 3, 0.5]);
    expect(s.worst!.unit).toBe("c");
    // standard->reasoning: a 1/1, c 1/2
    expect(s.worstFpr!.unit).toBe("a");
  });
});
