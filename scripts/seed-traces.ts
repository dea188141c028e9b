/**
 * Fills a database with synthetic request records, to measure the trace
 * explorer and the cost dashboard at scale (the targets: first explorer page
 * with a filter ≤ 200 ms p95 and a 30-day cost summary ≤ 300 ms p95 at
 * 1,000,000 records on SQLite). Rows go in through ordinary INSERTs, so the
 * full-text index and the cost rollup triggers do their normal work. On SQLite
 * the rows go in through better-sqlite3 directly, on a connection set up for
 * loading (bench/traces-data.ts: sqliteBulkInserter); on PostgreSQL through the
 * recorder's writer. The data and the reads are shared with the storage bench
 * (bench/storage.bench.ts, `npm run bench -- --only storage`), which seeds a
 * temporary database itself.
 *
 *   DATABASE_URL=file:/tmp/big.db npx tsx scripts/seed-traces.ts [--count 1000000] [--days 30]
 *   DATABASE_URL=file:/tmp/big.db npx tsx scripts/seed-traces.ts --measure
 */
import path from "node:path";
import { percentile } from "../bench/load";
import { costDashboard, explorerPage, seedTraces, sqliteBulkInserter, timeRuns } from "../bench/traces-data";
import { disconnectDb } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { databaseUrl, providerOf, sqlitePath } from "../lib/db/provider";
import { closeRecordWriter } from "../lib/db/record-writer";
import { tracesRepo } from "../lib/db/traces.repo";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

async function seed(count: number, days: number): Promise<void> {
  await migrate(databaseUrl());
  const bulk = providerOf(databaseUrl()) === "sqlite" ? await sqliteBulkInserter(path.resolve(sqlitePath(databaseUrl()))) : null;
  const batch = 2_000;
  try {
    const r = await seedTraces({
      count,
      days,
      batch,
      ...(bulk ? { insert: bulk.insert } : {}),
      onProgress: (n, ms) => {
        if (n % (batch * 50) === 0 || n === count) console.log(`${n} rows, ${Math.round(ms / 1000)} s`);
      },
    });
    console.log(`seeded ${count} rows in ${Math.round(r.insertMs / 1000)} s (${Math.round((count / r.insertMs) * 1000)} rows/s)`);
  } finally {
    bulk?.close();
  }
}

async function time(name: string, fn: () => Promise<unknown>, runs = 30): Promise<void> {
  const ms = (await timeRuns(fn, runs)).sort((a, b) => a - b);
  const p = (q: number) => percentile(ms, q).toFixed(1);
  console.log(`${name.padEnd(48)} p50 ${p(0.5).padStart(7)} ms   p95 ${p(0.95).padStart(7)} ms`);
}

async function measure(): Promise<void> {
  const list = explorerPage;
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
    await time(`costs: 30 days by ${groupBy}, day`, costDashboard({ groupBy, granularity: "day" }));
  }
  await time("costs: 30 days by route, hour", costDashboard({ groupBy: "route", granularity: "hour" }));
}

async function main(): Promise<void> {
  if (process.argv.includes("--measure")) await measure();
  else await seed(Number(arg("count", "1000000")), Number(arg("days", "30")));
  await disconnectDb();
  await closeRecordWriter();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
