/**
 * Current model vs candidate: the metrics of both on the same labelled rows,
 * each at its own threshold, the table the retraining command prints, and
 * the rule that decides whether the candidate may be applied. Pure.
 */
import { confusionAt, type ConfusionAt, type Label } from "./calibrate";
import { auc, num, pct, table } from "./report";

/** One labelled row scored by both models. */
export interface ComparedItem {
  label: Label;
  group: string;
  current: number;
  candidate: number;
}

export interface ModelMetrics extends ConfusionAt {
  auc: number;
}

export interface SetComparison {
  name: string;
  n: number;
  reasoning: number;
  standard: number;
  current: ModelMetrics;
  candidate: ModelMetrics;
}

export interface Thresholds {
  current: number;
  candidate: number;
}

export interface Comparison {
  thresholds: Thresholds;
  shippedTest: SetComparison;
  shippedBySource: SetComparison[];
  teamTest: SetComparison;
  teamByOrigin: SetComparison[];
}

function metrics(items: readonly ComparedItem[], which: "current" | "candidate", threshold: number): ModelMetrics {
  const scored = items.map((i) => ({ score: i[which], label: i.label }));
  return { ...confusionAt(scored, threshold), auc: auc(scored) };
}

export function compareSet(name: string, items: readonly ComparedItem[], t: Thresholds): SetComparison {
  const reasoning = items.filter((i) => i.label === "reasoning").length;
  return {
    name,
    n: items.length,
    reasoning,
    standard: items.length - reasoning,
    current: metrics(items, "current", t.current),
    candidate: metrics(items, "candidate", t.candidate),
  };
}

function byGroup(items: readonly ComparedItem[], t: Thresholds): SetComparison[] {
  const groups = new Map<string, ComparedItem[]>();
  for (const it of items) {
    const g = groups.get(it.group);
    if (g) g.push(it);
    else groups.set(it.group, [it]);
  }
  return [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([g, its]) => compareSet(g, its, t));
}

/**
 * Both models on the shipped test split (overall and per source) and on the
 * team's test labels (overall and per origin: trace / playground /
 * escalation), each at its own threshold.
 */
export function compareModels(input: { shippedTest: readonly ComparedItem[]; teamTest: readonly ComparedItem[]; thresholds: Thresholds }): Comparison {
  const t = input.thresholds;
  return {
    thresholds: t,
    shippedTest: compareSet("shipped test", input.shippedTest, t),
    shippedBySource: byGroup(input.shippedTest, t),
    teamTest: compareSet("team test", input.teamTest, t),
    teamByOrigin: byGroup(input.teamTest, t),
  };
}

const signed = (x: number, digits: number, unit = "") =>
  Number.isFinite(x) ? `${x > 0 ? "+" : x < 0 ? "-" : ""}${Math.abs(x).toFixed(digits)}${unit}` : "-";
/** Change of a rate, in percentage points. */
const pp = (a: number, b: number) => signed(100 * (b - a), 1, "pp");
const d = (a: number, b: number, digits = 3) => signed(b - a, digits);

/** The comparison table: three lines per set (current, candidate, change); rates in %, changes of rates in percentage points. */
export function renderComparison(c: Comparison): string {
  const rows: (string | number)[][] = [];
  const add = (s: SetComparison, indent: boolean) => {
    const name = (indent ? "  " : "") + s.name;
    const line = (label: string, m: ModelMetrics, th: number, first: boolean) => [
      first ? name : "",
      first ? s.n : "",
      first ? s.reasoning : "",
      label,
      num(th, 4),
      num(m.f1),
      pct(m.precision),
      pct(m.recall),
      pct(m.fpr),
      pct(m.share),
      num(m.auc, 4),
    ];
    rows.push(line("current", s.current, c.thresholds.current, true));
    rows.push(line("candidate", s.candidate, c.thresholds.candidate, false));
    const a = s.current;
    const b = s.candidate;
    rows.push(["", "", "", "change", d(c.thresholds.current, c.thresholds.candidate, 4), d(a.f1, b.f1), pp(a.precision, b.precision), pp(a.recall, b.recall), pp(a.fpr, b.fpr), pp(a.share, b.share), d(a.auc, b.auc, 4)]);
  };
  add(c.shippedTest, false);
  for (const s of c.shippedBySource) add(s, true);
  add(c.teamTest, false);
  for (const s of c.teamByOrigin) add(s, true);
  return table(["set", "n", "reas", "model", "threshold", "F1", "precision", "recall", "std->reas", "share", "AUC"], rows);
}

/** Largest drop of F1 on the shipped test split that --apply accepts without --force. */
export const MAX_F1_DROP = 0.01;

export interface ApplyVerdict {
  /** Whether --apply may write the candidate. */
  allowed: boolean;
  /** Allowed only because of --force. */
  forced: boolean;
  /** Candidate F1 minus current F1 on the shipped test split. */
  f1Change: number;
  /** Why, without the command-line advice: the F1 change, or the problem when refused. */
  reason: string;
  message: string;
}

/**
 * The candidate may be applied unless its F1 on the shipped test split is
 * more than `maxDrop` below the current model's (or cannot be computed);
 * `force` overrides a refusal.
 */
export function applyVerdict(f1: { current: number; candidate: number }, force: boolean, maxDrop = MAX_F1_DROP): ApplyVerdict {
  const f1Change = f1.candidate - f1.current;
  const where = `F1 on the shipped test split ${num(f1.current)} -> ${num(f1.candidate)} (${signed(f1Change, 3)})`;
  let problem: string | null = null;
  if (!Number.isFinite(f1.candidate)) problem = `the candidate's F1 on the shipped test split cannot be computed`;
  else if (Number.isFinite(f1.current) && f1Change < -maxDrop - 1e-12) problem = `${where} drops by more than ${maxDrop}`;
  if (!problem) return { allowed: true, forced: false, f1Change, reason: where, message: `ok to apply: ${where}` };
  if (force) return { allowed: true, forced: true, f1Change, reason: problem, message: `applying despite a regression (--force): ${problem}` };
  return { allowed: false, forced: false, f1Change, reason: problem, message: `REFUSED: ${problem}; not applied (re-run with --force to apply anyway)` };
}
