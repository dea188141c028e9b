/** The analytics queries on PostgreSQL. */
import { db } from "../client";
import { Prisma } from "../generated/sqlite/client.ts";
import { byGroupSql, distinctSql, listSql, portableQueries, seriesSql, toGroupRow, toSeriesRow, toTopRow, topSql } from "./common";
import type { AnalyticsDialect } from "./types";

const q = (sql: Prisma.Sql) => db().client.$queryRaw<Record<string, unknown>[]>(sql);

/**
 * Must be the expression of the GIN index "RequestRecord_search_idx" (see the
 * trace_explorer migration) token for token, or the planner cannot use it.
 */
const DOCUMENT = Prisma.sql`to_tsvector('simple'::regconfig, left(coalesce(r."prompt", ''), 80000) || ' ' || left(coalesce(r."answer", ''), 80000) || ' ' || left(coalesce(r."thinkingText", ''), 80000))`;

export const postgresAnalytics: AnalyticsDialect = {
  async costSeries(range, granularity, groupBy) {
    return (await q(seriesSql(range.fromHour, range.toHour, granularity, groupBy))).map(toSeriesRow);
  },

  async costByGroup(range, groupBy) {
    return (await q(byGroupSql(range.fromHour, range.toHour, groupBy))).map(toGroupRow);
  },

  // PostgreSQL's planner weighs the id range against the (costTotal, id) index itself.
  async topRequests(fromId, toId, limit) {
    return (await q(topSql(fromId, toId, limit))).map(toTopRow);
  },

  /**
   * The GIN index finds the matches; the planner walks the id index instead
   * when a word is so common that reading newest first finds a page sooner.
   * Words are letters and digits only (lib/traces/filters.ts), so they are
   * safe inside a tsquery; `:*` makes a word a prefix.
   */
  async listTraces(columns, filter, search, cursor, take, order = "newest") {
    const conditions = filter.map((c) => c.sql);
    if (!search.length) return q(listSql(columns, conditions, cursor, take, order));
    const query = search.map((t) => (t.prefix ? `${t.word}:*` : t.word)).join(" & ");
    return q(listSql(columns, [...conditions, Prisma.sql`${DOCUMENT} @@ to_tsquery('simple'::regconfig, ${query})`], cursor, take, order));
  },

  ...portableQueries(q),

  async distinct(column, limit) {
    return (await q(distinctSql(column, limit))).map((r) => String(r.value));
  },
};
