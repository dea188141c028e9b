/**
 * Router evaluation of the model in use on labelled prompt files (the
 * leave-one-source-out headline is scripts/eval-router.ts without files).
 *
 *   npm run eval:router -- FILE.jsonl [MORE.jsonl | DIR ...] [--threshold 0.5] [--rows all|heldout]
 *   (equivalently: npx tsx scripts/eval-router.ts FILE ...)
 *
 * Input records: {"prompt": "...", "label": "reasoning"|"standard"|null, ...}
 * as in ../shared/data; rows whose label is null are ignored; `source`,
 * `category` and `label_confidence` are used when present.
 *
 * Every decision goes through classifierStage(), the function the gateway's
 * /api/v1/route calls. Rows whose prompt the shipped model was trained on
 * (the train split of lib/routing/classifier/data) are detected; by default
 * the main report covers only the other rows (held out), with a summary over
 * all rows after it. `--rows all` reports all rows in full.
 *
 * Cost model (documented constants, per request): standard = claude-sonnet-4-6
 * at $3 / $15 per MTok (input / output) with ~400 output tokens; reasoning =
 * claude-opus-4-7 at $5 / $25 per MTok with ~9,000 thinking + 600 output
 * tokens (thinking is billed as output). Input tokens are estimated as
 * characters / 4 for both.
 */
import { activeModelInfo, classifierStage, keywordRules } from "../lib/routing/classifier/index";
import { confusion, confusionAt, shareNeededForRecall, sweep, type ConfusionAt, type ScoredItem } from "../lib/routing/classifier/calibrate";
import { expandInputs, loadShipped, readJsonl, splitOf, type LabelledRow } from "../lib/routing/classifier/dataset";
import { auc, byGroup, groupTable, num, pct, sourceName, table, usd, type GroupedItem } from "../lib/routing/classifier/report";

export const COST = {
  standard: { model: "claude-sonnet-4-6", inputPerMTok: 3, outputPerMTok: 15, outputTokens: 400, thinkingTokens: 0 },
  reasoning: { model: "claude-opus-4-7", inputPerMTok: 5, outputPerMTok: 25, outputTokens: 600, thinkingTokens: 9_000 },
  charsPerInputToken: 4,
} as const;

type Tier = "reasoning" | "standard";

function requestCost(tier: Tier, promptChars: number): number {
  const c = COST[tier];
  const input = Math.ceil(promptChars / COST.charsPerInputToken);
  return (input * c.inputPerMTok + (c.outputTokens + c.thinkingTokens) * c.outputPerMTok) / 1e6;
}

// ------------------------------------------------------------------ args

const argv = process.argv.slice(2);
const inputs: string[] = [];
// The model the gateway uses: the deployment's retrained model when installed (THINKGATE_ROUTER_MODEL), else the shipped one.
const model = activeModelInfo();
const modelThreshold = model.threshold;
let threshold = modelThreshold.threshold;
let rowsMode = "auto" as "auto" | "all" | "heldout";
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  if (a === "--threshold") threshold = Number(argv[++i]);
  else if (a === "--rows") rowsMode = argv[++i] as typeof rowsMode;
  else if (a === "--help" || a === "-h") {
    process.stdout.write("usage: eval-router FILE.jsonl|DIR ... [--threshold T] [--rows all|heldout]\n");
    process.exit(0);
  } else inputs.push(a);
}
if (inputs.length === 0 || !Number.isFinite(threshold) || !["auto", "all", "heldout"].includes(rowsMode)) {
  process.stderr.write("usage: eval-router FILE.jsonl|DIR ... [--threshold T] [--rows all|heldout]\n");
  process.exit(2);
}

const log = (s = "") => process.stdout.write(s + "\n");

// ------------------------------------------------------------------ data

const files = expandInputs(inputs);
const allRows = files.flatMap(readJsonl);
const labelled = allRows.filter((r) => r.label !== null);
const ignored = allRows.length - labelled.length;

// Prompts the shipped model was trained on (train split of the shipped data).
const trainedOn = new Set(loadShipped().filter((r) => splitOf(r.id) === "train").map((r) => r.prompt));

interface Evaluated extends GroupedItem {
  row: LabelledRow;
  inTraining: boolean;
  decision: Tier;
  keyword: Tier;
  ms: number;
}

// Warm-up: the first call decodes weights.json and JITs the extractor.
classifierStage("warm-up", threshold);
const evaluated: Evaluated[] = labelled.map((row) => {
  const t0 = performance.now();
  const d = classifierStage(row.prompt, threshold);
  const ms = performance.now() - t0;
  return {
    row,
    score: d.score,
    label: row.label!,
    group: sourceName(row.source),
    inTraining: trainedOn.has(row.prompt),
    decision: d.tier,
    keyword: keywordRules(row.prompt).tier,
    ms,
  };
});

const nTrain = evaluated.filter((e) => e.inTraining).length;
const primaryHeldOut = rowsMode === "heldout" || (rowsMode === "auto" && nTrain > 0);
const primary = primaryHeldOut ? evaluated.filter((e) => !e.inTraining) : evaluated;

log(`# router eval`);
log(`files: ${files.join(", ")}`);
log(`rows: ${allRows.length} read, ${ignored} ignored (label null), ${labelled.length} labelled`);
log(
  `model: ${model.source} ${model.path}` +
    (model.source === "deployment" ? ` (trained ${model.trainedAt}; ${model.rows.shippedTrain} shipped + ${model.rows.teamTrain} team rows; rows it was trained on are detected only among the shipped data)` : "") +
    (model.warning ? ` (WARNING: ${model.warning})` : ""),
);
log(
  `threshold: ${num(threshold, 4)}${threshold === modelThreshold.threshold ? ` (${model.source} default: ${modelThreshold.method} target ${modelThreshold.target} on ${modelThreshold.calibratedOn})` : " (--threshold)"}`,
);
log(
  `rows the shipped model was trained on: ${nTrain}; ` +
    (primaryHeldOut ? `report below covers the ${primary.length} held-out rows (summary over all rows at the end)` : `report covers all ${primary.length} rows`),
);
log(
  `cost model: standard ${COST.standard.model} $${COST.standard.inputPerMTok}/$${COST.standard.outputPerMTok} per MTok, ~${COST.standard.outputTokens} output tokens; ` +
    `reasoning ${COST.reasoning.model} $${COST.reasoning.inputPerMTok}/$${COST.reasoning.outputPerMTok}, ~${COST.reasoning.thinkingTokens} thinking + ${COST.reasoning.outputTokens} output tokens; input = chars/${COST.charsPerInputToken}`,
);
if (primary.length === 0) {
  log("no rows to report");
  process.exit(0);
}
log();
report(primary, primaryHeldOut ? "held-out rows" : "all rows");

if (primaryHeldOut) {
  log(`## summary over all ${evaluated.length} labelled rows (includes ${nTrain} training rows; optimistic)`);
  log(methodTable(evaluated));
  log(groupTable(byGroup(evaluated, threshold)));
  log();
}

// ---------------------------------------------------------------- report

function decisionsConfusion(items: readonly Evaluated[], decide: (e: Evaluated) => Tier): ConfusionAt {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const e of items) {
    const r = decide(e) === "reasoning";
    if (e.label === "reasoning") r ? tp++ : fn++;
    else r ? fp++ : tn++;
  }
  return confusion(Number.NaN, tp, fp, fn, tn);
}

function methodTable(items: readonly Evaluated[]): string {
  const costOf = (decide: (e: Evaluated) => Tier) => items.reduce((s, e) => s + requestCost(decide(e), e.row.prompt.length), 0);
  const always = costOf(() => "reasoning");
  const methods: [string, (e: Evaluated) => Tier, readonly Evaluated[]][] = [
    ["classifier", (e) => e.decision, items],
    ["classifier, high-confidence labels only", (e) => e.decision, items.filter((e) => e.row.label_confidence !== "low")],
    ["keyword rules (baseline)", (e) => e.keyword, items],
    ["always reasoning", () => "reasoning", items],
    ["always standard", () => "standard", items],
  ];
  return table(
    ["method", "n", "precision", "recall", "F1", "accuracy", "share reas", "std->reas", "cost", "saved vs always-reas"],
    methods.map(([name, decide, its]) => {
      const c = decisionsConfusion(its, decide);
      const cost = its === items ? costOf(decide) : its.reduce((s, e) => s + requestCost(decide(e), e.row.prompt.length), 0);
      const ref = its === items ? always : its.reduce((s, e) => s + requestCost("reasoning", e.row.prompt.length), 0);
      return [name, its.length, pct(c.precision), pct(c.recall), num(c.f1), pct(c.accuracy), pct(c.share), pct(c.fpr), usd(cost), pct(1 - cost / ref)];
    }),
  );
}

function report(items: readonly Evaluated[], title: string): void {
  const c = confusionAt(items, threshold);
  const lowRows = items.filter((e) => e.row.label_confidence === "low").length;
  log(`## ${title}: ${items.length} rows (${items.filter((e) => e.label === "reasoning").length} reasoning, ${items.filter((e) => e.label === "standard").length} standard; ${lowRows} with label_confidence "low")`);
  log(`classifier at threshold ${num(threshold, 4)}: F1 ${num(c.f1)}  precision ${pct(c.precision)}  recall ${pct(c.recall)}  accuracy ${pct(c.accuracy)}  share to reasoning ${pct(c.share)}  standard->reasoning ${pct(c.fpr)}  AUC ${num(auc(items), 4)}`);
  log(`confusion: TP ${c.tp}  FP ${c.fp}  FN ${c.fn}  TN ${c.tn}`);
  log();
  log(`### methods (the cost column is the routed traffic of these rows under the cost model)`);
  log(methodTable(items));
  log();
  if (lowRows > 0) {
    const high = items.filter((e) => e.row.label_confidence !== "low");
    const ch = confusionAt(high, threshold);
    log(`without the ${lowRows} low-confidence rows: F1 ${num(ch.f1)}  precision ${pct(ch.precision)}  recall ${pct(ch.recall)}  standard->reasoning ${pct(ch.fpr)}`);
    log();
  }
  log(`### per source (figure: recall >= 90% and standard->reasoning <= 10%)`);
  log(groupTable(byGroup(items, threshold)));
  log();
  if (lowRows > 0) {
    log(`### per source, high-confidence labels only`);
    log(groupTable(byGroup(items.filter((e) => e.row.label_confidence !== "low"), threshold)));
    log();
  }
  log(`### per category`);
  log(
    groupTable(
      byGroup(
        items.map((e) => ({ ...e, group: `${e.group}/${e.row.category}${e.row.label_confidence === "low" ? " (low)" : ""}` })),
        threshold,
      ),
      false,
    ),
  );
  log();
  log(`### threshold sweep`);
  const always = items.reduce((s, e) => s + requestCost("reasoning", e.row.prompt.length), 0);
  const costAt = (t: number) => items.reduce((s, e) => s + requestCost(e.score >= t ? "reasoning" : "standard", e.row.prompt.length), 0);
  const sweepThresholds = [...new Set([0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, threshold])].sort((a, b) => a - b);
  log(
    table(
      ["threshold", "share reas", "precision", "recall", "F1", "std->reas", "cost", "saved vs always-reas"],
      sweep(items, sweepThresholds).map((s) => {
        const cost = costAt(s.threshold);
        return [num(s.threshold, 4) + (s.threshold === threshold ? " *" : ""), pct(s.share), pct(s.precision), pct(s.recall), num(s.f1), pct(s.fpr), usd(cost), pct(1 - cost / always)];
      }),
    ),
  );
  if (items.some((e) => e.label === "reasoning")) {
    for (const target of [0.9, 0.95]) {
      const s = shareNeededForRecall(items as readonly ScoredItem[], target);
      log(
        `to catch ${pct(target, 0)} of reasoning-worthy prompts: send ${pct(s.share)} of calls to reasoning (threshold ${num(s.threshold, 4)}; standard->reasoning ${pct(s.fpr)}; cost ${usd(costAt(s.threshold))})`,
      );
    }
  }
  log();
  const ms = items.map((e) => e.ms).sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!;
  const maxChars = Math.max(...items.map((e) => e.row.prompt.length));
  log(`decision latency over these rows (classifierStage, incl. explanation): p50 ${q(0.5).toFixed(3)} ms, p99 ${q(0.99).toFixed(3)} ms, max ${ms[ms.length - 1]!.toFixed(3)} ms (longest prompt ${maxChars} chars)`);
  log();
}
