/**
 * What the trace_explorer migration adds by hand on SQLite, checked on a
 * scratch database built from all migrations: the full-text index and the
 * cost rollup are kept in step with RequestRecord by triggers. A later
 * migration that redefines RequestRecord (Prisma copies the table on SQLite)
 * would drop them silently; this test fails when that happens.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../lib/db/migrate";

const ROOT = path.resolve(__dirname, "../..");
let dir: string;
let db: Database.Database;

const COLUMNS = ["id", "createdAt", "stage", "reason", "tier", "routeId", "routeName", "requestedModel", "servedModel", "stream", "status", "httpStatus", "latencyMs",
  "inputTokens", "cacheReadTokens", "outputTokens", "thinkingTokens", "pricingStatus", "costInput", "costCacheRead", "costOutput", "costThinking", "costTotal", "counterfactualCost",
  "prompt", "answer", "thinkingText", "escalated"] as const;

function insert(r: Partial<Record<(typeof COLUMNS)[number], unknown>>) {
  const row = {
    createdAt: "2026-11-25T10:15:00.000+00:00", stage: "rule", reason: "", tier: "standard", routeId: "standard", routeName: "Standard",
    requestedModel: "m", servedModel: "m", stream: 0, status: "ok", httpStatus: 200, latencyMs: 10, inputTokens: 100, cacheReadTokens: 10, outputTokens: 50,
    thinkingTokens: 0, pricingStatus: "priced", costInput: 0.001, costCacheRead: 0.0001, costOutput: 0.002, costThinking: 0, costTotal: 0.0031,
    counterfactualCost: 0.01, prompt: "hello", answer: "world", thinkingText: null, escalated: 0, ...r,
  };
  db.prepare(`INSERT INTO "RequestRecord" (${COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`).run(...COLUMNS.map((c) => (row as Record<string, unknown>)[c] ?? null));
}

/** Float sums may differ in the last bits with the order of additions; the rest must be equal. */
function expectSame({ rollup, records }: { rollup: unknown; records: unknown }) {
  const a = rollup as Record<string, number>;
  const b = records as Record<string, number>;
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const k of Object.keys(b)) expect(a[k], k).toBeCloseTo(b[k]!, 12);
}

/** The rollup over all hours, and the same numbers computed from the records. */
function compare() {
  const rollup = db.prepare(`SELECT sum("requests") n, sum("priced") p, sum("unpriced") u, sum("errors") e, total("costTotal") c, total("costInput") ci, total("costCache") cc, total("counterfactualCost") cf FROM "CostRollup"`).get();
  const records = db.prepare(`SELECT count(*) n, count("costTotal") p, sum("costTotal" IS NULL AND "status" <> 'error') u, sum("status" = 'error') e, total("costTotal") c,
    total(CASE WHEN "costTotal" IS NULL THEN 0 ELSE "costInput" END) ci, total(CASE WHEN "costTotal" IS NULL THEN 0 ELSE coalesce("costCacheRead", 0) END) cc,
    total(CASE WHEN "costTotal" IS NULL THEN 0 ELSE "counterfactualCost" END) cf FROM "RequestRecord"`).get();
  return { rollup, records };
}

const search = (q: string) => (db.prepare(`SELECT r."id" FROM "RequestRecordFts" f JOIN "RequestRecord" r ON r.rowid = f.rowid WHERE "RequestRecordFts" MATCH ? ORDER BY f.rowid`).all(q) as { id: string }[]).map((r) => r.id);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-schema-"));
  const file = path.join(dir, "t.db");
  await migrate(`file:${file}`, ROOT);
  db = new Database(file);
});

afterAll(() => {
  db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("SQLite analytics schema", () => {
  it("has the full-text and rollup triggers and the partial hedging index", () => {
    const names = (db.prepare(`SELECT name FROM sqlite_master WHERE type IN ('trigger', 'index', 'table')`).all() as { name: string }[]).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining([
      "RequestRecordFts", "CostRollup", "RequestRecord_hedged_id_idx",
      "RequestRecord_fts_ai", "RequestRecord_fts_ad", "RequestRecord_fts_au",
      "RequestRecord_rollup_ai", "RequestRecord_rollup_ad", "RequestRecord_rollup_au",
    ]));
  });

  it("keeps the hourly rollup equal to the records through inserts, updates and deletes", () => {
    insert({ id: "req_a", prompt: "a zebracorn question" });
    insert({ id: "req_b", tier: "reasoning", routeId: "reasoning", thinkingTokens: 500, costThinking: 0.05, costTotal: 0.0531, thinkingText: "I think so" });
    insert({ id: "req_c", createdAt: "2026-11-25T11:59:59.999+00:00" });
    insert({ id: "req_d", servedModel: "unpriced-model", pricingStatus: "unpriced", costInput: null, costOutput: null, costCacheRead: null, costTotal: null, counterfactualCost: null });
    insert({ id: "req_e", status: "error", httpStatus: 500, costTotal: null, costInput: null, costOutput: null, costCacheRead: null, counterfactualCost: null, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0 });
    // Epoch milliseconds are accepted as well as ISO text.
    insert({ id: "req_f", createdAt: Date.parse("2026-11-25T12:30:00Z") });
    expectSame(compare());
    expect(compare().rollup).toMatchObject({ n: 6, p: 4, u: 1, e: 1 });
    const hours = (db.prepare(`SELECT DISTINCT "hour" FROM "CostRollup" ORDER BY 1`).all() as { hour: number }[]).map((r) => r.hour);
    expect(hours).toEqual([10, 11, 12].map((h) => Date.parse(`2026-11-25T${h}:00:00Z`) / 3_600_000));

    db.prepare(`UPDATE "RequestRecord" SET "costTotal" = 1.5, "routeId" = 'other' WHERE "id" = 'req_a'`).run();
    db.prepare(`DELETE FROM "RequestRecord" WHERE "id" = 'req_c'`).run();
    expectSame(compare());
    const other = db.prepare(`SELECT "requests", "costTotal" FROM "CostRollup" WHERE "routeId" = 'other'`).get();
    expect(other).toEqual({ requests: 1, costTotal: 1.5 });
  });

  it("keeps the full-text index in step, thinking text included", () => {
    expect(search('"zebracorn"')).toEqual(["req_a"]);
    expect(search('"think"')).toEqual(["req_b"]);
    db.prepare(`UPDATE "RequestRecord" SET "prompt" = 'now about unicorns' WHERE "id" = 'req_a'`).run();
    expect(search('"zebracorn"')).toEqual([]);
    expect(search('"unicorn"*')).toEqual(["req_a"]);
    db.prepare(`DELETE FROM "RequestRecord" WHERE "id" = 'req_a'`).run();
    expect(search('"unicorns"')).toEqual([]);
  });
});
