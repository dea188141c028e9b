/** A canned upstream in its own process (canned-upstream-process.ts), for tests that measure the gateway alone. */
import { fork } from "node:child_process";
import path from "node:path";

export interface CannedUpstream {
  url: string;
  /** Messages calls answered so far, and what the last one carried (its first message's text as a SHA-256). */
  inspect(): Promise<{ calls: number; bytes: number; model: string | null; contentSha256: string | null }>;
  stop(): Promise<void>;
}

/**
 * `fixed`: every call is answered with this status and body instead (an upstream, or a proxy in front of it, misbehaving in its own way).
 * `sse`: every Messages call is answered as a stream of the text; "open" leaves the connection open after message_stop;
 * "stall" goes silent after the first two events. `json: "stall"`: a JSON answer silent half-way through its body.
 */
export async function startCannedUpstream(
  text: string,
  opts: { fixed?: { status: number; body: string }; sse?: "open" | "close" | "stall"; json?: "stall" } = {},
): Promise<CannedUpstream> {
  const fixed = {
    ...(opts.fixed ? { CANNED_STATUS: String(opts.fixed.status), CANNED_BODY: opts.fixed.body } : {}),
    ...(opts.sse ? { CANNED_SSE: opts.sse } : {}),
    ...(opts.json ? { CANNED_JSON: opts.json } : {}),
  };
  const proc = fork(path.join(__dirname, "canned-upstream-process.ts"), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, CANNED_TEXT: text, ...fixed },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("canned upstream did not start in 30 s")), 30_000);
    proc.once("message", (m: { ready?: boolean; port?: number }) => {
      clearTimeout(timer);
      if (m.ready && m.port) resolve(m.port);
      else reject(new Error(`canned upstream: unexpected first message ${JSON.stringify(m)}`));
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`canned upstream exited (${code}) before it was ready`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    inspect: () =>
      new Promise((resolve) => {
        proc.once("message", resolve as (m: unknown) => void);
        proc.send({ inspect: true });
      }),
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await exited;
    },
  };
}
