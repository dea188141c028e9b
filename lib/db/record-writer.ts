/**
 * Batched inserts of request records, straight through the database driver.
 *
 * Records are the one table written on every request. Measured under load,
 * writing them with Prisma's createMany cost about 0.7 ms of event-loop time
 * per record (query compilation in the engine), more than all the rest of the
 * request path; a prepared multi-row INSERT costs a few microseconds a row.
 * Inserts skip ids already stored, so a batch retried after a failure, or
 * replayed from the spool after a restart, is written exactly once; a skipped
 * row fires no trigger (SQLite runs no AFTER INSERT trigger for a row that
 * ON CONFLICT DO NOTHING left out; PostgreSQL's transition table holds only
 * the rows it inserted), so the cost rollups and the full-text index count it
 * once too. Only a conflict on the id is skipped: SQLite's INSERT OR IGNORE,
 * used before, also left out a row breaking any other constraint (a NOT NULL
 * column), silently, so that record was lost; now the database refuses it and
 * the recorder sets it aside (lib/recorder/store.ts). Reads stay with Prisma.
 */
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Pool } from "pg";
import { logger } from "../observability/logger";
import { TURN_BUDGET_MS } from "../runtime/turns";
import { databaseUrl, providerOf, sqlitePath } from "./provider";

type Row = Record<string, unknown>;

export interface RecordWriter {
  insert(rows: Row[]): Promise<number>;
  close(): Promise<void>;
}

const TABLE = '"RequestRecord"';
const quote = (c: string) => `"${c.replace(/"/g, '""')}"`;

/**
 * Prisma stores DateTime in PostgreSQL as timestamp(3) without time zone, in UTC.
 * PostgreSQL's text cannot hold U+0000, which a client's prompt, system prompt
 * or model name may carry (JSON allows it): it refuses the whole batch
 * ("invalid byte sequence for encoding UTF8: 0x00"), and the retried batch
 * held every later record up behind it. Stored as U+FFFD, the replacement
 * character, as invalid input is shown elsewhere; SQLite keeps it as it came.
 */
function pgValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().slice(0, -1);
  if (typeof v === "string" && v.includes("\u0000")) return v.replaceAll("\u0000", "\ufffd");
  return v === undefined ? null : v;
}

/** Prisma's SQLite adapter stores DateTime as ISO-8601 text with an explicit UTC offset, booleans as 0/1: a value bound outside Prisma is written the same way. */
export function sqliteValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().replace("Z", "+00:00");
  if (typeof v === "boolean") return v ? 1 : 0;
  return v === undefined ? null : v;
}

/**
 * better-sqlite3 is synchronous: a batch holds the thread it runs on for
 * tens of milliseconds (the full-text and rollup triggers fire per row). In
 * the server that thread is the record thread (lib/recorder/thread.ts), not
 * the one serving requests.
 *
 * But the lock is the whole file's, and a write on the main thread (a
 * conversation pin, a rule saved, a session) that finds it taken waits for it
 * synchronously, with every request behind it. One transaction of 200 records
 * with 100 KB of text each held it for ~575 ms here, and the gateway for as
 * long (worst /api/health latency 186 ms while a backlog was written and an
 * admin saved rules; 31 ms on PostgreSQL). So a batch is written in
 * transactions of about TURN_BUDGET_MS, each followed by a pause as long as it
 * took, in which a waiting writer's busy handler finds the file free. A batch
 * cut short by an error is retried whole; inserts skip the ids already stored.
 */
/** A slice that overran (one huge row) is not followed by an equally long pause: the writer would fall behind. */
const MAX_PAUSE_MS = 50;

function sqliteWriter(url: string): RecordWriter {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require("better-sqlite3") as typeof import("better-sqlite3");
  const conn = new Database(path.resolve(sqlitePath(url)));
  conn.pragma("journal_mode = WAL");
  // A locked database fails the batch fast; the recorder retries it.
  conn.pragma("busy_timeout = 100");
  conn.pragma("synchronous = NORMAL");
  const statements = new Map<string, import("better-sqlite3").Statement>();
  return {
    async insert(rows) {
      if (!rows.length) return 0;
      const cols = Object.keys(rows[0]!);
      const key = cols.join(",");
      let stmt = statements.get(key);
      if (!stmt) {
        stmt = conn.prepare(`INSERT INTO ${TABLE} (${cols.map(quote).join(",")}) VALUES (${cols.map(() => "?").join(",")}) ON CONFLICT ("id") DO NOTHING`);
        statements.set(key, stmt);
      }
      const s = stmt;
      let n = 0;
      let next = 0;
      const slice = conn.transaction((started: number) => {
        do {
          const r = rows[next++]!;
          n += s.run(cols.map((c) => sqliteValue(r[c]))).changes;
        } while (next < rows.length && performance.now() - started < TURN_BUDGET_MS);
      });
      while (next < rows.length) {
        const started = performance.now();
        slice(started);
        if (next < rows.length) await sleep(Math.min(MAX_PAUSE_MS, performance.now() - started));
      }
      return n;
    },
    async close() {
      conn.close();
    },
  };
}

function pgWriter(url: string): RecordWriter {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Pool: PgPool } = require("pg") as typeof import("pg");
  // Bounded waits, so an unreachable database fails a batch (retried from the
  // spool) rather than holding it forever.
  const pool: Pool = new PgPool({ connectionString: url, max: 2, connectionTimeoutMillis: 5_000, query_timeout: 15_000 });
  // A connection dropped while idle (the server restarted, the network cut) is
  // reported here; unhandled it would end the process. The next batch reconnects.
  pool.on("error", (err) => logger.warn({ err: err.message }, "record writer: database connection lost"));
  return {
    async insert(rows) {
      if (!rows.length) return 0;
      const cols = Object.keys(rows[0]!);
      const params: unknown[] = [];
      const tuples = rows.map((r) => `(${cols.map((c) => (params.push(pgValue(r[c])), `$${params.length}`)).join(",")})`);
      const res = await pool.query(`INSERT INTO ${TABLE} (${cols.map(quote).join(",")}) VALUES ${tuples.join(",")} ON CONFLICT ("id") DO NOTHING`, params);
      return res.rowCount ?? 0;
    },
    async close() {
      await pool.end();
    },
  };
}

/**
 * Whether an insert failed on the rows it was given (a value the database
 * will never take: a number out of range, text it cannot store), not on the
 * database (unreachable, locked, busy, timed out). Only then is retrying the
 * same rows pointless. PostgreSQL: SQLSTATE classes 22 (data exception) and
 * 23 (integrity constraint violation); SQLite: constraint, type and size errors.
 */
export function refusedByData(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  if (code.startsWith("SQLITE_")) return /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code);
  return /^2[23][0-9A-Z]{3}$/.test(code);
}

const g = globalThis as unknown as { __thinkgateRecordWriter?: { url: string; writer: RecordWriter } };

/** A writer of its own on the database at `url` (the record thread opens one). */
export function createRecordWriter(url: string): RecordWriter {
  return providerOf(url) === "sqlite" ? sqliteWriter(url) : pgWriter(url);
}

/** This process's writer, for callers in the process (scripts, and the server when the record thread is off). */
export function recordWriter(): RecordWriter {
  const url = databaseUrl();
  if (g.__thinkgateRecordWriter?.url !== url) {
    g.__thinkgateRecordWriter = { url, writer: createRecordWriter(url) };
  }
  return g.__thinkgateRecordWriter.writer;
}

export async function closeRecordWriter(): Promise<void> {
  const w = g.__thinkgateRecordWriter;
  g.__thinkgateRecordWriter = undefined;
  await w?.writer.close();
}
