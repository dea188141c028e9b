/**
 * Cross-validation of the failure score (failure-score.ts) on real thinking
 * traces with correctness labels, read from ../shared/data/reasoning_traces
 * (development and evaluation only: the traces are never copied into the
 * repository; callers get null when the file is absent).
 *
 * Folds hold out whole groups: by model (every trace of a model is in one
 * fold, five folds) and by source (each upstream collection in turn). A
 * trace's score in a fold comes from a model trained without its group, so
 * the figures say how the score does on models and prompt collections it has
 * never seen. The length-only baseline (log of the thinking's length) is
 * scored on the same folds.
 */
import fs from "node:fs";
import path from "node:path";
import { auroc, failureFeatures, failureProbability, trainFailureModel, trainStandardisedLogistic, type FailureInput } from "./failure-score";
import { MAX_ANALYSED_CHARS } from "./record-signals";
import { extractSignals } from "./signals";

export interface LabelledTrace {
  id: string;
  source: string;
  model: string;
  wrong: 0 | 1;
  input: FailureInput;
}

export const FAILURE_L2 = 100;

export function tracesPath(root: string): string {
  return path.resolve(root, "..", "shared", "data", "reasoning_traces", "reasoning_traces.jsonl");
}

/**
 * The text of failure-model.json as scripts/train-failure-score.ts writes it
 * from these traces: one function for the script and the test that keeps the
 * shipped file in step with the signals it is scored on.
 */
export function failureModelText(traces: readonly LabelledTrace[]): string {
  const model = trainFailureModel(
    traces.map((t) => failureFeatures(t.input)),
    traces.map((t) => t.wrong),
    FAILURE_L2,
    { traces: traces.length, wrong: traces.filter((t) => t.wrong === 1).length, models: new Set(traces.map((t) => t.model)).size },
  );
  return `${JSON.stringify(model, null, 1)}\n`;
}

/** Labelled traces (label null = partial credit, left out) with the signals the record thread computes. */
export function loadLabelledTraces(root: string): LabelledTrace[] | null {
  const file = tracesPath(root);
  if (!fs.existsSync(file)) return null;
  const out: LabelledTrace[] = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const r = JSON.parse(line) as { id: string; source: string; model: string; thinking: string; answer: string | null; correct: boolean | null };
    if (r.correct === null) continue;
    const answer = r.answer && r.answer.trim() !== "" ? extractSignals(r.answer.slice(0, MAX_ANALYSED_CHARS)).stats : null;
    out.push({ id: r.id, source: r.source, model: r.model, wrong: r.correct ? 0 : 1, input: { thinking: extractSignals(r.thinking.slice(0, MAX_ANALYSED_CHARS)).stats, answer } });
  }
  return out;
}

export interface CvResult {
  scheme: string;
  folds: { held: string; n: number; wrong: number; auroc: number; lengthAuroc: number }[];
  /** out-of-fold scores pooled */
  pooled: number;
  lengthPooled: number;
  /**
   * A logistic regression on length alone, trained on the same folds, pooled:
   * the fair pooled baseline (the raw length needs no training, so it has no
   * fold-to-fold shift of base rate for pooling to suffer from)
   */
  lengthModelPooled: number;
  /** mean and standard deviation over folds with both classes */
  mean: number;
  sd: number;
  lengthMean: number;
  lengthSd: number;
  /** per fold, failure score AUROC minus length-only AUROC: mean and standard deviation (is the score clearly above length?) */
  gainMean: number;
  gainSd: number;
  /** calibration of the out-of-fold probabilities */
  brier: number;
  ece: number;
}

const meanSd = (xs: number[]) => {
  const v = xs.filter((x) => !Number.isNaN(x));
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return { m, sd: Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length) };
};

/** Expected calibration error over 10 equal-width probability bins. */
export function expectedCalibrationError(p: readonly number[], y: readonly (0 | 1)[]): number {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, p: 0, y: 0 }));
  p.forEach((pi, i) => {
    const b = bins[Math.min(9, Math.floor(pi * 10))]!;
    b.n++;
    b.p += pi;
    b.y += y[i]!;
  });
  return bins.reduce((a, b) => a + (b.n === 0 ? 0 : (b.n / p.length) * Math.abs(b.p / b.n - b.y / b.n)), 0);
}

/** group -> fold: groups sorted by name, dealt round-robin (deterministic). */
export function groupFolds(groups: readonly string[], k: number): Map<string, number> {
  return new Map([...new Set(groups)].sort().map((g, i) => [g, i % k]));
}

/**
 * `features` replaces the shipped feature vectors (one row per trace, log length first) so a
 * candidate feature can be measured on the same folds before it is added.
 */
export function crossValidate(traces: readonly LabelledTrace[], groupOf: (t: LabelledTrace) => string, k: number, scheme: string, features?: readonly number[][]): CvResult {
  const X = features ?? traces.map((t) => failureFeatures(t.input));
  const y = traces.map((t) => t.wrong);
  const fold = groupFolds(traces.map(groupOf), k);
  const oof = new Array<number>(traces.length).fill(0);
  const lengthOof = new Array<number>(traces.length).fill(0);
  const folds: CvResult["folds"] = [];
  for (let f = 0; f < k; f++) {
    const test = traces.map((_, i) => i).filter((i) => fold.get(groupOf(traces[i]!)) === f);
    const train = traces.map((_, i) => i).filter((i) => fold.get(groupOf(traces[i]!)) !== f);
    const model = trainFailureModel(train.map((i) => X[i]!), train.map((i) => y[i]!), FAILURE_L2, { traces: 0, wrong: 0, models: 0 });
    for (const i of test) oof[i] = failureProbability(model, X[i]!);
    const len = trainStandardisedLogistic(train.map((i) => [X[i]![0]!]), train.map((i) => y[i]!), FAILURE_L2);
    for (const i of test) lengthOof[i] = 1 / (1 + Math.exp(-(len.bias + (len.weights[0]! * (X[i]![0]! - len.mean[0]!)) / len.sd[0]!)));
    const held = [...new Set(test.map((i) => groupOf(traces[i]!)))];
    folds.push({
      held: held.length === 1 ? held[0]! : `${held.length} models`,
      n: test.length,
      wrong: test.filter((i) => y[i] === 1).length,
      auroc: auroc(test.map((i) => oof[i]!), test.map((i) => y[i]!)),
      lengthAuroc: auroc(test.map((i) => X[i]![0]!), test.map((i) => y[i]!)),
    });
  }
  const a = meanSd(folds.map((f) => f.auroc));
  const l = meanSd(folds.map((f) => f.lengthAuroc));
  const g = meanSd(folds.map((f) => f.auroc - f.lengthAuroc));
  return {
    scheme,
    folds,
    pooled: auroc(oof, y),
    lengthPooled: auroc(X.map((x) => x[0]!), y),
    lengthModelPooled: auroc(lengthOof, y),
    mean: a.m,
    sd: a.sd,
    lengthMean: l.m,
    lengthSd: l.sd,
    gainMean: g.m,
    gainSd: g.sd,
    brier: oof.reduce((s, p, i) => s + (p - y[i]!) ** 2, 0) / oof.length,
    ece: expectedCalibrationError(oof, y),
  };
}

export function formatCv(r: CvResult): string {
  const f = (x: number) => (Number.isNaN(x) ? " n/a " : x.toFixed(3));
  const lines = [`-- ${r.scheme} --`, "held out                                 n  wrong  AUROC  length-only"];
  for (const fo of r.folds) lines.push(`${fo.held.slice(0, 38).padEnd(38)} ${String(fo.n).padStart(4)} ${String(fo.wrong).padStart(6)}  ${f(fo.auroc)}  ${f(fo.lengthAuroc)}`);
  lines.push(`failure score AUROC: mean ${f(r.mean)} ± ${f(r.sd)} over folds, pooled out-of-fold ${f(r.pooled)}`);
  lines.push(`length-only baseline: mean ${f(r.lengthMean)} ± ${f(r.lengthSd)} over folds, pooled ${f(r.lengthPooled)} (as a model trained per fold: ${f(r.lengthModelPooled)})`);
  lines.push(`gain over length-only, fold by fold: ${r.gainMean >= 0 ? "+" : ""}${f(r.gainMean)} ± ${f(r.gainSd)}`);
  lines.push(`calibration (out-of-fold): Brier ${f(r.brier)}, ECE ${f(r.ece)}`);
  return lines.join("\n");
}
