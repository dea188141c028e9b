/**
 * The operating curve of a classifier: for each threshold, the share of
 * prompts sent to reasoning, the share of reasoning-worthy prompts caught
 * (recall), the share of standard prompts sent to reasoning, and, where
 * outcomes are known, the share of the weak->strong quality gap recovered.
 * Computed at training time on out-of-family scores (trainer.ts) and stored
 * in the model file, so Settings can show what moving the threshold costs
 * and buys. Pure.
 */
import type { Label } from "./calibrate";
import type { Outcome } from "./dataset";

export interface OperatingPoint {
  threshold: number;
  /** Share of prompts sent to reasoning. */
  share: number;
  /** Share of reasoning-labelled prompts sent to reasoning (catch rate). */
  recall: number;
  /** Share of standard-labelled prompts sent to reasoning. */
  fpr: number;
  /** Share of the weak->strong quality gap recovered on prompts with outcomes; null without outcomes. */
  pgr: number | null;
}

export const CURVE_THRESHOLDS: readonly number[] = Array.from({ length: 21 }, (_, i) => Math.round(i * 5) / 100);

export interface CurveItem {
  score: number;
  label: Label;
  outcome?: Outcome | null;
}

export function operatingCurve(items: readonly CurveItem[], thresholds: readonly number[] = CURVE_THRESHOLDS): OperatingPoint[] {
  const pos = items.filter((i) => i.label === "reasoning");
  const neg = items.filter((i) => i.label === "standard");
  const withOutcome = items.filter((i) => i.outcome);
  const weak = withOutcome.reduce((s, i) => s + i.outcome!.weak, 0);
  const strong = withOutcome.reduce((s, i) => s + i.outcome!.strong, 0);
  const rate = (its: readonly CurveItem[], t: number) => (its.length ? its.filter((i) => i.score >= t).length / its.length : Number.NaN);
  return thresholds.map((t) => {
    let pgr: number | null = null;
    if (withOutcome.length > 0 && strong !== weak) {
      const q = withOutcome.reduce((s, i) => s + (i.score >= t ? i.outcome!.strong : i.outcome!.weak), 0);
      pgr = (q - weak) / (strong - weak);
    }
    return { threshold: t, share: rate(items, t), recall: rate(pos, t), fpr: rate(neg, t), pgr };
  });
}

/** Rounded for storage in a model file (4 digits). */
export function roundCurve(curve: readonly OperatingPoint[]): OperatingPoint[] {
  const r = (x: number) => Math.round(x * 1e4) / 1e4;
  return curve.map((p) => ({ threshold: r(p.threshold), share: r(p.share), recall: r(p.recall), fpr: r(p.fpr), pgr: p.pgr === null ? null : r(p.pgr) }));
}

/** Fewest team labels (with both labels present) for a curve of the team's own prompts. */
export const MIN_TEAM_LABELS = 20;

/**
 * The curve on the team's own labelled prompts, scored by `score` (the model
 * in use); null with fewer than MIN_TEAM_LABELS labels or only one label.
 */
export function teamCurve(labels: readonly { prompt: string; label: Label }[], score: (prompt: string) => number): OperatingPoint[] | null {
  if (labels.length < MIN_TEAM_LABELS) return null;
  if (!labels.some((l) => l.label === "reasoning") || !labels.some((l) => l.label === "standard")) return null;
  return roundCurve(operatingCurve(labels.map((l) => ({ score: score(l.prompt), label: l.label }))));
}
