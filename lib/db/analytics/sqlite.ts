/** The analytics queries on SQLite. */
import { db } from "../client";
import { Prisma } from "../generated/sqlite/client.ts";
import { byGroupSql, distinctSql, listSql, portableQueries, seriesSql, toGroupRow, toSeriesRow, toTopRow, topSql, traceKeyset } from "./common";
import type { AnalyticsDialect } from "./types";

/** Above this many priced records in range, the top-N query walks the cost index (see topRequests). */
const TOP_SCAN_THRESHOLD = 20_000;

const q = (sql: Prisma.Sql) => db().client.$queryRaw<Record<string, unknown>[]>(sql);

export const sqliteAnalytics: AnalyticsDialect = {
  async costSeries(range, granularity, groupBy) {
    return (await q(seriesSql(range.fromHour, range.toHour, granularity, groupBy))).map(toSeriesRow);
  },

  async costByGroup(range, groupBy) {
    return (await q(byGroupSql(range.fromHour, range.toHour, groupBy))).map(toGroupRow);
  },

  /**
   * SQLite's planner prefers the id range (the primary key) and then sorts
   * every priced record in it: a second at a million. With many priced
   * records in range, walking the (costTotal, id) index from the top finds
   * the most expensive in a few hundred steps instead; with few, reading the
   * range and sorting is the cheaper plan. The rollup says which case this is.
   */
  async topRequests(fromId, toId, limit, pricedInRange) {
    const from = pricedInRange > TOP_SCAN_THRESHOLD ? Prisma.sql`"RequestRecord" r INDEXED BY "RequestRecord_costTotal_id_idx"` : undefined;
    return (await q(topSql(fromId, toId, limit, from))).map(toTopRow);
  },

  /**
   * A search walks the FTS5 index newest match first (descending rowid, which
   * FTS5 reads lazily) and joins each match to its record by rowid, stopping
   * at `take`: a common word costs a page, not every match. Records get their
   * rowid when written, so this order is the order of recording, which can
   * differ from the id order by a request's duration; the cursor is still an
   * id, turned into its rowid. Each word is quoted, so FTS5 syntax in user
   * text (AND, NEAR, column filters) is read as words; `*` asks for a prefix.
   */
  async listTraces(columns, conditions, search, cursor, take, order = "newest") {
    if (!search.length) return q(listSql(columns, conditions, cursor, take, order));
    const match = search.map((t) => `"${t.word.replace(/"/g, '""')}"${t.prefix ? "*" : ""}`).join(" AND ");
    const all = [Prisma.sql`f."RequestRecordFts" MATCH ${match}`, ...conditions];
    let orderBy = Prisma.sql`f.rowid DESC`;
    if (order === "newest") {
      if (cursor) all.push(Prisma.sql`f.rowid < (SELECT rowid FROM "RequestRecord" WHERE "id" = ${cursor})`);
    } else {
      const k = traceKeyset(order, cursor);
      all.push(...k.conditions);
      orderBy = k.orderBy;
    }
    return q(Prisma.sql`
      SELECT ${columns}
      FROM "RequestRecordFts" f JOIN "RequestRecord" r ON r.rowid = f.rowid
      WHERE ${Prisma.join(all, " AND ")}
      ORDER BY ${orderBy}
      LIMIT ${take}`);
  },

  ...portableQueries(q),

  async distinct(column, limit) {
    return (await q(distinctSql(column, limit))).map((r) => String(r.value));
  },
};
