/**
 * The training procedure, one code path for the shipped weights.json
 * (scripts/train-router.ts) and a deployment's retrained model
 * (`--with-labels`, retrain.ts):
 *
 * 1. sample weights by source and category (balancedWeights);
 * 2. k-fold cross-validation on the training rows (folds by a hash of the row
 *    id) gives out-of-fold scores;
 * 3. the threshold is calibrated on those: the highest threshold at which the
 *    recall of reasoning-labelled prompts of every source is >= TARGET_RECALL;
 * 4. the final model is trained on all training rows and quantised as
 *    written; `model` is the decoded file, so what is evaluated is what ships.
 *
 * Deterministic (see train.ts). Node-only (hashes data files).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expandInputs, SHIPPED_DATA_DIR, TEST_PERCENT, type LabelledRow } from "./dataset";
import { extractFeatures, type FeatureVector } from "./features";
import { balancedWeights, DEFAULT_TRAIN_OPTIONS, DEFAULT_WEIGHTING, foldOf, predict, train, type Example, type TrainOptions, type WeightingOptions } from "./train";
import { confusionAt, thresholdForGroupRecall, thresholdForRecall, type ConfusionAt, type ScoredItem } from "./calibrate";
import { decodeWeights, encodeWeights, probability, type LinearModel, type WeightsFile } from "./linear";
import { auc, sourceName, type GroupedItem } from "./report";

export const FOLDS = 5;
/** Recall of reasoning-worthy prompts every source must reach, on out-of-fold scores, at the calibrated threshold. */
export const TARGET_RECALL = 0.9;

export interface TrainModelOptions {
  folds?: number;
  targetRecall?: number;
  train?: TrainOptions;
  weighting?: WeightingOptions;
  /** Feature vectors by row id, when the caller already has them (computed otherwise). */
  features?: Map<string, FeatureVector>;
  /** Provenance placed first in the file's `training` record; `options` and `outOfFold` follow it. */
  provenance?: Record<string, unknown>;
  /** Text of threshold.calibratedOn (default: the shipped wording). */
  calibratedOn?: string;
  calibratedAt?: string;
}

export type EvalItem = ScoredItem & GroupedItem & { category: string };

export interface TrainModelResult {
  weightsFile: WeightsFile;
  /** The file as written: JSON plus a newline. */
  json: string;
  /** The written file decoded: quantised weights, exactly as they will be used. */
  model: LinearModel;
  metrics: {
    /** Calibrated threshold (the file stores it rounded to 6 digits). */
    threshold: number;
    outOfFold: ConfusionAt;
    outOfFoldAuc: number;
    outOfFoldItems: EvalItem[];
    /** Per group with reasoning rows: the threshold its own recall target allows; the lowest is the calibrated one. */
    groupThresholds: { group: string; reasoning: number; threshold: number }[];
    finalLoss: number;
    nnz: number;
    rows: number;
  };
}

export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Features of each row, by id. */
export function featuresOf(rows: readonly LabelledRow[], into = new Map<string, FeatureVector>()): Map<string, FeatureVector> {
  for (const r of rows) if (!into.has(r.id)) into.set(r.id, extractFeatures(r.prompt));
  return into;
}

/** Trains on `rows` (all of them training rows; labels non-null): cross-validated threshold, final model, encoded file. */
export function trainModel(rows: readonly LabelledRow[], opts: TrainModelOptions = {}): TrainModelResult {
  const folds = opts.folds ?? FOLDS;
  const target = opts.targetRecall ?? TARGET_RECALL;
  const trainOpts = opts.train ?? DEFAULT_TRAIN_OPTIONS;
  const weighting = opts.weighting ?? DEFAULT_WEIGHTING;
  const features = featuresOf(rows, opts.features ?? new Map());
  const weights = balancedWeights(rows, weighting);
  const examples: Example[] = rows.map((r, i) => ({ x: features.get(r.id)!, y: r.label === "reasoning" ? 1 : 0, w: weights[i]! }));

  // cross-validation: out-of-fold scores
  const oof = new Float64Array(rows.length);
  for (let f = 0; f < folds; f++) {
    const fit: Example[] = [];
    const held: number[] = [];
    rows.forEach((r, i) => (foldOf(r.id, folds) === f ? held.push(i) : fit.push(examples[i]!)));
    if (held.length === 0) continue;
    const tw = train(fit, trainOpts);
    for (const i of held) oof[i] = predict(tw, examples[i]!.x);
  }
  const oofItems: EvalItem[] = rows.map((r, i) => ({ score: oof[i]!, label: r.label!, weight: weights[i]!, group: sourceName(r.source), category: r.category }));
  const threshold = thresholdForGroupRecall(oofItems, target);
  const oofAt = confusionAt(oofItems, threshold);

  // final model on all rows, quantised as written
  const final = train(examples, trainOpts);
  const training = {
    ...opts.provenance,
    options: { ...trainOpts, weighting, folds },
    outOfFold: { f1: round(oofAt.f1), precision: round(oofAt.precision), recall: round(oofAt.recall), fpr: round(oofAt.fpr) },
  };
  const weightsFile = encodeWeights(
    final.weights,
    final.bias,
    {
      threshold: round(threshold, 6),
      method: "group-recall",
      target,
      n: rows.length,
      calibratedOn: opts.calibratedOn ?? `${folds}-fold out-of-fold scores of the train split; recall of every source >= ${target}`,
      ...(opts.calibratedAt ? { calibratedAt: opts.calibratedAt } : {}),
    },
    training,
  );
  return {
    weightsFile,
    json: JSON.stringify(weightsFile) + "\n",
    model: decodeWeights(weightsFile),
    metrics: {
      threshold,
      outOfFold: oofAt,
      outOfFoldAuc: auc(oofItems),
      outOfFoldItems: oofItems,
      groupThresholds: groupThresholds(oofItems, target),
      finalLoss: final.finalLoss,
      nnz: weightsFile.nnz,
      rows: rows.length,
    },
  };
}

function groupThresholds(items: readonly EvalItem[], target: number): TrainModelResult["metrics"]["groupThresholds"] {
  const groups = [...new Set(items.map((i) => i.group))].sort();
  return groups
    .map((group) => {
      const its = items.filter((i) => i.group === group);
      const reasoning = its.filter((i) => i.label === "reasoning").length;
      return { group, reasoning, threshold: reasoning > 0 ? thresholdForRecall(its, target) : Number.NaN };
    })
    .filter((g) => g.reasoning > 0)
    .sort((a, b) => a.threshold - b.threshold);
}

/** The shipped data's provenance: file hashes and the split rule and sizes. */
export function shippedProvenance(trainRows: number, testRows: number): { data: { file: string; sha256: string }[]; split: Record<string, unknown> } {
  return {
    data: expandInputs([SHIPPED_DATA_DIR]).map((f) => ({
      file: path.basename(f),
      sha256: crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex"),
    })),
    split: { rule: `fnv1a("thinkgate-router-split-v1:" + id) % 100 < ${TEST_PERCENT} -> test`, train: trainRows, test: testRows },
  };
}

/** Scores rows with a model, grouped by (short) source name. */
export function scoreRows(model: LinearModel, rows: readonly LabelledRow[]): EvalItem[] {
  return rows.map((r) => ({ score: probability(model, r.prompt), label: r.label!, group: sourceName(r.source), category: r.category }));
}
