/**
 * The training procedure, one code path for the shipped weights.json
 * (scripts/train-router.ts) and a deployment's retrained model
 * (`--with-labels`, retrain.ts):
 *
 * 1. each row's training label (trainingLabel: outcomes where a source has
 *    them in place of a placeholder category label) and its benchmark family
 *    (familyOf), which stands in for its source from here on;
 * 2. sample weights by family and category (balancedWeights);
 * 3. k-fold cross-validation with whole families held out per fold gives
 *    out-of-family scores: what the model says about a kind of prompt it
 *    never saw;
 * 4. the score is calibrated on those (Platt scaling): p = sigmoid(a * z + b)
 *    of the raw logit z, so that 0.5 means even odds for a prompt from an
 *    unseen source; a and b are folded into the weights, so the shipped
 *    model's score is the calibrated one and the default threshold is 0.5;
 * 5. the final model is trained on all training rows and quantised as
 *    written; `model` is the decoded file, so what is evaluated is what ships.
 *
 * Deterministic (see train.ts). Node-only (hashes data files).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { operatingCurve, roundCurve, type OperatingPoint } from "./operating";
import { expandInputs, familyOf, labelFromOutcome, outcomeOf, SHIPPED_DATA_DIR, SHIPPED_DATA_DIRS, TEST_PERCENT, trainingLabel, type LabelledRow, type OutcomeTarget } from "./dataset";
import { extractFeatures, type FeatureVector } from "./features";
import { balancedWeights, DEFAULT_TRAIN_OPTIONS, DEFAULT_WEIGHTING, foldOf, predict, train, type Example, type TrainOptions, type WeightingOptions } from "./train";
import { confusionAt, plattFit, thresholdForFpr, thresholdForRecall, type ConfusionAt, type ScoredItem } from "./calibrate";
import { decodeWeights, encodeWeights, probability, type LinearModel, type WeightsFile } from "./linear";
import { balancedGroups } from "./loso";
import { auc, sourceName, type GroupedItem } from "./report";

/** Cross-validation folds for calibration; each holds out whole families. */
export const FOLDS = 3;
/** The lowest cut-off on the calibrated score: reasoning only when the odds that it helps are even or better. */
export const CALIBRATED_THRESHOLD = 0.5;
/**
 * The default operating point caps needless reasoning calls: at most this
 * share of standard prompts of families the model did not see (out-of-family
 * scores, weighted like training) may go to reasoning. A needless reasoning
 * call costs ~100x a standard one, so the default leans to standard; a team
 * moves it in Settings -> Routing along the operating curve.
 */
export const TARGET_FPR = 0.1;
/** Recall target reported per group (groupThresholds): what each source would need for 90% recall. */
export const TARGET_RECALL = 0.9;

export interface TrainModelOptions {
  folds?: number;
  /** Cap on standard prompts sent to reasoning at the default threshold (TARGET_FPR); null: the threshold is 0.5. */
  targetFpr?: number | null;
  train?: TrainOptions;
  weighting?: WeightingOptions;
  /** Feature vectors by row id, when the caller already has them (computed otherwise). */
  features?: Map<string, FeatureVector>;
  /** What makes an outcome-labelled row a reasoning row (trainingLabel; default "strong-only"). */
  outcomeTarget?: OutcomeTarget;
  /** Multiplier on the weight of outcome-labelled rows, before the classes are balanced (default 1). */
  outcomeWeight?: number;
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
    /** Default threshold on the calibrated score (the file stores it rounded to 6 digits). */
    threshold: number;
    /** Platt scaling fitted on out-of-family scores, folded into the weights. */
    platt: { a: number; b: number };
    /** The operating curve on out-of-family scores (stored in the file as training.curve). */
    curve: OperatingPoint[];
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

/** Rows as the trainer sees them: the training label, and the family in place of the source. */
export function asTrainingRows(rows: readonly LabelledRow[], target: OutcomeTarget = "strong-only"): LabelledRow[] {
  return rows.flatMap((r) => {
    const t = trainingLabel(r, target);
    return t ? [{ ...r, source: familyOf(r), label: t.label, label_confidence: t.confidence }] : [];
  });
}

/**
 * Fold of each family: families by size (largest first) go to the fold with
 * the fewest rows so far, so folds are about the same size and a family is
 * never split between them.
 */
export function familyFolds(rows: readonly LabelledRow[], folds: number): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const r of rows) sizes.set(r.source, (sizes.get(r.source) ?? 0) + 1);
  return balancedGroups(sizes, folds);
}

/** Trains on `rows` (all of them training rows; labels non-null): out-of-family calibration, final model, encoded file. */
export function trainModel(input: readonly LabelledRow[], opts: TrainModelOptions = {}): TrainModelResult {
  const folds = opts.folds ?? FOLDS;
  const trainOpts = opts.train ?? DEFAULT_TRAIN_OPTIONS;
  const weighting = opts.weighting ?? DEFAULT_WEIGHTING;
  const rows = asTrainingRows(input, opts.outcomeTarget);
  const features = featuresOf(rows, opts.features ?? new Map());
  // asTrainingRows keeps the rows with a label, in order: the same filter gives each row's origin
  const outcomeWeight = opts.outcomeWeight ?? 1;
  const multipliers = outcomeWeight === 1 ? undefined : input.filter((r) => trainingLabel(r) !== null).map((r) => (labelFromOutcome(r) ? outcomeWeight : 1));
  const weights = balancedWeights(rows, weighting, multipliers);
  const examples: Example[] = rows.map((r, i) => ({ x: features.get(r.id)!, y: r.label === "reasoning" ? 1 : 0, w: weights[i]! }));

  // cross-validation with whole families held out: out-of-family logits
  const foldOfFamily = familyFolds(rows, folds);
  const oofLogit = new Float64Array(rows.length);
  const heldOut = new Uint8Array(rows.length);
  for (let f = 0; f < folds; f++) {
    const fit: Example[] = [];
    const held: number[] = [];
    rows.forEach((r, i) => (foldOfFamily.get(r.source) === f ? held.push(i) : fit.push(examples[i]!)));
    if (held.length === 0 || fit.length === 0) continue;
    const tw = train(fit, trainOpts);
    for (const i of held) {
      oofLogit[i] = logitOf(predict(tw, examples[i]!.x));
      heldOut[i] = 1;
    }
  }
  // Platt scaling on the out-of-family logits (class-balanced weights): identity when there was nothing to hold out.
  const calib = rows.map((_, i) => i).filter((i) => heldOut[i]);
  const platt = calib.length > 0 ? plattFit(calib.map((i) => ({ z: oofLogit[i]!, y: examples[i]!.y, w: examples[i]!.w }))) : { a: 1, b: 0 };
  const oofItems: EvalItem[] = calib.map((i) => ({
    score: sigmoid(platt.a * oofLogit[i]! + platt.b),
    label: rows[i]!.label!,
    weight: weights[i]!,
    group: sourceName(rows[i]!.source),
    category: rows[i]!.category,
  }));
  const targetFpr = opts.targetFpr === undefined ? TARGET_FPR : opts.targetFpr;
  const fprThreshold = targetFpr === null ? 0 : thresholdForFpr(oofItems, targetFpr);
  const threshold = Math.max(CALIBRATED_THRESHOLD, fprThreshold);
  const oofAt = confusionAt(oofItems, threshold);
  // What each threshold would do on prompts of families the model did not see (Settings shows it).
  const curve = roundCurve(operatingCurve(calib.map((i, k) => ({ score: oofItems[k]!.score, label: oofItems[k]!.label, outcome: outcomeOf(rows[i]!) }))));

  // final model on all rows, calibrated, quantised as written
  const final = train(examples, trainOpts);
  const calibrated = final.weights.map((w) => w * platt.a);
  const training = {
    ...opts.provenance,
    options: { ...trainOpts, weighting, folds },
    calibration: { method: "platt", a: round(platt.a, 6), b: round(platt.b, 6), on: `${folds}-fold out-of-family logits` },
    outOfFold: { f1: round(oofAt.f1), precision: round(oofAt.precision), recall: round(oofAt.recall), fpr: round(oofAt.fpr) },
    curve,
  };
  const weightsFile = encodeWeights(
    calibrated,
    final.bias * platt.a + platt.b,
    {
      threshold: round(threshold, 6),
      ...(threshold > CALIBRATED_THRESHOLD ? { method: "fpr" as const, target: targetFpr! } : { method: "calibrated" as const, target: CALIBRATED_THRESHOLD }),
      n: rows.length,
      calibratedOn:
        opts.calibratedOn ??
        `Platt scaling on ${folds}-fold out-of-family scores of the train split; the lowest threshold >= ${CALIBRATED_THRESHOLD} at which at most ${targetFpr ?? 0} of standard prompts (weighted) go to reasoning`,
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
      platt,
      curve,
      outOfFold: oofAt,
      outOfFoldAuc: auc(oofItems),
      outOfFoldItems: oofItems,
      groupThresholds: groupThresholds(oofItems, TARGET_RECALL),
      finalLoss: final.finalLoss,
      nnz: weightsFile.nnz,
      rows: rows.length,
    },
  };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const logitOf = (p: number) => Math.log(Math.max(p, 1e-12) / Math.max(1 - p, 1e-12));

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
    data: expandInputs(SHIPPED_DATA_DIRS).map((f) => ({
      file: path.relative(SHIPPED_DATA_DIR, f),
      sha256: crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex"),
    })),
    split: { rule: `fnv1a("thinkgate-router-split-v1:" + id) % 100 < ${TEST_PERCENT} -> test`, train: trainRows, test: testRows },
  };
}

/** Scores rows with a model, grouped by (short) source name. */
export function scoreRows(model: LinearModel, rows: readonly LabelledRow[]): EvalItem[] {
  return rows.map((r) => ({ score: probability(model, r.prompt), label: r.label!, group: sourceName(r.source), category: r.category }));
}
