/**
 * Threshold calibration, RouteLLM-style: a deployment does not pick a raw
 * probability cut-off, it states what it wants (a share of calls that reason,
 * or a recall of reasoning-worthy prompts on a labelled set) and the
 * threshold follows from scores. Pure functions; the decision rule everywhere
 * is `score >= threshold` means reasoning.
 */

export type Label = "reasoning" | "standard";

export interface ScoredItem {
  score: number;
  label: Label;
  /** Optional importance (e.g. source-balancing weights); 1 when absent. */
  weight?: number;
}

/**
 * The threshold that sends (at least) `share` of these scores to reasoning:
 * the ceil(share * n)-th highest score. share <= 0 gives +Infinity (never
 * reason), share >= 1 the lowest score (always reason). Ties can push the
 * realised share above the target.
 */
export function thresholdForShare(scores: ArrayLike<number>, share: number): number {
  const n = scores.length;
  if (n === 0) throw new Error("thresholdForShare: no scores");
  if (!(share > 0)) return Number.POSITIVE_INFINITY;
  const sorted = Float64Array.from(scores).sort().reverse();
  const k = Math.min(n, Math.ceil(share * n - 1e-9));
  return sorted[k - 1]!;
}

/**
 * The highest threshold at which the (weighted) recall of reasoning-labelled
 * items is at least `recall`. With weights, recall is the weighted share of
 * reasoning items caught, so one large source cannot satisfy the target alone.
 */
export function thresholdForRecall(items: readonly ScoredItem[], recall: number): number {
  const pos = items.filter((i) => i.label === "reasoning").sort((a, b) => b.score - a.score);
  if (pos.length === 0) throw new Error("thresholdForRecall: no reasoning-labelled items");
  if (!(recall > 0)) return Number.POSITIVE_INFINITY;
  const total = pos.reduce((s, i) => s + (i.weight ?? 1), 0);
  let caught = 0;
  for (const p of pos) {
    caught += p.weight ?? 1;
    if (caught >= recall * total - 1e-9) return p.score;
  }
  return pos[pos.length - 1]!.score;
}

/**
 * The lowest threshold at which at most `fpr` of the (weighted) standard-
 * labelled items score at or above it: a cap on needless reasoning calls.
 * Without standard items it returns 0 (nothing to cap).
 */
export function thresholdForFpr(items: readonly ScoredItem[], fpr: number): number {
  const neg = items.filter((i) => i.label === "standard").sort((a, b) => b.score - a.score);
  if (neg.length === 0) return 0;
  const total = neg.reduce((s, i) => s + (i.weight ?? 1), 0);
  let sent = 0;
  for (let k = 0; k < neg.length; k++) {
    sent += neg[k]!.weight ?? 1;
    // this item (and every tie of it) would go to reasoning: the threshold must sit above its score
    if (sent > fpr * total + 1e-9) return neg[k]!.score + 1e-9;
  }
  return 0;
}

/**
 * The highest threshold at which every group (e.g. every source of a labelled
 * set) that has reasoning-labelled items reaches `recall`: the recall target
 * applied to the worst group, so a large easy source cannot carry a small hard
 * one. Groups without reasoning items do not constrain it.
 */
export function thresholdForGroupRecall(items: readonly (ScoredItem & { group: string })[], recall: number): number {
  const groups = new Map<string, ScoredItem[]>();
  for (const it of items) {
    if (!groups.has(it.group)) groups.set(it.group, []);
    groups.get(it.group)!.push(it);
  }
  let t = Number.POSITIVE_INFINITY;
  for (const its of groups.values()) if (its.some((i) => i.label === "reasoning")) t = Math.min(t, thresholdForRecall(its, recall));
  if (t === Number.POSITIVE_INFINITY && recall > 0) throw new Error("thresholdForGroupRecall: no reasoning-labelled items");
  return t;
}

export interface ConfusionAt {
  threshold: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  /** Share of all items sent to reasoning. */
  share: number;
  /** Share of standard-labelled items sent to reasoning (false-positive rate). */
  fpr: number;
}

/** Confusion counts and rates of the decisions `score >= threshold` (unweighted). */
export function confusionAt(items: readonly ScoredItem[], threshold: number): ConfusionAt {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const it of items) {
    const r = it.score >= threshold;
    if (it.label === "reasoning") r ? tp++ : fn++;
    else r ? fp++ : tn++;
  }
  return confusion(threshold, tp, fp, fn, tn);
}

/** Rates from counts; an empty denominator gives NaN, shown as "-" by reports. */
export function confusion(threshold: number, tp: number, fp: number, fn: number, tn: number): ConfusionAt {
  const n = tp + fp + fn + tn;
  const precision = tp + fp > 0 ? tp / (tp + fp) : Number.NaN;
  const recall = tp + fn > 0 ? tp / (tp + fn) : Number.NaN;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : Number.NaN;
  return {
    threshold,
    tp,
    fp,
    fn,
    tn,
    precision,
    recall,
    f1,
    accuracy: n > 0 ? (tp + tn) / n : Number.NaN,
    share: n > 0 ? (tp + fp) / n : Number.NaN,
    fpr: fp + tn > 0 ? fp / (fp + tn) : Number.NaN,
  };
}

export const DEFAULT_SWEEP = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];

/** Metrics at each threshold. */
export function sweep(items: readonly ScoredItem[], thresholds: readonly number[] = DEFAULT_SWEEP): ConfusionAt[] {
  return thresholds.map((t) => confusionAt(items, t));
}

/**
 * RouteLLM's "calls needed for x% quality" for a binary router: the share of
 * all calls sent to reasoning at the highest threshold that still catches
 * `recall` of the reasoning-labelled items.
 */
export function shareNeededForRecall(items: readonly ScoredItem[], recall: number): { threshold: number; share: number; fpr: number } {
  const threshold = thresholdForRecall(items, recall);
  const c = confusionAt(items, threshold);
  return { threshold, share: c.share, fpr: c.fpr };
}

/** What a deployment stores: the threshold and how it was obtained, so it can be recalibrated as traffic drifts. */
export interface DeploymentThreshold {
  threshold: number;
  /** "calibrated": the score is a calibrated probability and the threshold is the cut-off chosen on it (0.5 = even odds); "fpr": at most `target` of standard prompts go to reasoning. */
  method: "share" | "recall" | "group-recall" | "calibrated" | "fpr" | "manual";
  /** Target share of reasoning calls, or target recall; absent for manual. */
  target?: number;
  /** Number of scored prompts the calibration used. */
  n?: number;
  /** Free text: which prompts (e.g. "last 7 days of traffic", "labelled set X"). */
  calibratedOn?: string;
  calibratedAt?: string;
}

/** Calibrates a deployment's threshold from scored traffic (share) or a labelled set (recall). */
export function calibrateDeployment(
  spec: { method: "share"; target: number; scores: ArrayLike<number> } | { method: "recall"; target: number; items: readonly ScoredItem[] },
  calibratedOn?: string,
): DeploymentThreshold {
  if (!(spec.target >= 0 && spec.target <= 1)) throw new Error("calibrateDeployment: target must be in [0, 1]");
  const threshold = spec.method === "share" ? thresholdForShare(spec.scores, spec.target) : thresholdForRecall(spec.items, spec.target);
  return {
    threshold,
    method: spec.method,
    target: spec.target,
    n: spec.method === "share" ? spec.scores.length : spec.items.length,
    calibratedOn,
    calibratedAt: new Date().toISOString(),
  };
}

/**
 * Platt scaling: the a, b of p = sigmoid(a * z + b) that best fit (weighted
 * log-loss) labels to raw logits z, by Newton's method with a tiny ridge for
 * stability. Fitted on scores of prompts the model did not see (out-of-fold),
 * it turns the model's logit into a probability: 0.5 means even odds.
 */
export function plattFit(items: readonly { z: number; y: 0 | 1; w?: number }[], iterations = 50): { a: number; b: number } {
  if (items.length === 0) throw new Error("plattFit: no items");
  let a = 1;
  let b = 0;
  const ridge = 1e-6;
  for (let it = 0; it < iterations; it++) {
    // gradient and Hessian of the weighted negative log-likelihood in (a, b)
    let ga = ridge * a;
    let gb = 0;
    let haa = ridge;
    let hab = 0;
    let hbb = ridge;
    for (const { z, y, w = 1 } of items) {
      const p = 1 / (1 + Math.exp(-(a * z + b)));
      const d = w * (p - y);
      const s = w * Math.max(p * (1 - p), 1e-12);
      ga += d * z;
      gb += d;
      haa += s * z * z;
      hab += s * z;
      hbb += s;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-10 && Math.abs(db) < 1e-10) break;
  }
  return { a, b };
}
