/**
 * The calibration lab: evaluation sets, experiments over a grid of thinking
 * configurations, their results and knee, and applying the recommendation to
 * a route. Handlers (api.ts) and the CLI (scripts/calibrate.ts) call these.
 */
import { z } from "zod";
import { decimal } from "../api/query-number";
import { AppError, badRequest, notFound } from "../api/errors";
import { calibrationRepo, type EvalItemInput, type ExperimentRow } from "../db/calibration.repo";
import { configRepo } from "../db/config.repo";
import { allModels, sameModel } from "../models/catalog";
import { routingConfig } from "../routing/config";
import { noteInHistory } from "../rules/service";
import { editRoute } from "../settings/service";
import { chartSeries } from "./chart";
import { describeGrader, parseGrader, type Grader } from "./graders";
import { configKey, configLabel, modelThinking, thinkingWeight, validateGrid, type CalibrationConfig } from "./grid";
import { findKnee } from "./knee";
import { calibrationRunner } from "./runner";
import { itemSchema, MAX_ITEMS, parseJsonl, type ItemInput } from "./sets";
import { statsByCategory, statsByConfig, type TrialOutcome } from "./stats";

export const DEFAULT_TOLERANCE = 0.02;
/** Days of the route's traffic compared before and after an apply. */
export const WINDOW_DAYS = 7;

const toRow = (it: ItemInput, source: EvalItemInput["source"], requestId: string | null = null): EvalItemInput => ({
  key: it.id ?? null,
  prompt: it.prompt,
  system: it.system ?? null,
  expected: it.expected,
  category: it.category ?? null,
  source,
  requestId,
});

async function checkJudge(g: Grader): Promise<void> {
  if (g.kind !== "judge") return;
  const route = (await routingConfig()).snapshot.routes.get(g.routeId);
  if (!route) throw badRequest(`grader: the judge's route "${g.routeId}" does not exist`);
}

// ------------------------------------------------------------------ sets

export const createSetBody = z
  .object({
    name: z.string().trim().min(1, "name is required").max(120),
    description: z.string().max(2_000).default(""),
    grader: z.unknown(),
    /** The items as JSONL text (an uploaded file), or as an array. */
    jsonl: z.string().max(20_000_000).optional(),
    items: z.array(z.unknown()).max(MAX_ITEMS).optional(),
  })
  .strict();

export async function createSet(body: z.infer<typeof createSetBody>, createdBy: string) {
  const grader = parseGrader(body.grader);
  await checkJudge(grader);
  const items = body.jsonl !== undefined ? parseJsonl(body.jsonl) : body.items?.length ? parseJsonl(body.items.map((i) => JSON.stringify(i)).join("\n")) : [];
  const row = await calibrationRepo.createSet({ name: body.name, description: body.description, grader: JSON.stringify(grader), createdBy }, items.map((i) => toRow(i, "upload")));
  return { ...row, grader, items: items.length };
}

export const addItemsBody = z.union([
  z.object({ jsonl: z.string().min(1).max(20_000_000) }).strict(),
  /** Items from the trace explorer: the prompt from the record; the expected answer typed in, or the answer the record holds. */
  z
    .object({
      fromRequests: z
        .array(z.object({ requestId: z.string().min(1), expected: z.string().optional(), category: z.string().trim().min(1).max(80).optional() }).strict())
        .min(1)
        .max(500),
    })
    .strict(),
  /** One item from the playground ("save to set"). */
  z.object({ fromPlayground: itemSchema }).strict(),
]);

export async function addItems(setId: string, body: z.infer<typeof addItemsBody>) {
  if (!(await calibrationRepo.getSet(setId))) throw notFound(`evaluation set ${setId} does not exist`);
  let rows: EvalItemInput[];
  if ("jsonl" in body) rows = parseJsonl(body.jsonl).map((i) => toRow(i, "upload"));
  else if ("fromPlayground" in body) rows = [toRow(body.fromPlayground, "playground")];
  else {
    const records = new Map((await calibrationRepo.requestsForItems(body.fromRequests.map((r) => r.requestId))).map((r) => [r.id, r]));
    const problems: string[] = [];
    rows = [];
    for (const pick of body.fromRequests) {
      const rec = records.get(pick.requestId);
      if (!rec) problems.push(`${pick.requestId}: no such request`);
      else if (!rec.prompt) problems.push(`${pick.requestId}: the record holds no prompt text`);
      else if (pick.expected === undefined && !rec.answer) problems.push(`${pick.requestId}: no expected answer given and the record holds no answer`);
      else rows.push({ key: rec.id, prompt: rec.prompt, system: rec.system, expected: pick.expected ?? rec.answer!, category: pick.category ?? null, source: "request", requestId: rec.id });
    }
    if (problems.length) throw badRequest(`cannot build items: ${problems.join("; ")}`);
  }
  // Within the append (an upload's JSONL is checked as it is parsed; the same
  // request picked twice is the same key); keys already in the set, and the
  // set's limit, are checked by the repository in the transaction that writes.
  const keys = new Set<string>();
  for (const r of rows) {
    if (r.key === null) continue;
    if (keys.has(r.key)) throw badRequest(`item id "${r.key}" appears twice`);
    keys.add(r.key);
  }
  const total = await calibrationRepo.appendItems(setId, rows, MAX_ITEMS);
  return { added: rows.length, items: total };
}

export async function listSets() {
  return (await calibrationRepo.listSets()).map((s) => ({ ...s, grader: JSON.parse(s.grader) as Grader }));
}

/**
 * `limit` and `cursor` (the last answer's `nextCursor`) of the set's items and
 * an experiment's trials: a set holds up to MAX_ITEMS items of up to 200 kB
 * each, and an experiment up to MAX_ITEMS × 40 trials, too much for one answer.
 */
const pageQuery = (max: number, fallback: number, cursor: z.ZodType<string>) =>
  z
    .object({
      limit: decimal(z.number().int().min(1).max(max)).default(fallback),
      cursor: cursor.optional(),
    });
export const setPageQuery = pageQuery(500, 200, z.string().regex(/^\d{1,9}$/, "cursor: not a cursor this list returned"));
export const trialPageQuery = pageQuery(1_000, 500, z.string().regex(/^[0-9a-z]{1,64}$/, "cursor: not a cursor this list returned"));

/** The set with one page of its items (in order), how many it holds, and its categories. */
export async function getSet(id: string, page: z.infer<typeof setPageQuery>) {
  const set = await calibrationRepo.getSet(id);
  if (!set) throw notFound(`evaluation set ${id} does not exist`);
  const grader = JSON.parse(set.grader) as Grader;
  const [rows, itemCount, categories] = await Promise.all([
    calibrationRepo.itemsPage(id, page.limit + 1, page.cursor === undefined ? undefined : Number(page.cursor)),
    calibrationRepo.itemCount(id),
    calibrationRepo.categories(id),
  ]);
  const items = rows.slice(0, page.limit);
  const nextCursor = rows.length > page.limit ? String(items[items.length - 1]!.position) : null;
  return { ...set, grader, graderText: describeGrader(grader), itemCount, items, nextCursor, categories };
}

export async function deleteSet(id: string): Promise<void> {
  if (!(await calibrationRepo.getSet(id))) throw notFound(`evaluation set ${id} does not exist`);
  if ((await calibrationRepo.experimentCountForSet(id)) > 0) throw new AppError("conflict_error", "the set has experiments; their results refer to its items, so it is kept");
  await calibrationRepo.deleteSet(id);
}

/** What each model takes, for the grid picker. */
export function gridModels() {
  return allModels()
    .map((m) => modelThinking(m.id)!)
    .filter((m) => m.control !== "none" || m.off);
}

// ------------------------------------------------------------------ experiments

export const createExperimentBody = z
  .object({
    setId: z.string().min(1),
    name: z.string().trim().max(120).optional(),
    configs: z.unknown(),
    tolerance: z.number().min(0).max(0.5).default(DEFAULT_TOLERANCE),
    concurrency: z.number().int().min(1).max(32).default(4),
    requestsPerMinute: z.number().int().min(1).max(100_000).nullable().default(null),
    maxTokens: z.number().int().min(64).max(64_000).default(2_048),
  })
  .strict();

export async function createExperiment(body: z.infer<typeof createExperimentBody>, createdBy: string) {
  const configs = validateGrid(body.configs);
  const set = await calibrationRepo.getSet(body.setId);
  if (!set) throw badRequest(`evaluation set ${body.setId} does not exist`);
  const grader = parseGrader(JSON.parse(set.grader));
  await checkJudge(grader);
  const items = await calibrationRepo.items(set.id);
  if (items.length === 0) throw badRequest(`evaluation set "${set.name}" has no items`);
  const trials = items.flatMap((i) => configs.map((c) => ({ itemId: i.id, configKey: configKey(c) })));
  const row = await calibrationRepo.createExperiment(
    {
      setId: set.id,
      name: body.name || `${set.name}: ${configs.length} configurations`,
      configs: JSON.stringify(configs),
      grader: JSON.stringify(grader),
      tolerance: body.tolerance,
      concurrency: body.concurrency,
      requestsPerMinute: body.requestsPerMinute,
      maxTokens: body.maxTokens,
      createdBy,
    },
    trials,
  );
  calibrationRunner()?.wake();
  return { ...row, trials: trials.length };
}

async function mustGet(id: string): Promise<ExperimentRow> {
  const exp = await calibrationRepo.getExperiment(id);
  if (!exp) throw notFound(`experiment ${id} does not exist`);
  return exp;
}

export async function listExperiments(setId?: string) {
  const rows = await calibrationRepo.listExperiments(setId);
  return Promise.all(rows.map(async (e) => ({ ...e, configs: JSON.parse(e.configs) as CalibrationConfig[], progress: progress(await calibrationRepo.trialCounts(e.id)) })));
}

function progress(counts: Record<string, number>) {
  const p = { pending: counts.pending ?? 0, running: counts.running ?? 0, done: counts.done ?? 0, failed: counts.failed ?? 0, total: 0 };
  p.total = p.pending + p.running + p.done + p.failed;
  return p;
}

export async function cancelExperiment(id: string) {
  await mustGet(id);
  if (!(await calibrationRepo.transition(id, ["queued", "running"], "cancelled"))) throw badRequest("only a queued or running experiment can be cancelled");
  return getExperiment(id);
}

/** Continues a cancelled experiment, or retries the failed trials of a finished one. */
export async function resumeExperiment(id: string) {
  const exp = await mustGet(id);
  if (exp.status === "queued" || exp.status === "running") throw badRequest(`the experiment is already ${exp.status}`);
  await calibrationRepo.requeueFailed(id);
  await calibrationRepo.transition(id, ["cancelled", "done"], "queued", { finishedAt: null });
  calibrationRunner()?.wake();
  return getExperiment(id);
}

/** Everything the experiment page shows: progress, per-configuration results, the knee, chart data, categories, apply state. */
export async function experimentResults(exp: ExperimentRow) {
  const configs = JSON.parse(exp.configs) as CalibrationConfig[];
  const byKey = new Map(configs.map((c) => [configKey(c), c]));
  const keys = [...byKey.keys()].sort((a, b) => {
    const ca = byKey.get(a)!;
    const cb = byKey.get(b)!;
    return ca.model.localeCompare(cb.model) || thinkingWeight(ca) - thinkingWeight(cb);
  });
  const [trials, items, counts, records] = await Promise.all([
    calibrationRepo.trials(exp.id),
    calibrationRepo.items(exp.setId),
    calibrationRepo.trialCounts(exp.id),
    calibrationRepo.recordCount(exp.id),
  ]);
  const category = new Map(items.map((i) => [i.id, i.category]));
  const outcomes: TrialOutcome[] = trials
    .filter((t) => t.status === "done" || t.status === "failed")
    .map((t) => ({
      configKey: t.configKey,
      category: category.get(t.itemId) ?? null,
      correct: t.status === "done" ? t.correct : null,
      costUsd: t.costUsd,
      thinkingTokens: t.thinkingTokens,
      latencyMs: t.latencyMs,
    }));
  const label = (k: string) => (byKey.get(k) ? configLabel(byKey.get(k)!) : k);
  const stats = statsByConfig(keys, outcomes);
  const knee = findKnee(stats, exp.tolerance, label);
  const grader = JSON.parse(exp.grader) as Grader;
  return {
    progress: progress(counts),
    records,
    grader: { ...grader, text: describeGrader(grader) },
    judgeCostUsd: trials.reduce((t, x) => t + (x.judgeCostUsd ?? 0), 0),
    totalCostUsd: trials.reduce((t, x) => t + (x.costUsd ?? 0) + (x.judgeCostUsd ?? 0), 0),
    configs: keys.map((k) => ({ key: k, label: label(k), config: byKey.get(k)! })),
    stats,
    knee,
    chart: chartSeries(stats, knee, (k) => ({ label: label(k), model: byKey.get(k)?.model ?? k })),
    categories: statsByCategory(keys, outcomes),
  };
}

export async function getExperiment(id: string) {
  const exp = await mustGet(id);
  const [set, results] = await Promise.all([calibrationRepo.getSet(exp.setId), experimentResults(exp)]);
  return {
    experiment: { ...exp, configs: JSON.parse(exp.configs) as CalibrationConfig[], appliedChange: exp.appliedChange ? (JSON.parse(exp.appliedChange) as unknown) : null },
    set: set ? { id: set.id, name: set.name } : null,
    ...results,
    beforeAfter: exp.appliedAt && exp.appliedRouteId ? await beforeAfter(exp.appliedRouteId, exp.appliedAt) : null,
  };
}

/** One page of the experiment's trials, each with its item's prompt, expected answer and category. */
export async function experimentTrials(id: string, page: z.infer<typeof trialPageQuery>) {
  const exp = await mustGet(id);
  const rows = await calibrationRepo.trialsPage(exp.id, page.limit + 1, page.cursor);
  const trials = rows.slice(0, page.limit);
  const item = new Map((await calibrationRepo.itemsByIds([...new Set(trials.map((t) => t.itemId))])).map((i) => [i.id, i]));
  return {
    data: trials.map((t) => ({ ...t, prompt: item.get(t.itemId)?.prompt ?? null, expected: item.get(t.itemId)?.expected ?? null, category: item.get(t.itemId)?.category ?? null })),
    nextCursor: rows.length > page.limit ? trials[trials.length - 1]!.id : null,
  };
}

// ------------------------------------------------------------------ apply

export const applyBody = z
  .object({
    routeId: z.string().trim().min(1),
    /** A configuration of the experiment other than the recommended one. */
    configKey: z.string().min(1).optional(),
  })
  .strict();

/**
 * Sets the route's thinking (off, budget or effort) to the recommended
 * configuration. Only thinking changes: the route must already serve the
 * configuration's model, since a budget measured on one model says nothing
 * about another. The change is written as a new rule-set version linked to
 * the experiment, so the rules' history shows when and why it happened.
 */
export async function applyExperiment(id: string, body: z.infer<typeof applyBody>, author: string) {
  const exp = await mustGet(id);
  const results = await experimentResults(exp);
  const key = body.configKey ?? results.knee?.recommended;
  if (!key) throw badRequest("the experiment has no results to apply yet");
  const config = results.configs.find((c) => c.key === key)?.config;
  if (!config) throw badRequest(`configuration "${key}" is not part of this experiment`);
  const after = {
    thinking: config.thinking === "off" ? "off" : "on",
    budgetTier: null,
    budgetTokens: config.thinking === "budget" ? config.budgetTokens : null,
    effort: config.thinking === "effort" ? config.effort : null,
  } as const;
  // Only the thinking fields change; the route's others stay as they are when it is written.
  const { before: route } = await editRoute(body.routeId, (r) => {
    if (!sameModel(r.model, config.model)) {
      throw badRequest(`route "${r.id}" serves ${r.model}, but ${configLabel(config)} was measured on ${config.model}; apply it to a route that serves ${config.model} (only the thinking settings are changed)`);
    }
    return after;
  });
  const before = { thinking: route.thinking, budgetTier: route.budgetTier, budgetTokens: route.budgetTokens, effort: route.effort };
  const describe = (x: typeof before) => (x.thinking === "off" ? "thinking off" : x.budgetTokens ? `budget ${x.budgetTokens}` : x.effort ? `effort ${x.effort}` : x.budgetTier ? `budget tier ${x.budgetTier}` : "thinking on");
  const note = `route "${route.id}": ${describe(before)} → ${describe(after)} (calibration experiment ${exp.id}, "${exp.name}")`;
  const version = await noteInHistory(author, note, { experimentId: exp.id });
  const appliedAt = new Date();
  await calibrationRepo.markApplied(exp.id, {
    appliedAt,
    appliedBy: author,
    appliedRouteId: route.id,
    appliedChange: JSON.stringify({ configKey: key, before, after, note }),
    appliedRuleVersion: version.version,
  });
  return { routeId: route.id, before, after, ruleVersion: version.version, note, appliedAt };
}

/** The route's cost per request and escalation rate in the WINDOW_DAYS before and after the apply. */
export async function beforeAfter(routeId: string, at: Date) {
  const day = 86_400_000;
  const [before, after] = await Promise.all([
    calibrationRepo.routeWindow(routeId, new Date(at.getTime() - WINDOW_DAYS * day), at),
    calibrationRepo.routeWindow(routeId, at, new Date(at.getTime() + WINDOW_DAYS * day)),
  ]);
  const view = (w: typeof before) => ({
    requests: w.requests,
    costPerRequest: w.priced ? w.cost / w.priced : null,
    escalationRate: w.requests ? w.escalated / w.requests : null,
  });
  return { routeId, days: WINDOW_DAYS, before: view(before), after: view(after) };
}
