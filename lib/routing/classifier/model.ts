/**
 * The shipped model: weights.json (trained by scripts/train-router.ts from
 * data/), decoded once on first use and kept for the life of the process.
 */
import weightsJson from "./weights.json";
import { decodeWeights, probability, scoreWith, type LinearModel, type ScoreResult, type WeightsFile } from "./linear";
import type { DeploymentThreshold } from "./calibrate";

export type { ScoreResult, TopFeature } from "./linear";

const file = weightsJson as unknown as WeightsFile;
let model: LinearModel | null = null;

/** The decoded shipped model: decoded on first call (a few tens of ms; call it at startup to keep that off the first request), then cached. */
export function shippedModel(): LinearModel {
  model ??= decodeWeights(file);
  return model;
}

/** The default threshold and how it was calibrated; a deployment may store its own (see calibrate.ts). */
export const SHIPPED_THRESHOLD: DeploymentThreshold = file.threshold;

/** Training provenance recorded in weights.json (data files and hashes, split sizes, options). */
export const SHIPPED_TRAINING: Record<string, unknown> = file.training;

/**
 * P(reasoning-worthy), the difficulty tier, and the few features that pushed
 * the score most (`top`, by absolute contribution to the logit; positive =
 * towards reasoning), for explaining a decision.
 */
export function score(text: string): ScoreResult {
  const r = scoreWith(shippedModel(), text);
  return { score: r.score, tier: r.tier, top: r.top };
}

/** P(reasoning-worthy) only, without the explanation: for bulk scoring and calibration. */
export function scoreOnly(text: string): number {
  return probability(shippedModel(), text);
}
