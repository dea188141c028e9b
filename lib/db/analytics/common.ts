/** SQL both dialects share. Only identifiers and literals here; values always go in as parameters. */
import { Prisma } from "../generated/sqlite/client.ts";
import type { AnalyticsDialect, CostAggregate, CostGroupRow, CostSeriesRow, DayGroupRow, HourTotalRow, FacetColumn, Granularity, GroupBy, ReasoningSampleRow, StandardCellRow, TopRequestRow } from "./types";

/**
 * The first hour of a bucket, from CostRollup's integer hour. Integer division
 * gives the same answer on both databases. Weeks start on Monday: the epoch's
 * day 0 was a Thursday, so day d is in week floor((d + 3) / 7), which starts
 * on day 7w - 3.
 */
export function bucketExpr(granularity: Granularity): Prisma.Sql {
  if (granularity === "hour") return Prisma.sql`"hour"`;
  if (granularity === "day") return Prisma.sql`(("hour" / 24) * 24)`;
  return Prisma.sql`((((("hour" / 24) + 3) / 7) * 7 - 3) * 24)`;
}

export function groupExpr(groupBy: GroupBy): Prisma.Sql {
  if (groupBy === "route") return Prisma.sql`"routeId"`;
  if (groupBy === "model") return Prisma.sql`"model"`;
  return Prisma.sql`"tier"`;
}

/** The label of a group: a route's name (the latest seen), or the key itself. */
export function labelExpr(groupBy: GroupBy): Prisma.Sql {
  return groupBy === "route" ? Prisma.sql`max("routeName")` : Prisma.sql`max(${groupExpr(groupBy)})`;
}

export const SUMS = Prisma.sql`
  sum("requests") AS "requests",
  sum(CASE WHEN "tier" = 'reasoning' THEN "requests" ELSE 0 END) AS "reasoning",
  sum("errors") AS "errors",
  sum("escalated") AS "escalated",
  sum("priced") AS "priced",
  sum("unpriced") AS "unpriced",
  sum("costInput") AS "costInput",
  sum("costCache") AS "costCache",
  sum("costOutput") AS "costOutput",
  sum("costThinking") AS "costThinking",
  sum("costServerTools") AS "costServerTools",
  sum("costTotal") AS "costTotal",
  sum("counterfactualCount") AS "counterfactualCount",
  sum("counterfactualCost") AS "counterfactualCost",
  sum("counterfactualActual") AS "counterfactualActual",
  sum("inputTokens") AS "inputTokens",
  sum("cacheTokens") AS "cacheTokens",
  sum("outputTokens") AS "outputTokens",
  sum("thinkingTokens") AS "thinkingTokens",
  sum("latencyMs") AS "latencyMs"`;

const AGGREGATE_KEYS: (keyof CostAggregate)[] = [
  "requests", "reasoning", "errors", "escalated", "priced", "unpriced",
  "costInput", "costCache", "costOutput", "costThinking", "costServerTools", "costTotal",
  "counterfactualCount", "counterfactualCost", "counterfactualActual",
  "inputTokens", "cacheTokens", "outputTokens", "thinkingTokens", "latencyMs",
];

/** Drivers return integer sums as bigint or numeric strings; the API speaks numbers. */
export function num(v: unknown): number {
  if (v === null || v === undefined) return 0;
  return typeof v === "number" ? v : Number(v);
}

export function toAggregate(row: Record<string, unknown>): CostAggregate {
  const out = {} as CostAggregate;
  for (const k of AGGREGATE_KEYS) out[k] = num(row[k]);
  return out;
}

export function toGroupRow(row: Record<string, unknown>): CostGroupRow {
  const key = String(row.key ?? "");
  const label = String(row.label ?? "") || key || "(no route)";
  return { key, label, ...toAggregate(row) };
}

export function toSeriesRow(row: Record<string, unknown>): CostSeriesRow {
  return { bucket: num(row.bucket), ...toGroupRow(row) };
}

export function toTopRow(row: Record<string, unknown>): TopRequestRow {
  return {
    id: String(row.id),
    createdAt: row.createdAt instanceof Date ? row.createdAt : new Date(String(row.createdAt)),
    routeId: (row.routeId as string | null) ?? null,
    routeName: (row.routeName as string | null) ?? null,
    servedModel: String(row.servedModel),
    tier: String(row.tier),
    costTotal: num(row.costTotal),
    counterfactualCost: row.counterfactualCost === null || row.counterfactualCost === undefined ? null : num(row.counterfactualCost),
    promptPreview: String(row.promptPreview ?? ""),
    status: String(row.status),
    task: String(row.task ?? ""),
    app: String(row.app ?? ""),
    inputTokens: num(row.inputTokens),
    cacheWrite5mTokens: num(row.cacheWrite5mTokens),
    cacheWrite1hTokens: num(row.cacheWrite1hTokens),
    cacheReadTokens: num(row.cacheReadTokens),
    outputTokens: num(row.outputTokens),
    thinkingTokens: num(row.thinkingTokens),
    before: num(row.before),
  };
}

export function seriesSql(fromHour: number, toHour: number, granularity: Granularity, groupBy: GroupBy): Prisma.Sql {
  const bucket = bucketExpr(granularity);
  const group = groupExpr(groupBy);
  return Prisma.sql`
    SELECT ${bucket} AS "bucket", ${group} AS "key", ${labelExpr(groupBy)} AS "label", ${SUMS}
    FROM "CostRollup"
    WHERE "hour" >= ${fromHour} AND "hour" < ${toHour}
    GROUP BY ${bucket}, ${group}
    ORDER BY 1, 2`;
}

export function byGroupSql(fromHour: number, toHour: number, groupBy: GroupBy): Prisma.Sql {
  const group = groupExpr(groupBy);
  return Prisma.sql`
    SELECT ${group} AS "key", ${labelExpr(groupBy)} AS "label", ${SUMS}
    FROM "CostRollup"
    WHERE "hour" >= ${fromHour} AND "hour" < ${toHour}
    GROUP BY ${group}
    ORDER BY sum("costTotal") DESC, 1`;
}

/**
 * The most expensive priced requests with ids in [fromId, toId) (ids sort by
 * time, so a time range is an id range). `from` lets a dialect force the
 * index it wants.
 */
export function topSql(fromId: string, toId: string, limit: number, from: Prisma.Sql = Prisma.sql`"RequestRecord" r`): Prisma.Sql {
  return Prisma.sql`
    SELECT r."id", r."createdAt", r."routeId", r."routeName", r."servedModel", r."tier", r."costTotal",
           r."counterfactualCost", substr(coalesce(r."prompt", ''), 1, 140) AS "promptPreview",
           r."status", r."task", r."app", ${A_INPUT} AS "inputTokens", ${A_CACHE_W5} AS "cacheWrite5mTokens",
           ${A_CACHE_W1} AS "cacheWrite1hTokens", ${A_CACHE_R} AS "cacheReadTokens", ${A_OUTPUT} AS "outputTokens",
           ${A_THINKING} AS "thinkingTokens", ${BEFORE_ANSWER} AS "before"
    FROM ${from}
    WHERE r."costTotal" IS NOT NULL AND r."id" >= ${fromId} AND r."id" < ${toId}
    ORDER BY r."costTotal" DESC, r."id" DESC
    LIMIT ${limit}`;
}

const FACET_COLUMNS: Record<FacetColumn, Prisma.Sql> = {
  routeId: Prisma.sql`"routeId"`,
  servedModel: Prisma.sql`"servedModel"`,
  app: Prisma.sql`"app"`,
  task: Prisma.sql`"task"`,
};

/**
 * Distinct values by jumping from one value to the next through the column's
 * index (a "loose index scan"): one index probe per distinct value instead of
 * reading every row. Both databases run this recursive query as written.
 */
export function distinctSql(column: FacetColumn, limit: number): Prisma.Sql {
  const c = FACET_COLUMNS[column];
  return Prisma.sql`
    WITH RECURSIVE v("value", "n") AS (
      SELECT (SELECT min(${c}) FROM "RequestRecord"), 1
      UNION ALL
      SELECT (SELECT min(${c}) FROM "RequestRecord" WHERE ${c} > v."value"), v."n" + 1
      FROM v WHERE v."value" IS NOT NULL AND v."n" < ${limit}
    )
    SELECT "value" FROM v WHERE "value" IS NOT NULL`;
}

/** The explorer's orders: newest first, or most likely wrong first (failure score, then newest). */
export type TraceOrder = "newest" | "failure";

/**
 * Keyset condition and ORDER BY of an order on alias `r`; the cursor is the
 * last id of the previous page. The failure order lists scored records only
 * (a record without thinking has no score to rank by) and walks the
 * (failureScore, id) index downwards.
 */
export function traceKeyset(order: TraceOrder, cursor: string | undefined): { conditions: Prisma.Sql[]; orderBy: Prisma.Sql } {
  if (order === "newest") return { conditions: cursor ? [Prisma.sql`r."id" < ${cursor}`] : [], orderBy: Prisma.sql`r."id" DESC` };
  const conditions = [Prisma.sql`r."failureScore" IS NOT NULL`];
  if (cursor) {
    const at = Prisma.sql`(SELECT c."failureScore" FROM "RequestRecord" c WHERE c."id" = ${cursor})`;
    conditions.push(Prisma.sql`(r."failureScore" < ${at} OR (r."failureScore" = ${at} AND r."id" < ${cursor}))`);
  }
  return { conditions, orderBy: Prisma.sql`r."failureScore" DESC, r."id" DESC` };
}

/** The explorer's page without a search: conditions, then a keyset in the chosen order. */
export function listSql(columns: Prisma.Sql, conditions: Prisma.Sql[], cursor: string | undefined, take: number, order: TraceOrder = "newest"): Prisma.Sql {
  const k = traceKeyset(order, cursor);
  const all = [...conditions, ...k.conditions];
  const where = all.length ? Prisma.sql`WHERE ${Prisma.join(all, " AND ")}` : Prisma.empty;
  return Prisma.sql`SELECT ${columns} FROM "RequestRecord" r ${where} ORDER BY ${k.orderBy} LIMIT ${take}`;
}

/** Traffic that does not recur and is not routed: calibration experiments and the playground (column via). */
const ONE_OFF = Prisma.sql`"via" NOT IN ('calibration', 'playground')`;

/**
 * The served answer's own tokens and cost. A record's token columns sum every
 * upstream call (the LLM classifier's included); the savings price only the
 * answer's at the reasoning model's rates. A record of one call stored before
 * the answer's columns were kept has them null: its totals are the answer's.
 */
const answer = (column: string) => Prisma.raw(`coalesce("answer${column[0]!.toUpperCase()}${column.slice(1)}", "${column}")`);
const A_INPUT = answer("inputTokens");
const A_CACHE_W5 = answer("cacheWrite5mTokens");
const A_CACHE_W1 = answer("cacheWrite1hTokens");
const A_CACHE_R = answer("cacheReadTokens");
const A_OUTPUT = answer("outputTokens");
const A_THINKING = answer("thinkingTokens");
/** What the calls before the answer cost (the classifier's, an escalated answer's): paid whichever route answered. */
const BEFORE_ANSWER = Prisma.sql`("costTotal" - coalesce("answerCost", "costTotal"))`;

/** The prompt-size band of lib/costs/estimate.ts SIZE_BANDS (the answer's input and cache tokens). */
const A_PROMPT = Prisma.sql`(${A_INPUT} + ${A_CACHE_W5} + ${A_CACHE_W1} + ${A_CACHE_R})`;
const BAND = Prisma.sql`CASE
    WHEN ${A_PROMPT} < 1000 THEN 0
    WHEN ${A_PROMPT} < 4000 THEN 1
    WHEN ${A_PROMPT} < 16000 THEN 2
    WHEN ${A_PROMPT} < 64000 THEN 3
    ELSE 4 END`;

/** Complete, priced, routed standard requests with ids in [fromId, toId), per comparability cell and served model. */
export function standardCellsSql(fromId: string, toId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT ${BAND} AS "band", coalesce("task", '') AS "task", coalesce("app", '') AS "app", "servedModel" AS "model",
           count(*) AS "n", sum(${A_INPUT}) AS "input", sum(${A_CACHE_W5}) AS "cacheWrite5m",
           sum(${A_CACHE_W1}) AS "cacheWrite1h", sum(${A_CACHE_R}) AS "cacheRead",
           sum(${A_OUTPUT}) AS "output", sum("costTotal") AS "cost", sum(${BEFORE_ANSWER}) AS "before"
    FROM "RequestRecord"
    WHERE "id" >= ${fromId} AND "id" < ${toId} AND "tier" = 'standard' AND "status" = 'ok'
      AND "costTotal" IS NOT NULL AND ${ONE_OFF}
    GROUP BY 1, 2, 3, 4`;
}

/**
 * What the reasoning route generated, per cell: complete reasoning requests
 * that were not escalated (an escalated record also carries the standard
 * answer's tokens). The square is taken in floating point: (64k)² overflows
 * a 32-bit integer on PostgreSQL.
 */
export function reasoningSamplesSql(fromId: string, toId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT ${BAND} AS "band", coalesce("task", '') AS "task", coalesce("app", '') AS "app", count(*) AS "n",
           sum(${A_OUTPUT}) AS "output", sum(${A_THINKING}) AS "thinking",
           sum((${A_OUTPUT} + ${A_THINKING}) * 1.0 * (${A_OUTPUT} + ${A_THINKING})) AS "generatedSq"
    FROM "RequestRecord"
    WHERE "id" >= ${fromId} AND "id" < ${toId} AND "tier" = 'reasoning' AND "status" = 'ok'
      AND NOT "escalated" AND ${ONE_OFF}
    GROUP BY 1, 2, 3`;
}

/**
 * A record without a cost that upstream may have billed, as lib/pricing/billing.ts reads it (and the
 * rollup's "unpriced" counts it): not "not_billed", nor a failed record with no tokens (written before
 * that status existed). A request the gateway stopped in the middle of ("unknown") is unpriced.
 */
const UNPRICED = Prisma.sql`"costTotal" IS NULL AND "pricingStatus" <> 'not_billed'
      AND ("pricingStatus" = 'unknown' OR "status" <> 'error'
           OR "inputTokens" + "cacheWrite5mTokens" + "cacheWrite1hTokens" + "cacheReadTokens" + "outputTokens" + "thinkingTokens" > 0)`;

const RECORD_GROUP: Record<GroupBy, Prisma.Sql> = {
  route: Prisma.sql`coalesce("routeId", '')`,
  model: Prisma.sql`"servedModel"`,
  tier: Prisma.sql`"tier"`,
};

/**
 * Spend per UTC day (by id: ids sort by time), group and endpoint. The
 * cost's default is 0.0, not 0: on SQLite a group with no priced record
 * (the no-route group sorts first) would give the column an integer 0, and
 * the driver adapter types a raw query's column by its first non-null value
 * and truncates every later row of an integer column. `dayIds`
 * are the first ids of consecutive days; the last one ends the window.
 */
export function dayGroupsSql(dayIds: string[], groupBy: GroupBy, slice?: { fromId: string; toId: string }): Prisma.Sql {
  const cases = dayIds.slice(1).map((id, i) => Prisma.sql`WHEN "id" < ${id} THEN ${i}`);
  const label = groupBy === "route" ? Prisma.sql`max(coalesce("routeName", ''))` : Prisma.sql`max(${RECORD_GROUP[groupBy]})`;
  return Prisma.sql`
    SELECT CASE ${Prisma.join(cases, " ")} END AS "day", ${RECORD_GROUP[groupBy]} AS "key", ${label} AS "label", "via" AS "via",
           count(*) AS "requests", count("costTotal") AS "priced",
           sum(CASE WHEN ${UNPRICED} THEN 1 ELSE 0 END) AS "unpriced",
           coalesce(sum("costTotal"), 0.0) AS "cost"
    FROM "RequestRecord"
    WHERE "id" >= ${slice?.fromId ?? dayIds[0]!} AND "id" < ${slice?.toId ?? dayIds[dayIds.length - 1]!}
    GROUP BY 1, 2, 4`;
}

export function toStandardCell(row: Record<string, unknown>): StandardCellRow {
  return {
    band: num(row.band), task: String(row.task ?? ""), app: String(row.app ?? ""), model: String(row.model), n: num(row.n),
    input: num(row.input), cacheWrite5m: num(row.cacheWrite5m), cacheWrite1h: num(row.cacheWrite1h), cacheRead: num(row.cacheRead),
    output: num(row.output), cost: num(row.cost), before: num(row.before),
  };
}

export function toReasoningSample(row: Record<string, unknown>): ReasoningSampleRow {
  return {
    band: num(row.band), task: String(row.task ?? ""), app: String(row.app ?? ""), n: num(row.n),
    output: num(row.output), thinking: num(row.thinking), generatedSq: num(row.generatedSq),
  };
}

export function toDayGroup(row: Record<string, unknown>): DayGroupRow {
  const key = String(row.key ?? "");
  return {
    day: num(row.day), key, label: String(row.label ?? "") || key || "(no route)", via: String(row.via),
    requests: num(row.requests), priced: num(row.priced), unpriced: num(row.unpriced), cost: num(row.cost),
  };
}

export function hourTotalsSql(fromHour: number, toHour: number): Prisma.Sql {
  return Prisma.sql`
    SELECT "hour", sum("requests") AS "requests", sum("costTotal") AS "costTotal",
           sum("inputTokens" + "cacheTokens" + "outputTokens" + "thinkingTokens") AS "tokens"
    FROM "CostRollup"
    WHERE "hour" >= ${fromHour} AND "hour" < ${toHour}
    GROUP BY "hour"`;
}

export function toHourTotal(row: Record<string, unknown>): HourTotalRow {
  return { hour: num(row.hour), requests: num(row.requests), costTotal: num(row.costTotal), tokens: num(row.tokens) };
}

/** The oldest record's id (the primary key's first entry). */
export const firstIdSql = Prisma.sql`SELECT min("id") AS "id" FROM "RequestRecord"`;

/** The queries whose SQL both databases run as written, given the dialect's query function. */
export function portableQueries(q: (sql: Prisma.Sql) => Promise<Record<string, unknown>[]>): Pick<AnalyticsDialect, "standardCells" | "reasoningSamples" | "dayGroups" | "hourTotals" | "firstId"> {
  return {
    async standardCells(fromId, toId) {
      return (await q(standardCellsSql(fromId, toId))).map(toStandardCell);
    },
    async reasoningSamples(fromId, toId) {
      return (await q(reasoningSamplesSql(fromId, toId))).map(toReasoningSample);
    },
    async dayGroups(dayIds, groupBy) {
      return (await q(dayGroupsSql(dayIds, groupBy))).map(toDayGroup);
    },
    async hourTotals(range) {
      return (await q(hourTotalsSql(range.fromHour, range.toHour))).map(toHourTotal);
    },
    async firstId() {
      const [row] = await q(firstIdSql);
      return row?.id ? String(row.id) : null;
    },
  };
}
