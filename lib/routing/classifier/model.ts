/**
 * The models the classifier scores with:
 *
 * - the shipped model, weights.json (trained by scripts/train-router.ts from
 *   data/), and
 * - a deployment's model: a retrained copy (shipped data plus the team's
 *   labels, `npm run train:router -- --with-labels --apply`) written to
 *   THINKGATE_ROUTER_MODEL (default ./data/router-model.json).
 *
 * The active model is the deployment's when that file exists and is valid
 * (same format and feature space as this build), else the shipped one; a file
 * that exists but fails validation logs a warning and the shipped model is
 * used. Decoded once on first use (a few tens of ms; bootstrap does it at
 * startup) and kept until replaced.
 *
 * A version applied through the app (lib/router-versions: retrained from the
 * team's labels, stored in the database) takes precedence over both: every
 * instance installs it with installModel() at start and when another
 * instance applies or rolls back a version, without a restart. The CLI's
 * file takes effect on restart.
 */
import fs from "node:fs";
import path from "node:path";
import weightsJson from "./weights.json";
import { extractFeatures, N_FEATURES, STRUCT_NAMES } from "./features";
import { fnv1a } from "./features";
import { decodeWeights, probability, scoreWith, type LinearModel, type ScoreResult, type WeightsFile } from "./linear";
import type { DeploymentThreshold } from "./calibrate";
import type { OperatingPoint } from "./operating";
import { logger } from "../../observability/logger";

export type { ScoreResult, TopFeature } from "./linear";

const file = weightsJson as unknown as WeightsFile;
let model: LinearModel | null = null;

/** The decoded shipped model: decoded on first call, then cached. */
export function shippedModel(): LinearModel {
  model ??= decodeWeights(file);
  return model;
}

/** The default threshold and how it was calibrated; a deployment may store its own (see calibrate.ts). */
export const SHIPPED_THRESHOLD: DeploymentThreshold = file.threshold;

/** Training provenance recorded in weights.json (data files and hashes, split sizes, options). */
export const SHIPPED_TRAINING: Record<string, unknown> = file.training;

/** Where the shipped weights live (for display). */
export const SHIPPED_MODEL_PATH = "lib/routing/classifier/weights.json";

// ------------------------------------------------------------- deployment

export const DEFAULT_DEPLOYMENT_MODEL_PATH = "./data/router-model.json";

/** The deployment's model file: THINKGATE_ROUTER_MODEL, default ./data/router-model.json (relative to the working directory). */
export function deploymentModelPath(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(env.THINKGATE_ROUTER_MODEL?.trim() || DEFAULT_DEPLOYMENT_MODEL_PATH);
}

/** `training.kind` of a deployment model file. */
export const DEPLOYMENT_KIND = "thinkgate-router-deployment-v1";

/**
 * A fingerprint of the feature space: the feature layout and the features of
 * a few fixed probe texts. A model trained by another build whose tokenizer,
 * hashing or structural features differ gets a different fingerprint even
 * when the layout (hash bits, structural names) is the same, and is refused.
 */
export function featureSpaceId(): string {
  featureSpace ??= computeFeatureSpaceId();
  return featureSpace;
}
let featureSpace: string | null = null;

const PROBES = [
  "hey! how's it going?",
  "Prove that there are infinitely many primes, step by step.",
  "Summarize this paragraph in one sentence: The library will open on Sundays from March.",
  "```ts\nconst x = await fetch(url);\n```\nWhy does this throw TypeError: Failed to fetch? 3 * 4 = 12\n- one\n- two",
  "Écris un poème sur la mer, en quatre vers, sans rime en -er. Warum ist der Himmel blau? 为什么天空是蓝色的？",
];

function computeFeatureSpaceId(): string {
  const parts: string[] = [String(N_FEATURES), STRUCT_NAMES.join(",")];
  for (const p of PROBES) {
    const f = extractFeatures(p);
    const pairs = Array.from(f.idx, (i, k) => `${i}:${Math.round(f.val[k]! * 1e4)}`).sort();
    parts.push(pairs.join(" "));
  }
  const s = parts.join("\n");
  // Two 32-bit hashes with different salts: 64 bits are plenty to tell builds apart.
  return `fs1-${fnv1a("a:" + s).toString(16).padStart(8, "0")}${fnv1a("b:" + s).toString(16).padStart(8, "0")}`;
}

/** Provenance a deployment model file carries in `training` (written by retrain.ts). */
export interface DeploymentTraining {
  kind: typeof DEPLOYMENT_KIND;
  trainedAt: string;
  featureSpace: string;
  rows: { shippedTrain: number; teamTrain: number; total: number };
  [k: string]: unknown;
}

export interface ActiveModelInfo {
  /** shipped: weights.json; deployment: the THINKGATE_ROUTER_MODEL file; version: a version applied through the app. */
  source: "shipped" | "deployment" | "version";
  /** The applied version's number (source "version" only). */
  version?: number;
  /** The file the weights came from. */
  path: string;
  /** When the deployment model was trained (null for the shipped one). */
  trainedAt: string | null;
  /** Training rows: shipped train split, team labels, total. */
  rows: { shippedTrain: number; teamTrain: number; total: number };
  /** The threshold calibrated with this model (a stored setting overrides it). */
  threshold: DeploymentThreshold;
  /** What each threshold does on prompts of sources the model did not see (training.curve); null for a file without one. */
  curve: OperatingPoint[] | null;
  /** The model's out-of-family estimate at training (training.outOfFold: each family scored by a model trained without it); null for a file without one. */
  outOfFold: OutOfFold | null;
  /** Why a deployment file that exists is not in use. */
  warning?: string;
}

export interface OutOfFold {
  f1: number;
  precision: number;
  recall: number;
  /** Standard prompts sent to reasoning. */
  fpr: number;
}

/** training.outOfFold of a model file when it is well-formed, else null. */
function outOfFoldOf(training: Record<string, unknown> | undefined): OutOfFold | null {
  const o = training?.outOfFold as Partial<OutOfFold> | undefined;
  if (!o || typeof o !== "object") return null;
  const { f1, precision, recall, fpr } = o;
  return [f1, precision, recall, fpr].every((x) => typeof x === "number") ? { f1: f1!, precision: precision!, recall: recall!, fpr: fpr! } : null;
}

/** training.curve of a model file when it is well-formed, else null (older files have none). */
function curveOf(training: Record<string, unknown> | undefined): OperatingPoint[] | null {
  const c = training?.curve;
  if (!Array.isArray(c) || c.length === 0) return null;
  const ok = c.every(
    (p: Partial<OperatingPoint>) =>
      typeof p === "object" && p !== null && [p.threshold, p.share, p.recall, p.fpr].every((x) => typeof x === "number") && (p.pgr === null || typeof p.pgr === "number"),
  );
  return ok ? (c as OperatingPoint[]) : null;
}

export interface LoadedModel {
  model: LinearModel;
  info: ActiveModelInfo;
}

function shippedLoaded(warning?: string): LoadedModel {
  const split = SHIPPED_TRAINING.split as { train?: number } | undefined;
  const n = typeof split?.train === "number" ? split.train : (SHIPPED_THRESHOLD.n ?? 0);
  return {
    model: shippedModel(),
    info: {
      source: "shipped",
      path: SHIPPED_MODEL_PATH,
      trainedAt: null,
      rows: { shippedTrain: n, teamTrain: 0, total: n },
      threshold: SHIPPED_THRESHOLD,
      curve: curveOf(SHIPPED_TRAINING),
      outOfFold: outOfFoldOf(SHIPPED_TRAINING),
      ...(warning ? { warning } : {}),
    },
  };
}

/** Checks a parsed deployment file and decodes it; throws with the reason when it is not usable. */
export function decodeDeploymentFile(json: unknown): LoadedModel & { file: WeightsFile } {
  if (!json || typeof json !== "object") throw new Error("not a JSON object");
  const f = json as WeightsFile;
  const t = f.training as Partial<DeploymentTraining> | undefined;
  if (!t || typeof t !== "object" || t.kind !== DEPLOYMENT_KIND) throw new Error(`training.kind is not ${DEPLOYMENT_KIND}`);
  if (t.featureSpace !== featureSpaceId()) {
    throw new Error(`trained in another feature space (${String(t.featureSpace)}, this build: ${featureSpaceId()}); retrain with npm run train:router -- --with-labels`);
  }
  const rows = t.rows;
  if (!rows || ![rows.shippedTrain, rows.teamTrain, rows.total].every((x) => Number.isInteger(x) && x >= 0)) throw new Error("training.rows is missing");
  if (typeof t.trainedAt !== "string") throw new Error("training.trainedAt is missing");
  const decoded = decodeWeights(f);
  return {
    file: f,
    model: decoded,
    info: {
      source: "deployment",
      path: "",
      trainedAt: t.trainedAt,
      rows: { shippedTrain: rows.shippedTrain!, teamTrain: rows.teamTrain!, total: rows.total! },
      threshold: f.threshold,
      curve: curveOf(f.training),
      outOfFold: outOfFoldOf(f.training),
    },
  };
}

/**
 * The model for `file`: the deployment's model when the file exists and is
 * valid; the shipped one when it does not exist (silently) or is not usable
 * (with a warning).
 */
export function loadModel(file: string = deploymentModelPath(), warn: (msg: string) => void = defaultWarn): LoadedModel {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return shippedLoaded();
    const why = `cannot read ${file}: ${(err as Error).message}`;
    warn(`router model: ${why}; using the shipped model`);
    return shippedLoaded(why);
  }
  try {
    const d = decodeDeploymentFile(JSON.parse(text) as unknown);
    return { model: d.model, info: { ...d.info, path: file } };
  } catch (err) {
    const why = `${file} is not a usable router model: ${(err as Error).message}`;
    warn(`router model: ${why}; using the shipped model`);
    return shippedLoaded(why);
  }
}

function defaultWarn(msg: string): void {
  logger.warn(msg);
}

let active: LoadedModel | null = null;

function loaded(): LoadedModel {
  active ??= loadModel();
  return active;
}

/** The model the gateway scores with (deployment's if installed and valid, else shipped); loaded on first call, then cached. */
export function activeModel(): LinearModel {
  return loaded().model;
}

/** Which model is in use: for /api/v1/route reasons, the settings page, the training command. */
export function activeModelInfo(): ActiveModelInfo {
  return loaded().info;
}

/** The threshold calibrated with the active model: what applies while no threshold setting is stored. */
export function activeThreshold(): DeploymentThreshold {
  return loaded().info.threshold;
}

/** Forgets the cached active model: the next call reloads it (tests; a process that just installed a model). */
export function resetActiveModel(): void {
  active = null;
}

/**
 * Replaces the model the gateway scores with, at once: decisions made after
 * this call use it (a decision in progress keeps the model it started with,
 * since it holds the LinearModel). null goes back to the file or shipped model.
 */
export function installModel(next: LoadedModel | null): void {
  active = next;
}

/**
 * P(reasoning-worthy), the difficulty tier, and the few features that pushed
 * the score most (`top`, by absolute contribution to the logit; positive =
 * towards reasoning), for explaining a decision. Uses the active model.
 */
export function score(text: string): ScoreResult {
  const r = scoreWith(activeModel(), text);
  return { score: r.score, tier: r.tier, top: r.top };
}

/** P(reasoning-worthy) only, without the explanation: for bulk scoring and calibration. Uses the active model. */
export function scoreOnly(text: string): number {
  return probability(activeModel(), text);
}
