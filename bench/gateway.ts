/**
 * The gateway bench: what thinkgate adds over calling the upstream directly,
 * its throughput with recording on, whether any record is lost, and its memory.
 *
 * Against the standalone simulator answering instantly (THINKGATE_SIM_LATENCY=
 * zero), on loopback, every server its own process; the load generator runs
 * in this process and only one target is under load at a time.
 *
 * Each run:
 *   1. simulator + gateway A (fresh SQLite DB). For JSON and streaming, at
 *      concurrency 1 and 10: the simulator directly, then the gateway, or the
 *      other way round (the order alternates across runs and configurations).
 *      Added latency = gateway percentile − direct percentile, per run.
 *   2. gateway B (fresh SQLite DB): RSS at rest; exactly N requests (10,000)
 *      at concurrency 10, JSON — the first ones a warm-up, the rest give the
 *      requests/s and p99; RSS after the load; SIGTERM (the gateway flushes
 *      its recorder) and count the rows of "RequestRecord" read-only.
 */
import fs from "node:fs";
import os from "node:os";
import Database from "better-sqlite3";
import { percentile, runLoad, type LoadResult, type LoadTarget } from "./load";
import { cpuMs, machineBusyMs, rssMiB, startGateway, startSimulator, type Gateway, type Proc } from "./procs";
import type { Figure } from "./report";

export interface GatewayBenchOptions {
  runs: number;
  /** Measured requests per latency phase, by concurrency. */
  latency: { c1: { warmup: number; requests: number }; c10: { warmup: number; requests: number } };
  /** Requests of the no-lost-records phase (all count as records), the first `recordsWarmup` excluded from rps/p99. */
  records: number;
  recordsWarmup: number;
  /** Requests of each kind (JSON, streaming) sent at concurrency 10 to each fresh process before any phase (JIT, pools), not recorded. */
  processWarmup: number;
  log: (line: string) => void;
}

export const FULL: Omit<GatewayBenchOptions, "log"> = {
  runs: 3,
  latency: { c1: { warmup: 200, requests: 1_500 }, c10: { warmup: 300, requests: 3_000 } },
  records: 10_000,
  recordsWarmup: 1_000,
  processWarmup: 500,
};

export const QUICK: Omit<GatewayBenchOptions, "log"> = {
  runs: 1,
  latency: { c1: { warmup: 50, requests: 300 }, c10: { warmup: 100, requests: 1_000 } },
  records: 2_000,
  recordsWarmup: 200,
  processWarmup: 200,
};

const REQUEST = {
  model: "claude-sonnet-4-6",
  max_tokens: 256,
  messages: [{ role: "user", content: "Summarize: the meeting moved to Tuesday." }],
};

const JSON_BODY = Buffer.from(JSON.stringify(REQUEST));
const STREAM_BODY = Buffer.from(JSON.stringify({ ...REQUEST, stream: true }));

function directTarget(sim: Proc, stream: boolean): LoadTarget {
  return {
    url: `${sim.url}/api/simulator/v1/messages`,
    headers: { "content-type": "application/json", "x-api-key": "x", "anthropic-version": "2026-10-21" },
    body: stream ? STREAM_BODY : JSON_BODY,
  };
}

function gatewayTarget(gw: Gateway, stream: boolean): LoadTarget {
  return {
    url: `${gw.url}/api/v1/messages`,
    headers: {
      "content-type": "application/json",
      "x-api-key": gw.adminKey,
      "anthropic-version": "2026-10-21",
      "thinkgate-task": "summarize",
    },
    body: stream ? STREAM_BODY : JSON_BODY,
  };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function countRows(dbPath: string): { found: number | null; error?: string } {
  try {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare(`SELECT COUNT(*) AS n FROM "RequestRecord"`).get() as { n: number };
      return { found: row.n };
    } finally {
      db.close();
    }
  } catch (err) {
    return { found: null, error: err instanceof Error ? err.message : String(err) };
  }
}

function outcome(r: LoadResult) {
  return { sent: r.sent, ok: r.ok, non2xx: r.non2xx, statuses: r.statuses, errors: r.errors, errorSamples: r.errorSamples, measured: r.count, wallMs: Math.round(r.wallMs), rps: Math.round(r.rps) };
}

export interface GatewayBenchResult {
  figures: Figure[];
  runs: unknown[];
  notes: string[];
}

export async function gatewayBench(o: GatewayBenchOptions): Promise<GatewayBenchResult> {
  const values = new Map<string, { unit: string; samples: number[]; note?: string }>();
  const put = (name: string, unit: string, v: number, note?: string) => {
    const e = values.get(name) ?? { unit, samples: [], note };
    e.samples.push(v);
    values.set(name, e);
  };
  const runs: unknown[] = [];
  const notes: string[] = [];
  const configs = [
    { c: 1, stream: false },
    { c: 10, stream: false },
    { c: 1, stream: true },
    { c: 10, stream: true },
  ] as const;

  for (let run = 0; run < o.runs; run++) {
    const detail: Record<string, unknown> = { run: run + 1 };
    runs.push(detail);
    o.log(`gateway bench: run ${run + 1}/${o.runs}`);
    // Everything else the machine does during the run, to tell a quiet run from a noisy one.
    const wall0 = performance.now();
    const busy0 = machineBusyMs();
    const self0 = process.cpuUsage();
    let oursMs = 0;
    const sim = await startSimulator();
    let gw: Gateway | null = null;
    try {
      // ---- 1. latency, direct vs gateway ----
      gw = await startGateway(`${sim.url}/api/simulator`);
      for (const stream of [false, true]) {
        for (const t of [directTarget(sim, stream), gatewayTarget(gw, stream)]) {
          const w = await runLoad(t, { concurrency: 10, warmup: o.processWarmup, requests: 0 });
          if (w.non2xx || w.errors) notes.push(`run ${run + 1}, process warm-up ${t.url}${stream ? " (stream)" : ""}: ${w.non2xx} non-2xx ${JSON.stringify(w.statuses)}, ${w.errors} errors ${JSON.stringify(w.errorSamples)}`);
        }
      }
      await pause(500);
      const phases: Record<string, unknown> = {};
      const failures = { direct: 0, gateway: 0 };
      detail.latency = phases;
      for (let k = 0; k < configs.length; k++) {
        const { c, stream } = configs[k]!;
        const kind = stream ? "stream" : "json";
        const sizes = c === 1 ? o.latency.c1 : o.latency.c10;
        const directFirst = (run + k) % 2 === 0;
        const order: ("direct" | "gateway")[] = directFirst ? ["direct", "gateway"] : ["gateway", "direct"];
        const res: Partial<Record<"direct" | "gateway", LoadResult>> = {};
        for (const who of order) {
          const target = who === "direct" ? directTarget(sim, stream) : gatewayTarget(gw, stream);
          res[who] = await runLoad(target, { concurrency: c, warmup: sizes.warmup, requests: sizes.requests });
          await pause(300);
        }
        const d = res.direct!;
        const g = res.gateway!;
        phases[`c${c}.${kind}`] = { order, direct: outcome(d), gateway: outcome(g) };
        const series: [string, Float64Array, Float64Array][] = stream
          ? [
              ["stream_ttfb", d.ttfbMs, g.ttfbMs],
              ["stream_ttlb", d.ttlbMs, g.ttlbMs],
            ]
          : [["json", d.ttlbMs, g.ttlbMs]];
        for (const [label, ds, gs] of series) {
          for (const [p, q] of [
            ["p50", 0.5],
            ["p99", 0.99],
          ] as const) {
            const dv = percentile(ds, q);
            const gv = percentile(gs, q);
            put(`gateway.added_${p}_ms.c${c}.${label}`, "ms", gv - dv);
            put(`direct.${p}_ms.c${c}.${label}`, "ms", dv);
            put(`gateway.${p}_ms.c${c}.${label}`, "ms", gv);
          }
        }
        if (c === 10) {
          put(`direct.rps.c10.${kind}`, "req/s", d.rps);
          put(`gateway.rps_latency_phase.c10.${kind}`, "req/s", g.rps);
        }
        failures.direct += d.non2xx + d.errors;
        failures.gateway += g.non2xx + g.errors;
        if (d.non2xx + d.errors + g.non2xx + g.errors > 0)
          notes.push(
            `run ${run + 1}, c${c} ${kind}: direct ${d.non2xx} non-2xx ${JSON.stringify(d.statuses)} + ${d.errors} errors ${JSON.stringify(d.errorSamples)}; gateway ${g.non2xx} non-2xx ${JSON.stringify(g.statuses)} + ${g.errors} errors ${JSON.stringify(g.errorSamples)}`,
          );
        o.log(
          `  c${c} ${kind.padEnd(6)} direct p50 ${percentile(stream ? d.ttfbMs : d.ttlbMs, 0.5).toFixed(3)} ms, gateway p50 ${percentile(stream ? g.ttfbMs : g.ttlbMs, 0.5).toFixed(3)} ms${stream ? " (TTFB)" : ""}; order ${order.join("→")}`,
        );
      }
      put("direct.http_failures.latency_phases", "count", failures.direct, "non-2xx answers + network errors, all four configurations");
      put("gateway.http_failures.latency_phases", "count", failures.gateway, "non-2xx answers + network errors, all four configurations");
      oursMs += cpuMs(gw.proc.pid!);
      const stopA = await gw.stop("SIGTERM");
      detail.gatewayAStop = stopA;
      fs.rmSync(gw.dir, { recursive: true, force: true });
      gw = null;

      // ---- 2. throughput, records, memory ----
      gw = await startGateway(`${sim.url}/api/simulator`);
      await pause(1_000);
      const rest = rssMiB(gw.proc.pid!);
      const cpu0 = { gw: cpuMs(gw.proc.pid!), sim: cpuMs(sim.proc.pid!), self: process.cpuUsage() };
      const load = await runLoad(gatewayTarget(gw, false), { concurrency: 10, warmup: o.recordsWarmup, requests: o.records - o.recordsWarmup });
      const after = rssMiB(gw.proc.pid!);
      oursMs += cpuMs(gw.proc.pid!);
      const selfCpu = process.cpuUsage(cpu0.self);
      const cpu = {
        gatewayMsPerReq: (cpuMs(gw.proc.pid!) - cpu0.gw) / load.sent,
        simulatorMsPerReq: (cpuMs(sim.proc.pid!) - cpu0.sim) / load.sent,
        loadGeneratorMsPerReq: (selfCpu.user + selfCpu.system) / 1000 / load.sent,
      };
      const stopB = await gw.stop("SIGTERM");
      const rows = countRows(gw.dbPath);
      detail.records = { load: outcome(load), cpu, rssRestMiB: rest, rssAfterMiB: after, stop: stopB, rows, output: gw.output().slice(-2000) };
      fs.rmSync(gw.dir, { recursive: true, force: true });
      gw = null;

      put("gateway.rps.c10.json", "req/s", load.rps, `recording on; ${o.records - o.recordsWarmup} measured after ${o.recordsWarmup} warm-up`);
      put("gateway.rps_p99_ms.c10.json", "ms", percentile(load.ttlbMs, 0.99), "p99 latency during the requests/s measurement");
      put("gateway.rps_p50_ms.c10.json", "ms", percentile(load.ttlbMs, 0.5));
      put(`gateway.records.expected`, "count", load.sent);
      if (rows.found !== null) {
        put(`gateway.records.found`, "count", rows.found);
        put(`gateway.records.lost_after_${o.records}`, "count", load.sent - rows.found);
      } else notes.push(`run ${run + 1}: could not count records: ${rows.error}`);
      put(`gateway.http_non2xx_of_${o.records}`, "count", load.non2xx);
      put(`gateway.network_errors_of_${o.records}`, "count", load.errors);
      put("gateway.cpu_ms_per_req.c10.json", "ms", cpu.gatewayMsPerReq, "CPU time of the gateway process per request (user+sys), warm-up included; less sensitive to other load than latency");
      put("simulator.cpu_ms_per_req.c10.json", "ms", cpu.simulatorMsPerReq, "CPU time of the simulator process per request, same phase");
      put("loadgen.cpu_ms_per_req.c10.json", "ms", cpu.loadGeneratorMsPerReq, "CPU time of the bench process per request, same phase");
      put("gateway.rss_mb.rest", "MiB", rest);
      put("gateway.rss_mb.after_load", "MiB", after);
      put("gateway.shutdown_ms.after_load", "ms", stopB.ms, "SIGTERM to exit, recorder flush included");
      oursMs += cpuMs(sim.proc.pid!);
      const selfAll = process.cpuUsage(self0);
      oursMs += (selfAll.user + selfAll.system) / 1000;
      const otherPct = (100 * (machineBusyMs() - busy0 - oursMs)) / ((performance.now() - wall0) * os.availableParallelism());
      detail.otherCpuPct = otherPct;
      put("machine.other_cpu_pct.gateway_run", "% of all cores", Math.max(0, otherPct), "CPU used by processes other than the bench's own during the run; high means noisy figures");
      if (load.non2xx || load.errors)
        notes.push(`run ${run + 1}, ${o.records} requests: ${load.non2xx} non-2xx ${JSON.stringify(load.statuses)}, ${load.errors} network errors ${JSON.stringify(load.errorSamples)}`);
      if (stopB.killed || stopB.code !== 0) notes.push(`run ${run + 1}: gateway did not exit cleanly on SIGTERM: ${JSON.stringify(stopB)}`);
      if (rows.found !== null && rows.found !== load.sent) notes.push(`run ${run + 1}: ${load.sent} requests sent, ${rows.found} records found`);
      o.log(
        `  ${o.records} requests c10: ${load.rps.toFixed(0)} req/s, p99 ${percentile(load.ttlbMs, 0.99).toFixed(2)} ms, non-2xx ${load.non2xx}, errors ${load.errors}; records ${rows.found ?? rows.error}/${load.sent}; RSS ${rest.toFixed(0)} → ${after.toFixed(0)} MiB; shutdown ${stopB.ms.toFixed(0)} ms`,
      );
    } finally {
      if (gw) {
        await gw.stop("SIGKILL");
        fs.rmSync(gw.dir, { recursive: true, force: true });
      }
      await sim.stop("SIGTERM", 5_000);
    }
  }

  // Issue figures first, then the raw figures they come from.
  const rank = (n: string) =>
    n.startsWith("gateway.added_")
      ? 0
      : n.startsWith("gateway.rps")
        ? 1
        : n.startsWith("gateway.records") || n.includes("non2xx") || n.includes("errors_of")
          ? 2
          : n.startsWith("gateway.rss") || n.startsWith("gateway.shutdown") || n.includes("cpu_ms") || n.startsWith("machine.")
            ? 3
            : 4;
  const names = [...values.keys()].sort((a, b) => rank(a) - rank(b)); // stable: run order within a rank
  const figures: Figure[] = names.map((name) => ({ name, group: "gateway", ...values.get(name)! }));
  return { figures, runs, notes };
}
