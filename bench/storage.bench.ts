/**
 * Storage bench: the trace explorer, its full-text search and the cost
 * dashboard on a large SQLite database.
 *
 * On a fresh temporary database (file:/tmp/thinkgate-storage-bench-*.db,
 * migrated with lib/db/migrate.ts, deleted at the end) it writes 1,000,000
 * synthetic records (--quick: 100,000) spread over the last 30 days, through
 * ordinary INSERTs so the full-text and cost-rollup triggers and every index
 * do their work (bench/traces-data.ts: sqliteBulkInserter — the recorder's
 * statement, on a connection with the journal in memory while loading; set
 * THINKGATE_BENCH_SEED=recorder to load through requestsRepo.insertMany, the
 * recorder's WAL connection, instead: 20–40% slower here). Then it times, in
 * this process, the functions the HTTP handlers call, with the database in WAL
 * mode as the app runs it:
 *
 *   storage.search_*.100k             right after the first 100,000 records: explorer searches
 *                                     (traceQuerySchema → toTraceFilter → tracesRepo.list with q=…):
 *                                     a common word, a rare word (a record's number: one match),
 *                                     two words, a prefix ("lat*", "123*": 1 to ~100 words), rotating
 *                                     (extra: the same at the full size, storage.search_*.1m)
 *   storage.explorer_first_page_*     the explorer's first page (50 rows) with one filter (tier, route,
 *                                     status, app, has hedging, cost range; values rotate), each
 *                                     alone and with a time range (last hour / 24 h / 7 days / 30 days
 *                                     presets, or a one-day window two weeks back)
 *   storage.cost_summary_30d_*        costSummary (GET /api/costs/summary) for the default 30 days: by
 *                                     route daily (the figure), by model hourly (extra)
 *   storage.seed_* / db_size          loading rate per tenth of the load, load time, database size
 *
 * Latency figures come in pairs: `*_p95_ms` has one sample per round (the p95
 * of that round's queries; 5 rounds after a warm-up), `*_ms` has every
 * per-query latency (its median is the p50). Per-kind figures (`….common`,
 * `….tier`, …) show which query is the slow one. Times are milliseconds of
 * wall time around the awaited call, server side: no HTTP, no JSON encoding.
 * The database was just written, so it sits in the OS page cache: reads from
 * a cold disk are not measured. No ANALYZE is run (the app runs none).
 *
 *   npx tsx bench/storage.bench.ts [--quick] [--keep]    prints the figures (--keep: leave the database)
 *   npm run bench -- --only storage [--quick]            through bench/run.ts
 */
import fs from "node:fs";
import { pathToFileURL } from "node:url";
import { percentile } from "./load";
import { costDashboard, explorerPage, rng, seedTraces, sqliteBulkInserter, type BulkInserter } from "./traces-data";
import { disconnectDb } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { closeRecordWriter } from "../lib/db/record-writer";
import { requestsRepo } from "../lib/db/requests.repo";
import { filtersToApiQuery, type Filters } from "../lib/traces/url";

export interface BenchFigure {
  name: string;
  unit: string;
  samples: number[];
}

const FULL = { count: 1_000_000, searchAt: 100_000, days: 30, batch: 10_000, rounds: 5 };
const QUICK = { ...FULL, count: 100_000 };

/** Queries per round: every kind runs this many times per round, interleaved (kind 1, kind 2, …, kind 1, …). */
const PER_ROUND = { search: 13, explorer: 5, cost: 20 };

const label = (n: number) => (n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}m` : n % 1000 === 0 ? `${n / 1000}k` : String(n));

type Query = () => Promise<unknown>;

/** A kind of query; `make(i)` is its i-th variant (values rotate with i). */
interface Kind {
  name: string;
  make: (i: number) => Query;
}

interface Measured {
  /** Every timed query, in order. */
  all: number[];
  byKind: Map<string, number[]>;
  roundP95: number[];
  /** Rows the explorer returned per kind in the warm-up (a query that finds nothing measures little). */
  rowsByKind: Map<string, number[]>;
}

const sorted = (v: number[]) => [...v].sort((a, b) => a - b);

/** Warm-up (every kind `warmup` times), then `rounds` rounds of `perRound` queries of every kind, interleaved. */
async function measure(kinds: Kind[], rounds: number, perRound: number, warmup = 3): Promise<Measured> {
  const rowsByKind = new Map<string, number[]>(kinds.map((k) => [k.name, []]));
  for (let i = 0; i < warmup; i++) {
    for (const k of kinds) {
      const res = (await k.make(1000 + i)()) as { rows?: unknown[] } | undefined;
      if (Array.isArray(res?.rows)) rowsByKind.get(k.name)!.push(res.rows.length);
    }
  }
  const all: number[] = [];
  const byKind = new Map<string, number[]>(kinds.map((k) => [k.name, []]));
  const roundP95: number[] = [];
  let i = 0;
  for (let r = 0; r < rounds; r++) {
    const round: number[] = [];
    for (let j = 0; j < perRound; j++, i++) {
      for (const k of kinds) {
        const q = k.make(i);
        const t = performance.now();
        await q();
        const ms = performance.now() - t;
        round.push(ms);
        byKind.get(k.name)!.push(ms);
      }
    }
    roundP95.push(percentile(sorted(round), 0.95));
    all.push(...round);
  }
  return { all, byKind, roundP95, rowsByKind };
}

function describe(name: string, m: Measured): string {
  const line = (n: string, v: number[], rows?: number[]) => {
    const s = sorted(v);
    const r = rows?.length ? `  rows ${rows.join("/")}` : "";
    return `  ${n.padEnd(44)} n ${String(s.length).padStart(4)}  p50 ${percentile(s, 0.5).toFixed(1).padStart(7)}  p95 ${percentile(s, 0.95).toFixed(1).padStart(7)}  max ${s[s.length - 1]!.toFixed(1).padStart(7)} ms${r}`;
  };
  const kinds = m.byKind.size > 1 ? [...m.byKind].map(([k, v]) => line(`  ${k}`, v, m.rowsByKind.get(k))) : [];
  const empty = [...m.rowsByKind].filter(([, r]) => r.length && r.every((x) => x === 0)).map(([k]) => k);
  if (empty.length) kinds.push(`  warning: no rows in the warm-up for ${empty.join(", ")}`);
  return [line(name, m.all), ...kinds].join("\n");
}

/** The pair of figures of a measurement, plus one per kind (samples: that kind's per-query latencies). */
function figures(base: string, suffix: string, m: Measured, kindNames?: (k: string) => string | null): BenchFigure[] {
  const out: BenchFigure[] = [
    { name: `storage.${base}_p95_ms.${suffix}`, unit: "ms (p95 per round)", samples: m.roundP95 },
    { name: `storage.${base}_ms.${suffix}`, unit: "ms per query", samples: m.all },
  ];
  if (kindNames) {
    const grouped = new Map<string, number[]>();
    for (const [k, v] of m.byKind) {
      const g = kindNames(k);
      if (g) grouped.set(g, [...(grouped.get(g) ?? []), ...v]);
    }
    for (const [g, v] of grouped) out.push({ name: `storage.${base}_ms.${suffix}.${g}`, unit: "ms per query", samples: v });
  }
  return out;
}

// ---------------------------------------------------------------------------
// The queries.

function searchKinds(rows: number): Kind[] {
  const r = rng(7);
  const rare = Array.from({ length: 4096 }, () => Math.floor(r() * rows));
  const pick = <T>(xs: readonly T[], i: number) => xs[i % xs.length]!;
  const search = (q: string) => explorerPage({ q });
  return [
    // In nearly every record (the synthetic text draws from 20 words).
    { name: "common", make: (i) => search(pick(["cache", "invoice", "latency", "queue"], i)) },
    // A record's number: in exactly one prompt.
    { name: "rare", make: (i) => search(String(pick(rare, i))) },
    // Two words, both required: two common ones, or a common one with a hedge word of the reasoning records' thinking.
    { name: "two_words", make: (i) => search(pick(["retry budget", "invoice schema", "lock probably", "token alternatively"], i)) },
    // Prefixes: one common word each, or a number prefix matching ~100 different words.
    { name: "prefix", make: (i) => search(pick(["lat*", "inv*", "123*", "sch*"], i)) },
  ];
}

const FILTERS: { name: string; values: Filters[] }[] = [
  { name: "tier", values: [{ tier: "reasoning" }, { tier: "standard" }] },
  { name: "route", values: [{ route: "reasoning-deep" }, { route: "reasoning" }, { route: "standard" }] },
  { name: "status", values: [{ status: "error" }, { status: "ok" }] },
  { name: "app", values: [{ app: "hr" }, { app: "billing" }, { app: "ide" }, { app: "faq-bot" }] },
  { name: "hedging", values: [{ hedging: "true" }] },
  { name: "cost_range", values: [{ costMin: "0.05", costMax: "0.1" }, { costMin: "0.15" }, { costMax: "0.01" }, { costMin: "0.02", costMax: "0.03" }] },
];

/** Time ranges as the page sends them: its presets (→ from) or an explicit from/to (one day, two weeks back). */
function timeRange(i: number, now: number): Record<string, string> {
  const presets = ["1h", "24h", "7d", "30d"];
  if (i % 5 < 4) return filtersToApiQuery({ range: presets[i % 5]! }, now);
  const day = Math.floor(now / 86_400_000) - 14;
  return { from: new Date(day * 86_400_000).toISOString(), to: new Date((day + 1) * 86_400_000).toISOString() };
}

function explorerKinds(): Kind[] {
  const kinds: Kind[] = [];
  for (const f of FILTERS) {
    const filter = (i: number) => filtersToApiQuery(f.values[i % f.values.length]!, Date.now());
    kinds.push({ name: f.name, make: (i) => explorerPage(filter(i)) });
    kinds.push({ name: `${f.name} + time range`, make: (i) => explorerPage({ ...filter(i), ...timeRange(i, Date.now()) }) });
  }
  return kinds;
}

// ---------------------------------------------------------------------------

function dbFiles(file: string): string[] {
  return ["", "-wal", "-shm", "-journal"].map((s) => file + s);
}

function sizeMiB(file: string): number {
  return dbFiles(file).reduce((n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0) / 1024 ** 2;
}

export async function storageBench(opts: { quick?: boolean; keep?: boolean } = {}): Promise<BenchFigure[]> {
  const settings = opts.quick ? QUICK : FULL;
  const log = (s: string) => process.stderr.write(`storage: ${s}\n`);
  const t0 = performance.now();
  const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
  const file = `/tmp/thinkgate-storage-bench-${process.pid}-${Date.now()}.db`;
  const url = `file:${file}`;
  const previousUrl = process.env.DATABASE_URL;
  const viaRecorder = process.env.THINKGATE_BENCH_SEED === "recorder";
  const out: BenchFigure[] = [];
  let bulk: BulkInserter | null = null;

  // The app's code reads DATABASE_URL on every db() call: point it at the temporary database.
  await disconnectDb();
  await closeRecordWriter();
  process.env.DATABASE_URL = url;
  try {
    await migrate(url);
    if (!viaRecorder) bulk = await sqliteBulkInserter(file);
    log(`${file}: migrated; writing ${settings.count.toLocaleString("en")} records ${viaRecorder ? "through requestsRepo.insertMany (WAL)" : "through the bulk inserter (journal in memory)"}, ${settings.batch} per transaction`);

    const segment = settings.count / 10;
    const segmentRates: number[] = [];
    let lastMark = { n: 0, ms: 0 };
    const searchAt = Math.min(settings.searchAt, settings.count);
    const atSearch: { measured?: Measured; sizeMiB?: number } = {};

    const seeded = await seedTraces({
      count: settings.count,
      days: settings.days,
      batch: settings.batch,
      insert: bulk ? bulk.insert : requestsRepo.insertMany,
      onProgress: async (n, ms) => {
        if (n - lastMark.n >= segment || n === settings.count) {
          segmentRates.push(((n - lastMark.n) / (ms - lastMark.ms)) * 1000);
          lastMark = { n, ms };
          log(`${n.toLocaleString("en")} records, ${(ms / 1000).toFixed(1)} s of loading (${Math.round((n / ms) * 1000)} records/s), ${elapsed()} in all`);
        }
        if (n === searchAt) {
          // Measure with the database as the app has it: WAL, read through Prisma.
          bulk?.journal("wal");
          atSearch.sizeMiB = sizeMiB(file);
          log(`searching at ${n.toLocaleString("en")} records (${atSearch.sizeMiB.toFixed(0)} MiB)`);
          atSearch.measured = await measure(searchKinds(n), settings.rounds, PER_ROUND.search);
          log(`search at ${label(n)}:\n${describe("search", atSearch.measured)}`);
          // Leaving WAL needs the only connection: close Prisma's (db() opens it again on use).
          await disconnectDb();
          bulk?.journal("bulk");
        }
      },
    });
    bulk?.close(); // back to WAL
    bulk = null;
    const n = label(settings.count);
    const size = sizeMiB(file);
    log(`loaded ${settings.count.toLocaleString("en")} records in ${(seeded.insertMs / 1000).toFixed(1)} s of loading (${Math.round((settings.count / seeded.insertMs) * 1000)} records/s); ${size.toFixed(0)} MiB; ${elapsed()} in all`);

    // Extra: the same searches at the full size (the figure is at 100,000).
    const searchFull = settings.count > searchAt ? await measure(searchKinds(settings.count), settings.rounds, PER_ROUND.search) : null;
    if (searchFull) log(`search at ${n}:\n${describe("search", searchFull)}`);
    const explorer = await measure(explorerKinds(), settings.rounds, PER_ROUND.explorer);
    log(`explorer first page at ${n}:\n${describe("explorer", explorer)}`);
    const byRoute = await measure([{ name: "by route, daily", make: () => costDashboard({ groupBy: "route", granularity: "day" }) }], settings.rounds, PER_ROUND.cost);
    const byModel = await measure([{ name: "by model, hourly", make: () => costDashboard({ groupBy: "model", granularity: "hour" }) }], settings.rounds, PER_ROUND.cost);
    log(`cost summary, 30 days, at ${n}:\n${describe("by route, daily", byRoute)}\n${describe("by model, hourly", byModel)}`);

    if (atSearch.measured) out.push(...figures("search", label(searchAt), atSearch.measured, (k) => k));
    if (searchFull) out.push(...figures("search", n, searchFull, (k) => k));
    out.push(...figures("explorer_first_page", n, explorer, (k) => k.replace(" + time range", "")));
    out.push(...figures("cost_summary_30d_by_route", n, byRoute));
    out.push(...figures("cost_summary_30d_by_model_hourly", n, byModel));
    out.push(
      { name: `storage.seed_records_per_s.${n}`, unit: `records/s per tenth of the load${viaRecorder ? " (recorder, WAL)" : " (bulk, journal in memory)"}`, samples: segmentRates },
      { name: `storage.seed_s.${n}`, unit: "s of loading (generation + insert)", samples: [seeded.insertMs / 1000] },
      ...(searchAt < settings.count ? [{ name: `storage.db_size_mib.${label(searchAt)}`, unit: "MiB (db + wal)", samples: [atSearch.sizeMiB ?? NaN] }] : []),
      { name: `storage.db_size_mib.${n}`, unit: "MiB (db + wal)", samples: [size] },
    );
    log(`done in ${elapsed()}`);
    return out;
  } finally {
    bulk?.close();
    await disconnectDb();
    await closeRecordWriter();
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
    if (opts.keep) log(`kept ${file}`);
    else for (const f of dbFiles(file)) fs.rmSync(f, { force: true });
  }
}

export default storageBench;

if (process.argv[1] && pathToFileURL(process.argv[1]).href === pathToFileURL(__filename).href) {
  storageBench({ quick: process.argv.includes("--quick"), keep: process.argv.includes("--keep") })
    .then((figs) => {
      for (const f of figs) {
        const s = sorted(f.samples);
        process.stdout.write(
          `${f.name.padEnd(58)} median ${percentile(s, 0.5).toFixed(1).padStart(9)}  p25–p75 ${percentile(s, 0.25).toFixed(1)}–${percentile(s, 0.75).toFixed(1)}  n ${s.length}  ${f.unit}\n`,
        );
      }
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
