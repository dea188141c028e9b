/**
 * Router evaluation. The headline is leave-one-source-out over the shipped
 * data: for every benchmark family, the whole training procedure (weights and
 * calibration) runs on the other families and the left-out one is scored. It
 * says what the router does on kinds of prompts it was not built from.
 *
 *   npm run eval:router                         leave-one-source-out + outcome metrics
 *   npm run eval:router -- --outcomes DIR       also score the outcome files in DIR
 *                                               (default ../shared/data/router_v2 when present)
 *   npm run eval:router -- --outcomes-by-subject
 *                                               only the outcome figures with MMLU subjects held apart
 *                                               (5 groups of subjects; a few minutes, no leave-one-source-out)
 *   npm run eval:router -- --only gsm8k,dolly   only these families
 *   npm run eval:router -- --dump FILE.jsonl    also write each row's held-out score (misses by family)
 *   npm run eval:router -- --train-more DIR     add DIR's rows that the shipped files lack to training only
 *                                               (never scored; not the held-out family's; README row K)
 *   npm run eval:router -- --l2 0.001 --iterations 60 --source-exponent 0 --target-fpr 0.1|none
 *                          --outcome-target strong-only|weak-wrong --outcome-weight 1
 *                                               other training options (experiments)
 *   npm run eval:router -- FILE.jsonl|DIR ...   the model in use on labelled files
 *                                               (scripts/eval-router-files.ts)
 *
 * Per family: F1 and standard->reasoning rate at the threshold each fold's
 * model calibrated for itself (0.5 on the calibrated score), AUC, and the
 * keyword-rules baseline on the same rows; pooled figures and the worst
 * family; the same on high-confidence labels only. RouteLLM's MMLU rows are
 * judged by their outcome (reasoning = only the strong model was right).
 *
 * Outcome metrics (RouteLLM, outcomes.ts) on prompts whose weak/strong
 * outcomes are known, each scored by the model trained without its family:
 * APGR, CPT(50%), CPT(80%), the share of strong calls for 95% of the strong
 * model's accuracy, and the share and PGR at the threshold; the keyword rules
 * (their margin as a ranking) and a random router beside them.
 *
 * Outcome metrics with subjects held apart (generalisation.ts,
 * subjectHeldOut): MMLU's subjects split into 5 groups; for each, the
 * procedure runs on the shipped train split (what weights.json is trained on)
 * less every row of the group's subjects, and scores the group's rows of
 * RouteLLM's MMLU half. The model has seen MMLU, as the shipped one has, but
 * not the subjects it is judged on. Printed pooled and per group (the fold
 * noise). GSM8K has no subject or other grouping, so it has the
 * family-held-out figure only.
 */
import fs from "node:fs";
import path from "node:path";
import { familyOf, labelFromOutcome, loadLabelled, loadShipped, outcomeOf, splitOf, subjectOf, trainingLabel, type LabelledRow, type OutcomeTarget } from "../lib/routing/classifier/dataset";
import { featuresOf, FOLDS, TARGET_FPR } from "../lib/routing/classifier/trainer";
import { DEFAULT_TRAIN_OPTIONS, DEFAULT_WEIGHTING } from "../lib/routing/classifier/train";
import { keywordRules } from "../lib/routing/classifier/keywords";
import { summariseLoso, type LosoSummary, type UnitResult } from "../lib/routing/classifier/loso";
import { leaveOneSourceOut, outcomeReport, SUBJECT_GROUPS, subjectHeldOut, type OutcomeReport, type ProcedureOptions } from "../lib/routing/classifier/generalisation";
import { spread } from "../lib/routing/classifier/outcomes";
import { num, pct, table } from "../lib/routing/classifier/report";

const REPO_ROOT = path.resolve(__dirname, "..");

const argv = process.argv.slice(2);
const files: string[] = [];
let outcomesDir: string | null = null;
let only: string[] | undefined;
let dump: string | null = null;
let bySubjectOnly = false;
// Training options for experiments (--l2, --iterations); the defaults are what ships.
const trainOpts = { ...DEFAULT_TRAIN_OPTIONS };
const weighting = { ...DEFAULT_WEIGHTING };
let targetFpr: number | null = TARGET_FPR;
let outcomeTarget: OutcomeTarget = "strong-only";
let outcomeWeight = 1;
/** README row K: every category- or outcome-labelled row of this folder that the shipped files lack, added to training only. */
let trainMoreDir: string | null = null;
/** The procedure the options above set, the same for the leave-one-source-out and the by-subject runs. */
const procedureWith = (features: ProcedureOptions["features"]): ProcedureOptions => ({ features, train: trainOpts, weighting, targetFpr, outcomeTarget, outcomeWeight });
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  if (a === "--outcomes") outcomesDir = argv[++i] ?? null;
  else if (a === "--l2") trainOpts.l2 = Number(argv[++i]);
  else if (a === "--iterations") trainOpts.iterations = Number(argv[++i]);
  else if (a === "--source-exponent") weighting.sourceExponent = Number(argv[++i]);
  else if (a === "--target-fpr") targetFpr = argv[++i] === "none" ? null : Number(argv[i]);
  else if (a === "--only") only = (argv[++i] ?? "").split(",").filter(Boolean);
  else if (a === "--dump") dump = argv[++i] ?? null;
  else if (a === "--outcomes-by-subject") bySubjectOnly = true;
  else if (a === "--outcome-target") outcomeTarget = argv[++i] === "weak-wrong" ? "weak-wrong" : "strong-only";
  else if (a === "--outcome-weight") outcomeWeight = Number(argv[++i]);
  else if (a === "--train-more") trainMoreDir = argv[++i] ?? null;
  else if (a === "--threshold" || a === "--rows") files.push(a, argv[++i] ?? "");
  else files.push(a);
}

if (files.some((f) => !f.startsWith("--"))) {
  void import("./eval-router-files");
} else {
  main();
}

function main(): void {
  const log = (s = "") => process.stdout.write(s + "\n");
  const t0 = performance.now();
  const rows = loadShipped();
  // Beside the checkout, not the working directory: run from elsewhere, the figures would silently cover less.
  const sharedOutcomes = path.join(REPO_ROOT, "..", "shared", "data", "router_v2");
  const dir = outcomesDir ?? (fs.existsSync(sharedOutcomes) ? sharedOutcomes : null);
  // Without the outcome files the outcome figures cover only the shipped sample: said first, so such a run is not compared with a full one by mistake.
  const noOutcomeFiles = `no outcome files: ${sharedOutcomes} is missing, so the outcome figures cover only the shipped sample (pass --outcomes DIR for router_v2)`;
  // Outcome files scored, never trained on: RouteLLM's full MMLU half and GSM8K.
  const outcomeRows = dir ? loadLabelled([dir]).filter((r) => /RouteLLM/i.test(r.source)) : [];
  const shippedIds = new Set(rows.map((r) => r.id));
  const moreTrain = trainMoreDir
    ? loadLabelled([trainMoreDir]).filter((r) => !shippedIds.has(r.id) && !(/RouteLLM/i.test(r.source) && /gsm8k/i.test(r.source)) && trainingLabel(r) !== null)
    : [];
  const features = featuresOf([...rows, ...moreTrain]);
  const procedure = `trainModel (${trainOpts.iterations} iterations, L2 ${trainOpts.l2}, family weight n^${weighting.sourceExponent}, outcome rows: reasoning when ${outcomeTarget === "weak-wrong" ? "the weak model is wrong" : "only the strong model is right"}, weight x${outcomeWeight}, Platt scaling on ${FOLDS}-fold out-of-family scores); threshold: ${targetFpr === null ? "0.5" : `the lowest >= 0.5 at which <= ${targetFpr} of the fold's own out-of-family standard prompts go to reasoning`}`;

  if (bySubjectOnly) {
    log(`# router eval: outcomes with MMLU subjects held apart`);
    log(`procedure: ${procedure}`);
    if (!dir) log(noOutcomeFiles);
    log();
    bySubject(rows, outcomeRows, dir, features, log, t0, moreTrain);
    log();
    log(`done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    return;
  }

  log(`# router eval: leave-one-source-out`);
  log(`data: the shipped files (${rows.length} labelled rows, ${new Set(rows.map(familyOf)).size} benchmark families); each family is scored by a model trained, and calibrated, on the others`);
  log(`procedure: ${procedure}`);
  log(dir ? `outcome files scored by the model without their family: ${dir} (${outcomeRows.length} rows)` : noOutcomeFiles);
  if (moreTrain.length) log(`more training rows (row K), never scored, added to every fold but their family's: ${trainMoreDir} (${moreTrain.length} rows)`);
  log();

  const run = leaveOneSourceOut(rows, {
    ...procedureWith(features),
    only,
    scoreOnly: outcomeRows,
    moreTrain,
    onUnit: (f, done, total) => process.stderr.write(`  ${done}/${total} ${f} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`),
  });

  if (dump) {
    // held-out scores per row, for looking at what a family's model missed
    const line = (h: (typeof run.heldOut)[number], scoredOnly: boolean) =>
      JSON.stringify({ id: h.row.id, family: h.unit, label: trainingLabel(h.row)?.label, confidence: trainingLabel(h.row)?.confidence, category: h.row.category, score: h.score, threshold: h.threshold, outcome: outcomeOf(h.row), scoredOnly, prompt: h.row.prompt });
    fs.writeFileSync(dump, [...run.heldOut.map((h) => line(h, false)), ...run.extra.map((h) => line(h, true))].join("\n") + "\n");
  }

  // keyword rules on the same rows, as a second "model" with the same table
  const keywordItems = run.heldOut.map((h) => ({ ...h, score: keywordRules(h.row.prompt).tier === "reasoning" ? 1 : 0, threshold: 0.5 }));
  const labelOf = (r: LabelledRow) => trainingLabel(r)!.label;
  const keyword = summariseLoso(keywordItems, labelOf);
  const keywordHigh = summariseLoso(
    keywordItems.filter((h) => trainingLabel(h.row)!.confidence === "high"),
    labelOf,
  );

  log(`## per family (left out), all labels; figure = F1, or accuracy where a family has no reasoning rows`);
  log(losoTable(run.summary, keyword));
  log();
  log(headline("router, all labels", run.summary));
  log(headline("router, high-confidence labels", run.high));
  // The category sets a team would judge the router on, without the rows whose
  // label is an outcome (which question the strong model alone got right:
  // scored again, as outcomes, below). Printed beside the headline, not
  // instead of it.
  log(headline("router, category labels only (outcome-labelled rows aside)", summariseLoso(run.heldOut.filter((h) => !labelFromOutcome(h.row)), labelOf)));
  log(headline("keyword rules, all labels", keyword));
  log(headline("keyword rules, high-confidence labels", keywordHigh));
  log(randomLine(run.summary));
  log();
  log(`## per family, high-confidence labels only`);
  log(losoTable(run.high, keywordHigh));
  log();

  log(`## outcomes, FAMILY held out (RouteLLM metrics; each prompt scored by a model trained without its whole family: no MMLU at all for MMLU)`);
  const reports: OutcomeReport[] = [];
  const groups: [string, (r: LabelledRow) => boolean][] = [
    ["RouteLLM MMLU (shipped sample)", (r) => /RouteLLM/i.test(r.source) && familyOf(r) === "mmlu"],
    ["LLMRouter mix (nemotron-51b vs best of mistral-7b, qwen2.5-7b)", (r) => /LLMRouter/i.test(r.source)],
  ];
  for (const [name, pick] of groups) {
    const rep = outcomeReport(name, run.heldOut.filter((h) => pick(h.row)));
    if (rep) reports.push(rep);
  }
  if (outcomeRows.length > 0) {
    const mmlu = outcomeReport("RouteLLM MMLU, all 29 subjects in router_v2", run.extra.filter((h) => familyOf(h.row) === "mmlu"));
    const gsm = outcomeReport("RouteLLM GSM8K", run.extra.filter((h) => familyOf(h.row) === "gsm8k"));
    if (mmlu) reports.push(mmlu);
    if (gsm) reports.push(gsm);
  }
  log(outcomeTable(reports));
  log();
  log(`APGR: area under the share of the weak->strong quality gap recovered, over the share of strong calls (random 0.5).`);
  log(`CPT(x): share of strong calls to recover x of the gap. 95% strong: share of strong calls for 95% of the strong model's accuracy.`);
  log(`at thr: the router's own decisions (score >= its threshold): share sent to reasoning, and the gap recovered.`);
  log();
  bySubject(rows, outcomeRows, dir, features, log, t0, moreTrain);
  log();
  log(`done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

function losoTable(s: LosoSummary, kw: LosoSummary): string {
  const kwOf = new Map(kw.units.map((u) => [u.unit, u]));
  return table(
    ["family", "n", "reas", "std", "F1", "recall", "std->reas", "acc", "AUC", "figure", "kw F1", "kw std->reas", "kw figure"],
    [...s.units, s.pooled].map((u) => {
      const k = u.unit === "all" ? kw.pooled : kwOf.get(u.unit);
      return [u.unit, u.n, u.reasoning, u.standard, num(u.c.f1), pct(u.c.recall), pct(u.c.fpr), pct(u.c.accuracy), num(u.auc), num(u.figure), num(k?.c.f1 ?? NaN), pct(k?.c.fpr ?? NaN), num(k?.figure ?? NaN)];
    }),
  );
}

function headline(name: string, s: LosoSummary): string {
  const w = (u: UnitResult | null) => (u ? `${u.unit} ${num(u.figure)}` : "-");
  return `${name}: pooled F1 ${num(s.pooled.c.f1)}, std->reas ${pct(s.pooled.c.fpr)}, share to reasoning ${pct(s.pooled.c.share)}; worst family ${w(s.worst)}; worst std->reas ${s.worstFpr ? `${s.worstFpr.unit} ${pct(s.worstFpr.c.fpr)}` : "-"}`;
}

/** A random router sending the same share to reasoning: precision = base rate, recall = share, std->reas = share. */
function randomLine(s: LosoSummary): string {
  const p = s.pooled;
  const base = p.reasoning / p.n;
  const share = p.c.share;
  const f1 = base + share > 0 ? (2 * base * share) / (base + share) : NaN;
  return `random router at the same share (${pct(share)}): pooled F1 ${num(f1)}, std->reas ${pct(share)}`;
}

function outcomeTable(reports: OutcomeReport[]): string {
  return table(
    ["set", "n", "weak acc", "strong acc", "APGR", "CPT(50%)", "CPT(80%)", "95% strong", "at thr: share", "at thr: PGR", "kw APGR", "kw 95%", "random APGR", "random 95%"],
    reports.map((r) => [
      r.name,
      r.router.n,
      pct(r.router.weakQuality),
      pct(r.router.strongQuality),
      num(r.router.apgr),
      pct(r.router.cpt50),
      pct(r.router.cpt80),
      pct(r.router.strongShareFor95),
      pct(r.atThreshold.share),
      pct(r.atThreshold.pgr),
      num(r.keyword.apgr),
      pct(r.keyword.strongShareFor95),
      num(r.random.apgr),
      pct(r.random.strongShareFor95),
    ]),
  );
}

/**
 * Outcome figures with MMLU subjects held apart: trained on the shipped train
 * split less a group's subjects, scored on that group's rows of RouteLLM's
 * MMLU half (router_v2 when present, else the shipped sample).
 */
function bySubject(rows: LabelledRow[], outcomeRows: LabelledRow[], dir: string | null, features: ReturnType<typeof featuresOf>, log: (s?: string) => void, t0: number, moreTrain: readonly LabelledRow[] = []): void {
  const trainRows = [...rows, ...moreTrain].filter((r) => splitOf(r.id) === "train");
  const fromDir = outcomeRows.filter((r) => subjectOf(r) !== null);
  const scored = fromDir.length > 0 ? fromDir : rows.filter((r) => subjectOf(r) !== null && /RouteLLM/i.test(r.source));
  const run = subjectHeldOut(trainRows, scored, {
    k: SUBJECT_GROUPS,
    ...procedureWith(features),
    onFold: (g, done, total) => process.stderr.write(`  subject group ${g} (${done}/${total}) (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`),
  });
  log(`## outcomes, SUBJECTS held out (MMLU subjects in ${SUBJECT_GROUPS} groups; each group scored by a model trained on the shipped train split without the group's subjects, MMLU's other subjects included)`);
  log(`scored: ${fromDir.length > 0 ? `${dir} (RouteLLM MMLU, ${scored.length} rows, ${run.groups.size} subjects)` : `the shipped RouteLLM MMLU sample (${scored.length} rows, ${run.groups.size} subjects)`}; trained on ${run.trainedOn.join(" / ")} rows per group`);
  log(outcomeTable([{ ...run.pooled, name: `RouteLLM MMLU, ${run.groups.size} subjects, subjects held out` }]));
  log();
  log(
    table(
      ["group", "subjects", "n", "weak acc", "strong acc", "APGR", "CPT(50%)", "CPT(80%)", "95% strong", "random 95%"],
      run.folds.map((f) => [
        f.group,
        f.subjects.join(" "),
        f.report.router.n,
        pct(f.report.router.weakQuality),
        pct(f.report.router.strongQuality),
        num(f.report.router.apgr),
        pct(f.report.router.cpt50),
        pct(f.report.router.cpt80),
        pct(f.report.router.strongShareFor95),
        pct(f.report.random.strongShareFor95),
      ]),
    ),
  );
  const a = spread(run.folds.map((f) => f.report.router.apgr));
  const s95 = spread(run.folds.map((f) => f.report.router.strongShareFor95));
  log(`per group: APGR mean ${num(a.mean)} sd ${num(a.sd)} (${num(a.min)}-${num(a.max)}); 95% strong mean ${pct(s95.mean)} sd ${pct(s95.sd)} (${pct(s95.min)}-${pct(s95.max)})`);
  log(`GSM8K: no subject or other grouping in its files (meta: row, gsm8k_test_id), so it has the family-held-out figure only.`);
}
