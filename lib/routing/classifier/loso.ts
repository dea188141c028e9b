/**
 * Leave-one-source-out evaluation: for every unit (a benchmark family, see
 * familyOf), fit on the rows of every other unit and score the rows of the
 * left-out one. Each row's score comes from a model that never saw its
 * source, so the figures say what the router does on a kind of prompt it was
 * not built from, not how well it remembers its own data. Pure: the caller
 * passes the fitting procedure (the real trainer, or a stand-in in tests).
 */
import { confusionAt, type ConfusionAt, type Label } from "./calibrate";
import { auc } from "./report";

/** A fitted model as the evaluation sees it: a score per row and its decision threshold. */
export interface Fitted<R> {
  score(row: R): number;
  threshold: number;
}

export interface HeldOut<R> {
  row: R;
  unit: string;
  score: number;
  /** The threshold of the model that scored this row (fitted without its unit). */
  threshold: number;
}

/**
 * Out-of-unit scores: for each unit (in sorted order, or only those in
 * `only`), fit on the rows of the other units and score the unit's rows.
 * `fit` receives the training rows and the left-out unit's name.
 */
export function heldOutScores<R>(
  rows: readonly R[],
  unitOf: (row: R) => string,
  fit: (train: R[], leftOut: string) => Fitted<R>,
  only?: readonly string[],
): HeldOut<R>[] {
  const units = [...new Set(rows.map(unitOf))].sort().filter((u) => !only || only.includes(u));
  const out: HeldOut<R>[] = [];
  for (const unit of units) {
    const train = rows.filter((r) => unitOf(r) !== unit);
    const test = rows.filter((r) => unitOf(r) === unit);
    if (train.length === 0) throw new Error(`leave-one-source-out: nothing to train on without ${unit}`);
    const model = fit(train, unit);
    for (const row of test) out.push({ row, unit, score: model.score(row), threshold: model.threshold });
  }
  return out;
}

export interface UnitResult {
  unit: string;
  n: number;
  reasoning: number;
  standard: number;
  /** Decisions at each row's own model threshold. */
  c: ConfusionAt;
  auc: number;
  /** The unit's figure: F1 when it has reasoning rows, else accuracy (1 - standard->reasoning). */
  figure: number;
}

export interface LosoSummary {
  units: UnitResult[];
  /** All held-out rows pooled. */
  pooled: UnitResult;
  /** The unit with the lowest figure (F1, or accuracy for a standard-only unit). */
  worst: UnitResult | null;
  /** The unit with the highest standard->reasoning rate among units with standard rows. */
  worstFpr: UnitResult | null;
}

interface Scored {
  unit: string;
  score: number;
  threshold: number;
  label: Label;
}

function unitResult(unit: string, items: readonly Scored[]): UnitResult {
  // Each row is judged at its own model's threshold: shift scores so one cut-off (0) applies.
  const c = confusionAt(
    items.map((i) => ({ score: i.score - i.threshold, label: i.label })),
    0,
  );
  return {
    unit,
    n: items.length,
    reasoning: items.filter((i) => i.label === "reasoning").length,
    standard: items.filter((i) => i.label === "standard").length,
    c: { ...c, threshold: Number.NaN },
    auc: auc(items),
    figure: c.tp + c.fn > 0 ? (Number.isFinite(c.f1) ? c.f1 : 0) : c.accuracy,
  };
}

/** Per-unit and pooled metrics of held-out scores; `labelOf` gives the label each row is judged by. */
export function summariseLoso<R>(items: readonly HeldOut<R>[], labelOf: (row: R) => Label): LosoSummary {
  const scored: Scored[] = items.map((i) => ({ unit: i.unit, score: i.score, threshold: i.threshold, label: labelOf(i.row) }));
  const byUnit = new Map<string, Scored[]>();
  for (const s of scored) {
    const list = byUnit.get(s.unit) ?? [];
    list.push(s);
    byUnit.set(s.unit, list);
  }
  const units = [...byUnit.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([u, its]) => unitResult(u, its));
  const withStandard = units.filter((u) => u.standard > 0);
  return {
    units,
    pooled: unitResult("all", scored),
    worst: units.length ? units.reduce((a, b) => (b.figure < a.figure ? b : a)) : null,
    worstFpr: withStandard.length ? withStandard.reduce((a, b) => (b.c.fpr > a.c.fpr ? b : a)) : null,
  };
}

/**
 * K balanced groups of keys (e.g. MMLU subjects): keys by size, largest first
 * (ties by name), each to the group with the fewest rows so far (ties: the
 * lowest group). Deterministic, and a key is never split between groups.
 */
export function balancedGroups(sizes: ReadonlyMap<string, number>, k: number): Map<string, number> {
  if (!Number.isInteger(k) || k < 2) throw new Error(`balancedGroups: k must be an integer >= 2 (got ${k})`);
  const load = new Array<number>(k).fill(0);
  const out = new Map<string, number>();
  for (const [key, n] of [...sizes].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))) {
    const g = load.indexOf(Math.min(...load));
    out.set(key, g);
    load[g]! += n;
  }
  return out;
}

/**
 * Held-out scores by group: for each group g in 0..k-1, fit on the training
 * rows not in g (a training row whose group is null, e.g. a row without a
 * subject, is always trained on) and score the scored rows in g (scored rows
 * whose group is null are not scored). Training and scored rows may be
 * different sets: a small training sample, a large set scored only. Units of
 * the result are the group numbers as strings.
 */
export function heldOutByGroup<T, S>(
  train: readonly T[],
  scored: readonly S[],
  groupOfTrain: (row: T) => number | null,
  groupOfScored: (row: S) => number | null,
  k: number,
  fit: (train: T[], group: number) => Fitted<S>,
): HeldOut<S>[] {
  const out: HeldOut<S>[] = [];
  for (let g = 0; g < k; g++) {
    const test = scored.filter((r) => groupOfScored(r) === g);
    if (test.length === 0) continue;
    const fitRows = train.filter((r) => groupOfTrain(r) !== g);
    if (fitRows.length === 0) throw new Error(`held out by group: nothing to train on without group ${g}`);
    const model = fit(fitRows, g);
    for (const row of test) out.push({ row, unit: String(g), score: model.score(row), threshold: model.threshold });
  }
  return out;
}
