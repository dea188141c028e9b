/**
 * The SQLite record writer on a scratch database built from all migrations:
 * a batch of heavy rows is written in several short transactions, with the
 * file free between them for another connection (the main thread's writes),
 * and still exactly once.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "./migrate";
import { createRecordWriter, type RecordWriter } from "./record-writer";

const ROOT = path.resolve(__dirname, "../..");
let dir: string;
let file: string;
let writer: RecordWriter;

/** A row with the columns the writer needs and `kb` KB of thinking text the full-text index must read. */
function row(id: string, kb: number): Record<string, unknown> {
  const words = Array.from({ length: kb * 40 }, (_, i) => `step${i % 97} weighs option${i % 13}`).join(" ");
  return {
    id, createdAt: new Date("2026-12-06T10:00:00Z"), stage: "rule", reason: "", tier: "standard", routeId: "standard", routeName: "Standard",
    requestedModel: "m", servedModel: "m", stream: false, status: "ok", httpStatus: 200, latencyMs: 1, inputTokens: 1, outputTokens: 1,
    thinkingTokens: 1, pricingStatus: "priced", costTotal: 0, prompt: "hello", answer: "world", thinkingText: words.slice(0, kb * 1000),
  };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-writer-"));
  file = path.join(dir, "t.db");
  await migrate(`file:${file}`, ROOT);
  writer = createRecordWriter(`file:${file}`);
});

afterAll(async () => {
  await writer?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("SQLite record writer", () => {
  it("writes a heavy batch in short transactions: another connection writes in between without waiting", async () => {
    const rows = Array.from({ length: 60 }, (_, i) => row(`heavy-${i}`, 100));
    const other = new Database(file);
    // No waiting at all: a write that finds the file locked fails at once.
    other.pragma("busy_timeout = 0");
    const between: number[] = [];
    let done = false;
    const writing = writer.insert(rows).finally(() => (done = true));
    // Runs whenever the writer pauses: each time, the lock must be free.
    while (!done) {
      await new Promise((r) => setTimeout(r, 1));
      if (done) break;
      other.prepare(`UPDATE "RequestRecord" SET "reason" = 'touched' WHERE "id" = 'heavy-0'`).run();
      between.push((other.prepare(`SELECT COUNT(*) AS n FROM "RequestRecord"`).get() as { n: number }).n);
    }
    expect(await writing).toBe(60);
    other.close();
    // It paused at least once part-way, with some rows committed and others still to come.
    expect(between.some((n) => n > 0 && n < 60)).toBe(true);
  });

  it("writes each row once: a batch written again (a retry, a replay) inserts nothing", async () => {
    const rows = Array.from({ length: 30 }, (_, i) => row(`light-${i}`, 2));
    expect(await writer.insert(rows)).toBe(30);
    expect(await writer.insert([...rows, row("light-new", 2)])).toBe(1);
    const db = new Database(file, { readonly: true });
    const n = (db.prepare(`SELECT COUNT(*) AS n FROM "RequestRecord" WHERE "id" LIKE 'light-%'`).get() as { n: number }).n;
    db.close();
    expect(n).toBe(31);
  });
});
