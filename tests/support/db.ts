/**
 * Access to a test server's database, for what the API does not show:
 * counting stored records exactly, dumping every table to search it, and
 * backdating rows as if time had passed (the retention tests). SQLite through
 * better-sqlite3, PostgreSQL through pg.
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

type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** Runs `fn` on a connection of its own to the server's database, which may write; `?` placeholders on both databases. */
export async function withDb<T>(server: Pick<TestServer, "db" | "databaseUrl">, fn: (q: Query) => Promise<T>): Promise<T> {
  if (server.db === "sqlite") {
    const conn = new Database(server.databaseUrl.replace(/^file:/, ""));
    // The server writes meanwhile: wait for its lock rather than fail.
    conn.pragma("busy_timeout = 5000");
    try {
      return await fn(async (sql, params = []) => {
        const st = conn.prepare(sql);
        return st.reader ? (st.all(...params) as Record<string, unknown>[]) : (st.run(...params), []);
      });
    } finally {
      conn.close();
    }
  }
  const c = new pg.Client({ connectionString: server.databaseUrl });
  await c.connect();
  try {
    return await fn(async (sql, params = []) => (await c.query(sql.replace(/\?/g, (_, i: number) => `$${sql.slice(0, i).split("?").length}`), params)).rows);
  } finally {
    await c.end();
  }
}

/**
 * Moves a timestamp column of the rows whose `keyColumn` is in `keys` back by
 * `ms`, as if they had been written that long ago. On SQLite Prisma's adapter
 * stores a DateTime as ISO 8601 text ending in +00:00 (its default
 * timestampFormat, which lib/db/client.ts keeps), compared as text: the new
 * value is written in the same form.
 */
export async function backdate(
  server: Pick<TestServer, "db" | "databaseUrl">,
  table: string,
  column: string,
  keyColumn: string,
  keys: string[],
  ms: number,
): Promise<void> {
  await withDb(server, async (q) => {
    for (const key of keys) {
      if (server.db === "postgresql") {
        await q(`UPDATE "${table}" SET "${column}" = "${column}" - make_interval(secs => ?) WHERE "${keyColumn}" = ?`, [ms / 1000, key]);
        continue;
      }
      const [row] = await q(`SELECT "${column}" AS t FROM "${table}" WHERE "${keyColumn}" = ?`, [key]);
      const t = row?.t as string;
      if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/.test(t)) throw new Error(`${table}.${column} of ${key} is not stored as ISO 8601 text: ${String(t)}`);
      await q(`UPDATE "${table}" SET "${column}" = ? WHERE "${keyColumn}" = ?`, [new Date(Date.parse(t) - ms).toISOString().replace(/Z$/, "+00:00"), key]);
    }
  });
}

/**
 * Writes `copies` copies of a stored request record in one statement, ids
 * copy-0, copy-1, ..., created `ageMs` ago, with `set` replacing columns'
 * values (e.g. a large thinkingText): many records without as many requests.
 */
export async function copyRecord(
  server: Pick<TestServer, "db" | "databaseUrl">,
  source: string,
  copies: number,
  ageMs: number,
  set: Record<string, string | number | null> = {},
): Promise<void> {
  await withDb(server, async (q) => {
    const names =
      server.db === "sqlite"
        ? (await q(`SELECT name FROM pragma_table_info('RequestRecord')`)).map((r) => r.name as string)
        : (await q(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'RequestRecord'`)).map((r) => r.name as string);
    const rest = names.filter((c) => c !== "id" && c !== "createdAt");
    const into = ["id", "createdAt", ...rest].map((c) => `"${c}"`).join(", ");
    const params: unknown[] = [server.db === "sqlite" ? new Date(Date.now() - ageMs).toISOString().replace(/Z$/, "+00:00") : new Date(Date.now() - ageMs)];
    const from = rest
      .map((c) => {
        if (!(c in set)) return `r."${c}"`;
        params.push(set[c]);
        return "?";
      })
      .join(", ");
    if (server.db === "sqlite") {
      params.push(JSON.stringify(Array.from({ length: copies }, (_, i) => i)), source);
      await q(`INSERT INTO "RequestRecord" (${into}) SELECT 'copy-' || n.value, ?, ${from} FROM "RequestRecord" r, json_each(?) n WHERE r."id" = ?`, params);
    } else {
      params.push(source);
      await q(`INSERT INTO "RequestRecord" (${into}) SELECT 'copy-' || n, ?, ${from} FROM "RequestRecord" r, generate_series(0, ${copies - 1}) n WHERE r."id" = ?`, params);
    }
  });
}
