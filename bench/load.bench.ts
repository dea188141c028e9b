/**
 * The sustained-load bench: thinkgate with recording on, in front of the
 * standalone simulator (answering instantly), at concurrency 50 for 60 seconds
 * (10 with --quick). It reports throughput, errors, non-2xx answers, records
 * lost, and the gateway's memory: RSS at the start of the measured phase, at
 * its end and at its peak, sampled every second.
 *
 *   npx tsx bench/run.ts --only load
 *   THINKGATE_LOAD_SECONDS=120 npx tsx bench/run.ts --only load
 *
 * The load generator is bench/load.ts, the project's own closed-loop client
 * (nanosecond timing, exact outcome counts), rather than autocannon: the
 * figures that matter here are exact counts (every answer, every record), and
 * it reports them per status without sampling.
 *
 * Records lost = answers the gateway gave (2xx and not) − rows in
 * "RequestRecord", counted read-only after SIGTERM, when the gateway has
 * flushed its recorder.
 */
import fs from "node:fs";
import Database from "better-sqlite3";
import { percentile, runLoad } from "./load";
import { rssMiB, startGateway, startSimulator } from "./procs";

interface BenchFigure {
  name: string;
  unit: string;
  samples: number[];
}

export interface LoadBenchResult {
  seconds: number;
  concurrency: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  errorSamples: string[];
  statuses: Record<string, number>;
  rps: number;
  p99Ms: number;
  records: number;
  lost: number;
  rssStartMiB: number;
  rssEndMiB: number;
  rssPeakMiB: number;
  /** RSS at the midpoint of the measured phase: start → mid is warm-up growth, mid → end is what a leak would show. */
  rssMidMiB: number;
  /** Every 10 s of the measured phase: RSS (MiB) and the records still queued in the recorder (from /api/health). */
  series: { s: number; rssMiB: number; queued: number | null }[];
}

const BODY = Buffer.from(
  JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user", content: "Summarize: the meeting moved to Tuesday." }] }),
);

function countRows(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM "RequestRecord"`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

export async function runLoadBench(opts: { seconds: number; concurrency: number; log?: (line: string) => void }): Promise<LoadBenchResult> {
  const log = opts.log ?? (() => {});
  const sim = await startSimulator();
  const gw = await startGateway(`${sim.url}/api/simulator`);
  try {
    const pid = gw.proc.pid!;
    const target = {
      url: `${gw.url}/api/v1/messages`,
      headers: { "content-type": "application/json", "x-api-key": gw.adminKey, "anthropic-version": "2026-10-21", "thinkgate-task": "summarize" },
      body: BODY,
    };
    // Warm-up (JIT, pools, caches) is a separate run; its answers count as records too.
    const warm = await runLoad(target, { concurrency: opts.concurrency, warmup: 0, requests: 1_000 });
    const rssStart = rssMiB(pid);
    let rssPeak = rssStart;
    let rssMid = rssStart;
    const series: LoadBenchResult["series"] = [];
    const t0 = Date.now();
    let tick = 0;
    const sampler = setInterval(() => {
      const r = rssMiB(pid);
      rssPeak = Math.max(rssPeak, r);
      if (Date.now() - t0 <= (opts.seconds * 1000) / 2) rssMid = r;
      // The recorder's backlog explains RSS: records waiting for the database are held in memory.
      if (++tick % 10 === 0) {
        const point: LoadBenchResult["series"][number] = { s: tick, rssMiB: Math.round(r), queued: null };
        series.push(point);
        fetch(`${gw.url}/api/health`)
          .then((res) => res.json() as Promise<{ recorder?: { queued?: number } }>)
          .then((h) => (point.queued = h.recorder?.queued ?? null))
          .catch(() => {});
      }
    }, 1_000);
    log(`load: concurrency ${opts.concurrency} for ${opts.seconds} s against ${target.url}`);
    let run;
    try {
      run = await runLoad(target, { concurrency: opts.concurrency, warmup: 0, durationMs: opts.seconds * 1000 });
    } finally {
      clearInterval(sampler);
    }
    const rssEnd = rssMiB(pid);
    rssPeak = Math.max(rssPeak, rssEnd);
    const stopped = await gw.stop("SIGTERM");
    if (stopped.killed || stopped.code !== 0) throw new Error(`the gateway did not stop cleanly: ${JSON.stringify(stopped)}\n${gw.output().slice(-2000)}`);
    const records = countRows(gw.dbPath);
    const answered = warm.ok + warm.non2xx + run.ok + run.non2xx;
    const statuses = { ...warm.statuses };
    for (const [s, n] of Object.entries(run.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
    return {
      seconds: opts.seconds,
      concurrency: opts.concurrency,
      sent: warm.sent + run.sent,
      ok: warm.ok + run.ok,
      non2xx: warm.non2xx + run.non2xx,
      errors: warm.errors + run.errors,
      errorSamples: [...warm.errorSamples, ...run.errorSamples].slice(0, 5),
      statuses,
      rps: run.rps,
      p99Ms: percentile(run.ttlbMs, 0.99),
      records,
      lost: answered - records,
      rssStartMiB: rssStart,
      rssMidMiB: rssMid,
      rssEndMiB: rssEnd,
      rssPeakMiB: rssPeak,
      series,
    };
  } finally {
    await gw.stop("SIGKILL");
    await sim.stop("SIGTERM");
    fs.rmSync(gw.dir, { recursive: true, force: true });
  }
}

/** The bench/run.ts entry: one run, its figures. */
export default async function loadBench(opts: { quick?: boolean } = {}): Promise<BenchFigure[]> {
  const seconds = Number(process.env.THINKGATE_LOAD_SECONDS ?? (opts.quick ? 10 : 60));
  const r = await runLoadBench({ seconds, concurrency: 50, log: (l) => process.stderr.write(l + "\n") });
  process.stderr.write(
    `load: c${r.concurrency} ${r.seconds} s: ${r.sent} requests, ${r.rps.toFixed(0)} req/s, p99 ${r.p99Ms.toFixed(1)} ms, errors ${r.errors}, non-2xx ${r.non2xx}${r.non2xx ? ` ${JSON.stringify(r.statuses)}` : ""}, records ${r.records} (lost ${r.lost}), RSS start ${r.rssStartMiB.toFixed(0)} MiB, mid ${r.rssMidMiB.toFixed(0)}, end ${r.rssEndMiB.toFixed(0)}, peak ${r.rssPeakMiB.toFixed(0)}${r.errorSamples.length ? `; errors: ${r.errorSamples.join(" | ")}` : ""}\n` +
      `load: every 10 s: ${r.series.map((p) => `${p.s} s ${p.rssMiB} MiB (recorder queue ${p.queued ?? "?"})`).join(", ")}\n`,
  );
  const f = (name: string, unit: string, v: number): BenchFigure => ({ name: `${name} (c${r.concurrency}, ${r.seconds} s)`, unit, samples: [v] });
  return [
    f("load: requests/s", "req/s", r.rps),
    f("load: p99 latency", "ms", r.p99Ms),
    f("load: network errors", "count", r.errors),
    f("load: non-2xx answers", "count", r.non2xx),
    f("load: records lost", "count", r.lost),
    f("load: gateway RSS at start", "MiB", r.rssStartMiB),
    f("load: gateway RSS at end", "MiB", r.rssEndMiB),
    f("load: gateway RSS peak", "MiB", r.rssPeakMiB),
  ];
}
