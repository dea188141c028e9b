/**
 * thinkgate against its peers, side by side in one run: the same mock
 * Anthropic upstream (bench/mock-upstream.ts, its own process, answering
 * instantly on loopback), called
 *   - directly,
 *   - through thinkgate (recording on, routing on, SQLite in a temp dir; the
 *     simulator bypassed: ANTHROPIC_BASE_URL = the mock, a dummy API key),
 *   - through Portkey's gateway 1.15.2 (installed by the bench into
 *     bench/.peers/portkey, started as its README says, one target given by
 *     x-portkey-provider + x-portkey-custom-host: its lightest path, no config
 *     object to evaluate),
 *   - through Claude Code Router 2.0.0 (the routing proxy Claude Code users
 *     run; installed into bench/.peers/ccr, started with `ccr start` and a
 *     config of one Anthropic provider, the mock, as its default route).
 * Each gateway runs alone: started, warmed, measured, stopped; the load
 * generator is this process. Within a gateway's turn every configuration is
 * measured directly and through the gateway back to back (order alternating),
 * so "added" is gateway − direct under the same conditions.
 *
 * Per configuration: c1 JSON and streaming (added p50/p99; streaming on time
 * to first byte), c10 and c50 JSON and c10 streaming (requests/s, p99), and
 * the gateway's CPU time per request during the c10 JSON phase (user+sys from
 * /proc, the figure least disturbed by other work on the machine). Ratios
 * thinkgate / Portkey and thinkgate / Claude Code Router come from the same run.
 */
import { percentile, runLoad, type LoadResult, type LoadTarget } from "./load";
import { cpuMs, ensureCcr, ensurePortkey, rssMiB, startCcr, startGateway, startMock, startPortkey, type Proc } from "./procs";
import type { Figure } from "./report";
import fs from "node:fs";

export interface PeersOptions {
  runs: number;
  c1: { warmup: number; requests: number };
  c10: { warmup: number; requests: number };
  c50: { warmup: number; requests: number };
  /** Requests of each kind sent to a fresh gateway before anything is measured (JIT, pools), at c10. */
  processWarmup: number;
  log: (line: string) => void;
}

export const PEERS_FULL: Omit<PeersOptions, "log"> = {
  runs: 3,
  c1: { warmup: 200, requests: 2_000 },
  c10: { warmup: 500, requests: 5_000 },
  c50: { warmup: 500, requests: 5_000 },
  processWarmup: 1_000,
};

export const PEERS_QUICK: Omit<PeersOptions, "log"> = {
  runs: 1,
  c1: { warmup: 50, requests: 400 },
  c10: { warmup: 100, requests: 1_500 },
  c50: { warmup: 100, requests: 1_500 },
  processWarmup: 300,
};

const REQUEST = {
  model: "claude-sonnet-4-6",
  max_tokens: 256,
  messages: [{ role: "user", content: "Summarize: the meeting moved to Tuesday." }],
};
const BODY = { json: Buffer.from(JSON.stringify(REQUEST)), stream: Buffer.from(JSON.stringify({ ...REQUEST, stream: true })) };
const VERSION = "2023-06-01";

type Who = "thinkgate" | "portkey" | "ccr";
const GATEWAYS: Who[] = ["thinkgate", "portkey", "ccr"];
type Kind = "json" | "stream";

interface Gw {
  who: Who;
  proc: Proc;
  target(kind: Kind): LoadTarget;
  cleanup(): void;
}

function directTarget(mock: Proc, kind: Kind): LoadTarget {
  return { url: `${mock.url}/v1/messages`, headers: { "content-type": "application/json", "x-api-key": "dummy", "anthropic-version": VERSION }, body: BODY[kind] };
}

async function startThinkgate(mock: Proc): Promise<Gw> {
  const gw = await startGateway(mock.url, { upstreamApiKey: "bench-dummy-key" });
  return {
    who: "thinkgate",
    proc: gw,
    // thinkgate-task engages the routing rules, as a team's tagged request does.
    target: (kind) => ({
      url: `${gw.url}/api/v1/messages`,
      headers: { "content-type": "application/json", "x-api-key": gw.adminKey, "anthropic-version": VERSION, "thinkgate-task": "summarize" },
      body: BODY[kind],
    }),
    cleanup: () => fs.rmSync(gw.dir, { recursive: true, force: true }),
  };
}

async function startPortkeyGw(mock: Proc, script: string): Promise<Gw> {
  const p = await startPortkey(script);
  return {
    who: "portkey",
    proc: p,
    target: (kind) => ({
      url: `${p.url}/v1/messages`,
      headers: {
        "content-type": "application/json",
        "x-portkey-provider": "anthropic",
        "x-portkey-custom-host": `${mock.url}/v1`,
        "x-api-key": "dummy",
        "anthropic-version": VERSION,
      },
      body: BODY[kind],
    }),
    cleanup: () => {},
  };
}

const CCR_KEY = "bench-ccr-key";

async function startCcrGw(mock: Proc, cli: string): Promise<Gw> {
  const p = await startCcr(cli, mock.url, CCR_KEY);
  return {
    who: "ccr",
    proc: p,
    // Claude Code's own request shape: its base URL is the router, its key the router's APIKEY.
    target: (kind) => ({ url: `${p.url}/v1/messages`, headers: { "content-type": "application/json", "x-api-key": CCR_KEY, "anthropic-version": VERSION }, body: BODY[kind] }),
    cleanup: () => fs.rmSync(p.home, { recursive: true, force: true }),
  };
}

/** One request, its status and the start of its body: what a failing path answers, as observed. */
async function probe(t: LoadTarget): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(t.url, { method: "POST", headers: t.headers, body: t.body.toString("utf8") });
    return { status: res.status, body: (await res.text()).slice(0, 200) };
  } catch (err) {
    return { status: 0, body: (err as Error).message };
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const failed = (r: LoadResult) => r.non2xx + r.errors;

export async function peersBench(o: PeersOptions): Promise<{ figures: Figure[]; runs: unknown[]; notes: string[] }> {
  const values = new Map<string, { unit: string; samples: number[]; note?: string }>();
  const put = (name: string, unit: string, v: number, note?: string) => {
    const e = values.get(name) ?? { unit, samples: [], note };
    e.samples.push(v);
    values.set(name, e);
  };
  const notes: string[] = [];
  const runs: unknown[] = [];
  const portkeyScript = ensurePortkey(o.log);
  const ccrCli = ensureCcr(o.log);
  const configs: { c: 1 | 10 | 50; kind: Kind }[] = [
    { c: 1, kind: "json" },
    { c: 1, kind: "stream" },
    { c: 10, kind: "json" },
    { c: 50, kind: "json" },
    { c: 10, kind: "stream" },
  ];

  for (let run = 0; run < o.runs; run++) {
    o.log(`peers bench: run ${run + 1}/${o.runs}`);
    const detail: Record<string, unknown> = { run: run + 1 };
    runs.push(detail);
    const mock = await startMock();
    const perRun: Partial<Record<Who, Record<string, number>>> = {};
    try {
      // Which gateway goes first rotates across runs.
      const order = GATEWAYS.map((_, i) => GATEWAYS[(i + run) % GATEWAYS.length]!);
      for (const who of order) {
        const gw = who === "thinkgate" ? await startThinkgate(mock) : who === "portkey" ? await startPortkeyGw(mock, portkeyScript) : await startCcrGw(mock, ccrCli);
        const fig: Record<string, number> = {};
        perRun[who] = fig;
        const phases: Record<string, unknown> = {};
        detail[who] = phases;
        try {
          await pause(500);
          fig.rssRest = rssMiB(gw.proc.proc.pid!);
          const working: Record<Kind, boolean> = { json: true, stream: true };
          for (const kind of ["json", "stream"] as Kind[]) {
            await runLoad(directTarget(mock, kind), { concurrency: 10, warmup: o.processWarmup, requests: 0 });
            const w = await runLoad(gw.target(kind), { concurrency: 10, warmup: o.processWarmup, requests: 0 });
            if (failed(w) === w.sent) {
              // Nothing works on this path: say what it answers, measure nothing.
              working[kind] = false;
              const p = await probe(gw.target(kind));
              // What the process itself logged about it, if anything (first error line and the frame after it).
              const logged = /^.*error.*\n.*$/im.exec(gw.proc.output())?.[0].replace(/\s+/g, " ").slice(0, 240);
              put(`${who}.${kind}.works`, "yes=1", 0, `${who} ${kind}: every warm-up request failed`);
              notes.push(
                `run ${run + 1}: ${who} ${kind === "stream" ? "streaming" : "JSON"} /v1/messages failed on every request (${w.sent}/${w.sent}: ${JSON.stringify(w.statuses)}${w.errors ? `, ${w.errors} network errors` : ""}) on Node ${process.version}; one answer: HTTP ${p.status} ${p.body}${logged ? `; its log: ${logged}` : ""}`,
              );
            } else {
              put(`${who}.${kind}.works`, "yes=1", 1);
              if (failed(w)) notes.push(`run ${run + 1}: ${who} ${kind} warm-up: ${w.non2xx} non-2xx ${JSON.stringify(w.statuses)}, ${w.errors} errors`);
            }
          }
          for (let k = 0; k < configs.length; k++) {
            const { c, kind } = configs[k]!;
            if (!working[kind]) continue;
            const sizes = c === 1 ? o.c1 : c === 10 ? o.c10 : o.c50;
            const directFirst = (run + k) % 2 === 0;
            const res: Partial<Record<"direct" | "gateway", LoadResult>> = {};
            let cpu = 0;
            for (const side of directFirst ? (["direct", "gateway"] as const) : (["gateway", "direct"] as const)) {
              const t = side === "direct" ? directTarget(mock, kind) : gw.target(kind);
              const cpu0 = side === "gateway" ? cpuMs(gw.proc.proc.pid!) : 0;
              res[side] = await runLoad(t, { concurrency: c, warmup: sizes.warmup, requests: sizes.requests });
              if (side === "gateway") cpu = cpuMs(gw.proc.proc.pid!) - cpu0;
              await pause(200);
            }
            const d = res.direct!;
            const g = res.gateway!;
            const label = `c${c}.${kind}`;
            phases[label] = {
              direct: { rps: Math.round(d.rps), non2xx: d.non2xx, errors: d.errors },
              gateway: { rps: Math.round(g.rps), non2xx: g.non2xx, errors: g.errors, statuses: g.statuses, errorSamples: g.errorSamples, cpuMsPerReq: cpu / g.sent },
            };
            if (failed(d) || failed(g)) notes.push(`run ${run + 1}, ${who} ${label}: direct ${failed(d)} failed, gateway ${g.non2xx} non-2xx ${JSON.stringify(g.statuses)} + ${g.errors} errors`);
            put(`${who}.failed_requests.${label}`, "count", failed(g));
            // Latency of the first byte for streams (what a streaming client waits for), of the whole answer for JSON.
            const ds = kind === "stream" ? d.ttfbMs : d.ttlbMs;
            const gs = kind === "stream" ? g.ttfbMs : g.ttlbMs;
            const what = kind === "stream" ? "ttfb" : "latency";
            if (c === 1) {
              for (const [p, q] of [["p50", 0.5], ["p99", 0.99]] as const) {
                const added = percentile(gs, q) - percentile(ds, q);
                fig[`added_${p}.${label}`] = added;
                put(`${who}.added_${what}_${p}_ms.${label}`, "ms", added);
                put(`direct.${what}_${p}_ms.${label}.${who}_turn`, "ms", percentile(ds, q));
              }
            } else {
              fig[`rps.${label}`] = g.rps;
              fig[`p99.${label}`] = percentile(gs, 0.99);
              put(`${who}.rps.${label}`, "req/s", g.rps);
              put(`${who}.${what}_p99_ms.${label}`, "ms", percentile(gs, 0.99));
              put(`${who}.${what}_p50_ms.${label}`, "ms", percentile(gs, 0.5));
              put(`direct.rps.${label}.${who}_turn`, "req/s", d.rps);
            }
            if (c === 10 && kind === "json") {
              fig.cpu = cpu / g.sent;
              put(`${who}.cpu_ms_per_req.c10.json`, "ms", cpu / g.sent, "gateway process user+sys CPU per request (warm-up of the phase included), clock-tick resolution");
            }
            o.log(
              `  ${who.padEnd(9)} ${label.padEnd(9)} direct p50 ${percentile(ds, 0.5).toFixed(3)} ms ${d.rps.toFixed(0)} req/s; gateway p50 ${percentile(gs, 0.5).toFixed(3)} ms p99 ${percentile(gs, 0.99).toFixed(3)} ms ${g.rps.toFixed(0)} req/s${failed(g) ? `, ${failed(g)} failed` : ""}${kind === "stream" ? " (TTFB)" : ""}`,
            );
          }
          fig.rssAfter = rssMiB(gw.proc.proc.pid!);
          put(`${who}.rss_mb.rest`, "MiB", fig.rssRest);
          put(`${who}.rss_mb.after_run`, "MiB", fig.rssAfter);
        } finally {
          const stop = await gw.proc.stop("SIGTERM", 20_000);
          if (stop.killed) notes.push(`run ${run + 1}: ${who} did not exit on SIGTERM in 20 s`);
          gw.cleanup();
          if (gw.proc.proc.exitCode !== 0 && who === "thinkgate") notes.push(`run ${run + 1}: thinkgate exited ${gw.proc.proc.exitCode ?? gw.proc.proc.signalCode}: ${gw.proc.output().slice(-500)}`);
        }
      }
      const t = perRun.thinkgate;
      for (const peer of ["portkey", "ccr"] as const) {
        const p = perRun[peer];
        if (!t || !p) continue;
        const ratio = (name: string, a: number | undefined, b: number | undefined, note: string) => {
          if (a !== undefined && b !== undefined && b !== 0) put(`ratio.thinkgate_over_${peer}.${name}`, "×", a / b, note);
        };
        ratio("rps.c10.json", t["rps.c10.json"], p["rps.c10.json"], peer === "portkey" ? "issue target ≥ 1.5" : "");
        ratio("rps.c50.json", t["rps.c50.json"], p["rps.c50.json"], "");
        ratio("rps.c10.stream", t["rps.c10.stream"], p["rps.c10.stream"], "");
        ratio("p99.c10.json", t["p99.c10.json"], p["p99.c10.json"], "lower is better");
        ratio("p99.c50.json", t["p99.c50.json"], p["p99.c50.json"], "lower is better");
        ratio("added_p50.c1.json", t["added_p50.c1.json"], p["added_p50.c1.json"], peer === "portkey" ? "issue target ≤ 1" : "");
        ratio("added_p50.c1.stream", t["added_p50.c1.stream"], p["added_p50.c1.stream"], "time to first byte");
        ratio("cpu_ms_per_req.c10.json", t.cpu, p.cpu, "lower is better");
      }
    } finally {
      await mock.stop("SIGTERM", 5_000);
    }
  }

  const rank = (n: string) => (n.startsWith("ratio.") ? 0 : n.startsWith("thinkgate.") ? 1 : n.startsWith("portkey.") ? 2 : n.startsWith("ccr.") ? 3 : 4);
  const names = [...values.keys()].sort((a, b) => rank(a) - rank(b));
  notes.unshift(
    "peers: every process on loopback on this machine: the mock upstream, one gateway at a time, and the load generator (the bench process); added = gateway − direct percentile in back-to-back phases of the same gateway's turn; streaming latency is time to first byte",
    "peers: thinkgate with recording and routing on (SQLite), ANTHROPIC_BASE_URL = mock; Portkey @portkey-ai/gateway@1.15.2 with x-portkey-provider: anthropic and x-portkey-custom-host = mock (a single target); Claude Code Router @musistudio/claude-code-router@2.0.0 (`ccr start`, one Anthropic provider = mock as the default route, file logging off; 3.1.1 cannot be installed: its dependencies are not on the registry); all single process",
  );
  return { figures: names.map((name) => ({ name, group: "peers", ...values.get(name)! })), runs, notes };
}
