/**
 * Learning from traffic: a candidate model trained on the shipped train split
 * plus the team's train labels (team.ts), calibrated the same way as the
 * shipped one (trainer.ts), and compared with the current model on the
 * shipped test split and the team's test labels (compare.ts). No database
 * access here: scripts/retrain-router.ts reads the labels and settings and
 * writes the result.
 */
import fs from "node:fs";
import path from "node:path";
import { splitOf, type LabelledRow } from "./dataset";
import type { TrainOptions } from "./train";
import type { LinearModel } from "./linear";
import { probability } from "./linear";
import { CALIBRATED_THRESHOLD, FOLDS, TARGET_FPR, shippedProvenance, trainModel, type TrainModelResult } from "./trainer";
import { teamRows, type TeamExample, type TeamRows } from "./team";
import { compareModels, type ComparedItem, type Comparison } from "./compare";
import { DEPLOYMENT_KIND, featureSpaceId, type DeploymentTraining } from "./model";
import { sourceName } from "./report";

export interface RetrainInput {
  /** The shipped labelled rows (loadShipped(), or a subset in tests). */
  shipped: readonly LabelledRow[];
  /** The team's labelled examples (examplesRepo.all). */
  team: readonly TeamExample[];
  /** The model in use and its threshold in effect. */
  current: { model: LinearModel; threshold: number };
  /** Training options (tests use fewer iterations). */
  train?: TrainOptions;
  folds?: number;
  now?: Date;
  /** Recorded in the file: how many labels were read and the bound used. */
  labelsRead?: { limit: number; truncated: boolean };
}

export interface RetrainResult {
  team: TeamRows;
  shippedTrain: LabelledRow[];
  shippedTest: LabelledRow[];
  candidate: TrainModelResult;
  comparison: Comparison;
}

export function retrainWithLabels(input: RetrainInput): RetrainResult {
  const shippedTrain = input.shipped.filter((r) => splitOf(r.id) === "train");
  const shippedTest = input.shipped.filter((r) => splitOf(r.id) === "test");
  const team = teamRows(input.team, new Set(shippedTest.map((r) => r.prompt.trim())));
  const rows = [...shippedTrain, ...team.train];
  const folds = input.folds ?? FOLDS;
  const trainedAt = (input.now ?? new Date()).toISOString();
  const origins: Record<string, { train: number; test: number }> = {};
  for (const r of team.rows) {
    origins[r.category] ??= { train: 0, test: 0 };
    origins[r.category]![r.split]++;
  }
  const shipped = shippedProvenance(shippedTrain.length, shippedTest.length);
  const provenance: DeploymentTraining = {
    kind: DEPLOYMENT_KIND,
    trainedAt,
    featureSpace: featureSpaceId(),
    rows: { shippedTrain: shippedTrain.length, teamTrain: team.train.length, total: rows.length },
    data: shipped.data,
    split: shipped.split,
    teamLabels: {
      ...team.stats,
      train: team.train.length,
      test: team.test.length,
      origins,
      split: `splitOf(team row id = "team:" + sha256(prompt)[0:16]); shipped test prompts -> test`,
      ...(input.labelsRead ? { limit: input.labelsRead.limit, truncated: input.labelsRead.truncated } : {}),
    },
  };
  const candidate = trainModel(rows, {
    folds,
    train: input.train,
    provenance,
    calibratedOn: `Platt scaling on ${folds}-fold out-of-family scores of the shipped train split and the team's train labels (one family); the lowest threshold >= ${CALIBRATED_THRESHOLD} at which at most ${TARGET_FPR} of standard prompts (weighted) go to reasoning`,
    calibratedAt: trainedAt,
  });
  const both = (r: LabelledRow, group: string): ComparedItem => ({
    label: r.label!,
    group,
    current: probability(input.current.model, r.prompt),
    candidate: probability(candidate.model, r.prompt),
  });
  const comparison = compareModels({
    shippedTest: shippedTest.map((r) => both(r, sourceName(r.source))),
    teamTest: team.test.map((r) => both(r, r.category)),
    thresholds: { current: input.current.threshold, candidate: candidate.weightsFile.threshold.threshold },
  });
  return { team, shippedTrain, shippedTest, candidate, comparison };
}

/** Writes a model file atomically (temp file + rename), creating its directory. */
export function writeModelFile(file: string, json: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, json);
  fs.renameSync(tmp, file);
}
