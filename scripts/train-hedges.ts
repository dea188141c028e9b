/**
 * Trains the learned hedge detector (lib/traces/hedge-cues.ts) and writes
 * lib/traces/hedge-model.json.
 *
 *   npx tsx scripts/train-hedges.ts [--check]
 *
 * Training data: BioScope full papers from ../shared/data/hedging (CC BY 2.0)
 * minus the held-out papers below, plus the project's labelled sentences
 * (tests/fixtures/signals-labelled.jsonl) minus the held-out batch. The
 * held-out papers and batch are what `npm run eval:signals` and the detector's
 * unit tests report on; they never enter training. The options
 * (DEFAULT_OPTIONS in lib/traces/hedge-train.ts) were chosen by
 * leave-one-paper-out cross-validation on the training papers only.
 *
 * --check: train and compare with the committed file instead of writing it
 * (fails when the committed weights are not what this script produces).
 */
import fs from "node:fs";
import path from "node:path";
import { hedgeModelText, hedgeTrainingSet } from "../lib/traces/hedge-data";

const root = path.resolve(__dirname, "..");
const out = path.join(root, "lib", "traces", "hedge-model.json");
const data = hedgeTrainingSet(root);
if (!data) {
  process.stderr.write("BioScope data not found at ../shared/data/hedging; nothing to train on\n");
  process.exit(1);
}
const text = hedgeModelText(data);
if (process.argv.includes("--check")) {
  const same = fs.readFileSync(out, "utf8") === text;
  process.stdout.write(same ? "hedge-model.json is up to date\n" : "hedge-model.json differs from a fresh training run\n");
  process.exit(same ? 0 : 1);
}
fs.writeFileSync(out, text);
const file = JSON.parse(text) as { weights: Record<string, number>; extraWords: string[] };
process.stdout.write(`wrote ${path.relative(root, out)}: ${Object.keys(file.weights).length} weights, ${file.extraWords.length} learned candidate words, trained on ${data.train.length} sentences\n`);
