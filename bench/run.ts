/**
 * npm run bench — thinkgate's benchmarks, one report.
 *
 *   npx tsx bench/run.ts                     everything: gateway (3 runs), peers (thinkgate vs Portkey, 3 runs), memory, signals, router, storage, cluster (PostgreSQL + Redis)
 *   npx tsx bench/run.ts --quick             one run, fewer requests (development)
 *   npx tsx bench/run.ts --only peers        or gateway, memory, signals, router, conversation, storage, cluster, load (c50 for 60 s), batches, trace-page (Chromium; needs `npx next build`); comma-separated for several
 *   npx tsx bench/run.ts --runs 5            more runs of the gateway and peers benches
 *
 * Writes bench/results/bench-<time>.json and .md (and latest.json/.md) and
 * prints the Markdown table: one line per figure with its median and spread
 * over the runs. See bench/gateway.ts for what the gateway figures measure.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { FULL, QUICK, gatewayBench } from "./gateway";
import { MEMORY_FULL, MEMORY_QUICK, memoryBench } from "./memory";
import { PEERS_FULL, PEERS_QUICK, peersBench } from "./peers";
import { describeMachine, machineLine, markdownTable, summarize, writeReport, type Figure, type Report } from "./report";

type Section = "gateway" | "peers" | "memory" | "signals" | "router" | "conversation" | "storage" | "cluster" | "load" | "batches" | "trace-page";
const SECTIONS: Section[] = ["gateway", "peers", "memory", "signals", "router", "conversation", "storage", "cluster", "load", "batches", "trace-page"];

function parseArgs(argv: string[]): { only: Section[]; quick: boolean; runs?: number } {
  // The trace page bench needs the built pages and Chromium: run it by name.
  let only: Section[] = SECTIONS.filter((s) => s !== "trace-page");
  let quick = false;
  let runs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (flag: string) => {
      if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (a === "--quick") quick = true;
    else if (a === "--only" || a.startsWith("--only=")) {
      const names = value("--only").split(",").map((s) => s.trim()).filter(Boolean);
      for (const n of names) if (!SECTIONS.includes(n as Section)) throw new Error(`--only takes ${SECTIONS.join("|")}, got "${n}"`);
      only = names as Section[];
    } else if (a === "--runs" || a.startsWith("--runs=")) {
      runs = Number(value("--runs"));
      if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs takes a positive integer");
    } else if (a === "--help" || a === "-h") {
      process.stdout.write("usage: tsx bench/run.ts [--quick] [--only gateway|peers|memory|signals|router|conversation|storage|cluster|load|batches|trace-page[,...]] [--runs N]\n");
      process.exit(0);
    } else throw new Error(`unknown argument: ${a}`);
  }
  return { only, quick, runs };
}

interface BenchFigure {
  name: string;
  unit: string;
  samples: number[];
}

/** A colleague's bench module: bench/<name>.bench.ts exporting an async function returning figures. */
async function runModuleBench(section: Exclude<Section, "gateway" | "peers" | "memory">, quick: boolean, notes: string[]): Promise<Figure[]> {
  const file = path.join(__dirname, `${section}.bench.ts`);
  if (!fs.existsSync(file)) {
    notes.push(`${section}: skipped, bench/${section}.bench.ts is not there`);
    return [];
  }
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  // Whatever the export is called: a default function, else an exported function
  // named after the bench (e.g. signalsBench, benchRouter, run), else the first exported function.
  const inner = mod.default && typeof mod.default === "object" ? (mod.default as Record<string, unknown>) : {};
  const named = Object.entries({ ...inner, ...mod }).filter((e): e is [string, (opts?: unknown) => Promise<BenchFigure[]>] => typeof e[1] === "function");
  const fn =
    (typeof mod.default === "function" ? (mod.default as (opts?: unknown) => Promise<BenchFigure[]>) : undefined) ??
    named.find(([k]) => new RegExp(`bench|${section}|^run$`, "i").test(k))?.[1] ??
    named[0]?.[1];
  if (!fn) {
    notes.push(`${section}: skipped, bench/${section}.bench.ts exports no function`);
    return [];
  }
  const t0 = performance.now();
  const out = await fn({ quick });
  if (!Array.isArray(out)) throw new Error(`bench/${section}.bench.ts returned ${typeof out}, not an array of figures`);
  notes.push(`${section}: ${out.length} figures in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out.map((f) => ({ name: f.name, unit: f.unit, samples: f.samples, group: section }));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const t0 = performance.now();
  const machine = describeMachine();
  const log = (line: string) => process.stderr.write(line + "\n");
  log(`thinkgate bench on ${machineLine(machine)}${args.quick ? " (quick)" : ""}`);

  const loadBefore = os.loadavg();
  if (loadBefore[0]! > 0.5 * machine.cores) log(`warning: load average ${loadBefore.map((v) => v.toFixed(2)).join(" ")} before the bench: something else is running, figures will be noisy`);
  const figures: Figure[] = [];
  const notes: string[] = [];
  const runs: unknown[] = [];
  const gatewaySettings = { ...(args.quick ? QUICK : FULL), ...(args.runs ? { runs: args.runs } : {}) };
  const peersSettings = { ...(args.quick ? PEERS_QUICK : PEERS_FULL), ...(args.runs ? { runs: args.runs } : {}) };
  const memorySettings = args.quick ? MEMORY_QUICK : MEMORY_FULL;

  for (const section of args.only) {
    try {
      if (section === "gateway") {
        const r = await gatewayBench({ ...gatewaySettings, log });
        figures.push(...r.figures);
        runs.push(...r.runs);
        notes.push(...r.notes);
      } else if (section === "peers" || section === "memory") {
        const r = section === "peers" ? await peersBench({ ...peersSettings, log }) : await memoryBench({ ...memorySettings, log });
        figures.push(...r.figures);
        runs.push(...r.runs);
        notes.push(...r.notes);
      } else {
        log(`${section} bench`);
        figures.push(...(await runModuleBench(section, args.quick, notes)));
      }
    } catch (err) {
      const msg = err instanceof Error ? (err.stack ?? err.message) : String(err);
      notes.push(`${section}: FAILED: ${msg.split("\n").slice(0, 8).join(" | ")}`);
      log(`${section} bench failed: ${msg}`);
    }
  }

  if (loadBefore[0]! > 0.5 * machine.cores)
    notes.push(`load average was ${loadBefore.map((v) => v.toFixed(2)).join(" / ")} (1/5/15 min) when the bench started: other work was running on this machine, figures are noisy`);
  if (figures.some((f) => f.group === "gateway")) {
    notes.unshift(
      "gateway: added latency = gateway percentile − direct percentile within a run (not a percentile of per-request differences); TTFB = first body byte, TTLB = end of the body, from the moment the request is handed to node:http",
      "gateway: simulator (THINKGATE_SIM_LATENCY=zero), gateway and load generator are separate processes sharing this machine's cores; percentiles interpolate linearly between ranks",
    );
  }

  const report: Report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationS: (performance.now() - t0) / 1000,
    command: `tsx bench/run.ts ${process.argv.slice(2).join(" ")}`.trim(),
    machine,
    loadAverage: { before: loadBefore, after: os.loadavg() },
    settings: { only: args.only, quick: args.quick, gateway: gatewaySettings, peers: peersSettings, memory: memorySettings },
    figures: figures.map(summarize),
    notes,
    runs,
  };
  const files = writeReport(report, path.join(__dirname, "results"));

  process.stdout.write(`\nMachine: ${machineLine(machine)}\n\n${markdownTable(report.figures)}\n`);
  if (notes.length) process.stdout.write(`\n${notes.map((n) => `- ${n}`).join("\n")}\n`);
  process.stdout.write(`\n${report.durationS.toFixed(0)} s; report: ${path.relative(process.cwd(), files.json)}, ${path.relative(process.cwd(), files.md)}\n`);
  if (notes.some((n) => n.includes("FAILED"))) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error("bench failed:", err instanceof Error ? err.message : err);
  process.exit(1);
});
