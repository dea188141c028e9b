/**
 * A Message Batch create is written ahead of its upstream call
 * (lib/batches/pending.ts), so a process killed after the upstream accepted
 * the batch and before its answer was stored loses nothing: after a restart
 * on the same database and spool, the reconcile adopts the upstream batch
 * into the creating key's row. The upstream is the standalone simulator
 * behind a proxy that holds the create's answer (tests/support/holding-proxy.ts):
 * the gateway is killed while the upstream has accepted the batch and the
 * answer has not reached the gateway. Runs on SQLite and on PostgreSQL.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Anthropic, { APIConnectionError, NotFoundError } from "@anthropic-ai/sdk";
import type { MessageBatchIndividualResponse } from "@anthropic-ai/sdk/resources/messages/batches";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { backdate, queryDb } from "../support/db";
import { startHoldingProxy, type HoldingProxy } from "../support/holding-proxy";
import { createGatewayKey, eventually, freshDatabase, startServer, testDbKind, type TestServer } from "../support/server";
import { startSimulator, type Simulator } from "../support/simulator";

const HARD = "Prove that the square root of 2 is irrational, then derive a general proof that the square root of any prime is irrational, step by step, and check each step for gaps.";
const EASY = "Say hello.";
const items = [
  { custom_id: "hard", params: { model: "claude-sonnet-4-6", max_tokens: 2048, messages: [{ role: "user" as const, content: HARD }] } },
  { custom_id: "easy", params: { model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user" as const, content: EASY }] } },
];

let sim: Simulator;
let proxy: HoldingProxy;
let database: { url: string; drop: () => Promise<void> };
let spoolDir: string;
const servers: TestServer[] = [];

const sdk = (server: TestServer, key: string) => new Anthropic({ baseURL: server.baseURL, apiKey: key, maxRetries: 0 });

/** The admin key of the first server on the database: a restart keeps it (a bootstrap key is taken only by an empty database). */
let adminKey: string | undefined;

/** A server on the file's database and spool, one at a time (the spool is locked to its process). */
async function start(): Promise<TestServer> {
  const s = await startServer({ databaseUrl: database.url, spoolDir, env: { ANTHROPIC_BASE_URL: proxy.baseURL, THINKGATE_BATCH_RECONCILE_MS: "500" } });
  servers.push(s);
  adminKey ??= s.adminKey;
  return s;
}

const newKey = (s: TestServer, name: string) => createGatewayKey({ url: s.url, adminKey: adminKey! }, name);

async function kill(s: TestServer): Promise<void> {
  if (s.proc.exitCode !== null || s.proc.signalCode !== null) return;
  const exited = new Promise((r) => s.proc.once("exit", r));
  s.proc.kill("SIGKILL");
  await exited;
}

const count = async (s: TestServer, sql: string) => Number((await queryDb<{ n: number | string }>(s, sql))[0]!.n);

beforeAll(async () => {
  sim = await startSimulator();
  proxy = await startHoldingProxy(sim.baseURL);
  database = await freshDatabase(testDbKind());
  spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-spool-"));
});

afterEach(async () => {
  for (const s of servers) await kill(s);
});

afterAll(async () => {
  for (const s of servers) await s.stop();
  await proxy?.close();
  await sim?.stop();
  await database?.drop();
  fs.rmSync(spoolDir, { recursive: true, force: true });
});

describe(`batch creates written ahead (${testDbKind()})`, () => {
  it("SIGKILL once the upstream accepted a create, before its answer was stored: after a restart the creating key gets, lists and reads the batch, each item recorded with its routing; another key still gets 404", async () => {
    const first = await start();
    const ownerKey = await newKey(first, "batch owner");
    const otherKey = await newKey(first, "someone else");

    const held = proxy.holdNextCreate();
    const creating = sdk(first, ownerKey)
      .messages.batches.create({ requests: items })
      .catch((e: unknown) => e);
    const answer = await held;
    expect(answer.status).toBe(200);
    const id = (JSON.parse(answer.body) as { id: string }).id;
    expect(id).toMatch(/^msgbatch_/);
    // The upstream has the batch; the gateway never gets its answer.
    await kill(first);
    expect(await creating).toBeInstanceOf(APIConnectionError);

    const second = await start();
    const owner = sdk(second, ownerKey);
    const got = await eventually(() => owner.messages.batches.retrieve(id), 20_000);
    expect(got.id).toBe(id);
    expect((await owner.messages.batches.list()).data.map((b) => b.id)).toEqual([id]);

    const done = await eventually(async () => {
      const b = await owner.messages.batches.retrieve(id);
      return b.processing_status === "ended" ? b : undefined;
    });
    expect(done.results_url).toBe(`${second.url}/api/v1/messages/batches/${id}/results`);
    const lines: MessageBatchIndividualResponse[] = [];
    for await (const line of await owner.messages.batches.results(id)) lines.push(line);
    expect(lines.map((l) => l.custom_id).sort()).toEqual(["easy", "hard"]);

    // Each item's record, from the routing made at the create, before the kill.
    const rows = await eventually(async () => {
      const r = await queryDb<{ customId: string; via: string; tier: string; keyName: string }>(
        second,
        `SELECT i."customId", r."via", r."tier", k."name" AS "keyName" FROM "MessageBatchItem" i JOIN "RequestRecord" r ON r."id" = i."requestId" JOIN "ApiKey" k ON k."id" = r."keyId"`,
      );
      return r.length === 2 ? r : undefined;
    });
    const tiers = Object.fromEntries(rows.map((r) => [r.customId, r.tier]));
    expect(tiers).toEqual({ hard: "reasoning", easy: "standard" });
    expect(rows.every((r) => r.via === "batch" && r.keyName === "batch owner")).toBe(true);

    const other = sdk(second, otherKey);
    expect(await other.messages.batches.retrieve(id).catch((e: unknown) => e)).toBeInstanceOf(NotFoundError);
    expect((await other.messages.batches.list()).data).toEqual([]);
    const res = await fetch(`${second.url}/api/v1/messages/batches/${id}/results`, { headers: { "x-api-key": otherKey, "anthropic-version": "2023-06-01" } });
    expect(res.status).toBe(404);
    await kill(second);
  }, 120_000);

  it("a create the upstream refuses leaves no batch and no items behind", async () => {
    const s = await start();
    const key = await newKey(s, "refused");
    const batches = () => count(s, `SELECT COUNT(*) AS n FROM "MessageBatch"`);
    const itemRows = () => count(s, `SELECT COUNT(*) AS n FROM "MessageBatchItem"`);
    const before = [await batches(), await itemRows()];
    proxy.refuseNextCreate(529, JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }));
    const err = await sdk(s, key)
      .messages.batches.create({ requests: items })
      .catch((e: unknown) => e);
    expect((err as { status?: number }).status).toBe(529);
    expect([await batches(), await itemRows()]).toEqual(before);
    await kill(s);
  }, 60_000);

  it("a pending create no upstream batch matches is marked failed once its window has passed, and its items deleted", async () => {
    const first = await start();
    const key = await newKey(first, "never sent");
    // The create never reaches the upstream, and the gateway dies waiting for its answer.
    const arrived = proxy.swallowNextCreate();
    const creating = sdk(first, key)
      .messages.batches.create({ requests: items })
      .catch((e: unknown) => e);
    await arrived;
    await kill(first);
    await creating;
    // Moved an hour back: its window (the upstream call's timeout and more) long past.
    const pending = await queryDb<{ id: string }>(first, `SELECT "id" FROM "MessageBatch" WHERE "status" = 'pending'`);
    expect(pending.length).toBe(1);
    await backdate(first, "MessageBatch", "createdAt", "id", [pending[0]!.id], 3_600_000);

    const itemsLeft = () => count(first, `SELECT COUNT(*) AS n FROM "MessageBatchItem" WHERE "batchId" = '${pending[0]!.id}'`);
    // Its items were stored before the create was sent.
    expect(await itemsLeft()).toBe(2);

    const second = await start();
    const status = async () => (await queryDb<{ status: string }>(second, `SELECT "status" FROM "MessageBatch" WHERE "id" = '${pending[0]!.id}'`))[0]?.status;
    // Marked failed, then its items deleted.
    await eventually(async () => ((await status()) === "failed" && (await itemsLeft()) === 0 ? true : undefined), 20_000);
    expect((await sdk(second, key).messages.batches.list()).data).toEqual([]);
    await kill(second);
  }, 120_000);
});
