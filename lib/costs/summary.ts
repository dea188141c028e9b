/** Builds the cost dashboard's summary from the hourly rollup and the records. */
import { badRequest } from "../api/errors";
import { analytics, type CostGroupRow } from "../db/analytics";
import { idBoundAt } from "../traces/filters";
import { bucketCount, bucketStarts, hourSpan, hourToIso, HOUR_MS, MAX_BUCKETS, MAX_DAYS, type CostQuery } from "./range";
import type { CostGroup, CostStat, CostSummary } from "./types";

const STAT_KEYS: (keyof CostStat)[] = [
  "requests", "reasoning", "errors", "escalated", "priced", "unpriced",
  "costInput", "costCache", "costOutput", "costThinking", "costTotal",
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

function group(row: CostGroupRow): CostGroup {
  return { ...row, avgCostPerRequest: row.priced > 0 ? row.costTotal / row.priced : null };
}

export async function costSummary(q: CostQuery, now = Date.now()): Promise<CostSummary> {
  const span = hourSpan(q, now);
  if (span.toHour <= span.fromHour) throw badRequest("from must be before to");
  const days = (span.toHour - span.fromHour) / 24;
  if (days > MAX_DAYS) throw badRequest(`the range is ${Math.round(days)} days; at most ${MAX_DAYS} are allowed`);
  if (bucketCount(span, q.granularity) > MAX_BUCKETS) {
    throw badRequest(`${q.granularity} buckets over ${Math.round(days)} days are more than ${MAX_BUCKETS}; choose a coarser granularity or a shorter range`);
  }

  const a = analytics();
  const [series, groups, routes] = await Promise.all([
    a.costSeries(span, q.granularity, q.groupBy),
    a.costByGroup(span, q.groupBy),
    q.groupBy === "route" ? null : a.costByGroup(span, "route"),
  ]);
  // Totals are the sum of the groups, so every number on the page adds up to the same total.
  const totals = groups.reduce((acc, g) => addStat(acc, g), emptyStat());
  const top =
    q.top > 0 && totals.priced > 0
      ? await a.topRequests(idBoundAt(span.fromHour * HOUR_MS), idBoundAt(span.toHour * HOUR_MS), q.top, totals.priced)
      : [];
  return {
    range: {
      from: hourToIso(span.fromHour),
      to: hourToIso(span.toHour),
      granularity: q.granularity,
      groupBy: q.groupBy,
      timezone: "UTC",
      days,
    },
    buckets: bucketStarts(span, q.granularity).map(hourToIso),
    series: series.map((s) => ({ ...group(s), bucket: hourToIso(s.bucket) })),
    groups: groups.map(group),
    routes: (routes ?? groups).map(group),
    totals: {
      ...totals,
      reasoningShare: totals.requests > 0 ? totals.reasoning / totals.requests : null,
      avgCostPerRequest: totals.priced > 0 ? totals.costTotal / totals.priced : null,
      savings: totals.counterfactualCost - totals.counterfactualActual,
    },
    top: top.map((t) => ({ ...t, createdAt: t.createdAt.toISOString() })),
  };
}
