/**
 * Read-only access to a test server's database, for what the API does not
 * show: counting stored records exactly, and dumping every table to search it.
 * SQLite through better-sqlite3 (read-only handle), PostgreSQL through pg.
 */
import Database from "better-sqlite3";
import pg from "pg";
import type { TestServer } from "./server";

/** Rows of one SQL query (double-quoted identifiers work on both databases). */
export async function queryDb<T = Record<string, unknown>>(server: Pick<TestServer, "db" | "databaseUrl">, sql: string): Promise<T[]> {
  if (server.db === "sqlite") {
    const db = new Database(server.databaseUrl.replace(/^file:/, ""), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Stored request records by status, e.g. { ok: 120, error: 3 }. */
export async function recordCounts(server: Pick<TestServer, "db" | "databaseUrl">): Promise<Record<string, number>> {
  const rows = await queryDb<{ status: string; n: number | string }>(server, `SELECT "status" AS status, COUNT(*) AS n FROM "RequestRecord" GROUP BY "status"`);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Every row of every table of the application, as one JSON text (for searching it). */
export async function dumpDatabase(server: Pick<TestServer, "db" | "databaseUrl">): Promise<string> {
  const tables =
    server.db === "sqlite"
      ? (await queryDb<{ name: string }>(server, `SELECT name FROM sqlite_master WHERE type = 'table'`)).map((t) => t.name)
      : (await queryDb<{ name: string }>(server, `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`)).map((t) => t.name);
  const out: Record<string, unknown[]> = {};
  for (const t of tables) out[t] = await queryDb(server, `SELECT * FROM "${t.replace(/"/g, '""')}"`);
  return JSON.stringify(out, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : Buffer.isBuffer(v) ? v.toString("latin1") : v));
}
