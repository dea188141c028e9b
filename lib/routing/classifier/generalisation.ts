/**
 * The router's generalisation figures with the real training procedure:
 * leave-one-source-out over benchmark families (category labels), and
 * RouteLLM's outcome metrics on prompts whose weak/strong outcomes are known,
 * each scored by a model trained without the prompt's family. Node-only
 * (trains models); used by `npm run eval:router` and the router page's
 * comparison of a candidate with the current model.
 */
import { familyOf, outcomeOf, subjectOf, trainingLabel, type LabelledRow } from "./dataset";
import { probability } from "./linear";
import { balancedGroups, heldOutByGroup, heldOutScores, summariseLoso, type HeldOut, type LosoSummary } from "./loso";
import { outcomeMetrics, type OutcomeItem, type OutcomeMetrics } from "./outcomes";
import { trainModel, type TrainModelOptions } from "./trainer";
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

/** The training procedure's options (trainModel's), the same for every held-out model of a run. */
export type ProcedureOptions = Pick<TrainModelOptions, "train" | "weighting" | "targetFpr" | "folds" | "features" | "outcomeTarget" | "outcomeWeight">;

/** The procedure's options out of a run's options (trainModel takes no others from them). */
function procedureOf(o: ProcedureOptions): ProcedureOptions {
  return { train: o.train, weighting: o.weighting, targetFpr: o.targetFpr, folds: o.folds, features: o.features, outcomeTarget: o.outcomeTarget, outcomeWeight: o.outcomeWeight };
}

export interface LosoOptions extends ProcedureOptions {
  /** Only these families (all by default). */
  only?: readonly string[];
  /** Called after each family (progress). */
  onUnit?: (family: string, done: number, total: number) => void;
  /** Extra training rows that are never held out (e.g. a team's labels). */
  alwaysTrain?: readonly LabelledRow[];
  /** Extra training rows of the families, added to every fold but their own family's; never scored (more data, same scored rows). */
  moreTrain?: readonly LabelledRow[];
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
      const more = (opts.moreTrain ?? []).filter((r) => familyOf(r) !== leftOut);
      const m = trainModel([...train, ...more, ...(opts.alwaysTrain ?? [])], procedureOf(opts));
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

/** Subject groups for the by-subject outcome figures: a fifth of the subjects held apart at a time. */
export const SUBJECT_GROUPS = 5;

export interface SubjectFold {
  group: number;
  subjects: string[];
  report: OutcomeReport;
}

export interface SubjectRun {
  /** Subject -> group (balancedGroups over the scored rows' subject sizes). */
  groups: Map<string, number>;
  heldOut: HeldOut<LabelledRow>[];
  /** All held-out scores pooled. */
  pooled: OutcomeReport;
  /** Each group's rows alone, scored by its own model: the fold noise. */
  folds: SubjectFold[];
  /** Training rows per fold (after leaving out the group's subjects). */
  trainedOn: number[];
}

export interface SubjectOptions extends ProcedureOptions {
  k?: number;
  onFold?: (group: number, done: number, total: number) => void;
}

/**
 * Outcome figures with subjects held apart: the rows of `scored` that have a
 * subject (subjectOf: RouteLLM's MMLU) are split by subject into k groups;
 * for each group, the whole procedure (trainModel: weights and calibration)
 * runs on `trainRows` less every row of the group's subjects (and less any
 * row with the same prompt as a scored row of the group), and the group's
 * scored rows are scored. Unlike the family-held-out figure, the model has
 * seen MMLU (its other subjects' outcome labels), as the shipped model has;
 * what it has not seen is the subjects it is judged on.
 */
export function subjectHeldOut(trainRows: readonly LabelledRow[], scored: readonly LabelledRow[], opts: SubjectOptions = {}): SubjectRun {
  const k = opts.k ?? SUBJECT_GROUPS;
  const sizes = new Map<string, number>();
  for (const r of scored) {
    const s = subjectOf(r);
    if (s !== null) sizes.set(s, (sizes.get(s) ?? 0) + 1);
  }
  const groups = balancedGroups(sizes, k);
  const groupOf = (r: LabelledRow): number | null => {
    const s = subjectOf(r);
    return s === null ? null : (groups.get(s) ?? null);
  };
  // A training row with the text of a held-out prompt counts as that prompt's group.
  const promptGroup = new Map<string, number>();
  for (const r of scored) {
    const g = groupOf(r);
    if (g !== null) promptGroup.set(r.prompt, g);
  }
  const groupOfTrain = (r: LabelledRow): number | null => groupOf(r) ?? promptGroup.get(r.prompt) ?? null;
  const trainedOn: number[] = [];
  let done = 0;
  const total = new Set(groups.values()).size;
  const heldOut = heldOutByGroup(trainRows, scored, groupOfTrain, groupOf, k, (train, g) => {
    trainedOn[g] = train.length;
    const m = trainModel(train, procedureOf(opts));
    opts.onFold?.(g, ++done, total);
    return { score: (r) => probability(m.model, r.prompt), threshold: m.metrics.threshold };
  });
  const pooled = outcomeReport("MMLU, subjects held out (pooled)", heldOut);
  if (!pooled) throw new Error("subjectHeldOut: no scored row with a subject and an outcome");
  const folds: SubjectFold[] = [];
  for (let g = 0; g < k; g++) {
    const report = outcomeReport(`group ${g}`, heldOut.filter((h) => h.unit === String(g)));
    if (report)
      folds.push({
        group: g,
        subjects: [...groups].filter(([, v]) => v === g).map(([s]) => s).sort(),
        report,
      });
  }
  return { groups, heldOut, pooled, folds, trainedOn };
}
