/**
 * Learning from traffic: retrains the router classifier on the shipped data
 * plus the team's labels (trace explorer, playground, successful escalations:
 * the LabelledExample rows of DATABASE_URL), and reports the change before
 * the new model is used.
 *
 *   npm run train:router -- --with-labels                  compare only (nothing is written)
 *   npm run train:router -- --with-labels --apply          install the candidate
 *   npm run train:router -- --with-labels --apply --force  install it even if it regresses
 *   options: --limit N   read at most the N most recently updated labels (default 50000)
 *            --model F   the deployment's model file (default THINKGATE_ROUTER_MODEL or ./data/router-model.json)
 *
 * The team's labels are split like the shipped data (30% test, by a hash of
 * the prompt). The candidate is trained on the shipped train split plus the
 * team's train labels (weighted as a source of their own) and its threshold
 * is calibrated the same way as the shipped one (5-fold out-of-fold scores,
 * recall >= 0.9 for every source). The CURRENT model (the deployment's model
 * if one is installed, else the shipped one, at the threshold in effect) and
 * the CANDIDATE are compared on the shipped test split (overall and per
 * source) and on the team's test labels.
 *
 * --apply writes the candidate to the deployment's model file and stores its
 * threshold in the setting routing.classifierThreshold. It is refused when
 * the candidate's F1 on the shipped test split is more than 0.01 below the
 * current model's, unless --force. The gateway loads the model at start:
 * restart it to use the new model.
 */
import fs from "node:fs";
import { examplesRepo, MAX_ALL } from "../lib/db/examples.repo";
import { configRepo } from "../lib/db/config.repo";
import { disconnectDb } from "../lib/db/client";
import { databaseUrl } from "../lib/db/provider";
import { SETTING_ROUTER_VERSION, SETTING_THRESHOLD } from "../lib/routing/config";
import { loadShipped } from "../lib/routing/classifier/dataset";
import { deploymentModelPath, loadModel } from "../lib/routing/classifier/model";
import { retrainWithLabels, writeModelFile } from "../lib/routing/classifier/retrain";
import { applyVerdict, renderComparison } from "../lib/routing/classifier/compare";
import { FOLDS, TARGET_RECALL } from "../lib/routing/classifier/trainer";
import { num, pct, table } from "../lib/routing/classifier/report";

const USAGE = "usage: train-router --with-labels [--apply [--force]] [--limit N] [--model FILE]";
const DEFAULT_LIMIT = 50_000;

const log = (s = "") => process.stdout.write(s + "\n");

export async function main(argv: string[]): Promise<void> {
  let code = 0;
  try {
    code = await run(argv);
  } catch (err) {
    process.stderr.write(`retraining failed: ${(err as Error).message}\n(is DATABASE_URL right, and migrated? npm run db:deploy)\n`);
    code = 2;
  } finally {
    await disconnectDb().catch(() => undefined);
  }
  process.exit(code);
}

async function run(argv: string[]): Promise<number> {
  const apply = argv.includes("--apply");
  const force = argv.includes("--force");
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const limit = Number(value("--limit") ?? DEFAULT_LIMIT);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ALL) {
    process.stderr.write(`--limit must be an integer in 1..${MAX_ALL}\n${USAGE}\n`);
    return 2;
  }
  const modelFile = deploymentModelPath(value("--model") ? { THINKGATE_ROUTER_MODEL: value("--model") } : process.env);
  const t0 = performance.now();

  log(`# thinkgate router retraining with the team's labels`);
  log(`database: ${redactUrl(databaseUrl())}`);

  // ---- inputs: the team's labels, the current model and threshold
  const [examples, settings] = await Promise.all([examplesRepo.all(limit), configRepo.settings()]);
  const truncated = examples.length === limit;
  // A version applied on the router page takes precedence over the file on every instance: installing a file
  // (and its threshold) under it would pair the version's model with the file's threshold.
  const appVersion = settings.get(SETTING_ROUTER_VERSION);
  if (apply && typeof appVersion === "number") {
    process.stderr.write(
      `router model version ${appVersion} is in use (applied on the router page, /router), and takes precedence over ${modelFile}: ` +
        `retrain and apply there, or roll back to the base model there first; nothing written\n`,
    );
    return 1;
  }
  if (typeof appVersion === "number") log(`note: router model version ${appVersion} (applied on the router page) is what the gateway uses; this compares with ${modelFile} instead`);
  const current = loadModel(modelFile, (msg) => log(`WARNING: ${msg}`));
  const stored = settings.get(SETTING_THRESHOLD);
  const storedOk = typeof stored === "number" && stored >= 0 && stored <= 1;
  const currentThreshold = storedOk ? stored : current.info.threshold.threshold;
  const currentLabel =
    current.info.source === "deployment"
      ? `deployment model ${current.info.path} (trained ${current.info.trainedAt}; ${current.info.rows.shippedTrain} shipped + ${current.info.rows.teamTrain} team rows)`
      : `shipped model ${current.info.path}${current.info.warning ? " (the deployment file is not usable, see the warning above)" : ` (no deployment model at ${modelFile})`}`;
  log(`current: ${currentLabel}`);
  log(`current threshold: ${num(currentThreshold, 4)} (${storedOk ? `setting ${SETTING_THRESHOLD}` : "the model's calibrated default; no setting stored"})`);

  const shipped = loadShipped();
  const r = retrainWithLabels({
    shipped,
    team: examples,
    current: { model: current.model, threshold: currentThreshold },
    labelsRead: { limit, truncated },
  });
  const s = r.team.stats;
  log();
  log(`## the team's labels`);
  log(
    `read ${s.read} labelled examples${truncated ? ` (the limit: only the ${limit} most recently updated were read; raise --limit)` : ""}; ` +
      `${s.skipped} skipped (empty prompt), ${s.merged} duplicates of a prompt merged (${s.conflicts} with disagreeing labels; a person's label beats an escalation's, then the newest), ` +
      `${r.team.rows.length} prompts` + (s.forcedToTest ? `; ${s.forcedToTest} also in the shipped test split, kept out of training` : ""),
  );
  const origins = [...new Set(r.team.rows.map((x) => x.category))].sort();
  if (origins.length > 0) {
    const count = (o: string, label: string, split: string) => r.team.rows.filter((x) => x.category === o && x.label === label && x.split === split).length;
    log(
      table(
        ["origin", "label", "train", "test"],
        origins.flatMap((o) => (["reasoning", "standard"] as const).filter((l) => count(o, l, "train") + count(o, l, "test") > 0).map((l) => [o, l, count(o, l, "train"), count(o, l, "test")])),
      ),
    );
  } else {
    log(`no team labels: the candidate is trained on the shipped data alone (label prompts in the trace explorer or the playground first)`);
  }

  const m = r.candidate.metrics;
  log();
  log(`## candidate: trained on ${r.shippedTrain.length} shipped train rows + ${r.team.train.length} team train labels`);
  log(
    `threshold: ${num(m.threshold, 4)} on the calibrated score (Platt scaling a ${num(m.platt.a, 4)}, b ${num(m.platt.b, 4)} on ${FOLDS}-fold out-of-family scores; the team's labels are one family)`,
  );
  log(
    `for ${pct(TARGET_RECALL, 0)} recall per source the threshold would be: ` +
      m.groupThresholds
        .slice(0, 3)
        .map((g) => `${g.group} ${num(g.threshold, 4)} (${g.reasoning} reasoning rows)`)
        .join(", "),
  );
  log(`out-of-fold: F1 ${num(m.outOfFold.f1)}  precision ${pct(m.outOfFold.precision)}  recall ${pct(m.outOfFold.recall)}  std->reas ${pct(m.outOfFold.fpr)}  AUC ${num(m.outOfFoldAuc, 4)}`);

  const c = r.comparison;
  log();
  log(`## current vs candidate (each at its own threshold; held-out rows only: shipped test split, team test labels)`);
  log(renderComparison(c));
  log();
  log(`threshold: current ${num(c.thresholds.current, 4)} -> candidate ${num(c.thresholds.candidate, 4)}`);
  if (r.team.test.length === 0) log(`(no team labels on the test side yet: the team rows above are empty)`);

  const verdict = applyVerdict({ current: c.shippedTest.current.f1, candidate: c.shippedTest.candidate.f1 }, force);
  log();
  if (!apply) {
    log(verdict.allowed ? `${verdict.message}` : `--apply would be refused: ${verdict.message.replace(/^REFUSED: /, "")}`);
    log(`dry run: nothing written. Re-run with --apply to install the candidate in ${modelFile} and set ${SETTING_THRESHOLD} = ${num(c.thresholds.candidate, 6)}.`);
  } else if (!verdict.allowed) {
    log(verdict.message);
    log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return 1;
  } else {
    log(verdict.message);
    const previous = fs.existsSync(modelFile) ? fs.readFileSync(modelFile, "utf8") : null;
    writeModelFile(modelFile, r.candidate.json);
    try {
      await configRepo.setSetting(SETTING_THRESHOLD, c.thresholds.candidate);
    } catch (err) {
      // Model and threshold go together: put the previous model back.
      if (previous === null) fs.rmSync(modelFile, { force: true });
      else writeModelFile(modelFile, previous);
      throw new Error(`could not store ${SETTING_THRESHOLD} (${(err as Error).message}); the model file was restored, nothing applied`);
    }
    log(`wrote ${modelFile}`);
    log(`set ${SETTING_THRESHOLD} = ${c.thresholds.candidate}`);
    log(`restart the gateway to use the new model (it loads the model at start; the threshold setting applies with it)`);
  }
  log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return 0;
}

/** The database URL without a password. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}

if (require.main === module) void main(process.argv.slice(2));
