/** The analytics queries on SQLite. */
import path from "node:path";
import { db } from "../client";
import { sqlitePath } from "../provider";
import { sqliteValue } from "../record-writer";
import { Prisma } from "../generated/sqlite/client.ts";
import { byGroupSql, distinctSql, listSql, portableQueries, seriesSql, toGroupRow, toSeriesRow, toTopRow, topSql, traceKeyset } from "./common";
import type { AnalyticsDialect } from "./types";
import { turnBudget } from "../../runtime/turns";

/** Above this many priced records in range, the top-N query walks the cost index (see topRequests). */
const TOP_SCAN_THRESHOLD = 20_000;

const q = (sql: Prisma.Sql) => db().client.$queryRaw<Record<string, unknown>[]>(sql);

/**
 * Steps through `sql`'s rows on a read-only connection of its own, giving the
 * event loop back every TURN_BUDGET_MS, until `each` returns false. Each
 * step must produce a row quickly: a WHERE that rejects most rows would make
 * one step read them all, so callers select every candidate with a flag.
 */
async function stepThrough(sql: Prisma.Sql, each: (row: Record<string, unknown>) => boolean): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require("better-sqlite3") as typeof import("better-sqlite3");
  const conn = new Database(path.resolve(sqlitePath(db().url)), { readonly: true, fileMustExist: true });
  try {
    const budget = turnBudget();
    for (const row of conn.prepare(sql.sql).iterate(...sql.values.map(sqliteValue)) as IterableIterator<Record<string, unknown>>) {
      if (!each(row)) break;
      await budget();
    }
  } finally {
    conn.close();
  }
}

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
   * once a page is found: a common word costs a page, not every match.
   * Records get their rowid when written, so this order is the order of
   * recording, which can differ from the id order by a request's duration;
   * the cursor is still an id, turned into its rowid. Each word is quoted, so
   * FTS5 syntax in user text (AND, NEAR, column filters) is read as words;
   * `*` asks for a prefix.
   *
   * A filter few matches pass (a common word among errors only), or the
   * failure-score order, reads every match: ~150 ms at 300,000 short records
   * in one statement, synchronously on the thread serving requests
   * (better-sqlite3), which held the gateway as long. So the matches are
   * stepped through (stepThrough) with the filter as a flag rather than a
   * condition, yielding between turns, and the page's rows are read by rowid
   * at the end. Windows of rowids, one statement each, were no answer: FTS5
   * pays a fixed cost per statement that grows with the word's matches.
   */
  async listTraces(columns, conditions, search, cursor, take, order = "newest") {
    if (!search.length) return q(listSql(columns, conditions, cursor, take, order));
    const match = search.map((t) => `"${t.word.replace(/"/g, '""')}"${t.prefix ? "*" : ""}`).join(" AND ");
    const where = [Prisma.sql`f."RequestRecordFts" MATCH ${match}`];
    const wanted = [...conditions];
    // The newest order's cursor is a bound on the rowid, which FTS5 seeks to; the other conditions are flags.
    if (order === "newest") {
      if (cursor) where.push(Prisma.sql`f.rowid < (SELECT rowid FROM "RequestRecord" WHERE "id" = ${cursor})`);
    } else wanted.push(...traceKeyset(order, cursor).conditions);
    const passes = wanted.length ? Prisma.sql`CASE WHEN ${Prisma.join(wanted, " AND ")} THEN 1 ELSE 0 END` : Prisma.sql`1`;
    const scan = Prisma.sql`
      SELECT f.rowid AS "k", ${passes} AS "ok", r."id" AS "id", r."failureScore" AS "score"
      FROM "RequestRecordFts" f JOIN "RequestRecord" r ON r.rowid = f.rowid
      WHERE ${Prisma.join(where, " AND ")}
      ORDER BY f.rowid DESC`;
    if (order === "newest") {
      const page: number[] = [];
      await stepThrough(scan, (row) => {
        if (row.ok === 1) page.push(Number(row.k));
        return page.length < take;
      });
      if (!page.length) return [];
      return q(Prisma.sql`SELECT ${columns} FROM "RequestRecord" r WHERE r.rowid IN (${Prisma.join(page)}) ORDER BY r.rowid DESC`);
    }
    const found: { k: number; id: string; score: number }[] = [];
    // Likely wrong first (traceKeyset's order: failureScore, then id, both descending): the best `take` so far, kept sorted.
    const before = (a: { id: string; score: number }, b: { id: string; score: number }) => a.score > b.score || (a.score === b.score && a.id > b.id);
    await stepThrough(scan, (row) => {
      if (row.ok !== 1) return true;
      const c = { k: Number(row.k), id: String(row.id), score: Number(row.score) };
      if (found.length === take && !before(c, found[take - 1]!)) return true;
      let i = found.length;
      while (i > 0 && before(c, found[i - 1]!)) i--;
      found.splice(i, 0, c);
      if (found.length > take) found.pop();
      return true;
    });
    if (!found.length) return [];
    const { orderBy } = traceKeyset(order, undefined);
    return q(Prisma.sql`SELECT ${columns} FROM "RequestRecord" r WHERE r.rowid IN (${Prisma.join(found.map((f) => f.k))}) ORDER BY ${orderBy}`);
  },

  ...portableQueries(q),

  async distinct(column, limit) {
    return (await q(distinctSql(column, limit))).map((r) => String(r.value));
  },
};
