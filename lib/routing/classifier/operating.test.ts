import { describe, expect, it } from "vitest";
import { MIN_TEAM_LABELS, operatingCurve, teamCurve } from "./operating";

describe("operatingCurve", () => {
  const items = [
    { score: 0.9, label: "reasoning" as const, outcome: { weak: 0, strong: 1 } },
    { score: 0.6, label: "standard" as const, outcome: { weak: 1, strong: 1 } },
    { score: 0.4, label: "reasoning" as const, outcome: { weak: 0, strong: 1 } },
    { score: 0.1, label: "standard" as const, outcome: null },
  ];
  it("gives share, recall, standard->reasoning and gap recovered per threshold", () => {
    const c = operatingCurve(items, [0, 0.5, 0.95]);
    expect(c[0]).toEqual({ threshold: 0, share: 1, recall: 1, fpr: 1, pgr: 1 });
    // 0.5: the 0.9 and 0.6 prompts reason; one of two reasoning-worthy caught, one of two standard sent; gap 2, recovered 1
    expect(c[1]).toEqual({ threshold: 0.5, share: 0.5, recall: 0.5, fpr: 0.5, pgr: 0.5 });
    expect(c[2]).toEqual({ threshold: 0.95, share: 0, recall: 0, fpr: 0, pgr: 0 });
  });
  it("has no quality figure without outcomes", () => {
    expect(operatingCurve([{ score: 0.3, label: "standard" }], [0.5])[0]!.pgr).toBeNull();
  });
});

describe("teamCurve", () => {
  const labels = (n: number) => Array.from({ length: n }, (_, i) => ({ prompt: `p${i}`, label: (i % 2 ? "reasoning" : "standard") as "reasoning" | "standard" }));
  it("scores the team's prompts with the given model once there are enough labels of both kinds", () => {
    const byPrompt = (p: string) => (Number(p.slice(1)) % 2 ? 0.8 : 0.2);
    const c = teamCurve(labels(MIN_TEAM_LABELS), byPrompt)!;
    expect(c).toHaveLength(21);
    expect(c.find((p) => p.threshold === 0.5)).toMatchObject({ share: 0.5, recall: 1, fpr: 0 });
  });
  it("is null with too few labels or only one kind", () => {
    expect(teamCurve(labels(MIN_TEAM_LABELS - 1), () => 0.5)).toBeNull();
    expect(teamCurve(labels(MIN_TEAM_LABELS * 2).map((l) => ({ ...l, label: "standard" as const })), () => 0.5)).toBeNull();
  });
});
