/**
 * The processes the gateway bench measures, each on its own: the standalone
 * simulator (scripts/simulator.ts) and thinkgate (server.ts, API only), forked
 * the way the integration tests fork them (tests/support/server.ts), on free
 * ports, with a fresh SQLite database per gateway.
 */
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

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

async function forkReady(name: string, script: string, env: Record<string, string>): Promise<Proc> {
  let out = "";
  const proc = fork(path.join(ROOT, script), [], {
    cwd: ROOT,
    execArgv: ["--import", "tsx"],
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
  return {
    name,
    proc,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
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

export async function startGateway(simulatorBaseUrl: string): Promise<Gateway> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-bench-"));
  const dbPath = path.join(dir, "bench.db");
  const adminKey = `tg_bench_${crypto.randomBytes(12).toString("hex")}`;
  const p = await forkReady("gateway", "server.ts", {
    DATABASE_URL: `file:${dbPath}`,
    THINKGATE_BOOTSTRAP_KEY: adminKey,
    THINKGATE_NEXT: "off",
    ANTHROPIC_API_KEY: "",
    ANTHROPIC_BASE_URL: simulatorBaseUrl,
  });
  return { ...p, adminKey, dbPath, dir };
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
