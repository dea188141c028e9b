/**
 * The router's learning loop in the app: retrain a candidate from the
 * shipped data plus the team's labels, keep it as a version with its
 * comparison against the model in use, apply it (refused when it is worse),
 * roll back. The version in use is the setting routing.routerModelVersion
 * (with its threshold in routing.classifierThreshold, written together);
 * applying installs the model here at once and announces "router" on the
 * cluster bus, so every other instance installs it too (lib/cluster).
 */
import { AppError, notFound } from "../api/errors";
import { announceChange } from "../cluster/bus";
import { configRepo } from "../db/config.repo";
import { examplesRepo } from "../db/examples.repo";
import { routerModelsRepo, type RouterVersionSummary } from "../db/router-models.repo";
import { logger } from "../observability/logger";
import { activeModel, activeModelInfo, installModel, type ActiveModelInfo } from "../routing/classifier";
import { decodeDeploymentFile, loadModel } from "../routing/classifier/model";
import { invalidate, SETTING_ROUTER_VERSION, SETTING_THRESHOLD } from "../routing/config";
import { train } from "./runner";
import type { Evaluation, TrainJob } from "./train";

/** How many of the team's labels a retraining reads: the most recently updated (as the CLI's default). */
export const LABELS_READ = 50_000;

/** The version a string or number names, or "base": the model of the file or the shipped one. */
export type Target = number | "base";

export interface VersionView extends Omit<RouterVersionSummary, "evaluation"> {
  evaluation: Evaluation;
  inUse: boolean;
  /** Whether apply would be accepted now, and why not. */
  apply: { allowed: boolean; reason: string };
}

export interface RouterOverview {
  current: { version: number | null; model: ActiveModelInfo; threshold: number };
  labels: { reasoning: number; standard: number };
  versions: VersionView[];
}

async function versionInUse(): Promise<number | null> {
  const v = (await configRepo.settings()).get(SETTING_ROUTER_VERSION);
  return typeof v === "number" && Number.isInteger(v) ? v : null;
}

/** The threshold in effect: the stored setting, else the one calibrated with the model in use (as lib/routing/config.ts). */
async function thresholdInEffect(): Promise<number> {
  const t = (await configRepo.settings()).get(SETTING_THRESHOLD);
  return typeof t === "number" && t >= 0 && t <= 1 ? t : activeModelInfo().threshold.threshold;
}

let installed: number | null = null;

/**
 * Installs the version in use (or the file/shipped model when none is) on
 * this instance: at start, after apply and rollback, and on the bus's
 * "router" notice. A version that cannot be decoded leaves the base model
 * in use and says so in the log; the routing snapshot is reloaded either way
 * (the threshold goes with the model).
 */
export async function reloadRouterModel(): Promise<void> {
  const version = await versionInUse();
  if (version !== installed) {
    const row = version === null ? null : await routerModelsRepo.get(version);
    if (version !== null && !row) logger.warn({ version }, "router model version in use does not exist: using the base model");
    let next: Parameters<typeof installModel>[0] = null;
    if (row) {
      try {
        const d = decodeDeploymentFile(JSON.parse(row.weights) as unknown);
        next = { model: d.model, info: { ...d.info, source: "version", version: row.version, path: `version ${row.version}` } };
      } catch (err) {
        logger.warn({ version, err: (err as Error).message }, "router model version in use is not usable: using the base model");
      }
    }
    installModel(next);
    installed = version;
  }
  invalidate();
}

function view(v: RouterVersionSummary, inUse: number | null): VersionView {
  const evaluation = JSON.parse(v.evaluation) as Evaluation;
  return { ...v, evaluation, inUse: v.version === inUse, apply: applyCheck(v, evaluation, inUse) };
}

function applyCheck(v: RouterVersionSummary, e: Evaluation, inUse: number | null): { allowed: boolean; reason: string } {
  const name = (x: number | null) => (x === null ? "the base model" : `version ${x}`);
  if (v.version === inUse) return { allowed: false, reason: `version ${v.version} is in use` };
  if (v.basedOn !== inUse) {
    return { allowed: false, reason: `compared with ${name(v.basedOn)}, but ${name(inUse)} is in use now: retrain to compare with it` };
  }
  if (!e.verdict.allowed) return { allowed: false, reason: `worse than the model in use: ${e.verdict.reason}` };
  return { allowed: true, reason: e.verdict.reason };
}

export async function overview(limit = 50): Promise<RouterOverview> {
  const [inUse, labels, versions, threshold] = await Promise.all([versionInUse(), examplesRepo.counts(), routerModelsRepo.list(limit), thresholdInEffect()]);
  return { current: { version: inUse, model: activeModelInfo(), threshold }, labels, versions: versions.map((v) => view(v, inUse)) };
}

/** Trains a candidate on a thread, stores it as a version and returns it (not applied). */
export async function retrain(createdBy: string, opts: { train?: TrainJob["train"] } = {}): Promise<VersionView> {
  // The model this instance scores with is the version in use (reloadRouterModel keeps them in step).
  const [inUse, examples, threshold] = await Promise.all([versionInUse(), examplesRepo.all(LABELS_READ), thresholdInEffect()]);
  if (inUse !== installed) await reloadRouterModel();
  const t0 = performance.now();
  const outcome = await train({
    team: examples.map((e) => ({ id: e.id, prompt: e.prompt, label: e.label, source: e.source, updatedAt: e.updatedAt })),
    current: { model: activeModel(), threshold },
    labelsRead: { limit: LABELS_READ, truncated: examples.length === LABELS_READ },
    train: opts.train,
  });
  const stored = await routerModelsRepo.create({
    weights: outcome.weights,
    threshold: outcome.threshold,
    basedOn: inUse,
    evaluation: JSON.stringify(outcome.evaluation),
    labels: examples.length,
    trainMs: Math.round(performance.now() - t0),
    createdBy,
  });
  return view(stored, inUse);
}

async function switchTo(version: number | null, threshold: number): Promise<void> {
  await configRepo.setSettings([
    [SETTING_ROUTER_VERSION, version],
    [SETTING_THRESHOLD, threshold],
  ]);
  if (version !== null) await routerModelsRepo.markApplied(version, new Date());
  await reloadRouterModel();
  await announceChange("router");
}

/** Puts a candidate in use: a 409 with the reason when it is worse than, or was not compared with, the model in use. */
export async function applyVersion(version: number): Promise<RouterOverview> {
  const v = await routerModelsRepo.summary(version);
  if (!v) throw notFound(`router model version ${version} does not exist`);
  const check = applyCheck(v, JSON.parse(v.evaluation) as Evaluation, await versionInUse());
  if (!check.allowed) throw new AppError("conflict_error", `version ${version} not applied: ${check.reason}`);
  await switchTo(v.version, v.threshold);
  return overview();
}

/** Goes back to a version that was in use before, or to the base model ("base"), without comparing. */
export async function rollbackTo(target: Target): Promise<RouterOverview> {
  const inUse = await versionInUse();
  if (target === "base") {
    if (inUse === null) throw new AppError("conflict_error", "the base model is in use already");
    // The threshold calibrated with the file's or the shipped model.
    await switchTo(null, loadModel().info.threshold.threshold);
    return overview();
  }
  const v = await routerModelsRepo.summary(target);
  if (!v) throw notFound(`router model version ${target} does not exist`);
  if (v.version === inUse) throw new AppError("conflict_error", `version ${target} is in use already`);
  if (!v.appliedAt) throw new AppError("conflict_error", `version ${target} was never in use: roll back only to a version that was; apply a candidate instead`);
  await switchTo(v.version, v.threshold);
  return overview();
}
