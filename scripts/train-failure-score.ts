/**
 * Trains the failure score (lib/traces/failure-score.ts) on every labelled
 * trace in ../shared/data/reasoning_traces and writes its coefficients to
 * lib/traces/failure-model.json (no trace text is written).
 *
 *   npx tsx scripts/train-failure-score.ts [--check]
 *
 * --check: train and compare with the committed file instead of writing it.
 * The signals it is trained on come from the hedge detector and the lexicon:
 * retrain after changing either (lib/traces/shipped-models.test.ts fails
 * until then).
 *
 * How well it does on models it never saw: npm run eval:signals.
 */
import fs from "node:fs";
import path from "node:path";
import { failureModelText, loadLabelledTraces } from "../lib/traces/failure-eval";

const root = path.resolve(__dirname, "..");
const traces = loadLabelledTraces(root);
if (!traces) {
  process.stderr.write("reasoning traces not found at ../shared/data/reasoning_traces; nothing to train on\n");
  process.exit(1);
}
const text = failureModelText(traces);
const out = path.join(root, "lib", "traces", "failure-model.json");
if (process.argv.includes("--check")) {
  const same = fs.readFileSync(out, "utf8") === text;
  process.stdout.write(same ? "failure-model.json is up to date\n" : "failure-model.json differs from a fresh training run\n");
  process.exit(same ? 0 : 1);
}
fs.writeFileSync(out, text);
process.stdout.write(`wrote ${path.relative(root, out)} (${traces.length} traces, ${traces.filter((t) => t.wrong === 1).length} wrong)\n`);
