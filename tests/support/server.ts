/**
 * Starts a real thinkgate process for integration tests: the server bundle
 * `npm start` runs (.thinkgate/server.cjs, built from server.ts by
 * scripts/build-server.mjs in the global setup), on a free port, against a fresh database of the kind named by
 * THINKGATE_TEST_DB (sqlite, the default, or postgresql), with the simulator
 * at zero latency. Pages are off (THINKGATE_NEXT=off); the API is the same code.
 */
import { fork, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { SERVER_BUNDLE } from "../../scripts/build-server.mjs";
import { heapFlags, serverEnv } from "../../scripts/heap.mjs";

const ROOT = path.resolve(__dirname, "../..");
export const PG_ADMIN_URL = process.env.THINKGATE_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface TestServer {
  url: string;
  baseURL: string;
  adminKey: string;
  db: "sqlite" | "postgresql";
  databaseUrl: string;
  proc: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function testDbKind(): "sqlite" | "postgresql" {
  return process.env.THINKGATE_TEST_DB === "postgresql" ? "postgresql" : "sqlite";
}

export async function freshDatabase(kind: "sqlite" | "postgresql"): Promise<{ url: string; drop: () => Promise<void> }> {
  const tag = crypto.randomBytes(4).toString("hex");
  if (kind === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-it-"));
    return { url: `file:${path.join(dir, "test.db")}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `thinkgate_it_${tag}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return {
    url: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse a database (for restart tests); a fresh one otherwise. */
  databaseUrl?: string;
  /** The recorder's spool directory, kept across restarts; a fresh one (removed on stop) otherwise. */
  spoolDir?: string;
  /** More node flags for the server process, e.g. ["--require", file] to load a test's fault into it. */
  nodeArgs?: string[];
}

/** The environment of a server under test: a port of its own, the simulator at zero latency, no pages, the shipped router model, every trace stored. */
export function testServerEnv(opts: { databaseUrl: string; adminKey: string; spoolDir: string; port?: number }): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...serverEnv(),
    NODE_ENV: "production",
    PORT: String(opts.port ?? 0),
    HOST: "127.0.0.1",
    DATABASE_URL: opts.databaseUrl,
    THINKGATE_BOOTSTRAP_KEY: opts.adminKey,
    THINKGATE_NEXT: "off",
    THINKGATE_SIM_LATENCY: "zero",
    // Always the shipped router model, whatever a developer installed in ./data.
    THINKGATE_ROUTER_MODEL: path.join(os.tmpdir(), "thinkgate-no-router-model.json"),
    THINKGATE_RECORDER_INTERVAL_MS: "10",
    THINKGATE_SPOOL_DIR: opts.spoolDir,
    // Store every thinking trace (the deployment default samples 10%); tests of sampling set their own rate.
    THINKGATE_TRACE_SAMPLE_RATE: "1",
    ANTHROPIC_API_KEY: "",
    ANTHROPIC_BASE_URL: "",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  };
}

export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const kind = testDbKind();
  const fresh = opts.databaseUrl ? null : await freshDatabase(kind);
  const databaseUrl = opts.databaseUrl ?? fresh!.url;
  const adminKey = `tg_test_${crypto.randomBytes(12).toString("hex")}`;
  const spoolDir = opts.spoolDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-spool-"));
  let out = "";
  // The bundle `npm start` runs (built once per test run by the global setup), with the same heap ceiling.
  const proc = fork(SERVER_BUNDLE, [], {
    cwd: ROOT,
    // THINKGATE_TEST_SERVER_ARGS adds node flags to the server under test, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where its time goes.
    execArgv: [...heapFlags(), "--enable-source-maps", ...(process.env.THINKGATE_TEST_SERVER_ARGS?.split(/\s+/).filter(Boolean) ?? []), ...(opts.nodeArgs ?? [])],
    env: { ...testServerEnv({ databaseUrl, adminKey, spoolDir }), ...opts.env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${out}`)), 60_000);
    proc.on("message", (m: { ready?: boolean; port?: number }) => {
      if (m.ready && m.port) {
        clearTimeout(timer);
        resolve(m.port);
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready:\n${out}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}/api`,
    adminKey,
    db: kind,
    databaseUrl,
    proc,
    output: () => out,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once("exit", r));
        proc.kill(signal);
        await exited;
      }
      if (fresh && !opts.databaseUrl) await fresh.drop();
      if (!opts.spoolDir) fs.rmSync(spoolDir, { recursive: true, force: true });
      // Node's listener-leak warning means something adds listeners without removing them: every test's server is checked for it.
      const leak = /^.*MaxListenersExceededWarning.*$/m.exec(out);
      if (leak) throw new Error(`the server warned of a listener leak: ${leak[0]}`);
    },
  };
}

/** Polls until `fn` returns a value that is not undefined (records are written asynchronously). */
export async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A new gateway key made with the server's admin key (POST /api/keys); its secret. */
export async function createGatewayKey(server: Pick<TestServer, "url" | "adminKey">, name: string): Promise<string> {
  const res = await fetch(`${server.url}/api/keys`, {
    method: "POST",
    headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
    body: JSON.stringify({ name, role: "gateway" }),
  });
  if (res.status !== 201) throw new Error(`could not create a key: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { secret: string }).secret;
}
