/**
 * The shipped model files are what their training scripts write from the
 * current code and data. The failure score is trained on the signals the
 * hedge detector and the lexicon find, so a change to either left
 * failure-model.json trained on counts the gateway no longer computes, and
 * nothing said so. Skipped where ../shared (the training data) is absent, as
 * in a user's clone.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { failureModelText, loadLabelledTraces } from "./failure-eval";
import { hedgeModelText, hedgeTrainingSet } from "./hedge-data";

const root = path.resolve(__dirname, "../..");
const shipped = (name: string) => fs.readFileSync(path.join(__dirname, name), "utf8");
const hedgeData = hedgeTrainingSet(root);
const traces = loadLabelledTraces(root);

describe.skipIf(!hedgeData)("hedge-model.json", () => {
  it("is what scripts/train-hedges.ts writes (retrain it after changing the detector's features or data)", () => {
    expect(hedgeModelText(hedgeData!) === shipped("hedge-model.json")).toBe(true);
  }, 60_000);
});

describe.skipIf(!traces)("failure-model.json", () => {
  it("is what scripts/train-failure-score.ts writes from the signals extracted now (retrain it after changing the hedge detector or the lexicon)", () => {
    expect(failureModelText(traces!) === shipped("failure-model.json")).toBe(true);
  }, 60_000);
});
