/**
 * The router's generalisation figures with the real training procedure:
 * leave-one-source-out over benchmark families (category labels), and
 * RouteLLM's outcome metrics on prompts whose weak/strong outcomes are known,
 * each scored by a model trained without the prompt's family. Node-only
 * (trains models); used by `npm run eval:router` and the router page's
 * comparison of a candidate with the current model.
 */
import { familyOf, outcomeOf, trainingLabel, type LabelledRow } from "./dataset";
import type { FeatureVector } from "./features";
import { probability } from "./linear";
import { heldOutScores, summariseLoso, type HeldOut, type LosoSummary } from "./loso";
import { outcomeMetrics, type OutcomeItem, type OutcomeMetrics } from "./outcomes";
import { trainModel } from "./trainer";
import type { TrainOptions, WeightingOptions } from "./train";
import { keywordRules } from "./keywords";

export interface LosoRun {
  heldOut: HeldOut<LabelledRow>[];
  /** opts.scoreOnly rows with the score of the model trained without their family. */
  extra: HeldOut<LabelledRow>[];
  /** Judged by the rows' category labels (low-confidence rows included). */
  summary: LosoSummary;
  /** The same, high-confidence category labels only. */
  high: LosoSummary;
}

export interface LosoOptions {
  train?: TrainOptions;
  weighting?: WeightingOptions;
  targetFpr?: number | null;
  folds?: number;
  features?: Map<string, FeatureVector>;
  /** Only these families (all by default). */
  only?: readonly string[];
  /** Called after each family (progress). */
  onUnit?: (family: string, done: number, total: number) => void;
  /** Extra training rows that are never held out (e.g. a team's labels). */
  alwaysTrain?: readonly LabelledRow[];
  /** Rows that are only scored, each by the model trained without its family (e.g. outcome sets too large to train on). */
  scoreOnly?: readonly LabelledRow[];
}

/**
 * Leave-one-family-out with trainModel (calibration included: each fold's
 * model calibrates on its own training families). Rows whose category label
 * is a placeholder for outcomes (RouteLLM's MMLU) are trained on but judged
 * by their outcome label, as trainingLabel gives it.
 */
export function leaveOneSourceOut(rows: readonly LabelledRow[], opts: LosoOptions = {}): LosoRun {
  const units = [...new Set(rows.map(familyOf))].filter((u) => !opts.only || opts.only.includes(u));
  let done = 0;
  const extra: HeldOut<LabelledRow>[] = [];
  const heldOut = heldOutScores(
    rows,
    familyOf,
    (train, leftOut) => {
      const m = trainModel([...train, ...(opts.alwaysTrain ?? [])], { train: opts.train, weighting: opts.weighting, targetFpr: opts.targetFpr, folds: opts.folds, features: opts.features });
      const threshold = m.metrics.threshold;
      for (const row of opts.scoreOnly ?? []) {
        if (familyOf(row) === leftOut) extra.push({ row, unit: leftOut, score: probability(m.model, row.prompt), threshold });
      }
      opts.onUnit?.(leftOut, ++done, units.length);
      return { score: (r) => probability(m.model, r.prompt), threshold };
    },
    opts.only,
  );
  const labelOf = (r: LabelledRow) => trainingLabel(r)!.label;
  return {
    heldOut,
    extra,
    summary: summariseLoso(heldOut, labelOf),
    high: summariseLoso(
      heldOut.filter((h) => trainingLabel(h.row)!.confidence === "high"),
      labelOf,
    ),
  };
}

/** Outcome rows with a held-out score: RouteLLM's metrics for the router, the keyword rules and a random router. */
export interface OutcomeReport {
  name: string;
  router: OutcomeMetrics;
  keyword: OutcomeMetrics;
  random: OutcomeMetrics;
  /** The router's share of strong calls and PGR at its own threshold. */
  atThreshold: { share: number; pgr: number };
}

export function outcomeReport(name: string, items: readonly { row: LabelledRow; score: number; threshold: number }[]): OutcomeReport | null {
  const withOutcome = items.flatMap((i) => {
    const o = outcomeOf(i.row);
    return o ? [{ ...i, o }] : [];
  });
  if (withOutcome.length === 0) return null;
  const as = (score: (i: (typeof withOutcome)[number]) => number): OutcomeItem[] => withOutcome.map((i) => ({ score: score(i), weak: i.o.weak, strong: i.o.strong }));
  const router = as((i) => i.score);
  const weak = router.reduce((s, i) => s + i.weak, 0);
  const strong = router.reduce((s, i) => s + i.strong, 0);
  let routed = 0;
  let quality = 0;
  for (const i of withOutcome) {
    const toStrong = i.score >= i.threshold;
    if (toStrong) routed++;
    quality += toStrong ? i.o.strong : i.o.weak;
  }
  return {
    name,
    router: outcomeMetrics(router),
    // the rules' margin (markers minus standard cues) as a ranking
    keyword: outcomeMetrics(as((i) => {
      const k = keywordRules(i.row.prompt);
      return k.markers - k.standard;
    })),
    random: outcomeMetrics(as(() => 0)),
    atThreshold: { share: routed / withOutcome.length, pgr: strong !== weak ? (quality - weak) / (strong - weak) : Number.NaN },
  };
}
