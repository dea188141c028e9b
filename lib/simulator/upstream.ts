/**
 * The simulator as the gateway's upstream in simulator mode (no
 * ANTHROPIC_API_KEY): its routes on a loopback port of their own, served by a
 * thread of their own.
 *
 * A port of its own: reached through the gateway's port, the simulator was cut
 * off by a shutdown's drain, which closes that port, and a request accepted
 * before SIGTERM whose upstream call came after it (an escalation's second
 * call) was answered 502.
 *
 * A thread of its own: the simulator's work on a hostile request (100,000
 * messages hashed and analysed, ~0.2 s) held the gateway's event loop, which
 * in the default mode is the one serving every other request. On its thread
 * the gateway's loop sees only the HTTP call, as with the real API.
 *
 * Where the thread's entry cannot be found (a Next development server bundles
 * this module elsewhere) or it does not start, the server runs in the process.
 */
import type http from "node:http";
import type { Worker } from "node:worker_threads";
import { logger } from "../observability/logger";
import { startThread, threadEntry } from "../runtime/threads";
import { SIMULATOR_PREFIX, STOP_SIMULATOR } from "./routes";
import { listen } from "../api/http-server";
import { createSimulatorServer } from "./server";
import type { SimulatorThreadMessage } from "./thread";

export interface SimulatorUpstream {
  /** The base URL to call it at, e.g. http://127.0.0.1:41234/api/simulator */
  url: string;
  /** Where it runs. */
  on: "thread" | "process";
  /** Its thread as of now (it is started again if it ends), null in the process. */
  thread(): Worker | null;
  stop(): Promise<void>;
}

const START_MS = 10_000;
/** How long a stopping thread has to close its server before it is terminated. */
const STOP_MS = 2_000;
/** A thread that ends sooner than this after its start is started again only after RESTART_DELAY_MS, not in a tight loop. */
const SHORT_LIFE_MS = 10_000;
const RESTART_DELAY_MS = 1_000;

function startOnThread(maxBodyBytes: number, onRestart: (url: string) => void): Promise<SimulatorUpstream> | null {
  const entry = threadEntry(__dirname, "simulator-thread.cjs", "thread.ts");
  if (!entry) return null;
  // Started again when it ends only once it has served (a thread that never
  // started is given up for the in-process server), and never after stop().
  let restartable = false;
  let worker: Worker;
  const boot = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const w = startThread(entry, { workerData: { maxBodyBytes } });
      worker = w;
      const startedAt = Date.now();
      const timer = setTimeout(() => {
        reject(new Error(`the simulator thread did not start within ${START_MS} ms`));
        void w.terminate();
      }, START_MS);
      w.once("message", (m: SimulatorThreadMessage) => {
        clearTimeout(timer);
        if ("error" in m) {
          reject(new Error(m.error));
          void w.terminate();
        } else resolve(`http://127.0.0.1:${m.port}${SIMULATOR_PREFIX}`);
      });
      w.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      w.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the simulator thread exited (${code})`));
        if (!restartable || worker !== w) return;
        // Upstream calls fail until it is back (the gateway retries them and answers in the API's shape).
        logger.error({ code }, "simulator thread ended; starting it again");
        const again = () => boot().then(onRestart, (err: Error) => logger.error({ err: err.message }, "simulator thread could not start again"));
        if (Date.now() - startedAt < SHORT_LIFE_MS) setTimeout(again, RESTART_DELAY_MS).unref();
        else void again();
      });
    });
  return boot().then((url) => {
    restartable = true;
    return {
      url,
      on: "thread" as const,
      thread: () => worker,
      async stop() {
        restartable = false;
        // Asked to close, and terminated only if it has not ended in time (thread.ts says why).
        const w = worker;
        const ended = new Promise<boolean>((r) => w.once("exit", () => r(true)));
        w.postMessage(STOP_SIMULATOR);
        if (!(await Promise.race([ended, new Promise<boolean>((r) => setTimeout(() => r(false), STOP_MS).unref())]))) await w.terminate();
      },
    };
  });
}

async function startInProcess(maxBodyBytes: number): Promise<SimulatorUpstream> {
  const server: http.Server = createSimulatorServer(maxBodyBytes, (err) => logger.error({ err }, "simulator: request failed"));
  const port = await listen(server, 0, "127.0.0.1");
  return {
    url: `http://127.0.0.1:${port}${SIMULATOR_PREFIX}`,
    on: "process",
    thread: () => null,
    async stop() {
      server.close();
      server.closeAllConnections();
    },
  };
}

/** Starts the simulator upstream; `onRestart` gets its new URL if its thread had to be started again. */
export async function startSimulatorUpstream(maxBodyBytes: number, onRestart: (url: string) => void): Promise<SimulatorUpstream> {
  const onThread = startOnThread(maxBodyBytes, onRestart);
  if (onThread) {
    try {
      return await onThread;
    } catch (err) {
      logger.warn({ err: (err as Error).message }, "simulator thread could not start: the simulator runs in the gateway's process");
    }
  }
  return startInProcess(maxBodyBytes);
}
