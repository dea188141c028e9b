/**
 * Synthetic request records at scale, and the explorer / cost-dashboard reads
 * to time on them. Shared by scripts/seed-traces.ts (seed a database, or time
 * the reads by hand) and bench/storage.bench.ts (the storage bench).
 *
 * Rows go in through ordinary INSERTs into RequestRecord, so the full-text
 * index and the cost rollup triggers do their normal work: by default through
 * the recorder's own write path (requestsRepo.insertMany →
 * lib/db/record-writer.ts: a prepared INSERT through the driver, one
 * transaction per batch), or on SQLite through sqliteBulkInserter (the same
 * statement on a connection set up for loading). The reads go through the functions the HTTP handlers
 * call: traceQuerySchema → toTraceFilter → tracesRepo.list for the explorer
 * (lib/traces/api.ts), costQuerySchema → costSummary for the dashboard
 * (lib/costs/api.ts).
 */
import { costQuerySchema } from "../lib/costs/range";
import { costSummary } from "../lib/costs/summary";
import { requestsRepo } from "../lib/db/requests.repo";
import { tracesRepo } from "../lib/db/traces.repo";
import type { RequestRecordRow } from "../lib/recorder/record";
import { toTraceFilter, traceQuerySchema } from "../lib/traces/filters";
import { rng } from "../tests/support/rng";

export { rng };

export const WORDS = "the cache retry budget latency region token queue schema invoice lock thread merge proof bound index route model answer plan".split(" ");
const HEDGES = ["I think", "maybe", "probably", "it seems", "Assuming", "Wait, no", "Alternatively", "I'm not sure"];
export const APPS = [null, null, "faq-bot", "legal-review", "support", "search", "billing", "ide", "sales", "hr"];
const TASKS = [null, "code-review", "summarize", "extract", "classify", "math", "planning", "architecture", "translate", "qa", "security-analysis"];
const STAGES = ["default", "rule", "classifier", "context", "override", "pinned"];

function sentence(r: () => number, n: number): string {
  const w: string[] = [];
  for (let i = 0; i < n; i++) w.push(WORDS[Math.floor(r() * WORDS.length)]!);
  return w.join(" ");
}

/**
 * Record number `i`, created at `t` (epoch ms). Its prompt holds the number
 * `i` as a word, so every record has one word no other record has (a rare
 * search term). Routes: standard, reasoning, reasoning-deep; costs up to ~$0.25.
 */
export function makeRow(i: number, t: number, r: () => number): RequestRecordRow {
  const reasoning = r() < 0.35;
  const tier = reasoning ? "reasoning" : "standard";
  const route = reasoning ? (r() < 0.8 ? "reasoning" : "reasoning-deep") : "standard";
  const model = reasoning ? "claude-opus-4-7" : r() < 0.7 ? "claude-sonnet-4-6" : "claude-haiku-4-5-20251001";
  const status = r() < 0.02 ? "error" : "ok";
  const input = 20 + Math.floor(r() * 2000);
  const output = status === "error" ? 0 : 50 + Math.floor(r() * 800);
  const thinking = reasoning && status !== "error" ? 500 + Math.floor(r() * 8000) : 0;
  const unpriced = r() < 0.01;
  const pIn = reasoning ? 5 : 3;
  const pOut = reasoning ? 25 : 15;
  const priced = status !== "error" && !unpriced;
  const cIn = (input * pIn) / 1e6;
  const cOut = (output * pOut) / 1e6;
  const cTh = (thinking * pOut) / 1e6;
  const hedges = reasoning ? Math.floor(r() * 4) : r() < 0.1 ? 1 : 0;
  const thinkingText = thinking
    ? Array.from({ length: 6 }, () => `${r() < 0.5 ? HEDGES[Math.floor(r() * HEDGES.length)] : "So"} ${sentence(r, 14)}.`).join(" ")
    : null;
  const id = `req_${t.toString(36).padStart(9, "0")}${i.toString(16).padStart(16, "0")}`;
  return {
    id, createdAt: new Date(t), keyId: null, via: "messages", client: null,
    app: APPS[Math.floor(r() * APPS.length)] ?? null, task: TASKS[Math.floor(r() * TASKS.length)] ?? null,
    stage: STAGES[Math.floor(r() * STAGES.length)]!, reason: "synthetic", ruleId: null, score: null, threshold: null,
    tier, routeId: route, routeName: route, requestedModel: "claude-sonnet-4-6", servedModel: model,
    thinkingConfig: null, maxTokensRequested: 1024, maxTokensSent: 1024, adjustments: "[]", hops: "[]",
    escalated: r() < 0.03, stream: r() < 0.3, status: status as "ok" | "error", httpStatus: status === "error" ? 529 : 200,
    errorType: null, errorMessage: null, stopReason: "end_turn", upstreamRequestId: null,
    latencyMs: Math.floor(200 + r() * (reasoning ? 20000 : 3000)), ttftMs: null,
    inputTokens: input, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0, outputTokens: output, thinkingTokens: thinking,
    pricingStatus: priced ? "priced" : "unpriced",
    costInput: priced ? cIn : null, costCacheWrite: priced ? 0 : null, costCacheRead: priced ? 0 : null,
    costOutput: priced ? cOut : null, costThinking: priced ? cTh : null, costTotal: priced ? cIn + cOut + cTh : null,
    counterfactualCost: priced ? (reasoning ? cIn + cOut + cTh : (input * 5 + output * 25 + 4000 * 25) / 1e6) : null,
    system: null, prompt: `${sentence(r, 6)} ${i} ${sentence(r, 10)}?`, messageCount: 1, hasTools: false,
    answer: status === "error" ? null : sentence(r, 30), thinkingStatus: thinkingText ? "text" : "none", thinkingText,
    hedgeCount: status === "error" ? null : hedges,
  };
}

export interface SeedOptions {
  /** Records to write in all. */
  count: number;
  /** Spread evenly over the `days` days before `end`, oldest first (so ids ascend as they are written). */
  days: number;
  end?: number;
  /** Records per insertMany call (one transaction each). */
  batch?: number;
  /** Random seed of the data. */
  seed?: number;
  /**
   * Writes one batch, returns how many records went in. Default: the recorder's
   * path, requestsRepo.insertMany. See sqliteBulkInserter for a faster one.
   */
  insert?: (rows: RequestRecordRow[]) => Promise<number> | number;
  /**
   * Called after each batch with the number of records written so far; awaited,
   * so a caller can stop at a checkpoint (e.g. 100,000 rows) and measure.
   */
  onProgress?: (written: number, elapsedMs: number) => void | Promise<void>;
}

export interface SeedResult {
  count: number;
  /** Time spent generating and inserting, excluding the time onProgress took. */
  insertMs: number;
  start: number;
  end: number;
}

/** Writes `count` synthetic records to DATABASE_URL (already migrated), oldest first, `batch` at a time. */
export async function seedTraces(o: SeedOptions): Promise<SeedResult> {
  const r = rng(o.seed ?? 42);
  const end = o.end ?? Date.now();
  const start = end - o.days * 86_400_000;
  const step = (end - start) / o.count;
  const batch = o.batch ?? 2_000;
  const insert = o.insert ?? requestsRepo.insertMany;
  let insertMs = 0;
  for (let i = 0; i < o.count; i += batch) {
    const t0 = performance.now();
    const rows: RequestRecordRow[] = [];
    for (let j = i; j < Math.min(o.count, i + batch); j++) rows.push(makeRow(j, Math.floor(start + j * step), r));
    const n = await insert(rows);
    if (n !== rows.length) throw new Error(`inserted ${n} of ${rows.length} records (ids already present? seed an empty database)`);
    insertMs += performance.now() - t0;
    await o.onProgress?.(i + rows.length, insertMs);
  }
  return { count: o.count, insertMs, start, end };
}

/** Prisma's SQLite adapter stores DateTime as ISO-8601 text with an explicit UTC offset (as lib/db/record-writer.ts). */
function sqliteValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().replace("Z", "+00:00");
  if (typeof v === "boolean") return v ? 1 : 0;
  return v === undefined ? null : v;
}

export interface BulkInserter {
  insert(rows: RequestRecordRow[]): number;
  /**
   * Back to the app's journal mode (WAL, as lib/db/migrate.ts and the record
   * writer set it); `mode` "bulk" switches to the loading settings again. No
   * other connection may have the database open while leaving WAL.
   */
  journal(mode: "wal" | "bulk"): void;
  close(): void;
}

/**
 * A SQLite connection for loading many records: the record writer's statement
 * (INSERT OR IGNORE, one transaction per batch; the FTS and cost-rollup
 * triggers and every index do their normal work), but with the rollback
 * journal in memory and no syncs instead of WAL. The WAL writes every page
 * twice (WAL, then checkpoint) and cost ~5 s of system time per 100,000
 * records here: on a busy 2-core machine the recorder's WAL connection loaded
 * 4,300–5,900 records/s, this one 7,400–7,600 (generation included). Not
 * crash-safe while loading; close() leaves the database in WAL mode.
 */
export async function sqliteBulkInserter(file: string): Promise<BulkInserter> {
  const { default: Database } = await import("better-sqlite3");
  const conn = new Database(file);
  let stmt: import("better-sqlite3").Statement | null = null;
  let cols: string[] = [];
  const setMode = (mode: "wal" | "bulk") => {
    const want = mode === "wal" ? "wal" : "memory";
    const got = String(conn.pragma(`journal_mode = ${want.toUpperCase()}`, { simple: true })).toLowerCase();
    if (got !== want) throw new Error(`could not switch ${file} to journal_mode ${want} (still ${got}): another connection has it open`);
    conn.pragma(mode === "wal" ? "synchronous = NORMAL" : "synchronous = OFF");
  };
  setMode("bulk");
  const run = conn.transaction((rows: RequestRecordRow[]) => {
    if (!stmt) {
      cols = Object.keys(rows[0]!);
      stmt = conn.prepare(`INSERT OR IGNORE INTO "RequestRecord" (${cols.map((c) => `"${c}"`).join(",")}) VALUES (${cols.map(() => "?").join(",")})`);
    }
    let n = 0;
    for (const r of rows) n += stmt.run(cols.map((c) => sqliteValue((r as unknown as Record<string, unknown>)[c]))).changes;
    return n;
  });
  return {
    insert: (rows) => (rows.length ? run(rows) : 0),
    journal: setMode,
    close() {
      setMode("wal");
      conn.close();
    },
  };
}

// ---------------------------------------------------------------------------
// The reads, as the HTTP handlers make them.

/** GET /api/traces?<query>: the explorer's page, parsed and translated as the handler does. */
export function explorerPage(query: Record<string, string>): () => Promise<unknown> {
  traceQuerySchema.parse(query); // a bad query fails here, not in the middle of a timed run
  return () => {
    const q = traceQuerySchema.parse(query);
    return tracesRepo.list(toTraceFilter(q), q.limit, q.cursor);
  };
}

/** GET /api/costs/summary?<query>: the cost dashboard's summary (series, groups, routes, top requests). */
export function costDashboard(query: Record<string, string>): () => Promise<unknown> {
  costQuerySchema.parse(query);
  return () => costSummary(costQuerySchema.parse(query));
}

/** Milliseconds of each of `runs` calls after one warm-up call. */
export async function timeRuns(fn: () => Promise<unknown>, runs = 30, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return ms;
}
