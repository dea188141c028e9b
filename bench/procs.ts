/**
 * The processes the gateway bench measures, each on its own: the standalone
 * simulator (scripts/simulator.ts) and thinkgate (the server bundle `npm start` runs, API only), forked
 * the way the integration tests fork them (tests/support/server.ts), on free
 * ports, with a fresh SQLite database per gateway.
 */
import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildServer } from "../scripts/build-server.mjs";
import { heapFlags, serverEnv } from "../scripts/heap.mjs";

export const ROOT = path.resolve(__dirname, "..");

export interface Proc {
  name: string;
  proc: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  /** Sends the signal and waits for the exit (SIGKILL after killAfterMs). */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; killed: boolean }>;
}

const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const p of live) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
});

/** Forks a TypeScript script under tsx, or (a .cjs path) a built bundle under plain Node. */
async function forkReady(name: string, script: string, env: Record<string, string>, execArgv: string[] = []): Promise<Proc> {
  let out = "";
  const proc = fork(path.resolve(ROOT, script), [], {
    cwd: ROOT,
    execArgv: script.endsWith(".cjs") ? execArgv : ["--import", "tsx", ...execArgv],
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "warn", PORT: "0", HOST: "127.0.0.1", THINKGATE_SIM_LATENCY: "zero", ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  live.add(proc);
  proc.on("exit", () => live.delete(proc));
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s:\n${out}`)), 60_000);
    proc.on("message", (m: { ready?: boolean; port?: number }) => {
      if (m && m.ready && m.port) {
        clearTimeout(timer);
        resolve(m.port);
      }
    });
    proc.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${out}`));
    });
  });
  return asProc(name, proc, port, () => out);
}

function asProc(name: string, proc: ChildProcess, port: number, output: () => string): Proc {
  return {
    name,
    proc,
    port,
    url: `http://127.0.0.1:${port}`,
    output,
    async stop(signal: NodeJS.Signals = "SIGTERM", killAfterMs = 30_000) {
      const t0 = performance.now();
      if (proc.exitCode !== null || proc.signalCode !== null) return { code: proc.exitCode, signal: proc.signalCode, ms: 0, killed: false };
      const exited = new Promise<void>((r) => proc.once("exit", () => r()));
      proc.kill(signal);
      let killed = false;
      const timer = setTimeout(() => {
        killed = true;
        proc.kill("SIGKILL");
      }, killAfterMs);
      await exited;
      clearTimeout(timer);
      return { code: proc.exitCode, signal: proc.signalCode, ms: performance.now() - t0, killed };
    },
  };
}

export function startSimulator(): Promise<Proc> {
  return forkReady("simulator", "scripts/simulator.ts", {});
}

export interface Gateway extends Proc {
  adminKey: string;
  dbPath: string;
  dir: string;
}

export interface GatewayOptions {
  /** ANTHROPIC_API_KEY: empty = simulator mode; set (any value) = the upstream at the base URL, as for the real API. */
  upstreamApiKey?: string;
  /** Serve the pages too (Next in the process, as `npm start` does; needs a build in THINKGATE_NEXT_DIST or .next). */
  pages?: boolean;
  /** Extra node flags for the gateway process (e.g. --cpu-prof). */
  execArgv?: string[];
  env?: Record<string, string>;
}

let bundled: Promise<string> | undefined;
/** The server bundle, built once per bench run from the current sources. */
const serverBundle = (): Promise<string> => (bundled ??= buildServer());

export async function startGateway(upstreamBaseUrl: string, o: GatewayOptions = {}): Promise<Gateway> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-bench-"));
  const dbPath = path.join(dir, "bench.db");
  const adminKey = `tg_bench_${crypto.randomBytes(12).toString("hex")}`;
  const p = await forkReady(
    "gateway",
    await serverBundle(),
    {
      ...serverEnv(),
      DATABASE_URL: `file:${dbPath}`,
      THINKGATE_BOOTSTRAP_KEY: adminKey,
      THINKGATE_NEXT: o.pages ? "on" : "off",
      ANTHROPIC_API_KEY: o.upstreamApiKey ?? "",
      ANTHROPIC_BASE_URL: upstreamBaseUrl,
      ...o.env,
    },
    // The bundle and heap ceiling `npm start` runs (scripts/build-server.mjs, scripts/heap.mjs): the gateway as users run it.
    [...heapFlags(), "--enable-source-maps", ...(o.execArgv ?? [])],
  );
  return { ...p, adminKey, dbPath, dir };
}

/** The mock Anthropic upstream (bench/mock-upstream.ts), its own process. */
export function startMock(): Promise<Proc> {
  return forkReady("mock upstream", "bench/mock-upstream.ts", {});
}

export const PORTKEY_VERSION = "1.15.2";
export const PEERS_DIR = path.join(__dirname, ".peers");

/**
 * A peer installed from the npm registry into a folder of its own
 * (bench/.peers/<folder>, git-ignored, kept between runs) so the app never
 * depends on it. Returns the path of its command's script.
 */
function ensurePeer(folder: string, name: string, version: string, log: (line: string) => void): string {
  const dir = path.join(PEERS_DIR, folder);
  const pkg = path.join(dir, "node_modules", name, "package.json");
  const installed = fs.existsSync(pkg) ? (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version?: string }).version : undefined;
  if (installed !== version) {
    log(`installing ${name}@${version} into ${path.relative(ROOT, dir)} (once; kept between runs)`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `thinkgate-bench-peer-${folder}`, private: true }) + "\n");
    execFileSync("npm", ["install", "--prefix", dir, "--no-audit", "--no-fund", "--ignore-scripts", "--no-save", `${name}@${version}`], {
      cwd: dir,
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  const bin = (JSON.parse(fs.readFileSync(pkg, "utf8")) as { bin: string | Record<string, string> }).bin;
  return path.join(path.dirname(pkg), typeof bin === "string" ? bin : Object.values(bin)[0]!);
}

/** Portkey's gateway (bench/.peers/portkey): the path of its start script. */
export function ensurePortkey(log: (line: string) => void): string {
  return ensurePeer("portkey", "@portkey-ai/gateway", PORTKEY_VERSION, log);
}

export const CCR_VERSION = "2.0.0";

/**
 * Claude Code Router (bench/.peers/ccr): the path of its CLI. 2.0.0, not the
 * registry's newest (3.1.1): that one depends on packages the registry does
 * not have (@the-next-ai/*), so it cannot be installed.
 */
export function ensureCcr(log: (line: string) => void): string {
  return ensurePeer("ccr", "@musistudio/claude-code-router", CCR_VERSION, log);
}

async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Claude Code Router as its README runs it (`ccr start`, in the foreground),
 * with a config of its own in a fresh HOME: one provider, the upstream at
 * `upstreamUrl` through its Anthropic transformer, as the default route; its
 * file logging off. Clients authenticate with `apiKey`. Ready when it answers HTTP.
 */
export async function startCcr(cli: string, upstreamUrl: string, apiKey: string): Promise<Proc & { home: string }> {
  const port = await freePort();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-bench-ccr-"));
  fs.mkdirSync(path.join(home, ".claude-code-router"));
  const config = {
    LOG: false,
    HOST: "127.0.0.1",
    PORT: port,
    APIKEY: apiKey,
    NON_INTERACTIVE_MODE: true,
    Providers: [{ name: "anthropic", api_base_url: `${upstreamUrl}/v1/messages`, api_key: "dummy", models: ["claude-sonnet-4-6"], transformer: { use: ["Anthropic"] } }],
    Router: { default: "anthropic,claude-sonnet-4-6" },
  };
  fs.writeFileSync(path.join(home, ".claude-code-router", "config.json"), JSON.stringify(config, null, 2));
  let out = "";
  const proc = spawn(process.execPath, [cli, "start"], { cwd: home, env: { ...process.env, HOME: home, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "pipe"] });
  live.add(proc);
  proc.on("exit", () => live.delete(proc));
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-20_000));
  proc.stdout!.on("data", keep);
  proc.stderr!.on("data", keep);
  await answersHttp("claude-code-router", proc, port, () => out);
  return { ...asProc("claude-code-router", proc, port, () => out), home };
}

/** Waits until a spawned peer answers HTTP on its port (60 s at most). */
async function answersHttp(name: string, proc: ChildProcess, port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${name} exited (${proc.exitCode}) before it was ready:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`${name} did not start in 60 s:\n${output()}`);
    const up = await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Portkey's gateway as its README starts it (`gateway --port=N --headless`):
 * one plain Node process, no clustering. Ready when it answers HTTP.
 */
export async function startPortkey(script: string): Promise<Proc> {
  const port = await freePort();
  let out = "";
  const proc = spawn(process.execPath, [script, `--port=${port}`, "--headless"], {
    cwd: path.dirname(script),
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(proc);
  proc.on("exit", () => live.delete(proc));
  // Its start banner redraws a spinner; keep the tail only.
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-20_000));
  proc.stdout!.on("data", keep);
  proc.stderr!.on("data", keep);
  await answersHttp("portkey", proc, port, () => out);
  return asProc("portkey", proc, port, () => out);
}

/** Resident set size of a process, MiB (VmRSS of /proc/<pid>/status). */
export function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}

let clkTck: number | undefined;

/** CPU time (user + system) a process has used so far, ms (/proc/<pid>/stat; clock-tick resolution, usually 10 ms). */
export function cpuMs(pid: number): number {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after "(comm)": state is field 3, utime 14, stime 15.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / clkTck;
}

/** CPU time the whole machine has spent busy so far, ms, over all cores (/proc/stat: everything but idle and iowait). */
export function machineBusyMs(): number {
  cpuMs(process.pid); // sets clkTck
  const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  void idle;
  void iowait;
  return ((user! + nice! + system! + irq! + softirq! + steal!) * 1000) / clkTck!;
}
