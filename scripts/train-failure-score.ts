/**
 * Trains the failure score (lib/traces/failure-score.ts) on every labelled
 * trace in ../shared/data/reasoning_traces and writes its coefficients to
 * lib/traces/failure-model.json (no trace text is written).
 *
 *   npx tsx scripts/train-failure-score.ts
 *
 * How well it does on models it never saw: npm run eval:signals.
 */
import fs from "node:fs";
import path from "node:path";
import { FAILURE_L2, loadLabelledTraces } from "../lib/traces/failure-eval";
import { failureFeatures, trainFailureModel } from "../lib/traces/failure-score";

const root = path.resolve(__dirname, "..");
const traces = loadLabelledTraces(root);
if (!traces) {
  process.stderr.write("reasoning traces not found at ../shared/data/reasoning_traces; nothing to train on\n");
  process.exit(1);
}
const model = trainFailureModel(
  traces.map((t) => failureFeatures(t.input)),
  traces.map((t) => t.wrong),
  FAILURE_L2,
  { traces: traces.length, wrong: traces.filter((t) => t.wrong === 1).length, models: new Set(traces.map((t) => t.model)).size },
);
const out = path.join(root, "lib", "traces", "failure-model.json");
fs.writeFileSync(out, `${JSON.stringify(model, null, 1)}\n`);
process.stdout.write(`wrote ${path.relative(root, out)} (${traces.length} traces, ${model.trainedOn.wrong} wrong)\n`);
