import { describe, expect, it } from "vitest";
import { balancedGroups, heldOutByGroup, heldOutScores, summariseLoso, type Fitted } from "./loso";

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

describe("balancedGroups", () => {
  it("gives the largest keys first to the lightest group, ties to the lowest group", () => {
    const g = balancedGroups(new Map([["e", 1], ["c", 3], ["a", 5], ["d", 2], ["b", 4]]), 2);
    // a -> 0 (5|0), b -> 1 (5|4), c -> 1 (5|7), d -> 0 (7|7), e -> 0 (tie: lowest)
    expect(Object.fromEntries(g)).toEqual({ a: 0, b: 1, c: 1, d: 0, e: 0 });
  });

  it("orders equal sizes by name, so the result does not depend on the input order", () => {
    expect(Object.fromEntries(balancedGroups(new Map([["y", 2], ["x", 2], ["z", 2]]), 3))).toEqual({ x: 0, y: 1, z: 2 });
    expect(Object.fromEntries(balancedGroups(new Map([["z", 2], ["x", 2], ["y", 2]]), 3))).toEqual({ x: 0, y: 1, z: 2 });
  });

  it("refuses fewer than two groups", () => {
    expect(() => balancedGroups(new Map([["a", 1]]), 1)).toThrow(/k must be/);
  });
});

describe("heldOutByGroup", () => {
  // training rows: group 0, group 1, and rows without a group (always trained on)
  const train: (Row & { g: number | null })[] = [
    { source: "s", prompt: "t0", label: "reasoning", g: 0 },
    { source: "s", prompt: "t1", label: "standard", g: 1 },
    { source: "o", prompt: "free", label: "standard", g: null },
  ];
  // scored rows: some also trained on (t0, t1), one without a group (never scored)
  const scored: (Row & { g: number | null })[] = [
    { source: "s", prompt: "t0", label: "reasoning", g: 0 },
    { source: "s", prompt: "u0", label: "reasoning", g: 0 },
    { source: "s", prompt: "t1", label: "standard", g: 1 },
    { source: "o", prompt: "free", label: "standard", g: null },
  ];

  it("fits without the group's training rows, keeps rows without a group, and scores only the group's rows", () => {
    const fitted: string[][] = [];
    const out = heldOutByGroup(train, scored, (r) => r.g, (r) => r.g, 3, (rows, g) => {
      fitted.push([String(g), ...rows.map((r) => r.prompt)]);
      return memorise(rows);
    });
    // group 2 has nothing to score: no model fitted
    expect(fitted).toEqual([
      ["0", "t1", "free"],
      ["1", "t0", "free"],
    ]);
    expect(out.map((o) => [o.row.prompt, o.unit])).toEqual([
      ["t0", "0"],
      ["u0", "0"],
      ["t1", "1"],
    ]);
    // t0 and t1 were in training, but not in the fold that scored them
    expect(out.map((o) => o.score)).toEqual([0.6, 0.6, 0.6]);
  });

  it("refuses a group with nothing left to train on", () => {
    const only0 = train.filter((r) => r.g === 0);
    expect(() => heldOutByGroup(only0, scored, (r) => r.g, (r) => r.g, 2, (rows) => memorise(rows))).toThrow(/nothing to train on/);
  });
});
