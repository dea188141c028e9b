import path from "node:path";
import { describe, expect, it } from "vitest";
import { crossValidate, expectedCalibrationError, loadLabelledTraces } from "./failure-eval";
import { auroc, FAILURE_FEATURES, FAILURE_MODEL, failureFeatures, scoreFailure } from "./failure-score";
import { analyseRecordText } from "./record-signals";
import { extractSignals } from "./signals";

describe("auroc", () => {
  it("is 1 for a perfect ranking, 0 for the reverse, 0.5 for ties, NaN with one class", () => {
    expect(auroc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auroc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(auroc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auroc([0.1, 0.2], [0, 0])).toBeNaN();
  });
});

describe("expected calibration error", () => {
  it("is 0 when each bin's mean probability equals its rate, and large when it does not", () => {
    expect(expectedCalibrationError([0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0])).toBeCloseTo(0);
    expect(expectedCalibrationError([0.95, 0.95], [0, 0])).toBeCloseTo(0.95);
  });
});

describe("failure score", () => {
  const input = (thinking: string, answer: string | null) => ({ thinking: extractSignals(thinking).stats, answer: answer ? extractSignals(answer).stats : null });
  const calm = "The sum of the first 10 odd numbers is 100, since the sum of the first n odd numbers is n squared. So the answer is 100.";
  const lost =
    "Hmm, I'm not sure. Maybe the answer is 12? Wait, that's not right. Perhaps it's 14, or maybe 16. I'm stuck on how the second condition applies. " +
    "Actually, let me reconsider. It might be 12 after all, but I'm not certain. Alternatively the puzzle could be a trick. I'm confused. Probably 12.";

  it("rates a trace full of doubt above a plain one, with reasons in words", () => {
    const a = scoreFailure(input(calm, "100"));
    const b = scoreFailure(input(lost, "Probably 12, but I might be wrong."));
    expect(b.p).toBeGreaterThan(a.p);
    expect(b.p).toBeGreaterThan(0);
    expect(b.p).toBeLessThan(1);
    expect(b.reasons.length).toBeGreaterThan(0);
    expect(b.reasons.map((r) => r.feature).every((f) => (FAILURE_FEATURES as readonly string[]).includes(f))).toBe(true);
    expect(b.reasons[0]!.logOdds).toBeGreaterThanOrEqual(b.reasons[b.reasons.length - 1]!.logOdds);
  });

  it("a missing answer raises the score", () => {
    expect(scoreFailure(input(calm, null)).p).toBeGreaterThan(scoreFailure(input(calm, "100")).p);
  });

  it("is stored with the record's signal columns, null without thinking", () => {
    const withThinking = analyseRecordText(lost, "Probably 12.").columns;
    expect(withThinking.failureScore).toBeGreaterThan(0);
    expect(JSON.parse(withThinking.failureReasons!)).toBeInstanceOf(Array);
    const none = analyseRecordText(null, "12").columns;
    expect(none.failureScore).toBeNull();
    expect(none.failureReasons).toBeNull();
  });

  it("the shipped model has one coefficient per feature", () => {
    expect(FAILURE_MODEL.features).toEqual([...FAILURE_FEATURES]);
    expect(FAILURE_MODEL.weights).toHaveLength(FAILURE_FEATURES.length);
    expect(FAILURE_MODEL.sd.every((s) => s > 0)).toBe(true);
  });
});

const traces = loadLabelledTraces(path.resolve(__dirname, "..", ".."));
describe.skipIf(!traces)("failure score cross-validated on real traces with whole models held out", () => {
  it("ranks wrong answers above right ones better than chance on models it never saw", () => {
    const r = crossValidate(traces!, (t) => t.model, 5, "models");
    expect(r.folds).toHaveLength(5);
    expect(r.folds.reduce((a, f) => a + f.n, 0)).toBe(traces!.length);
    expect(r.pooled).toBeGreaterThan(0.6);
    expect(r.ece).toBeLessThan(0.15);
    // The gain over length is taken fold by fold, and the pooled length baseline is also given as a model trained per fold.
    expect(r.gainMean).toBeCloseTo(r.folds.reduce((a, f) => a + f.auroc - f.lengthAuroc, 0) / r.folds.length, 10);
    expect(r.lengthModelPooled).toBeGreaterThan(0);
    expect(r.lengthModelPooled).toBeLessThan(1);
  }, 60_000);

  it("measures a candidate feature matrix on the same folds as the shipped features", () => {
    const shipped = crossValidate(traces!, (t) => t.model, 5, "models");
    const X = traces!.map((t) => failureFeatures(t.input));
    expect(crossValidate(traces!, (t) => t.model, 5, "models", X).folds).toEqual(shipped.folds);
    // Length alone (the first column) is a different model: its folds' AUROCs equal the length-only baseline's ranking.
    const lengthOnly = crossValidate(traces!, (t) => t.model, 5, "models", X.map((x) => [x[0]!]));
    expect(lengthOnly.folds.map((f) => f.held)).toEqual(shipped.folds.map((f) => f.held));
    lengthOnly.folds.forEach((f) => expect(f.auroc).toBeCloseTo(f.lengthAuroc, 10));
    expect(lengthOnly.folds.map((f) => f.auroc)).not.toEqual(shipped.folds.map((f) => f.auroc));
  }, 60_000);
});
