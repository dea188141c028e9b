/**
 * Fills a database with synthetic request records, to measure the trace
 * explorer and the cost dashboard at scale (the targets: first explorer page
 * with a filter ≤ 200 ms p95 and a 30-day cost summary ≤ 300 ms p95 at
 * 1,000,000 records on SQLite). Rows go in through ordinary INSERTs, so the
 * full-text index and the cost rollup triggers do their normal work. On SQLite
 * the rows go in through better-sqlite3 directly: Prisma's createMany costs
 * about a millisecond a row here, an hour for a million.
 *
 *   DATABASE_URL=file:/tmp/big.db npx tsx scripts/seed-traces.ts [--count 1000000] [--days 30]
 *   DATABASE_URL=file:/tmp/big.db npx tsx scripts/seed-traces.ts --measure
 */
import { disconnectDb } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import path from "node:path";
import { databaseUrl, providerOf, sqlitePath } from "../lib/db/provider";
import { requestsRepo } from "../lib/db/requests.repo";
import type { RequestRecordRow } from "../lib/recorder/record";
import { costSummary } from "../lib/costs/summary";
import { costQuerySchema } from "../lib/costs/range";
import { tracesRepo } from "../lib/db/traces.repo";
import { toTraceFilter, traceQuerySchema } from "../lib/traces/filters";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

/** A small deterministic generator, so two runs build the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = "the cache retry budget latency region token queue schema invoice lock thread merge proof bound index route model answer plan".split(" ");
const HEDGES = ["I think", "maybe", "probably", "it seems", "Assuming", "Wait, no", "Alternatively", "I'm not sure"];
const APPS = [null, null, "faq-bot", "legal-review", "support", "search", "billing", "ide", "sales", "hr"];
const TASKS = [null, "code-review", "summarize", "extract", "classify", "math", "planning", "architecture", "translate", "qa", "security-analysis"];
const STAGES = ["default", "rule", "classifier", "context", "override", "pinned"];

function sentence(r: () => number, n: number): string {
  const w: string[] = [];
  for (let i = 0; i < n; i++) w.push(WORDS[Math.floor(r() * WORDS.length)]!);
  return w.join(" ");
}

function makeRow(i: number, t: number, r: () => number): RequestRecordRow {
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
    id, createdAt: new Date(t), keyId: null,
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

async function sqliteInserter(): Promise<(rows: RequestRecordRow[]) => void> {
  const { default: Database } = await import("better-sqlite3");
  const sqlite = new Database(path.resolve(sqlitePath(databaseUrl())));
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  let stmt: import("better-sqlite3").Statement | null = null;
  let cols: string[] = [];
  const value = (v: unknown) => (v instanceof Date ? v.toISOString().replace("Z", "+00:00") : typeof v === "boolean" ? (v ? 1 : 0) : v);
  return sqlite.transaction((rows: RequestRecordRow[]) => {
    if (!stmt) {
      cols = Object.keys(rows[0]!);
      stmt = sqlite.prepare(`INSERT INTO "RequestRecord" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`);
    }
    for (const r of rows) stmt.run(...cols.map((c) => value((r as unknown as Record<string, unknown>)[c])));
  });
}

async function seed(count: number, days: number): Promise<void> {
  await migrate(databaseUrl());
  const r = rng(42);
  const end = Date.now();
  const start = end - days * 86_400_000;
  const step = (end - start) / count;
  const batch = 2_000;
  const insert = providerOf(databaseUrl()) === "sqlite" ? await sqliteInserter() : null;
  const t0 = Date.now();
  for (let i = 0; i < count; i += batch) {
    const rows: RequestRecordRow[] = [];
    for (let j = i; j < Math.min(count, i + batch); j++) rows.push(makeRow(j, Math.floor(start + j * step), r));
    if (insert) insert(rows);
    else await requestsRepo.insertMany(rows);
    if ((i / batch) % 50 === 0) console.log(`${i + rows.length} rows, ${Math.round((Date.now() - t0) / 1000)} s`);
  }
  console.log(`seeded ${count} rows in ${Math.round((Date.now() - t0) / 1000)} s`);
}

async function time(name: string, fn: () => Promise<unknown>, runs = 30): Promise<void> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const p = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(1);
  console.log(`${name.padEnd(48)} p50 ${p(0.5).padStart(7)} ms   p95 ${p(0.95).padStart(7)} ms`);
}

async function measure(): Promise<void> {
  const list = (query: Record<string, string>) => () => {
    const q = traceQuerySchema.parse(query);
    return tracesRepo.list(toTraceFilter(q), q.limit, q.cursor);
  };
  const last24h = new Date(Date.now() - 86_400_000).toISOString();
  await time("explorer: no filter", list({}));
  await time("explorer: tier=reasoning", list({ tier: "reasoning" }));
  await time("explorer: app=hr", list({ app: "hr" }));
  await time("explorer: model=claude-haiku", list({ model: "claude-haiku-4-5-20251001" }));
  await time("explorer: status=error", list({ status: "error" }));
  await time("explorer: escalated", list({ escalated: "true" }));
  await time("explorer: hedging", list({ hedging: "true" }));
  await time("explorer: last 24 h + route=reasoning-deep", list({ from: last24h, route: "reasoning-deep" }));
  await time("explorer: cost >= $0.10", list({ costMin: "0.1" }));
  await time("explorer: task + stage", list({ task: "math", stage: "classifier" }));
  await time("explorer: search 'invoice'", list({ q: "invoice" }));
  await time("explorer: search '12345'", list({ q: "12345" }));
  await time("explorer: facets", () => tracesRepo.facets());
  for (const groupBy of ["route", "model", "tier"]) {
    await time(`costs: 30 days by ${groupBy}, day`, () => costSummary(costQuerySchema.parse({ groupBy, granularity: "day" })));
  }
  await time("costs: 30 days by route, hour", () => costSummary(costQuerySchema.parse({ groupBy: "route", granularity: "hour" })));
}

async function main(): Promise<void> {
  if (process.argv.includes("--measure")) await measure();
  else await seed(Number(arg("count", "1000000")), Number(arg("days", "30")));
  await disconnectDb();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
