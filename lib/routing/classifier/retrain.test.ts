import { describe, expect, it } from "vitest";
import { loadShipped, splitOf } from "./dataset";
import { probability } from "./linear";
import { DEPLOYMENT_KIND, decodeDeploymentFile, featureSpaceId, shippedModel } from "./model";
import { retrainWithLabels } from "./retrain";
import { TEAM_SOURCE, teamRowId, teamRows, type TeamExample } from "./team";
import { balancedWeights, DEFAULT_WEIGHTING } from "./train";

// Small and fast: every 8th shipped row, few iterations.
const shipped = loadShipped().filter((_, i) => i % 8 === 0);
const FAST = { l2: 1e-4, iterations: 60, learningRate: 0.05 };
const NOW = new Date("2025-11-25T12:00:00.000Z");

let n = 0;
const ex = (prompt: string, label: "reasoning" | "standard", source = "trace", updatedAt = new Date(2025, 0, 1 + n)): TeamExample => ({
  id: `ex${n++}`,
  prompt,
  label,
  source,
  updatedAt,
});

// The team's idea of reasoning: its own reconciliation jobs; of standard: its status look-ups that read like debugging.
const reasoningPrompts = Array.from({ length: 10 }, (_, i) => `Zorbex reconcile ledger batch ${i * 7 + 3} for the quarllo account`);
const standardPrompts = Array.from({ length: 10 }, (_, i) => `Debug why the deadlock happens: show vintrak status page ${i * 5 + 1} for ticket wubble`);
const team = [...reasoningPrompts.map((p) => ex(p, "reasoning")), ...standardPrompts.map((p) => ex(p, "standard", "playground"))];

describe("retraining with the team's labels", () => {
  const current = { model: shippedModel(), threshold: 0.5 };
  const base = retrainWithLabels({ shipped, team: [], current, train: FAST, now: NOW });
  const withTeam = retrainWithLabels({ shipped, team, current, train: FAST, now: NOW });

  it("moves the candidate's scores on the team's prompts towards their labels", () => {
    const trained = withTeam.team.train;
    expect(trained.filter((r) => r.label === "reasoning").length).toBeGreaterThanOrEqual(3);
    expect(trained.filter((r) => r.label === "standard").length).toBeGreaterThanOrEqual(3);
    for (const r of trained) {
      const before = probability(base.candidate.model, r.prompt);
      const after = probability(withTeam.candidate.model, r.prompt);
      if (r.label === "reasoning") expect(after, r.prompt).toBeGreaterThan(before + 0.05);
      else expect(after, r.prompt).toBeLessThan(before - 0.05);
    }
    // and on the held-out team prompts, on average
    const mean = (label: string, m: typeof base.candidate.model) => {
      const rs = withTeam.team.test.filter((r) => r.label === label);
      return rs.reduce((s, r) => s + probability(m, r.prompt), 0) / Math.max(1, rs.length);
    };
    if (withTeam.team.test.some((r) => r.label === "reasoning")) expect(mean("reasoning", withTeam.candidate.model)).toBeGreaterThan(mean("reasoning", base.candidate.model));
    if (withTeam.team.test.some((r) => r.label === "standard")) expect(mean("standard", withTeam.candidate.model)).toBeLessThan(mean("standard", base.candidate.model));
  });

  it("trains on the shipped train split plus the team's train labels, and records it in a loadable deployment file", () => {
    expect(withTeam.shippedTrain.every((r) => splitOf(r.id) === "train")).toBe(true);
    expect(withTeam.candidate.metrics.rows).toBe(withTeam.shippedTrain.length + withTeam.team.train.length);
    const d = decodeDeploymentFile(JSON.parse(withTeam.candidate.json));
    expect(d.info).toMatchObject({
      source: "deployment",
      trainedAt: NOW.toISOString(),
      rows: { shippedTrain: withTeam.shippedTrain.length, teamTrain: withTeam.team.train.length },
    });
    expect(d.file.training).toMatchObject({ kind: DEPLOYMENT_KIND, featureSpace: featureSpaceId() });
    expect(["calibrated", "fpr"]).toContain(d.file.threshold.method);
    expect(d.file.threshold.threshold).toBeGreaterThanOrEqual(0.5);
    expect(d.file.threshold.calibratedAt).toBe(NOW.toISOString());
    // the comparison: current at its threshold, candidate at its calibrated one, on held-out rows only
    const c = withTeam.comparison;
    expect(c.thresholds).toEqual({ current: 0.5, candidate: d.file.threshold.threshold });
    expect(c.shippedTest.n).toBe(withTeam.shippedTest.length);
    expect(c.teamTest.n).toBe(withTeam.team.test.length);
    expect(c.teamByOrigin.map((g) => g.name).every((g) => g === "trace" || g === "playground")).toBe(true);
  });
});

describe("teamRows", () => {
  it("merges duplicate prompts: a person's label beats an escalation's, then the newest", () => {
    const t = teamRows([
      ex("  Same prompt  ", "reasoning", "escalation", new Date("2025-03-01")),
      ex("Same prompt", "standard", "trace", new Date("2025-01-01")),
      ex("Other prompt", "standard", "trace", new Date("2025-01-01")),
      ex("Other prompt", "reasoning", "playground", new Date("2025-02-01")),
      ex("   ", "reasoning"),
    ]);
    expect(t.stats).toMatchObject({ read: 5, skipped: 1, merged: 2, conflicts: 2 });
    const byPrompt = new Map(t.rows.map((r) => [r.prompt, r]));
    expect(byPrompt.get("Same prompt")).toMatchObject({ label: "standard", category: "trace", source: TEAM_SOURCE });
    expect(byPrompt.get("Other prompt")).toMatchObject({ label: "reasoning", category: "playground" });
  });

  it("splits by a hash of the prompt, stable across runs, and keeps shipped test prompts out of training", () => {
    const prompts = Array.from({ length: 40 }, (_, i) => `prompt number ${i}`);
    const a = teamRows(prompts.map((p) => ex(p, "standard")));
    const b = teamRows([...prompts].reverse().map((p) => ex(p, "standard")));
    expect(a.rows.map((r) => [r.id, r.split])).toEqual(b.rows.map((r) => [r.id, r.split]));
    for (const r of a.rows) expect(r.split).toBe(splitOf(teamRowId(r.prompt)));
    expect(a.train.length).toBeGreaterThan(0);
    expect(a.test.length).toBeGreaterThan(0);
    const onTrainSide = a.train[0]!.prompt;
    const c = teamRows(prompts.map((p) => ex(p, "standard")), new Set([onTrainSide]));
    expect(c.test.map((r) => r.prompt)).toContain(onTrainSide);
    expect(c.stats.forcedToTest).toBe(1);
  });

  it("weighs the team's labels as a source of their own", () => {
    const rows = [...shipped.filter((r) => splitOf(r.id) === "train"), ...teamRows(team).rows];
    const w = balancedWeights(rows);
    const teamReasoning = w.reduce((s, x, i) => s + (rows[i]!.source === TEAM_SOURCE && rows[i]!.label === "reasoning" ? x : 0), 0);
    const ownReasoning = w.reduce((s, x, i) => s + (rows[i]!.source === "thinkgate/own-cases" && rows[i]!.label === "reasoning" ? x : 0), 0);
    // groups weigh n^e (e = 0 by default: every source the same): 10 team rows vs the subset's own reasoning cases
    const e = DEFAULT_WEIGHTING.sourceExponent;
    const nOwn = rows.filter((r) => r.source === "thinkgate/own-cases" && r.label === "reasoning").length;
    expect(nOwn).toBeGreaterThan(10);
    expect(teamReasoning / ownReasoning).toBeCloseTo(Math.pow(10, e) / Math.pow(nOwn, e), 6);
    // and with an exponent, a larger group weighs more in total
    const w25 = balancedWeights(rows, { ...DEFAULT_WEIGHTING, sourceExponent: 0.25 });
    const sumOf = (ws: number[], src: string) => ws.reduce((s, x, i) => s + (rows[i]!.source === src && rows[i]!.label === "reasoning" ? x : 0), 0);
    expect(sumOf(w25, TEAM_SOURCE) / sumOf(w25, "thinkgate/own-cases")).toBeCloseTo(Math.pow(10 / nOwn, 0.25), 6);
  });
});
