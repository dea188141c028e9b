/**
 * Reproduces lib/routing/classifier/weights.json from the shipped labelled
 * data (lib/routing/classifier/data, licenses in data/LICENSES.md).
 *
 *   npx tsx scripts/train-router.ts            train, print metrics, write weights.json
 *   npx tsx scripts/train-router.ts --check    retrain and fail if weights.json differs
 *   (leave-one-source-out generalisation: npm run eval:router)
 *   npx tsx scripts/train-router.ts --out F    write somewhere else
 *   npx tsx scripts/train-router.ts --with-labels [--apply [--force]]
 *                                              retrain on the shipped data plus the team's labels
 *                                              (scripts/retrain-router.ts)
 *
 * Deterministic: the split and the CV folds are hashes of row ids, training is
 * full-batch (no shuffling), and weights.json carries no timestamp, so two
 * runs on the same data and Node version write byte-identical files.
 *
 * Steps: fixed split (70% train / 30% test by a hash of the id); 3-fold
 * cross-validation on the train split with whole benchmark families held out
 * per fold gives out-of-family scores; Platt scaling fitted on those is folded
 * into the weights, so the score is calibrated (0.5 = even odds) and the
 * default threshold is 0.5; the operating curve on those scores is stored in
 * the file for Settings;
 * the final model is trained on the whole train split; the test split is
 * scored once, with the quantised weights exactly as shipped. The procedure
 * itself is lib/routing/classifier/trainer.ts (trainModel), shared with
 * --with-labels.
 */
import fs from "node:fs";
import path from "node:path";
import { loadShipped, splitOf, SHIPPED_DATA_DIR, TEST_PERCENT, type LabelledRow } from "../lib/routing/classifier/dataset";
import { N_FEATURES } from "../lib/routing/classifier/features";
import { confusionAt } from "../lib/routing/classifier/calibrate";
import { FOLDS, asTrainingRows, featuresOf, scoreRows, shippedProvenance, trainModel } from "../lib/routing/classifier/trainer";
import { auc, byGroup, groupTable, num, pct, table } from "../lib/routing/classifier/report";

const args = process.argv.slice(2);

if (args.includes("--with-labels")) {
  // Retrain on the shipped data plus the team's labels (scripts/retrain-router.ts).
  void import("./retrain-router").then((m) => m.main(args));
} else {
  trainShipped();
}

function trainShipped(): void {
  const check = args.includes("--check");
  const outIdx = args.indexOf("--out");
  const out = outIdx >= 0 ? args[outIdx + 1]! : path.join(SHIPPED_DATA_DIR, "..", "weights.json");

  const log = (s = "") => process.stdout.write(s + "\n");

  const t0 = performance.now();
  const rows = loadShipped();
  const trainRows = rows.filter((r) => splitOf(r.id) === "train");
  const testRows = rows.filter((r) => splitOf(r.id) === "test");
  // The test split judged as the trainer labels it (outcome labels where a source has them), grouped by family.
  const testJudged = asTrainingRows(testRows);

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

  // ---- cross-validation on the train split, calibration, final model (trainer.ts)
  const features = featuresOf(rows);
  const trained = trainModel(trainRows, { features, provenance: shippedProvenance(trainRows.length, testRows.length) });
  const { threshold, outOfFold: oofAt, outOfFoldItems: oofItems } = trained.metrics;
  log(`## ${FOLDS}-fold cross-validation on the train split, whole families held out (out-of-family scores, calibrated)`);
  log(`Platt scaling: a ${num(trained.metrics.platt.a, 4)}, b ${num(trained.metrics.platt.b, 4)}; threshold ${num(threshold, 4)} on the calibrated score`);
  log(`out-of-fold: F1 ${num(oofAt.f1)}  precision ${pct(oofAt.precision)}  recall ${pct(oofAt.recall)}  std->reas ${pct(oofAt.fpr)}  AUC ${num(trained.metrics.outOfFoldAuc, 4)}`);
  log(groupTable(byGroup(oofItems, threshold)));
  log();

  const file = trained.weightsFile;
  const shipped = trained.model;
  const json = trained.json;

  const trainItems = scoreRows(shipped, asTrainingRows(trainRows));
  const testItems = scoreRows(shipped, testJudged);
  const th = shipped.threshold;
  const tr = confusionAt(trainItems, th);
  const te = confusionAt(testItems, th);
  log(`## final model (trained on the train split; ${file.nnz} non-zero weights of ${N_FEATURES}; ${(json.length / 1024).toFixed(0)} KiB)`);
  log(`final loss ${num(trained.metrics.finalLoss, 4)}`);
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
}
