/**
 * Weighted logistic regression with L2, trained full-batch with Adam in plain
 * TypeScript. Full-batch and a fixed iteration order make training
 * deterministic: the same rows in the same order give bit-identical weights
 * (no random shuffling is involved; the only seeded randomness is the fold
 * assignment, which is a hash of the row id).
 */
import { N_FEATURES, extractFeatures, type FeatureVector } from "./features";
import type { LabelledRow } from "./dataset";
import { fnv1a } from "./features";

export interface TrainOptions {
  /** L2 strength on the mean weighted log-loss (bias not regularised). */
  l2: number;
  iterations: number;
  learningRate: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { l2: 1e-4, iterations: 60, learningRate: 0.15 };

export interface Example {
  x: FeatureVector;
  y: 0 | 1;
  w: number;
}

export interface WeightingOptions {
  /** A (source, label) group of n rows weighs n^sourceExponent in total. */
  sourceExponent: number;
  /** Within it, a category of n rows gets a share proportional to n^categoryExponent. */
  categoryExponent: number;
  /** Multiplier for label_confidence "low" rows. */
  lowConfidence: number;
}

export const DEFAULT_WEIGHTING: WeightingOptions = { sourceExponent: 0, categoryExponent: 0.5, lowConfidence: 0.5 };

/**
 * Sample weights that keep any one source or category from defining a class.
 * The trainer passes rows with their benchmark family as the source
 * (trainer.ts). A (source, label) group of n training rows weighs
 * n^sourceExponent in total; the default exponent 0 gives every family the
 * same say, so GSM8K's ~1,100 word problems count as much as 80 MBPP tasks:
 * "math word problem" must not become the definition of reasoning, and a new
 * kind of standard prompt counts as much as a large benchmark. Within a group,
 * categories share that weight in proportion to n^categoryExponent (sqrt), so
 * the 14 BBH tasks or our 8 reasoning categories all count. `low`
 * label_confidence rows weigh half; `multipliers` (per row) scale rows further,
 * e.g. the outcome-labelled ones (trainModel's outcomeWeight). Each class is then scaled to half the
 * total, so the classes are balanced. (Exponent 0 was chosen over 0.25 by
 * leave-one-source-out: pooled F1 0.861 against 0.849 at about the same
 * standard->reasoning rate; see the classifier README.)
 */
export function balancedWeights(rows: readonly LabelledRow[], opts: WeightingOptions = DEFAULT_WEIGHTING, multipliers?: readonly number[]): number[] {
  const sl = (r: LabelledRow) => `${r.source}\u0000${r.label}`;
  const slc = (r: LabelledRow) => `${sl(r)}\u0000${r.category}`;
  const nSL = new Map<string, number>();
  const nSLC = new Map<string, number>();
  for (const r of rows) {
    nSL.set(sl(r), (nSL.get(sl(r)) ?? 0) + 1);
    nSLC.set(slc(r), (nSLC.get(slc(r)) ?? 0) + 1);
  }
  // sum over categories of n_c^beta, per (source, label)
  const catMass = new Map<string, number>();
  for (const [k, n] of nSLC) {
    const g = k.slice(0, k.lastIndexOf("\u0000"));
    catMass.set(g, (catMass.get(g) ?? 0) + Math.pow(n, opts.categoryExponent));
  }
  const raw = rows.map((r, i) => {
    const groupW = Math.pow(nSL.get(sl(r))!, opts.sourceExponent);
    const nc = nSLC.get(slc(r))!;
    const catW = (groupW * Math.pow(nc, opts.categoryExponent)) / catMass.get(sl(r))!;
    return (catW / nc) * (r.label_confidence === "low" ? opts.lowConfidence : 1) * (multipliers?.[i] ?? 1);
  });
  let pos = 0;
  let neg = 0;
  rows.forEach((r, i) => (r.label === "reasoning" ? (pos += raw[i]!) : (neg += raw[i]!)));
  const n = rows.length;
  return rows.map((r, i) => (raw[i]! * (n / 2)) / (r.label === "reasoning" ? pos : neg));
}

export function toExamples(rows: readonly LabelledRow[], weights: readonly number[] = balancedWeights(rows)): Example[] {
  return rows.map((r, i) => ({ x: extractFeatures(r.prompt), y: r.label === "reasoning" ? 1 : 0, w: weights[i]! }));
}

export interface TrainedWeights {
  weights: Float32Array;
  bias: number;
  finalLoss: number;
}

export function train(examples: readonly Example[], opts: TrainOptions = DEFAULT_TRAIN_OPTIONS): TrainedWeights {
  const D = N_FEATURES;
  const w = new Float64Array(D);
  const g = new Float64Array(D);
  const m = new Float64Array(D);
  const v = new Float64Array(D);
  let b = 0;
  let mb = 0;
  let vb = 0;
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;
  let totalW = 0;
  for (const e of examples) totalW += e.w;
  // The examples packed once into flat arrays (CSR): the loops below read
  // memory in order instead of chasing one object per example.
  let nnz = 0;
  for (const e of examples) nnz += e.x.idx.length;
  const start = new Int32Array(examples.length + 1);
  const cols = new Int32Array(nnz);
  const vals = new Float64Array(nnz);
  const ys = new Float64Array(examples.length);
  const scales = new Float64Array(examples.length);
  {
    let o = 0;
    examples.forEach((e, r) => {
      start[r] = o;
      cols.set(e.x.idx, o);
      for (let k = 0; k < e.x.val.length; k++) vals[o + k] = e.x.val[k]!;
      o += e.x.idx.length;
      ys[r] = e.y;
      scales[r] = e.w / totalW;
    });
    start[examples.length] = o;
  }
  // Features that occur in the data; other weights stay exactly 0 (their
  // gradient is l2 * 0), so the dense Adam loop can skip them.
  const seen = new Uint8Array(D);
  for (let k = 0; k < nnz; k++) seen[cols[k]!] = 1;
  const active: number[] = [];
  for (let i = 0; i < D; i++) if (seen[i]) active.push(i);
  const act = Int32Array.from(active);
  const nEx = examples.length;
  let loss = 0;
  for (let t = 1; t <= opts.iterations; t++) {
    for (let k = 0; k < act.length; k++) g[act[k]!] = opts.l2 * w[act[k]!]!;
    let gb = 0;
    loss = 0;
    for (let r = 0; r < nEx; r++) {
      const a = start[r]!;
      const z1 = start[r + 1]!;
      let z = b;
      for (let k = a; k < z1; k++) z += w[cols[k]!]! * vals[k]!;
      const p = 1 / (1 + Math.exp(-z));
      const scale = scales[r]!;
      const y = ys[r]!;
      loss += scale * (y === 1 ? -Math.log(Math.max(p, 1e-12)) : -Math.log(Math.max(1 - p, 1e-12)));
      const d = scale * (p - y);
      gb += d;
      for (let k = a; k < z1; k++) g[cols[k]!]! += d * vals[k]!;
    }
    // Cosine-decayed learning rate: converges without a tuned schedule.
    const lr = opts.learningRate * 0.5 * (1 + Math.cos((Math.PI * (t - 1)) / opts.iterations));
    const c1 = 1 - Math.pow(beta1, t);
    const c2 = 1 - Math.pow(beta2, t);
    for (let k = 0; k < act.length; k++) {
      const i = act[k]!;
      const gi = g[i]!;
      m[i] = beta1 * m[i]! + (1 - beta1) * gi;
      v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
      w[i]! -= (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
    }
    mb = beta1 * mb + (1 - beta1) * gb;
    vb = beta2 * vb + (1 - beta2) * gb * gb;
    b -= (lr * (mb / c1)) / (Math.sqrt(vb / c2) + eps);
  }
  return { weights: Float32Array.from(w), bias: b, finalLoss: loss };
}

/** Logit of an example under trained weights (training-side scoring, no scratch reuse). */
export function predict(tw: { weights: Float32Array; bias: number }, x: FeatureVector): number {
  let z = tw.bias;
  for (let k = 0; k < x.idx.length; k++) z += tw.weights[x.idx[k]!]! * x.val[k]!;
  return 1 / (1 + Math.exp(-z));
}

/** Fold of a row for cross-validation on the training split (hash of the id). */
export function foldOf(id: string, folds: number): number {
  return fnv1a("thinkgate-router-fold-v1:" + id) % folds;
}
