/**
 * One retraining, as the training thread (train-thread.ts) or, where the
 * thread cannot start, the process runs it: the candidate trained on the
 * shipped train split plus the team's train labels, compared with the model
 * in use on the same held-out rows (the shipped test split and the team's
 * test labels; lib/routing/classifier/retrain.ts), and the apply verdict
 * (compare.ts: refused when F1 on the shipped test split drops by more than
 * MAX_F1_DROP). Input and output are plain data, so they cross to a thread.
 */
import { loadShipped } from "../routing/classifier/dataset";
import { applyVerdict, type ApplyVerdict, type Comparison } from "../routing/classifier/compare";
import type { LinearModel } from "../routing/classifier/linear";
import type { OutOfFold } from "../routing/classifier/model";
import { retrainWithLabels } from "../routing/classifier/retrain";
import { round } from "../routing/classifier/trainer";
import type { TeamExample, TeamRows } from "../routing/classifier/team";
import type { TrainOptions } from "../routing/classifier/train";

export interface TrainJob {
  team: TeamExample[];
  current: { model: LinearModel; threshold: number };
  labelsRead: { limit: number; truncated: boolean };
  /** Tests train with fewer iterations. */
  train?: TrainOptions;
}

export interface Evaluation {
  comparison: Comparison;
  verdict: ApplyVerdict;
  team: TeamRows["stats"] & { train: number; test: number };
  rows: { shippedTrain: number; shippedTest: number };
  /** The candidate's own out-of-family estimate (its training rows, the team's labels one family): not the same rows as the model in use's. */
  outOfFold: OutOfFold;
}

export interface TrainOutcome {
  /** The weights file of the candidate (JSON text). */
  weights: string;
  threshold: number;
  evaluation: Evaluation;
}

export function runTraining(job: TrainJob): TrainOutcome {
  const r = retrainWithLabels({ shipped: loadShipped(), team: job.team, current: job.current, labelsRead: job.labelsRead, train: job.train });
  const c = r.comparison;
  const oof = r.candidate.metrics.outOfFold;
  return {
    weights: r.candidate.json,
    threshold: c.thresholds.candidate,
    evaluation: {
      comparison: c,
      verdict: applyVerdict({ current: c.shippedTest.current.f1, candidate: c.shippedTest.candidate.f1 }, false),
      team: { ...r.team.stats, train: r.team.train.length, test: r.team.test.length },
      rows: { shippedTrain: r.shippedTrain.length, shippedTest: r.shippedTest.length },
      // Rounded as the weights file records it (trainer.ts), so the version in use shows the same figures.
      outOfFold: { f1: round(oof.f1), precision: round(oof.precision), recall: round(oof.recall), fpr: round(oof.fpr) },
    },
  };
}
