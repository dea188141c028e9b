/**
 * Request records written to SQLite from a worker thread.
 *
 * better-sqlite3 is synchronous: on the main thread a batch of 200 records
 * (each firing the full-text and rollup triggers) held the event loop for tens
 * of milliseconds, a tenth of the gateway's CPU time per request under load,
 * and every request in flight waited behind it. In a worker the inserts run on
 * another core while the main thread serves requests; the main thread only
 * hands over the rows (column names once, values as arrays) and awaits the
 * count of rows written, so the recorder's semantics (a batch is written, or
 * fails and is retried) are unchanged.
 *
 * The worker's source is inline (eval), so it runs the same under tsx, Next
 * and vitest without resolving a separate file; the driver is resolved here
 * and passed in. The worker keeps the process alive only while a batch is in
 * flight.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

export interface ThreadWriter {
  insert(rows: Record<string, unknown>[]): Promise<number>;
  close(): Promise<void>;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const conn = new Database(workerData.file);
conn.pragma("journal_mode = WAL");
// A locked database fails the batch fast; the recorder retries it.
conn.pragma("busy_timeout = 100");
conn.pragma("synchronous = NORMAL");
const statements = new Map();
// Prisma's SQLite adapter stores DateTime as ISO-8601 text with an explicit UTC offset.
const value = (v) => v instanceof Date ? v.toISOString().replace("Z", "+00:00") : typeof v === "boolean" ? (v ? 1 : 0) : v === undefined ? null : v;
const quote = (c) => '"' + c.replace(/"/g, '""') + '"';
parentPort.on("message", (m) => {
  if (m.close) {
    conn.close();
    parentPort.postMessage({ id: m.id, n: 0 });
    parentPort.close();
    return;
  }
  try {
    const key = m.cols.join(",");
    let stmt = statements.get(key);
    if (!stmt) {
      stmt = conn.prepare('INSERT OR IGNORE INTO "RequestRecord" (' + m.cols.map(quote).join(",") + ") VALUES (" + m.cols.map(() => "?").join(",") + ")");
      statements.set(key, stmt);
    }
    const s = stmt;
    const n = conn.transaction((rows) => {
      let n = 0;
      for (const r of rows) n += s.run(r.map(value)).changes;
      return n;
    })(m.rows);
    parentPort.postMessage({ id: m.id, n });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String(err && err.message || err), code: err && err.code });
  }
});
`;

export function sqliteThreadWriter(file: string): ThreadWriter {
  const driver = createRequire(__filename).resolve("better-sqlite3");
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (n: number) => void; reject: (e: Error) => void }>();

  const start = (): Worker => {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file } });
    w.unref();
    w.on("message", (m: { id: number; n?: number; error?: string; code?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (!pending.size) w.unref();
      if (m.error !== undefined) p.reject(Object.assign(new Error(m.error), { code: m.code }));
      else p.resolve(m.n ?? 0);
    });
    const fail = (err: Error) => {
      if (worker === w) worker = null;
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
    w.on("error", fail);
    w.on("exit", (code) => fail(new Error(`record writer thread exited (${code})`)));
    return w;
  };

  const send = (msg: Record<string, unknown>): Promise<number> => {
    const w = (worker ??= start());
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      // Keeps the process alive until the batch is written.
      w.ref();
      w.postMessage({ ...msg, id });
    });
  };

  return {
    insert(rows) {
      if (!rows.length) return Promise.resolve(0);
      const cols = Object.keys(rows[0]!);
      return send({ cols, rows: rows.map((r) => cols.map((c) => r[c])) });
    },
    async close() {
      const w = worker;
      if (!w) return;
      const exited = new Promise<void>((r) => w.once("exit", () => r()));
      await send({ close: true }).catch(() => undefined);
      worker = null;
      await exited;
    },
  };
}
