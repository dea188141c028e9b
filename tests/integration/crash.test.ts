/**
 * Errors nothing caught, and a server that dies.
 *
 *  - An unhandled rejection inside a running gateway is logged and counted,
 *    and the gateway keeps serving. Node's default ends the process, as it
 *    did when the pages were off (Next, when loaded, only printed it).
 *  - An uncaught exception: the gateway stops as on SIGTERM (what it had
 *    answered is recorded) and exits with 1, for its supervisor.
 *  - `npm start` is that supervisor: its server killed with SIGKILL (as the
 *    kernel's OOM killer does) is started again on the same port, and a
 *    request answered before the kill is in the records.
 *
 * The faults are planted by a file loaded into the server with --require
 * (tests/fixtures/plant-process-errors.cjs), on the test's message.
 */
import Anthropic from "@anthropic-ai/sdk";
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { queryDb } from "../support/db";
import { eventually, freshDatabase, startServer, testDbKind, testServerEnv, type TestServer } from "../support/server";

const ROOT = path.resolve(__dirname, "../..");
const PLANT = path.join(ROOT, "tests/fixtures/plant-process-errors.cjs");
/** One request through the SDK: its answer and the id of its record. */
async function ask(baseURL: string, apiKey: string) {
  const { data, response } = await new Anthropic({ baseURL, apiKey, maxRetries: 0 })
    .messages.create({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "Say hi." }] })
    .withResponse();
  return { answer: data, id: response.headers.get("thinkgate-request-id")! };
}

describe(`errors no code caught (${testDbKind()})`, () => {
  // Every server a test started, stopped at the end whatever became of it.
  const servers: TestServer[] = [];
  const started = async () => {
    const s = await startServer({ nodeArgs: ["--require", PLANT] });
    servers.push(s);
    return s;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it("an unhandled rejection is logged and counted, and the gateway keeps serving", async () => {
    const server = await started();
    server.proc.send({ plant: "rejection" });
    await eventually(async () => (server.output().includes("planted rejection") ? true : undefined));
    expect(server.output()).toContain("unhandled promise rejection: logged, and the gateway keeps serving");
    expect(server.proc.exitCode).toBeNull();
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    expect((await ask(server.baseURL, server.adminKey)).answer.content[0]).toMatchObject({ type: "text" });
    const metrics = await (await fetch(`${server.url}/metrics`, { headers: { "x-api-key": server.adminKey } })).text();
    expect(metrics).toMatch(/thinkgate_process_errors_total\{kind="unhandled_rejection"\} 1/);
  });

  it("an uncaught exception stops the gateway as SIGTERM does, its answers recorded, and it exits with 1", async () => {
    const server = await started();
    const { id } = await ask(server.baseURL, server.adminKey);
    const exited = new Promise<number | null>((resolve) => server.proc.once("exit", (code) => resolve(code)));
    server.proc.send({ plant: "exception" });
    expect(await exited).toBe(1);
    expect(server.output()).toContain("uncaught exception: draining requests and writing records");
    expect(server.output()).toContain("planted exception");
    const rows = await queryDb<{ id: string }>(server, `SELECT "id" FROM "RequestRecord"`);
    expect(rows.map((r) => r.id)).toEqual([id]);
  });
});

/** A port free now, for a server that must come back on the same one. */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

/** The server process `npm start` runs: its child running the bundle. */
function childOf(pid: number): number | undefined {
  const kids = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  return kids.find((k) => fs.readFileSync(`/proc/${k}/cmdline`, "utf8").includes("server.cjs"));
}

describe.skipIf(process.platform !== "linux")(`npm start's supervisor (${testDbKind()})`, () => {
  let start: ChildProcess | undefined;
  let drop: (() => Promise<void>) | undefined;
  const spool = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-spool-"));
  afterAll(async () => {
    if (start && start.exitCode === null && start.signalCode === null) {
      const gone = new Promise((r) => start!.once("exit", r));
      start.kill("SIGKILL");
      await gone;
    }
    await drop?.();
    fs.rmSync(spool, { recursive: true, force: true });
  });

  it("starts the server again on its port when it is killed, and what it had answered is recorded", async () => {
    const db = await freshDatabase(testDbKind());
    drop = db.drop;
    const port = await freePort();
    const key = `tg_test_${crypto.randomBytes(12).toString("hex")}`;
    let out = "";
    start = spawn(process.execPath, [path.join(ROOT, "scripts/start.mjs")], {
      cwd: ROOT,
      env: testServerEnv({ databaseUrl: db.url, adminKey: key, spoolDir: spool, port }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    start.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    start.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    const ups = () => out.split("thinkgate is up at").length - 1;
    await eventually(async () => (ups() === 1 ? true : undefined), 60_000);
    const baseURL = `http://127.0.0.1:${port}/api`;
    const { id } = await ask(baseURL, key);
    const first = childOf(start.pid!)!;
    expect(first).toBeGreaterThan(0);

    process.kill(first, "SIGKILL");
    await eventually(async () => (ups() === 2 ? true : undefined), 60_000);
    expect(out).toContain("thinkgate: the server stopped unexpectedly (killed by SIGKILL); starting it again in 1 s");
    expect(childOf(start.pid!)).not.toBe(first);
    const after = await ask(baseURL, key);
    expect(after.answer.content[0]).toMatchObject({ type: "text" });
    const recorded = await eventually(async () => {
      const rows = await queryDb<{ id: string }>({ db: testDbKind(), databaseUrl: db.url }, `SELECT "id" FROM "RequestRecord"`);
      return rows.length === 2 ? rows.map((r) => r.id).sort() : undefined;
    });
    expect(recorded).toEqual([id, after.id].sort());

    // Asked to stop, it stops, and does not start the server again.
    const exited = new Promise<number | null>((r) => start!.once("exit", (code) => r(code)));
    start.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(ups()).toBe(2);
  }, 120_000);
});
