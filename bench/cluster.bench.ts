/**
 * Cluster bench: thinkgate as deployed in production, on PostgreSQL and Redis.
 *
 *   cluster.rps.1_instance_pg          sustained requests/s through one instance, recording on
 *   cluster.rps.2_instances_pg         the same through two instances on one database and one Redis
 *                                      prefix: two closed-loop generators (bench/load.ts), one per
 *                                      instance at half the concurrency each, summed (what a
 *                                      round-robin balancer in front of two instances sees)
 *   cluster.rps.2_instances_pg.limited the same with a key that has an rpm limit and a daily budget
 *                                      (one Redis round trip per request to admit, one to settle)
 *   cluster.rule_propagation_ms        a rule saved on instance A (POST /api/rules answered) until
 *                                      instance B routes a request by it (polled with POST /api/v1/route)
 *
 * Non-streaming JSON requests, the standalone simulator at zero latency as the
 * upstream, the gateways with their production settings (recorder batching,
 * 10 % trace sampling). Each configuration gets a fresh PostgreSQL database
 * (dropped afterwards) and its own Redis prefix (deleted afterwards).
 *
 *   npx tsx bench/cluster.bench.ts [--quick]     prints the figures
 *   npm run bench -- --only cluster [--quick]    through bench/run.ts
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import Redis from "ioredis";
import { runLoad, type LoadResult, type LoadTarget } from "./load";
import { freshDatabase } from "../tests/support/server";
import { startGateway, startSimulator, type Gateway, type Proc } from "./procs";

export interface BenchFigure {
  name: string;
  unit: string;
  samples: number[];
}

const REDIS_URL = process.env.THINKGATE_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

const FULL = { concurrency: 10, warmup: 300, durationMs: 15_000, propagations: 20 };
const QUICK = { concurrency: 10, warmup: 100, durationMs: 5_000, propagations: 5 };

const BODY = Buffer.from(
  JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user", content: "Summarize: the meeting moved to Tuesday." }] }),
);

function target(gw: Proc, key: string): LoadTarget {
  return {
    url: `${gw.url}/api/v1/messages`,
    headers: { "content-type": "application/json", "x-api-key": key, "anthropic-version": "2026-10-21", "thinkgate-task": "summarize" },
    body: BODY,
  };
}

interface Cluster {
  gateways: Gateway[];
  adminKey: string;
  stop(): Promise<void>;
}

async function startCluster(sim: Proc, instances: number): Promise<Cluster> {
  const db = await freshDatabase("postgresql");
  const prefix = `thinkgate-bench:${crypto.randomBytes(4).toString("hex")}:`;
  const adminKey = `tg_bench_${crypto.randomBytes(12).toString("hex")}`;
  const env = { DATABASE_URL: db.url, REDIS_URL, THINKGATE_REDIS_PREFIX: prefix, THINKGATE_BOOTSTRAP_KEY: adminKey };
  const gateways: Gateway[] = [];
  const spools: string[] = [];
  try {
    // One after the other: the first one migrates and seeds the database.
    for (let i = 0; i < instances; i++) {
      // Each process keeps its own record spool (lib/recorder), as each instance of a deployment does.
      const spool = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-bench-spool-"));
      spools.push(spool);
      gateways.push(await startGateway(`${sim.url}/api/simulator`, { env: { ...env, THINKGATE_SPOOL_DIR: spool } }));
    }
  } catch (err) {
    await Promise.all(gateways.map((g) => g.stop()));
    for (const dir of spools) fs.rmSync(dir, { recursive: true, force: true });
    await db.drop();
    throw err;
  }
  return {
    gateways,
    adminKey,
    async stop() {
      await Promise.all(gateways.map((g) => g.stop("SIGTERM")));
      for (const dir of [...gateways.map((g) => g.dir), ...spools]) fs.rmSync(dir, { recursive: true, force: true });
      await db.drop();
      const r = new Redis(REDIS_URL);
      const keys = await r.keys(`${prefix}*`);
      if (keys.length) await r.del(...keys);
      await r.quit();
    },
  };
}

async function api(gw: Proc, key: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Closed-loop load on every instance at once, the concurrency split between them; requests/s summed. */
async function load(c: Cluster, key: string, o: typeof FULL): Promise<{ rps: number; failures: number; results: LoadResult[] }> {
  const per = Math.max(1, Math.round(o.concurrency / c.gateways.length));
  const results = await Promise.all(
    c.gateways.map((g) => runLoad(target(g, key), { concurrency: per, warmup: Math.round(o.warmup / c.gateways.length), durationMs: o.durationMs })),
  );
  return { rps: results.reduce((t, r) => t + r.rps, 0), failures: results.reduce((t, r) => t + r.non2xx + r.errors, 0), results };
}

/** Saves a rule on A that names a fresh word, then polls B until it routes by that rule. */
async function propagation(a: Proc, b: Proc, key: string): Promise<number> {
  const word = `probe${crypto.randomBytes(4).toString("hex")}`;
  const current = (await api(a, key, "GET", "/api/rules")) as { version: number; rules: unknown[] };
  const rule = { id: word, name: `Bench ${word}`, description: "", enabled: true, when: { promptContains: [word] }, then: { routeId: "reasoning" } };
  await api(a, key, "POST", "/api/rules", { rules: [rule, ...current.rules.filter((r) => !String((r as { id: string }).id).startsWith("probe"))], note: "cluster bench", baseVersion: current.version });
  const t0 = performance.now();
  const probe = { model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: `Route ${word} please.` }] };
  while (performance.now() - t0 < 5_000) {
    const d = (await api(b, key, "POST", "/api/v1/route", probe)) as { ruleId?: string };
    if (d.ruleId === word) return performance.now() - t0;
  }
  throw new Error(`instance B did not route by rule ${word} within 5 s`);
}

export async function clusterBench(opts: { quick?: boolean } = {}): Promise<BenchFigure[]> {
  const o = opts.quick ? QUICK : FULL;
  const log = (line: string) => process.stderr.write(`  cluster: ${line}\n`);
  const figures: BenchFigure[] = [];
  const sim = await startSimulator();
  try {
    let c = await startCluster(sim, 1);
    try {
      const one = await load(c, c.adminKey, o);
      log(`1 instance: ${one.rps.toFixed(0)} req/s, ${one.failures} failures`);
      if (one.failures) throw new Error(`1 instance: ${one.failures} failed requests (${JSON.stringify(one.results.map((r) => r.statuses))})`);
      figures.push({ name: "cluster.rps.1_instance_pg", unit: "req/s", samples: [one.rps] });
    } finally {
      await c.stop();
    }

    c = await startCluster(sim, 2);
    try {
      const two = await load(c, c.adminKey, o);
      log(`2 instances: ${two.rps.toFixed(0)} req/s, ${two.failures} failures`);
      if (two.failures) throw new Error(`2 instances: ${two.failures} failed requests (${JSON.stringify(two.results.map((r) => r.statuses))})`);
      figures.push({ name: "cluster.rps.2_instances_pg", unit: "req/s", samples: [two.rps] });

      const limited = (await api(c.gateways[0]!, c.adminKey, "POST", "/api/keys", {
        name: "bench limited",
        role: "gateway",
        limits: { rpm: 100_000, usdPerDay: 1_000_000, action: "reject" },
      })) as { secret: string };
      const lim = await load(c, limited.secret, o);
      log(`2 instances, limited key: ${lim.rps.toFixed(0)} req/s, ${lim.failures} failures`);
      if (lim.failures) throw new Error(`2 instances, limited key: ${lim.failures} failed requests (${JSON.stringify(lim.results.map((r) => r.statuses))})`);
      figures.push({ name: "cluster.rps.2_instances_pg.limited", unit: "req/s", samples: [lim.rps] });

      const ms: number[] = [];
      for (let i = 0; i < o.propagations; i++) ms.push(await propagation(c.gateways[i % 2]!, c.gateways[(i + 1) % 2]!, c.adminKey));
      log(`rule propagation: ${ms.map((m) => m.toFixed(1)).join(", ")} ms`);
      figures.push({ name: "cluster.rule_propagation_ms", unit: "ms", samples: ms });
    } finally {
      await c.stop();
    }
  } finally {
    await sim.stop();
  }
  return figures;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === pathToFileURL(__filename).href) {
  clusterBench({ quick: process.argv.includes("--quick") })
    .then((figures) => {
      for (const f of figures) process.stdout.write(`${f.name}\t${f.unit}\t${f.samples.map((s) => s.toFixed(1)).join(" ")}\n`);
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
