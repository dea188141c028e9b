import { describe, expect, it } from "vitest";
import { applyVerdict, compareModels, renderComparison, type ComparedItem } from "./compare";

const item = (label: "reasoning" | "standard", group: string, current: number, candidate: number): ComparedItem => ({ label, group, current, candidate });

// Constructed so the numbers can be worked out by hand.
const shippedTest: ComparedItem[] = [
  item("reasoning", "a", 0.9, 0.9),
  item("reasoning", "a", 0.6, 0.6),
  item("reasoning", "b", 0.3, 0.55),
  item("standard", "a", 0.2, 0.2),
  item("standard", "b", 0.55, 0.4),
];
const teamTest: ComparedItem[] = [
  item("reasoning", "escalation", 0.45, 0.7),
  item("reasoning", "trace", 0.8, 0.8),
  item("standard", "trace", 0.6, 0.3),
  item("standard", "trace", 0.1, 0.1),
];
// Each model at its own threshold.
const c = compareModels({ shippedTest, teamTest, thresholds: { current: 0.5, candidate: 0.4 } });

describe("compareModels", () => {
  it("computes each model's metrics on the shipped test split at its own threshold", () => {
    const s = c.shippedTest;
    expect([s.n, s.reasoning, s.standard]).toEqual([5, 3, 2]);
    // current @0.5: reasoning 0.9, 0.6 caught, 0.3 missed; standard 0.55 sent to reasoning
    expect(s.current).toMatchObject({ tp: 2, fn: 1, fp: 1, tn: 1 });
    expect(s.current.precision).toBeCloseTo(2 / 3, 12);
    expect(s.current.recall).toBeCloseTo(2 / 3, 12);
    expect(s.current.f1).toBeCloseTo(2 / 3, 12);
    expect(s.current.share).toBeCloseTo(3 / 5, 12);
    expect(s.current.auc).toBeCloseTo(5 / 6, 12);
    // candidate @0.4: every reasoning row caught; 0.4 >= 0.4 is a false positive
    expect(s.candidate).toMatchObject({ tp: 3, fn: 0, fp: 1, tn: 1 });
    expect(s.candidate.precision).toBeCloseTo(3 / 4, 12);
    expect(s.candidate.recall).toBe(1);
    expect(s.candidate.f1).toBeCloseTo((2 * 0.75) / 1.75, 12);
    expect(s.candidate.share).toBeCloseTo(4 / 5, 12);
    expect(s.candidate.fpr).toBeCloseTo(1 / 2, 12);
    expect(s.candidate.auc).toBe(1);
  });

  it("breaks the shipped split down by source and the team's labels by origin", () => {
    expect(c.shippedBySource.map((g) => [g.name, g.n, g.current.recall, g.candidate.recall])).toEqual([
      ["a", 3, 1, 1],
      ["b", 2, 0, 1],
    ]);
    const t = c.teamTest;
    expect([t.n, t.reasoning, t.standard]).toEqual([4, 2, 2]);
    expect(t.current).toMatchObject({ tp: 1, fn: 1, fp: 1, tn: 1 });
    expect(t.candidate).toMatchObject({ tp: 2, fn: 0, fp: 0, tn: 2 });
    expect(t.current.share).toBe(0.5);
    expect(t.candidate.f1).toBe(1);
    expect(c.teamByOrigin.map((g) => g.name)).toEqual(["escalation", "trace"]);
    const esc = c.teamByOrigin[0]!;
    expect(esc.current.recall).toBe(0);
    expect(esc.candidate.recall).toBe(1);
    expect(Number.isNaN(esc.current.fpr)).toBe(true); // no standard rows
  });

  it("renders current, candidate and the change for every set", () => {
    const text = renderComparison(c);
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^set\s+n\s+reas\s+model\s+threshold\s+F1\s+precision\s+recall\s+std->reas\s+share\s+AUC$/);
    const i = lines.findIndex((l) => l.startsWith("shipped test"));
    expect(lines[i]).toMatch(/shipped test\s+5\s+3\s+current\s+0\.5000\s+0\.667\s+66\.7%\s+66\.7%\s+50\.0%\s+60\.0%\s+0\.8333$/);
    expect(lines[i + 1]).toMatch(/candidate\s+0\.4000\s+0\.857\s+75\.0%\s+100\.0%\s+50\.0%\s+80\.0%\s+1\.0000$/);
    expect(lines[i + 2]).toMatch(/change\s+-0\.1000\s+\+0\.190\s+\+8\.3pp\s+\+33\.3pp\s+0\.0pp\s+\+20\.0pp\s+\+0\.1667$/);
    expect(text).toContain("  a ");
    expect(text).toContain("team test");
    expect(text).toContain("  escalation");
    // 3 lines per set: shipped, 2 sources, team, 2 origins
    expect(lines.length).toBe(2 + 3 * 6);
  });

  it("shows empty sets as dashes", () => {
    const e = compareModels({ shippedTest, teamTest: [], thresholds: { current: 0.5, candidate: 0.5 } });
    expect(e.teamTest.n).toBe(0);
    expect(renderComparison(e)).toMatch(/team test\s+0\s+0\s+current\s+0\.5000\s+-\s+-\s+-/);
  });
});

describe("applyVerdict (--apply refusal)", () => {
  it("allows a candidate that improves or loses at most 0.01 F1 on the shipped test split", () => {
    expect(applyVerdict({ current: 0.98, candidate: 0.985 }, false)).toMatchObject({ allowed: true, forced: false });
    expect(applyVerdict({ current: 0.98, candidate: 0.975 }, false)).toMatchObject({ allowed: true, forced: false });
    expect(applyVerdict({ current: 0.95, candidate: 0.94 }, false).allowed).toBe(true); // exactly 0.01
  });

  it("refuses a larger drop unless forced, and says so", () => {
    const v = applyVerdict({ current: 0.98, candidate: 0.969 }, false);
    expect(v.allowed).toBe(false);
    expect(v.f1Change).toBeCloseTo(-0.011, 12);
    expect(v.message).toMatch(/^REFUSED: .*0\.980 -> 0\.969.*more than 0\.01.*--force/);
    const f = applyVerdict({ current: 0.98, candidate: 0.969 }, true);
    expect(f).toMatchObject({ allowed: true, forced: true });
    expect(f.message).toMatch(/--force/);
  });

  it("refuses when the candidate's F1 cannot be computed", () => {
    expect(applyVerdict({ current: 0.98, candidate: Number.NaN }, false).allowed).toBe(false);
  });

  it("takes a custom limit", () => {
    expect(applyVerdict({ current: 0.9, candidate: 0.85 }, false, 0.1).allowed).toBe(true);
    expect(applyVerdict({ current: 0.9, candidate: 0.85 }, false, 0.01).allowed).toBe(false);
  });
});
