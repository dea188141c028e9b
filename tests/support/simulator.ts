/**
 * The standalone simulator (scripts/simulator.ts) as a separate process, for
 * tests that need a real upstream over the wire: thinkgate in Anthropic mode
 * pointed at it with ANTHROPIC_BASE_URL, or a load test that keeps the
 * upstream's work out of the gateway process.
 */
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

export interface Simulator {
  proc: ChildProcess;
  /** SDK base URL, e.g. http://127.0.0.1:4010/api/simulator */
  baseURL: string;
  stop(): Promise<void>;
}

/** `latency`: "zero" (the default) answers at once; "realistic" streams at the simulator's pace (a reasoning answer takes seconds). */
export async function startSimulator(opts: { latency?: "zero" | "realistic" } = {}): Promise<Simulator> {
  const proc = fork(path.join(ROOT, "scripts/simulator.ts"), [], {
    cwd: ROOT,
    execArgv: ["--import", "tsx"],
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", THINKGATE_SIM_LATENCY: opts.latency ?? "zero" },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("simulator did not start in 60 s")), 60_000);
    proc.on("message", (m: { ready?: boolean; port?: number }) => {
      if (m.ready && m.port) {
        clearTimeout(timer);
        resolve(m.port);
      }
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited (${code}) before it was ready`));
    });
  });
  return {
    proc,
    baseURL: `http://127.0.0.1:${port}/api/simulator`,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await exited;
    },
  };
}
