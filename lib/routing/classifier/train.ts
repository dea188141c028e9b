/**
 * Weighted logistic regression with L2 over the router's features, trained
 * by the shared optimiser (lib/ml/logistic.ts: full-batch Adam, so the same
 * rows in the same order give bit-identical weights). The only seeded
 * randomness is the fold assignment, which is a hash of the row id.
 */
import { N_FEATURES, extractFeatures, type FeatureVector } from "./features";
import type { LabelledRow } from "./dataset";
import { fnv1a } from "./features";
import { fitLogistic, type LogisticOptions } from "../../ml/logistic";

export type TrainOptions = LogisticOptions;

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
  // The examples packed once into flat arrays (CSR): the optimiser reads
  // memory in order instead of chasing one object per example.
  let nnz = 0;
  for (const e of examples) nnz += e.x.idx.length;
  const start = new Int32Array(examples.length + 1);
  const cols = new Int32Array(nnz);
  const vals = new Float64Array(nnz);
  const labels = new Float64Array(examples.length);
  const weights = new Float64Array(examples.length);
  let o = 0;
  examples.forEach((e, r) => {
    start[r] = o;
    cols.set(e.x.idx, o);
    vals.set(e.x.val, o);
    o += e.x.idx.length;
    labels[r] = e.y;
    weights[r] = e.w;
  });
  start[examples.length] = o;
  const fit = fitLogistic({ start, cols, vals, labels, weights }, N_FEATURES, opts);
  return { weights: Float32Array.from(fit.weights), bias: fit.bias, finalLoss: fit.finalLoss };
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
