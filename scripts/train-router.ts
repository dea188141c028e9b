/**
 * Reproduces lib/routing/classifier/weights.json from the shipped labelled
 * data (lib/routing/classifier/data, licenses in data/LICENSES.md).
 *
 *   npx tsx scripts/train-router.ts            train, print metrics, write weights.json
 *   npx tsx scripts/train-router.ts --check    retrain and fail if weights.json differs
 *   npx tsx scripts/train-router.ts --loso     also print leave-one-source-out generalisation
 *   npx tsx scripts/train-router.ts --out F    write somewhere else
 *   npx tsx scripts/train-router.ts --with-labels [--apply [--force]]
 *                                              retrain on the shipped data plus the team's labels
 *                                              (scripts/retrain-router.ts)
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
 * scored once, with the quantised weights exactly as shipped. The procedure
 * itself is lib/routing/classifier/trainer.ts (trainModel), shared with
 * --with-labels.
 */
import fs from "node:fs";
import path from "node:path";
import { loadShipped, splitOf, SHIPPED_DATA_DIR, TEST_PERCENT, type LabelledRow } from "../lib/routing/classifier/dataset";
import { N_FEATURES } from "../lib/routing/classifier/features";
import { balancedWeights, predict, train } from "../lib/routing/classifier/train";
import { confusionAt } from "../lib/routing/classifier/calibrate";
import { FOLDS, TARGET_RECALL, featuresOf, scoreRows, shippedProvenance, trainModel } from "../lib/routing/classifier/trainer";
import { auc, byGroup, groupTable, num, pct, sourceName, table } from "../lib/routing/classifier/report";

const args = process.argv.slice(2);

if (args.includes("--with-labels")) {
  // Retrain on the shipped data plus the team's labels (scripts/retrain-router.ts).
  void import("./retrain-router").then((m) => m.main(args));
} else {
  trainShipped();
}

function trainShipped(): void {
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

  // ---- cross-validation on the train split, calibration, final model (trainer.ts)
  const features = featuresOf(rows);
  const trained = trainModel(trainRows, { features, provenance: shippedProvenance(trainRows.length, testRows.length) });
  const { threshold, outOfFold: oofAt, outOfFoldItems: oofItems } = trained.metrics;
  log(`## ${FOLDS}-fold cross-validation on the train split (out-of-fold scores)`);
  log(`threshold: ${num(threshold, 4)} = highest threshold at which every source has recall >= ${TARGET_RECALL} on out-of-fold scores`);
  log(`out-of-fold: F1 ${num(oofAt.f1)}  precision ${pct(oofAt.precision)}  recall ${pct(oofAt.recall)}  std->reas ${pct(oofAt.fpr)}  AUC ${num(trained.metrics.outOfFoldAuc, 4)}`);
  log(groupTable(byGroup(oofItems, threshold)));
  log();

  const file = trained.weightsFile;
  const shipped = trained.model;
  const json = trained.json;

  const trainItems = scoreRows(shipped, trainRows);
  const testItems = scoreRows(shipped, testRows);
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
}
