/**
 * Applies the migrations of prisma/<provider>/migrations to a database, in
 * order, each once. Prisma's own `migrate deploy` cannot read PostgreSQL's
 * catalog through the pg driver adapter (prisma/orm#27403), and the offline
 * CLI cannot run without an adapter, so thinkgate applies its migrations
 * itself. It keeps Prisma's `_prisma_migrations` table and checksums, so
 * Prisma's tools still recognise the state.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { providerOf, schemaDir, sqlitePath } from "./provider";

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(root: string, provider: ReturnType<typeof providerOf>): Migration[] {
  const dir = path.join(root, schemaDir(provider), "migrations");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}

const TABLE_SQL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMP,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMP,
  "started_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/**
 * How long the start waits for PostgreSQL to answer a connection. Without a
 * bound, a database that accepts connections and never answers (a hung
 * server, a proxy whose backend is gone) held the start for good, printing
 * nothing.
 */
export const CONNECT_TIMEOUT_MS = 10_000;

/** Returns the names of the migrations it applied. */
export async function migrate(url: string, root = process.cwd(), connectTimeoutMs = CONNECT_TIMEOUT_MS): Promise<string[]> {
  const provider = providerOf(url);
  const migrations = readMigrations(root, provider);
  return provider === "sqlite" ? migrateSqlite(url, root, migrations) : migratePostgres(url, migrations, connectTimeoutMs);
}

function checkChecksum(m: Migration, stored: string | undefined): boolean {
  if (stored === undefined) return false;
  if (stored !== m.checksum) {
    throw new Error(`migration ${m.name} was changed after it was applied (checksum differs); add a new migration instead`);
  }
  return true;
}

async function migrateSqlite(url: string, root: string, migrations: Migration[]): Promise<string[]> {
  const { default: Database } = await import("better-sqlite3");
  const file = path.resolve(root, sqlitePath(url));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
    db.exec(TABLE_SQL);
    const applied = new Map<string, string>(
      (db.prepare(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`).all() as {
        migration_name: string;
        checksum: string;
      }[]).map((r) => [r.migration_name, r.checksum]),
    );
    const done: string[] = [];
    for (const m of migrations) {
      if (checkChecksum(m, applied.get(m.name))) continue;
      try {
        db.transaction(() => {
          db.exec(m.sql);
          db.prepare(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES (?, ?, CURRENT_TIMESTAMP, ?, 1)`,
          ).run(crypto.randomUUID(), m.checksum, m.name);
        })();
      } catch (err) {
        // Named as on PostgreSQL: "table X already exists" alone did not say which migration a partly migrated file stopped at.
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
      }
      done.push(m.name);
    }
    return done;
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string, migrations: Migration[], connectTimeoutMs: number): Promise<string[]> {
  const { Client } = await import("pg");
  const client = new Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  // An error after the connection (the server ended it) fails the query under way; unlistened it would end the process.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (err) {
    const { hostname, port } = new URL(url);
    throw new Error(`could not connect to PostgreSQL at ${hostname}:${port || 5432} within ${connectTimeoutMs / 1000} s: ${(err as Error).message}`);
  }
  try {
    // Two instances starting together must not both apply the same migration.
    await client.query("SELECT pg_advisory_lock(727274)");
    await client.query(TABLE_SQL);
    const res = await client.query(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`);
    const applied = new Map<string, string>(res.rows.map((r: { migration_name: string; checksum: string }) => [r.migration_name, r.checksum]));
    const done: string[] = [];
    for (const m of migrations) {
      if (checkChecksum(m, applied.get(m.name))) continue;
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
          [crypto.randomUUID(), m.checksum, m.name],
        );
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
      }
      done.push(m.name);
    }
    return done;
  } finally {
    await client.query("SELECT pg_advisory_unlock(727274)").catch(() => undefined);
    await client.end();
  }
}
