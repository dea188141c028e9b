/**
 * The start's migrations when the database is not as expected: a PostgreSQL
 * that accepts connections and never answers gets a clear error within the
 * connection bound, not a start that waits for good; a SQLite file migrated
 * further than its records say gets an error naming the migration.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSilentServer, type SilentServer } from "../../tests/support/silent-server";
import { migrate } from "./migrate";

describe("migrate", () => {
  let silent: SilentServer;

  beforeAll(async () => {
    silent = await startSilentServer();
  });

  afterAll(async () => {
    await silent.close();
  });

  it("fails, naming the database, when PostgreSQL accepts the connection and never answers", async () => {
    const { port } = silent;
    const started = Date.now();
    await expect(migrate(`postgresql://postgres@127.0.0.1:${port}/thinkgate`, process.cwd(), 300)).rejects.toThrow(`could not connect to PostgreSQL at 127.0.0.1:${port} within 0.3 s`);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(silent.sockets.length).toBe(1);
  });

  it("names the migration a SQLite file whose migrations were partly recorded stops at", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-migrate-"));
    try {
      const url = `file:${path.join(dir, "t.db")}`;
      const applied = await migrate(url, process.cwd());
      // The newest migration that creates a table: applied again it fails (one that only replaces triggers would not).
      const creates = (m: string) => /CREATE TABLE/i.test(fs.readFileSync(path.join("prisma", "sqlite", "migrations", m, "migration.sql"), "utf8"));
      const last = applied.findLast(creates)!;
      // Its tables are there, its row is not (applied by hand, or a copy of the file taken mid-way).
      const conn = new Database(path.join(dir, "t.db"));
      conn.prepare('DELETE FROM "_prisma_migrations" WHERE migration_name = ?').run(last);
      conn.close();
      await expect(migrate(url, process.cwd())).rejects.toThrow(`migration ${last} failed: `);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
