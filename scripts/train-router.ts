/**
 * Reproduces lib/routing/classifier/weights.json from the shipped labelled
 * data (lib/routing/classifier/data, licenses in data/LICENSES.md).
 *
 *   npx tsx scripts/train-router.ts            train, print metrics, write weights.json
 *   npx tsx scripts/train-router.ts --check    retrain and fail if weights.json differs
 *   npx tsx scripts/train-router.ts --loso     also print leave-one-source-out generalisation
 *   npx tsx scripts/train-router.ts --out F    write somewhere else
 *
 * Deterministic: the split and the CV folds are hashes of row ids, training is
 * full-batch (no shuffling), and weights.json carries no timestamp, so two
 * runs on the same data and Node version write byte-identical files.
 *
 * Steps: fixed split (70% train / 30% test by a hash of the id); 5-fold
 * cross-validation on the train split gives out-of-fold scores; the default
 * threshold is calibrated on those (RouteLLM-style target recall, applied to
 * the worst source: the highest threshold at which every source's recall of
 * reasoning-labelled prompts is >= TARGET_RECALL);
 * the final model is trained on the whole train split; the test split is
 * scored once, with the quantised weights exactly as shipped.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expandInputs, loadShipped, splitOf, SHIPPED_DATA_DIR, TEST_PERCENT, type LabelledRow } from "../lib/routing/classifier/dataset";
import { extractFeatures, type FeatureVector, N_FEATURES } from "../lib/routing/classifier/features";
import { balancedWeights, DEFAULT_TRAIN_OPTIONS, DEFAULT_WEIGHTING, foldOf, predict, train, type Example } from "../lib/routing/classifier/train";
import { confusionAt, thresholdForGroupRecall, type ScoredItem } from "../lib/routing/classifier/calibrate";
import { decodeWeights, encodeWeights, probability } from "../lib/routing/classifier/linear";
import { auc, byGroup, groupTable, num, pct, sourceName, table, type GroupedItem } from "../lib/routing/classifier/report";

const FOLDS = 5;
/** Recall of reasoning-worthy prompts every source must reach, on out-of-fold scores, at the default threshold. */
const TARGET_RECALL = 0.9;

const args = process.argv.slice(2);
const check = args.includes("--check");
const loso = args.includes("--loso");
const outIdx = args.indexOf("--out");
const out = outIdx >= 0 ? args[outIdx + 1]! : path.join(SHIPPED_DATA_DIR, "..", "weights.json");

const log = (s = "") => process.stdout.write(s + "\n");

const t0 = performance.now();
const rows = loadShipped();
const trainRows = rows.filter((r) => splitOf(r.id) === "train");
const testRows = rows.filter((r) => splitOf(r.id) === "test");

log(`# thinkgate router training`);
log(`data: ${SHIPPED_DATA_DIR} (${rows.length} labelled rows)`);
log(`split: FNV-1a("thinkgate-router-split-v1:" + id) % 100 < ${TEST_PERCENT} -> test`);
log();
log(
  table(
    ["source", "label", "train", "test"],
    [...new Set(rows.map((r) => `${r.source}\u0000${r.label}`))].sort().map((k) => {
      const [source, label] = k.split("\u0000") as [string, string];
      const f = (rs: LabelledRow[]) => rs.filter((r) => r.source === source && r.label === label).length;
      return [source, label, f(trainRows), f(testRows)];
    }),
  ),
);
log(`total: train ${trainRows.length}, test ${testRows.length}`);
log();

const features = new Map<string, FeatureVector>();
for (const r of rows) features.set(r.id, extractFeatures(r.prompt));
const weights = balancedWeights(trainRows);
const examples: Example[] = trainRows.map((r, i) => ({ x: features.get(r.id)!, y: r.label === "reasoning" ? 1 : 0, w: weights[i]! }));

// ---- cross-validation on the train split
const oof = new Float64Array(trainRows.length);
for (let f = 0; f < FOLDS; f++) {
  const fit: Example[] = [];
  const held: number[] = [];
  trainRows.forEach((r, i) => (foldOf(r.id, FOLDS) === f ? held.push(i) : fit.push(examples[i]!)));
  const tw = train(fit);
  for (const i of held) oof[i] = predict(tw, examples[i]!.x);
}
const oofItems: (ScoredItem & GroupedItem)[] = trainRows.map((r, i) => ({ score: oof[i]!, label: r.label!, weight: weights[i]!, group: sourceName(r.source) }));
const threshold = thresholdForGroupRecall(oofItems, TARGET_RECALL);
const oofAt = confusionAt(oofItems, threshold);
log(`## ${FOLDS}-fold cross-validation on the train split (out-of-fold scores)`);
log(`threshold: ${num(threshold, 4)} = highest threshold at which every source has recall >= ${TARGET_RECALL} on out-of-fold scores`);
log(`out-of-fold: F1 ${num(oofAt.f1)}  precision ${pct(oofAt.precision)}  recall ${pct(oofAt.recall)}  std->reas ${pct(oofAt.fpr)}  AUC ${num(auc(oofItems), 4)}`);
log(groupTable(byGroup(oofItems, threshold)));
log();

// ---- final model on the whole train split, quantised as shipped
const final = train(examples);
const meta = {
  data: expandInputs([SHIPPED_DATA_DIR]).map((f) => ({
    file: path.basename(f),
    sha256: crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex"),
  })),
  split: { rule: `fnv1a("thinkgate-router-split-v1:" + id) % 100 < ${TEST_PERCENT} -> test`, train: trainRows.length, test: testRows.length },
  options: { ...DEFAULT_TRAIN_OPTIONS, weighting: DEFAULT_WEIGHTING, folds: FOLDS },
  outOfFold: { f1: round(oofAt.f1), precision: round(oofAt.precision), recall: round(oofAt.recall), fpr: round(oofAt.fpr) },
};
const file = encodeWeights(
  final.weights,
  final.bias,
  {
    threshold: round(threshold, 6),
    method: "group-recall",
    target: TARGET_RECALL,
    n: trainRows.length,
    calibratedOn: `${FOLDS}-fold out-of-fold scores of the train split; recall of every source >= ${TARGET_RECALL}`,
  },
  meta,
);
const shipped = decodeWeights(file);
const json = JSON.stringify(file) + "\n";

const scoreRows = (rs: LabelledRow[]): (ScoredItem & GroupedItem & { category: string })[] =>
  rs.map((r) => ({ score: probability(shipped, r.prompt), label: r.label!, group: sourceName(r.source), category: r.category }));
const trainItems = scoreRows(trainRows);
const testItems = scoreRows(testRows);
const th = shipped.threshold;
const tr = confusionAt(trainItems, th);
const te = confusionAt(testItems, th);
log(`## final model (trained on the train split; ${file.nnz} non-zero weights of ${N_FEATURES}; ${(json.length / 1024).toFixed(0)} KiB)`);
log(`final loss ${num(final.finalLoss, 4)}`);
log(
  table(
    ["rows", "n", "F1", "precision", "recall", "std->reas", "accuracy", "share", "AUC"],
    [
      ["train (in-sample)", trainItems.length, num(tr.f1), pct(tr.precision), pct(tr.recall), pct(tr.fpr), pct(tr.accuracy), pct(tr.share), num(auc(trainItems), 4)],
      ["test (held out)", testItems.length, num(te.f1), pct(te.precision), pct(te.recall), pct(te.fpr), pct(te.accuracy), pct(te.share), num(auc(testItems), 4)],
    ],
  ),
);
log();
log(`### test split per source (threshold ${num(th, 4)})`);
log(groupTable(byGroup(testItems, th)));
log();

if (loso) {
  log(`## leave-one-source-out: train on the train split of the other sources, score every row of the left-out source (threshold ${num(th, 4)})`);
  const sources = [...new Set(rows.map((r) => r.source))].sort();
  const losoRows: (string | number)[][] = [];
  for (const s of sources) {
    const fitRows = trainRows.filter((r) => r.source !== s);
    const w = balancedWeights(fitRows);
    const tw = train(fitRows.map((r, i) => ({ x: features.get(r.id)!, y: r.label === "reasoning" ? 1 : 0, w: w[i]! })));
    const its = rows.filter((r) => r.source === s).map((r) => ({ score: predict(tw, features.get(r.id)!), label: r.label! }));
    const c = confusionAt(its, th);
    losoRows.push([sourceName(s), its.length, pct(c.recall), pct(c.fpr), num(auc(its), 3)]);
  }
  log(table(["left out", "n", "recall", "std->reas", "AUC"], losoRows));
  log();
}

if (check) {
  const current = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "";
  if (current !== json) {
    log(`CHECK FAILED: ${out} differs from a fresh training run`);
    process.exit(1);
  }
  log(`check ok: ${out} is byte-identical to a fresh training run`);
} else {
  fs.writeFileSync(out, json);
  log(`wrote ${out}`);
}
log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
