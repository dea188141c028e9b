/** Builds the cost dashboard's summary from the hourly rollup and the records. */
import { badRequest } from "../api/errors";
import { addUpStandardCells, analytics, type CostGroupRow, type TopRequestRow } from "../db/analytics";
import { pickPrice } from "../pricing/cost";
import { loadPrices } from "../pricing/service";
import { routingConfig } from "../routing/config";
import { idBoundAt } from "../traces/filters";
import { describeMethod, estimateCell, estimateSavings, SamplePools, sizeBand, type CounterfactualContext, type StandardCell } from "./estimate";
import { projectionWindow, projectMonth } from "./projection";
import { hourSums, perDay } from "./segments";
import { bucketCount, bucketStarts, hourSpan, hourToIso, HOUR_MS, MAX_BUCKETS, MAX_DAYS, resolveGranularity, type CostQuery } from "./range";
import type { CostGroup, CostStat, CostSummary, GroupBy, TopRequest } from "./types";

const DAY_MS = 86_400_000;
/** Reasoning traffic measured for the savings: at least this far back from the range's end. */
const SAMPLE_DAYS = 30;
/** When a record was made, from its id (ids start with the epoch milliseconds in base 36: lib/api/ids.ts). */
const idTime = (id: string) => parseInt(id.slice(4, 13), 36);

const STAT_KEYS: (keyof CostStat)[] = [
  "requests", "reasoning", "errors", "escalated", "priced", "unpriced",
  "costInput", "costCache", "costOutput", "costThinking", "costServerTools", "costTotal",
  "counterfactualCount", "counterfactualCost", "counterfactualActual",
  "inputTokens", "cacheTokens", "outputTokens", "thinkingTokens", "latencyMs",
];

export function emptyStat(): CostStat {
  return Object.fromEntries(STAT_KEYS.map((k) => [k, 0])) as unknown as CostStat;
}

export function addStat(into: CostStat, s: CostStat): CostStat {
  for (const k of STAT_KEYS) into[k] += s[k];
  return into;
}

/**
 * Calibration experiments record under a route id of their own whose name is
 * the last configuration tried; over the experiment's mixed configurations
 * that name would mislabel the row ("thinking off" over thinking tokens).
 */
function groupLabel(groupBy: GroupBy, key: string, label: string): string {
  if (groupBy === "route" && key.startsWith("calibration:")) return `Calibration experiment ${key.slice("calibration:".length)}`;
  return label;
}

function group(row: CostGroupRow, groupBy: GroupBy): CostGroup {
  return { ...row, label: groupLabel(groupBy, row.key, row.label), avgCostPerRequest: row.priced > 0 ? row.costTotal / row.priced : null };
}

/** A group that was never billed at all: every request failed before any upstream call (e.g. a model id that does not exist). */
const neverBilled = (g: CostStat) => g.priced === 0 && g.unpriced === 0;

async function counterfactualContext(): Promise<Omit<CounterfactualContext, "pools"> & { routeName: string | null; model: string | null }> {
  const [prices, { snapshot }] = await Promise.all([loadPrices(), routingConfig()]);
  const route = snapshot.routes.get(snapshot.tierRoutes.reasoning);
  const at = new Date();
  return {
    routeName: route?.name ?? null,
    model: route?.model ?? null,
    thinkingTier: route?.budgetTier ?? "complex",
    priceFor: (served) => (route ? pickPrice(prices, route.model === "*" ? served : route.model, at) : null),
  };
}

function topRow(t: TopRequestRow, ctx: CounterfactualContext): TopRequest {
  const { status, task, app, inputTokens, cacheWrite5mTokens, cacheWrite1hTokens, cacheReadTokens, outputTokens, thinkingTokens: _t, before, ...rest } = t;
  let reasoningWouldCost: number | null = null;
  let reasoningBasis: TopRequest["reasoningBasis"] = "not compared";
  if (t.tier === "reasoning") {
    reasoningWouldCost = t.costTotal;
    reasoningBasis = "actual";
  } else if (status === "ok") {
    const prompt = inputTokens + cacheWrite5mTokens + cacheWrite1hTokens + cacheReadTokens;
    const e = estimateCell({ n: 1, input: inputTokens, cacheWrite5m: cacheWrite5mTokens, cacheWrite1h: cacheWrite1hTokens, cacheRead: cacheReadTokens, output: outputTokens, before, band: sizeBand(prompt), task, app, model: t.servedModel }, ctx);
    reasoningWouldCost = e?.cost ?? null;
    reasoningBasis = e ? e.basis : "unpriced";
  } else {
    // Not complete: nothing to compare, so what it cost is what reasoning is taken to cost.
    reasoningWouldCost = t.costTotal;
  }
  return { ...rest, createdAt: t.createdAt.toISOString(), reasoningWouldCost, reasoningBasis };
}

export async function costSummary(q: CostQuery, now = Date.now()): Promise<CostSummary> {
  const a = analytics();
  const firstId = await a.firstId();
  const { granularity, firstHour } = resolveGranularity(q.granularity, firstId ? idTime(firstId) : null, now);
  const asked = hourSpan(q, now);
  // The range asked for is checked before "auto" moves its start to the first record: that move
  // keeps at least an hour, and turned a from after to (or after now) into the hour before to.
  if (asked.toHour <= asked.fromHour) throw badRequest(q.to === undefined ? "from must be before now (to defaults to now)" : "from must be before to");
  const span = firstHour === null ? asked : { ...asked, fromHour: Math.min(Math.max(asked.fromHour, firstHour), asked.toHour - 1) };
  const days = (span.toHour - span.fromHour) / 24;
  if (days > MAX_DAYS) throw badRequest(`the range is ${Math.round(days)} days; at most ${MAX_DAYS} are allowed`);
  if (bucketCount(span, granularity) > MAX_BUCKETS) {
    throw badRequest(`${granularity} buckets over ${Math.round(days)} days are more than ${MAX_BUCKETS}; choose a coarser granularity or a shorter range`);
  }

  const fromId = idBoundAt(span.fromHour * HOUR_MS);
  const toId = idBoundAt(span.toHour * HOUR_MS);
  const sampleFromHour = Math.min(span.fromHour, span.toHour - SAMPLE_DAYS * 24);
  const win = projectionWindow(now);
  const winHours = { fromHour: win.from / HOUR_MS, toHour: win.to / HOUR_MS };
  // Record-level sums per day, read again only for the days the rollup says changed (lib/costs/segments.ts).
  const sums = await hourSums(Math.min(sampleFromHour, winHours.fromHour), Math.max(span.toHour, winHours.toHour));
  const [series, groups, routes, cellDays, sampleDays, dayRows, ctxBase] = await Promise.all([
    a.costSeries(span, granularity, q.groupBy),
    a.costByGroup(span, q.groupBy),
    q.groupBy === "route" ? null : a.costByGroup(span, "route"),
    perDay("cells", span.fromHour, span.toHour, sums, (f, t) => a.standardCells(f, t)),
    perDay("samples", sampleFromHour, span.toHour, sums, (f, t) => a.reasoningSamples(f, t)),
    perDay(`days:${q.groupBy}`, winHours.fromHour, winHours.toHour, sums, (f, t) => a.dayGroups([f, t], q.groupBy)),
    counterfactualContext(),
  ]);
  // One cell per (band, task, app, model): the days' sums added.
  const cells = addUpStandardCells(cellDays.flatMap((d) => d.rows));
  const samples = sampleDays.flatMap((d) => d.rows);
  // Totals are the sum of the groups, so every number on the page adds up to the same total.
  const totals = groups.reduce((acc, g) => addStat(acc, g), emptyStat());
  const ctx: CounterfactualContext = { ...ctxBase, pools: new SamplePools(samples) };
  const savings = estimateSavings(cells, ctx, samples);
  const top = q.top > 0 && totals.priced > 0 ? await a.topRequests(fromId, toId, q.top, totals.priced) : [];
  // Model ids that were asked for but never served (every request failed before an upstream call) are not cost rows.
  const hidden = q.groupBy === "model" ? groups.filter(neverBilled) : [];
  const hiddenKeys = new Set(hidden.map((g) => g.key));
  const projection = projectMonth(
    dayRows
      .flatMap((d) => d.rows.map((r) => ({ ...r, day: Math.floor((d.segment.fromHour * HOUR_MS) / DAY_MS) * DAY_MS, label: groupLabel(q.groupBy, r.key, r.label) })))
      .filter((r) => !hiddenKeys.has(r.key)),
    now,
    q.oneOff,
  );
  return {
    range: {
      from: hourToIso(span.fromHour),
      to: hourToIso(span.toHour),
      granularity,
      groupBy: q.groupBy,
      timezone: "UTC",
      days,
      hourlyFirstDays: firstHour !== null,
      dataSince: firstId ? new Date(idTime(firstId)).toISOString() : null,
    },
    buckets: bucketStarts(span, granularity).map(hourToIso),
    series: series.filter((s) => !hiddenKeys.has(s.key)).map((s) => ({ ...group(s, q.groupBy), bucket: hourToIso(s.bucket) })),
    groups: groups.filter((g) => !hiddenKeys.has(g.key)).map((g) => group(g, q.groupBy)),
    routes: (routes ?? groups).map((g) => group(g, "route")),
    notServed: { keys: hidden.map((g) => g.key), requests: hidden.reduce((n, g) => n + g.requests, 0) },
    totals: {
      ...totals,
      notBilled: totals.requests - totals.priced - totals.unpriced,
      reasoningShare: totals.requests > 0 ? totals.reasoning / totals.requests : null,
      avgCostPerRequest: totals.priced > 0 ? totals.costTotal / totals.priced : null,
      savings: savings.savings,
    },
    savings: {
      ...savings,
      method: describeMethod(savings),
      reasoningRoute: ctxBase.routeName,
      reasoningModel: ctxBase.model,
      thinkingTier: ctx.thinkingTier,
    },
    projection,
    top: top.map((t) => topRow(t, ctx)),
  };
}
