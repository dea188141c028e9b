/**
 * Failure score: the probability that a traced answer is wrong, from the
 * signals of its thinking (hedges, self-corrections, alternatives, stuck
 * moments, assumptions, where they fall, the trace's length) and its answer
 * (hedging, no answer at all).
 *
 * A logistic regression over standardised features; its few coefficients are
 * shipped in failure-model.json, trained by scripts/train-failure-score.ts on
 * real thinking traces with correctness labels (read from ../shared at
 * training time; no trace is copied into the repository). Logistic
 * regression is calibrated by construction on its training distribution;
 * how well that holds on models it never saw is what `npm run eval:signals`
 * measures (cross-validation with whole models, and whole sources, held out).
 *
 * Each score comes with its reasons: the features that pushed it up the most,
 * in words, so a trace page can say why.
 */
import failureModelFile from "./failure-model.json";
import type { SignalStats } from "./signals";

export const FAILURE_FEATURES = [
  "length",
  "hedges",
  "selfCorrections",
  "alternatives",
  "stuck",
  "assumptions",
  "hedgeDensity",
  "lateSignalDensity",
  "answerHedgeDensity",
  "noAnswer",
] as const;
export type FailureFeature = (typeof FAILURE_FEATURES)[number];

export interface FailureInput {
  thinking: SignalStats;
  /** null when the request produced no answer text */
  answer: SignalStats | null;
}

/** Mean over the last three position bins (the final 30% of the thinking). */
function lateDensity(s: SignalStats): number {
  const t = s.positionDensity.total;
  return (t[7]! + t[8]! + t[9]!) / 3;
}

/** Feature vector in FAILURE_FEATURES order. Logs tame counts that grow with length. */
export function failureFeatures(x: FailureInput): number[] {
  const c = x.thinking.counts;
  const f: Record<FailureFeature, number> = {
    length: Math.log(Math.max(50, x.thinking.chars)),
    hedges: Math.log1p(c.hedge),
    selfCorrections: Math.log1p(c.self_correction),
    alternatives: Math.log1p(c.alternative),
    stuck: Math.log1p(c.stuck),
    assumptions: Math.log1p(c.assumption),
    hedgeDensity: Math.log1p(x.thinking.density.hedge),
    lateSignalDensity: Math.log1p(lateDensity(x.thinking)),
    answerHedgeDensity: Math.log1p(x.answer?.density.hedge ?? 0),
    noAnswer: x.answer === null || x.answer.words === 0 ? 1 : 0,
  };
  return FAILURE_FEATURES.map((k) => f[k]);
}

export interface FailureModel {
  about: string;
  features: readonly string[];
  mean: number[];
  sd: number[];
  weights: number[];
  bias: number;
  trainedOn: { traces: number; wrong: number; models: number; l2: number };
}

export interface FailureReason {
  feature: FailureFeature;
  /** what the trace shows, in words */
  text: string;
  /** log-odds added by this feature against an average trace */
  logOdds: number;
}

export interface FailureScore {
  /** probability that the answer is wrong, 0..1 */
  p: number;
  /** features that raised the score, strongest first (at most 3) */
  reasons: FailureReason[];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function failureProbability(model: FailureModel, x: readonly number[]): number {
  let z = model.bias;
  for (let k = 0; k < x.length; k++) z += (model.weights[k]! * (x[k]! - model.mean[k]!)) / model.sd[k]!;
  return sigmoid(z);
}

function describe(feature: FailureFeature, input: FailureInput): string {
  const c = input.thinking.counts;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  switch (feature) {
    case "length":
      return `long thinking (${Math.round(input.thinking.chars / 100) / 10}k characters)`;
    case "hedges":
      return `${plural(c.hedge, "hedge")} in the thinking`;
    case "selfCorrections":
      return `${plural(c.self_correction, "self-correction")}`;
    case "alternatives":
      return `${plural(c.alternative, "alternative")} weighed`;
    case "stuck":
      return `${plural(c.stuck, "stuck moment")}`;
    case "assumptions":
      return `${plural(c.assumption, "assumption")} made`;
    case "hedgeDensity":
      return `dense hedging (${Math.round(input.thinking.density.hedge)} per 1,000 words)`;
    case "lateSignalDensity":
      return `still hedging or correcting near the end (${Math.round(lateDensity(input.thinking))} signals per 1,000 words in the last 30%)`;
    case "answerHedgeDensity":
      return `the answer itself hedges`;
    case "noAnswer":
      return `no final answer`;
  }
}

export function scoreFailure(input: FailureInput, model: FailureModel = FAILURE_MODEL): FailureScore {
  const x = failureFeatures(input);
  const reasons: FailureReason[] = [];
  FAILURE_FEATURES.forEach((feature, k) => {
    const logOdds = (model.weights[k]! * (x[k]! - model.mean[k]!)) / model.sd[k]!;
    if (logOdds > 0.1) reasons.push({ feature, text: describe(feature, input), logOdds: Math.round(logOdds * 100) / 100 });
  });
  reasons.sort((a, b) => b.logOdds - a.logOdds);
  return { p: failureProbability(model, x), reasons: reasons.slice(0, 3) };
}

// ---------------------------------------------------------------------------
// Training and evaluation (scripts/train-failure-score.ts, npm run eval:signals).

/** L2-regularised logistic regression on standardised features, full-batch gradient descent (deterministic). */
export function trainFailureModel(X: readonly number[][], y: readonly (0 | 1)[], l2: number, trainedOn: Omit<FailureModel["trainedOn"], "l2">): FailureModel {
  const { mean, sd, weights, bias } = trainStandardisedLogistic(X, y, l2);
  const r = (v: number) => Math.round(v * 1e5) / 1e5;
  return {
    about:
      "Coefficients of the failure score (lib/traces/failure-score.ts), trained by scripts/train-failure-score.ts " +
      "on labelled thinking traces; standardise each feature with mean/sd, then logistic regression.",
    features: [...FAILURE_FEATURES],
    mean: mean.map(r),
    sd: sd.map(r),
    weights: weights.map(r),
    bias: r(bias),
    trainedOn: { ...trainedOn, l2 },
  };
}

/** The regression behind trainFailureModel, for any number of features (the evaluation's one-feature baseline uses it too). */
export function trainStandardisedLogistic(X: readonly number[][], y: readonly (0 | 1)[], l2: number): { mean: number[]; sd: number[]; weights: number[]; bias: number } {
  const n = X.length;
  const d = X[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const x of X) for (let k = 0; k < d; k++) mean[k]! += x[k]! / n;
  for (const x of X) for (let k = 0; k < d; k++) sd[k]! += (x[k]! - mean[k]!) ** 2 / n;
  for (let k = 0; k < d; k++) sd[k] = Math.sqrt(sd[k]!) || 1;
  const Z = X.map((x) => x.map((v, k) => (v - mean[k]!) / sd[k]!));
  const w = new Array<number>(d).fill(0);
  let b = 0;
  for (let it = 0; it < 3000; it++) {
    const g = w.map((wk) => (l2 * wk) / n);
    let gb = 0;
    Z.forEach((z, i) => {
      let s = b;
      for (let k = 0; k < d; k++) s += w[k]! * z[k]!;
      const e = sigmoid(s) - y[i]!;
      gb += e / n;
      for (let k = 0; k < d; k++) g[k]! += (e * z[k]!) / n;
    });
    for (let k = 0; k < d; k++) w[k]! -= 0.5 * g[k]!;
    b -= 0.5 * gb;
  }
  return { mean, sd, weights: w, bias: b };
}

/** Area under the ROC curve (wrong = positive); ties count half. NaN when a class is missing. */
export function auroc(scores: readonly number[], wrong: readonly (0 | 1)[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let neg = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (wrong[idx[k]!] === 1) rankSum += avgRank;
    i = j + 1;
  }
  for (const w of wrong) if (w === 1) pos++;
  else neg++;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export const FAILURE_MODEL: FailureModel = failureModelFile as FailureModel;
