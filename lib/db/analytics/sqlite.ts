/** The analytics queries on SQLite. */
import path from "node:path";
import { db } from "../client";
import { sqlitePath } from "../provider";
import { sqliteValue } from "../record-writer";
import { Prisma } from "../generated/sqlite/client.ts";
import { addUpDayGroups, addUpReasoningSamples, addUpStandardCells } from "./add-up";
import {
  byGroupSql,
  dayGroupsSql,
  distinctSql,
  portableQueries,
  reasoningSamplesSql,
  seriesSql,
  standardCellsSql,
  toDayGroup,
  toGroupRow,
  toReasoningSample,
  toSeriesRow,
  toStandardCell,
  toTopRow,
  topSql,
  traceKeyset,
} from "./common";
import type { AnalyticsDialect } from "./types";
import { turnBudget, yieldToIo } from "../../runtime/turns";

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

/** Records aggregated per statement by the savings and projection queries: a few milliseconds' work each. */
const SLICE_ROWS = 5_000;

/**
 * `read` over [fromId, toId) in slices of at most SLICE_ROWS records, the
 * slices' bounds found on the primary key (an index-only skip of SLICE_ROWS
 * entries), with other requests served between slices; the rows of every
 * slice, for the caller to add up.
 */
async function inSlices<R>(fromId: string, toId: string, read: (fromId: string, toId: string) => Promise<R[]>): Promise<R[]> {
  const rows: R[] = [];
  for (let from = fromId; ; ) {
    const [next] = await q(Prisma.sql`SELECT "id" FROM "RequestRecord" WHERE "id" >= ${from} AND "id" < ${toId} ORDER BY "id" LIMIT 1 OFFSET ${SLICE_ROWS}`);
    const to = next ? String(next.id) : toId;
    rows.push(...(await read(from, to)));
    if (!next) return rows;
    from = to;
    await yieldToIo();
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
   * On SQLite every statement runs synchronously on the thread serving
   * requests (better-sqlite3), so no page may be one statement that reads
   * many rows: a filter few records pass ("failure score at least 0.95",
   * "cost at least $5") read every record in the order's index and held the
   * gateway ~300 ms at 300,000 records. So a page is found by stepping
   * through a scan in the page's order (stepThrough) that yields a row per
   * step: its WHERE holds only what the order's index serves row by row
   * (TraceCondition.scan: the id bounds and one indexed equality newest
   * first, the failure-score bound likely wrong first), every other
   * condition is read as a flag on each row, and the page's rows are read by
   * rowid at the end. A filter an index serves ("status = error") still
   * steps through its own rows only.
   *
   * A search walks the FTS5 index newest match first (descending rowid, which
   * FTS5 reads lazily) and joins each match to its record by rowid, the
   * filter as a flag likewise; the cursor is a bound on the rowid. Records get
   * their rowid when written, so this order is the order of recording, which
   * can differ from the id order by a request's duration. Each word is quoted,
   * so FTS5 syntax in user text (AND, NEAR, column filters) is read as words;
   * `*` asks for a prefix. Windows of rowids, one statement each, were no
   * answer: FTS5 pays a fixed cost per statement that grows with the word's
   * matches.
   */
  async listTraces(columns, conditions, search, cursor, take, order = "newest") {
    const keyset = traceKeyset(order, cursor);
    const where: Prisma.Sql[] = [];
    const flags: Prisma.Sql[] = [];
    let from = Prisma.sql`"RequestRecord" r`;
    if (search.length) {
      const match = search.map((t) => `"${t.word.replace(/"/g, '""')}"${t.prefix ? "*" : ""}`).join(" AND ");
      from = Prisma.sql`"RequestRecordFts" f JOIN "RequestRecord" r ON r.rowid = f.rowid`;
      where.push(Prisma.sql`f."RequestRecordFts" MATCH ${match}`);
      // The newest order's cursor is a bound on the rowid, which FTS5 seeks to.
      if (order === "newest" && cursor) where.push(Prisma.sql`f.rowid < (SELECT rowid FROM "RequestRecord" WHERE "id" = ${cursor})`);
      else flags.push(...keyset.conditions);
      flags.push(...conditions.map((c) => c.sql));
    } else {
      // The order's keyset bounds the index the scan walks; of the indexed equalities, the first leads it.
      where.push(...keyset.conditions);
      let lead = false;
      for (const c of conditions) {
        const serves = order === "newest" ? c.scan === "id" || (c.scan === "indexed" && !lead) : c.scan === "failure";
        if (serves && c.scan === "indexed") lead = true;
        (serves ? where : flags).push(c.sql);
      }
    }
    const passes = flags.length ? Prisma.sql`CASE WHEN ${Prisma.join(flags, " AND ")} THEN 1 ELSE 0 END` : Prisma.sql`1`;
    // A search walks the matches newest first whatever the page's order (FTS5 reads them lazily that way only).
    const orderBy = search.length ? Prisma.sql`f.rowid DESC` : keyset.orderBy;
    const scan = Prisma.sql`
      SELECT r.rowid AS "k", ${passes} AS "ok", r."id" AS "id", r."failureScore" AS "score"
      FROM ${from}
      ${where.length ? Prisma.sql`WHERE ${Prisma.join(where, " AND ")}` : Prisma.empty}
      ORDER BY ${orderBy}`;
    const found: { k: number; id: string; score: number }[] = [];
    if (!search.length || order === "newest") {
      // The scan is in the page's order: the first `take` rows that pass are the page.
      await stepThrough(scan, (row) => {
        if (row.ok === 1) found.push({ k: Number(row.k), id: String(row.id), score: Number(row.score) });
        return found.length < take;
      });
    } else {
      // A search likely wrong first walks the matches newest first: the best `take` so far (failureScore, then id, both descending), kept sorted.
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
    }
    if (!found.length) return [];
    const pageOrder = search.length && order === "newest" ? Prisma.sql`r.rowid DESC` : keyset.orderBy;
    return q(Prisma.sql`SELECT ${columns} FROM "RequestRecord" r WHERE r.rowid IN (${Prisma.join(found.map((f) => f.k))}) ORDER BY ${pageOrder}`);
  },

  ...portableQueries(q),

  // The savings and the projection add up a day of records per statement: at
  // 300,000 records in a day that held the thread serving requests for 1.2 s
  // on the cost page's first load (and on each load while the day's records
  // change). So the day is read in slices of SLICE_ROWS records, with turns
  // between them, and the slices' groups are added up.
  async standardCells(fromId, toId) {
    return addUpStandardCells(await inSlices(fromId, toId, async (f, t) => (await q(standardCellsSql(f, t))).map(toStandardCell)));
  },

  async reasoningSamples(fromId, toId) {
    return addUpReasoningSamples(await inSlices(fromId, toId, async (f, t) => (await q(reasoningSamplesSql(f, t))).map(toReasoningSample)));
  },

  async dayGroups(dayIds, groupBy) {
    const read = async (f: string, t: string) => (await q(dayGroupsSql(dayIds, groupBy, { fromId: f, toId: t }))).map(toDayGroup);
    return addUpDayGroups(await inSlices(dayIds[0]!, dayIds[dayIds.length - 1]!, read));
  },

  async distinct(column, limit) {
    return (await q(distinctSql(column, limit))).map((r) => String(r.value));
  },
};
