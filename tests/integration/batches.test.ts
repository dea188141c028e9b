/**
 * The Message Batches API through thinkgate, with the official SDK as the
 * client and the simulator upstream: each item routed as a Messages request
 * would be, the results read through thinkgate, one record per item at the
 * batch price, and a batch seen only by the key that created it. Runs once
 * on SQLite and once on PostgreSQL.
 */
import Anthropic, { APIError, BadRequestError, NotFoundError } from "@anthropic-ai/sdk";
import type { MessageBatch, MessageBatchIndividualResponse } from "@anthropic-ai/sdk/resources/messages/batches";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryDb, withDb } from "../support/db";
import { createGatewayKey, eventually, startServer, type TestServer } from "../support/server";

let server: TestServer;
let owner: Anthropic;
let other: Anthropic;
let admin: Anthropic;

const sdk = (key: string) => new Anthropic({ baseURL: server.baseURL, apiKey: key, maxRetries: 0 });

/** The seeded table's batch prices are half these (USD per million tokens). */
const PRICES: Record<string, { input: number; output: number }> = {
  "claude-opus-4-7": { input: 5, output: 25 },
  "claude-sonnet-4-6": { input: 3, output: 15 },
};

const HARD = "Prove that the square root of 2 is irrational, then derive a general proof that the square root of any prime is irrational, step by step, and check each step for gaps.";
const EASY = "Say hello.";

const items = [
  { custom_id: "hard", params: { model: "claude-sonnet-4-6", max_tokens: 2048, messages: [{ role: "user" as const, content: HARD }] } },
  { custom_id: "easy", params: { model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user" as const, content: EASY }] } },
  // Accepted by thinkgate's checks, refused by the upstream: an errored result.
  { custom_id: "no-such-model", params: { model: "claude-nonexistent-9", max_tokens: 64, messages: [{ role: "user" as const, content: EASY }] } },
];

interface Row {
  customId: string;
  id: string;
  via: string;
  tier: string;
  stage: string;
  routeId: string | null;
  servedModel: string;
  thinkingConfig: string | null;
  status: string;
  errorType: string | null;
  inputTokens: number;
  outputTokens: number;
  thinkingTokens: number;
  costTotal: number | null;
  keyId: string | null;
  prompt: string | null;
}

const records = () =>
  queryDb<Row>(
    server,
    `SELECT i."customId", r."id", r."via", r."tier", r."stage", r."routeId", r."servedModel", r."thinkingConfig", r."status", r."errorType",
            r."inputTokens", r."outputTokens", r."thinkingTokens", r."costTotal", r."keyId", r."prompt"
       FROM "MessageBatchItem" i JOIN "RequestRecord" r ON r."id" = i."requestId"`,
  );

async function decisionFor(key: string, params: object): Promise<{ tier: string; stage: string; route: { id: string; model: string; thinking: unknown } }> {
  const res = await fetch(`${server.url}/api/v1/route`, { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body: JSON.stringify(params) });
  expect(res.status).toBe(200);
  return (await res.json()) as never;
}

async function ended(client: Anthropic, id: string): Promise<MessageBatch> {
  return eventually(async () => {
    const b = await client.messages.batches.retrieve(id);
    return b.processing_status === "ended" ? b : undefined;
  });
}

async function results(client: Anthropic, id: string): Promise<MessageBatchIndividualResponse[]> {
  const out: MessageBatchIndividualResponse[] = [];
  for await (const line of await client.messages.batches.results(id)) out.push(line);
  return out;
}

/** A key of its own for a test, and how many batch records its items have (records are written asynchronously). */
async function freshClient(name: string): Promise<Anthropic> {
  return sdk(await createGatewayKey(server, name));
}

async function batchRecordsOf(name: string): Promise<number> {
  const n = await queryDb<{ n: number | string }>(
    server,
    `SELECT COUNT(*) AS n FROM "RequestRecord" r JOIN "ApiKey" k ON k."id" = r."keyId" WHERE r."via" = 'batch' AND k."name" = '${name}'`,
  );
  return Number(n[0]!.n);
}

/** Waits until `name`'s batch records reach `want` (or stop growing short of it): their count. */
async function settledRecords(name: string, want: number): Promise<number> {
  let last = -1;
  for (let stable = 0; stable < 10; ) {
    const n = await batchRecordsOf(name);
    if (n >= want) return n;
    stable = n === last ? stable + 1 : 0;
    last = n;
    await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}

const many = (n: number) => Array.from({ length: n }, (_, i) => ({ custom_id: `item-${i}`, params: items[1]!.params }));

let ownerKey: string;
let otherKey: string;

beforeAll(async () => {
  server = await startServer();
  ownerKey = await createGatewayKey(server, "batch owner");
  owner = sdk(ownerKey);
  otherKey = await createGatewayKey(server, "someone else");
  other = sdk(otherKey);
  admin = sdk(server.adminKey);
});

afterAll(async () => {
  await server?.stop();
});

describe(`Message Batches through thinkgate (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  let batch: MessageBatch;

  it("creates a batch whose items are routed as Messages requests, and records each item once when its results are read", async () => {
    // What the router says for each item as a Messages request: the two differ, or this test shows nothing.
    const hard = await decisionFor(ownerKey, items[0]!.params);
    const easy = await decisionFor(ownerKey, items[1]!.params);
    expect(hard.tier).toBe("reasoning");
    expect(easy.tier).toBe("standard");

    batch = await owner.messages.batches.create({ requests: items });
    expect(batch.id).toMatch(/^msgbatch_/);
    expect(batch.type).toBe("message_batch");
    const done = await ended(owner, batch.id);
    expect(done.request_counts).toMatchObject({ succeeded: 2, errored: 1, processing: 0 });
    // The SDK follows results_url: it points at thinkgate.
    expect(done.results_url).toBe(`${server.url}/api/v1/messages/batches/${batch.id}/results`);

    const lines = await results(owner, batch.id);
    expect(lines.map((l) => l.custom_id).sort()).toEqual(["easy", "hard", "no-such-model"]);
    const byId = new Map(lines.map((l) => [l.custom_id, l.result]));
    const hardResult = byId.get("hard")!;
    const easyResult = byId.get("easy")!;
    if (hardResult.type !== "succeeded" || easyResult.type !== "succeeded") throw new Error("expected two answers");
    // The route was applied to the params sent upstream: the model the route names answered.
    expect(hardResult.message.model).toBe(hard.route.model);
    expect(easyResult.message.model).toBe(easy.route.model);
    expect(hardResult.message.usage.output_tokens_details?.thinking_tokens ?? 0).toBeGreaterThan(0);
    expect(hardResult.message.usage.service_tier).toBe("batch");
    expect(byId.get("no-such-model")!.type).toBe("errored");

    const rows = await eventually(async () => {
      const r = await records();
      return r.length === 3 ? r : undefined;
    });
    const row = new Map(rows.map((r) => [r.customId, r]));
    const h = row.get("hard")!;
    expect(h).toMatchObject({ via: "batch", status: "ok", tier: hard.tier, stage: hard.stage, routeId: hard.route.id, servedModel: hard.route.model });
    expect(JSON.parse(h.thinkingConfig!).thinking).toEqual(hard.route.thinking);
    expect(h.prompt).toBe(HARD);
    expect(h.thinkingTokens).toBe(hardResult.message.usage.output_tokens_details!.thinking_tokens);
    const e = row.get("easy")!;
    expect(e).toMatchObject({ via: "batch", status: "ok", tier: easy.tier, stage: easy.stage, routeId: easy.route.id, servedModel: easy.route.model });
    expect(row.get("no-such-model")).toMatchObject({ via: "batch", status: "error", errorType: "not_found_error" });
    const keyId = h.keyId;
    expect(keyId).toBeTruthy();

    // The batch price: half the standard rates, on the usage the results reported.
    for (const [r, m] of [
      [h, hardResult.message],
      [e, easyResult.message],
    ] as const) {
      const p = PRICES[m.model]!;
      const full = (m.usage.input_tokens * p.input + m.usage.output_tokens * p.output) / 1e6;
      expect(r.inputTokens).toBe(m.usage.input_tokens);
      expect(r.costTotal!).toBeCloseTo(full * 0.5, 9);
    }

    // Read again: the same lines, and still one record per item.
    const again = await results(owner, batch.id);
    expect(again.length).toBe(3);
    await new Promise((r) => setTimeout(r, 500));
    const count = await queryDb<{ n: number | string }>(server, `SELECT COUNT(*) AS n FROM "RequestRecord" WHERE "via" = 'batch'`);
    expect(Number(count[0]!.n)).toBe(3);
  });

  it("answers an item whose thinking thinkgate added without it, as a Messages answer is, unless the create asked to be shown it; a tool call so answered goes on through Messages or in a batch", async () => {
    const client = await freshClient("hidden thinking");
    const tools = [{ name: "get_weather", description: "Current weather for a city", input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] } }];
    const question = `${HARD} Use get_weather for Oslo first.`;
    const reasoned = items[0]!.params;
    const withTool = { ...reasoned, tools, messages: [{ role: "user" as const, content: question }] };
    expect((await decisionFor(ownerKey, withTool)).tier).toBe("reasoning");
    const hidden = await client.messages.batches.create({ requests: [{ custom_id: "answer", params: reasoned }, { custom_id: "tool", params: withTool }] });
    const shown = await client.messages.batches.create({ requests: [{ custom_id: "answer", params: reasoned }] }, { headers: { "thinkgate-thinking": "show" } });
    await Promise.all([ended(client, hidden.id), ended(client, shown.id)]);

    const byId = new Map((await results(client, hidden.id)).map((l) => [l.custom_id, l.result]));
    const answer = byId.get("answer")!;
    const call = byId.get("tool")!;
    if (answer.type !== "succeeded" || call.type !== "succeeded") throw new Error("expected two answers");
    // The client sent no thinking: content[0] is the answer's text, as from the Messages endpoint, though the item was thought about.
    expect(answer.message.content.map((b) => b.type)).toEqual(["text"]);
    expect(answer.message.usage.output_tokens_details?.thinking_tokens ?? 0).toBeGreaterThan(0);
    expect(call.message.content.map((b) => b.type)).not.toContain("thinking");
    const [seen] = await results(client, shown.id);
    if (seen?.result.type !== "succeeded") throw new Error("expected an answer");
    expect(seen.result.message.content[0]!.type).toBe("thinking");

    // The tool call's turn goes on as the client got it, through Messages or in a batch: thinkgate puts the held thinking back.
    const use = call.message.content.find((b) => b.type === "tool_use")!;
    const goOn = { ...withTool, messages: [...withTool.messages, { role: "assistant" as const, content: call.message.content }, { role: "user" as const, content: [{ type: "tool_result" as const, tool_use_id: use.id, content: "4°C and snow" }] }] };
    const next = await client.messages.create(goOn);
    expect(next.stop_reason).toBe("end_turn");
    expect(next.content.map((b) => b.type)).not.toContain("thinking");
    const later = await client.messages.batches.create({ requests: [{ custom_id: "go-on", params: goOn }] });
    await ended(client, later.id);
    expect((await results(client, later.id))[0]!.result.type).toBe("succeeded");
    const [row] = await eventually(async () => {
      const r = await queryDb<{ adjustments: string }>(
        server,
        `SELECT r."adjustments" FROM "RequestRecord" r JOIN "ApiKey" k ON k."id" = r."keyId" WHERE r."via" = 'batch' AND k."name" = 'hidden thinking' AND r."adjustments" LIKE '%put back%'`,
      );
      return r.length ? r : undefined;
    });
    expect(JSON.parse(row!.adjustments)).toContain("thinking blocks thinkgate held back put back into 1 earlier assistant message(s)");
  });

  it("an item that goes on with held thinking under a changed system prompt is answered on a model that binds its thinking: the stale blocks are dropped, not the API's 400", async () => {
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${server.url}${path}`, { method, headers: { "x-api-key": server.adminKey, "content-type": "application/json" }, ...(body ? { body: JSON.stringify(body) } : {}) });
    expect((await admin("PUT", "/api/routes/always-thinks", { name: "Always thinks", tier: "reasoning", model: "claude-opus-5-5", thinking: "on", budgetTokens: 8192 })).ok).toBe(true);
    const { rules } = (await (await admin("GET", "/api/rules")).json()) as { rules: unknown[] };
    expect((await admin("POST", "/api/rules", { rules: [{ id: "deep", name: "deep", when: { tasks: ["deep"] }, then: { routeId: "always-thinks" } }, ...rules], note: "deep thinks" })).ok).toBe(true);
    const client = await freshClient("bound thinking");
    const task = { headers: { "thinkgate-task": "deep" } };
    const question = { role: "user" as const, content: "Explain how to prove that the square root of 5 is irrational." };
    const first = await client.messages.batches.create({ requests: [{ custom_id: "q", params: { model: "claude-sonnet-4-6", max_tokens: 2048, system: "The time is 10:00.", messages: [question] } }] }, task);
    await ended(client, first.id);
    const [answer] = await results(client, first.id);
    if (answer?.result.type !== "succeeded") throw new Error("expected an answer");
    expect(answer.result.message.model).toBe("claude-opus-5-5");
    const messages = [question, { role: "assistant" as const, content: answer.result.message.content }, { role: "user" as const, content: "And the square root of 7?" }];
    const next = await client.messages.batches.create({ requests: [{ custom_id: "next", params: { model: "claude-sonnet-4-6", max_tokens: 2048, system: "The time is 10:05.", messages } }] }, task);
    await ended(client, next.id);
    const [line] = await results(client, next.id);
    expect(line?.result).toMatchObject({ type: "succeeded", message: { model: "claude-opus-5-5" } });
  });

  it("shows a batch only to the key that created it (admins see all)", async () => {
    for (const call of [() => other.messages.batches.retrieve(batch.id), () => other.messages.batches.cancel(batch.id), () => other.messages.batches.delete(batch.id)]) {
      const err = await call().catch((x: unknown) => x);
      expect(err).toBeInstanceOf(NotFoundError);
    }
    const res = await fetch(`${server.url}/api/v1/messages/batches/${batch.id}/results`, { headers: { "x-api-key": otherKey, "anthropic-version": "2023-06-01" } });
    expect(res.status).toBe(404);
    // Unknown ids answer the same.
    expect(await owner.messages.batches.retrieve("msgbatch_unknown").catch((x: unknown) => x)).toBeInstanceOf(NotFoundError);

    const mine: string[] = [];
    for await (const b of owner.messages.batches.list({ limit: 1 })) mine.push(b.id);
    expect(mine).toContain(batch.id);
    const theirs: string[] = [];
    for await (const b of other.messages.batches.list()) theirs.push(b.id);
    expect(theirs).not.toContain(batch.id);
    expect((await admin.messages.batches.retrieve(batch.id)).id).toBe(batch.id);
    const all: string[] = [];
    for await (const b of admin.messages.batches.list()) all.push(b.id);
    expect(all).toContain(batch.id);
  });

  it("pages a key's list newest first", async () => {
    const second = await owner.messages.batches.create({ requests: [items[1]!] });
    const first = await owner.messages.batches.list({ limit: 1 });
    expect(first.data.map((b) => b.id)).toEqual([second.id]);
    expect(first.has_more).toBe(true);
    const next = await owner.messages.batches.list({ limit: 1, after_id: second.id });
    expect(next.data.map((b) => b.id)).toEqual([batch.id]);
    expect(next.has_more).toBe(false);
    const back = await owner.messages.batches.list({ limit: 5, before_id: batch.id });
    expect(back.data.map((b) => b.id)).toEqual([second.id]);
    await ended(owner, second.id);
  });

  it("refuses a bad batch with a 400 that names the item", async () => {
    const cases: [unknown[], RegExp][] = [
      [[items[1], { custom_id: "not ok!", params: items[1]!.params }], /requests\.1\.custom_id/],
      [[items[1], { custom_id: "easy", params: items[1]!.params }], /requests\.1\.custom_id: "easy" is used by an earlier request/],
      [[{ custom_id: "no-max", params: { model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }] } }], /requests\.0 \(custom_id "no-max"\)\.params: max_tokens: Field required/],
      [[{ custom_id: "streamed", params: { ...items[1]!.params, stream: true } }], /requests\.0 \(custom_id "streamed"\)\.params\.stream/],
      [[], /requests: List should have at least 1 item/],
    ];
    for (const [requests, message] of cases) {
      const err = await owner.messages.batches.create({ requests: requests as never }).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(BadRequestError);
      expect(((err as BadRequestError).error as { error: { message: string } }).error.message).toMatch(message);
    }
  });

  it("records every item of a large batch: a chunk of results holds more lines than a statement takes parameters", async () => {
    const client = await freshClient("large batch");
    const big = await client.messages.batches.create({ requests: many(3_000) });
    await client.messages.batches.cancel(big.id);
    await ended(client, big.id);
    const lines = await results(client, big.id);
    expect(lines.length).toBe(3_000);
    expect(await settledRecords("large batch", 3_000)).toBe(3_000);
  });

  it("records every line a client was sent when the batch is deleted while its results are being read", async () => {
    const client = await freshClient("deleted while read");
    const big = await client.messages.batches.create({ requests: many(4_000) });
    await ended(client, big.id);
    let read = 0;
    for await (const line of await client.messages.batches.results(big.id)) {
      expect(line.result.type).toBe("succeeded");
      if (++read === 500) await client.messages.batches.delete(big.id);
    }
    expect(read).toBe(4_000);
    expect(await client.messages.batches.retrieve(big.id).catch((x: unknown) => x)).toBeInstanceOf(NotFoundError);
    expect(await settledRecords("deleted while read", 4_000)).toBe(4_000);
  }, 120_000);

  it("keeps a list's place when each batch is deleted as it is listed", async () => {
    const client = await freshClient("list and delete");
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await client.messages.batches.create({ requests: [items[1]!] })).id);
    for (const id of made) await ended(client, id);
    const deleted: string[] = [];
    for await (const b of client.messages.batches.list({ limit: 2 })) {
      await client.messages.batches.delete(b.id);
      deleted.push(b.id);
    }
    expect(deleted).toEqual([...made].reverse());
    expect((await client.messages.batches.list()).data).toEqual([]);
  });

  it("fills a key's page past batches the upstream no longer has: never an empty page with more after it", async () => {
    const client = await freshClient("gone upstream");
    const kept = await client.messages.batches.create({ requests: [items[1]!] });
    await ended(client, kept.id);
    // Three batches thinkgate stored that the upstream does not know (deleted past thinkgate), newer than the one it has.
    await withDb(server, async (q) => {
      for (const n of [1, 2, 3]) {
        await q(
          `INSERT INTO "MessageBatch" ("id", "upstreamId", "status", "keyId", "scope", "itemCount", "createdAt") SELECT ?, ?, 'created', "keyId", "scope", 1, "createdAt" FROM "MessageBatch" WHERE "upstreamId" = ?`,
          [`tgbatch_gone_${n}`, `msgbatch_zz_gone_${n}`, kept.id],
        );
      }
    });
    const first = await client.messages.batches.list({ limit: 2 });
    expect(first.data.map((b) => b.id)).toEqual([kept.id]);
    expect(first.has_more).toBe(false);
    expect(first.last_id).toBe(kept.id);
    const all: string[] = [];
    for await (const b of client.messages.batches.list({ limit: 1 })) all.push(b.id);
    expect(all).toEqual([kept.id]);
  });

  it("deletes an ended batch, after which it is unknown", async () => {
    const deleted = await owner.messages.batches.delete(batch.id);
    expect(deleted).toMatchObject({ id: batch.id, type: "message_batch_deleted" });
    expect(await owner.messages.batches.retrieve(batch.id).catch((x: unknown) => x)).toBeInstanceOf(NotFoundError);
    // The items' records stay.
    const count = await queryDb<{ n: number | string }>(server, `SELECT COUNT(*) AS n FROM "RequestRecord" WHERE "via" = 'batch'`);
    expect(Number(count[0]!.n)).toBeGreaterThanOrEqual(3);
  });
});

describe(`the simulator's batches hold bounded memory (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  /** The simulator's bound on its batches' bytes, set low so it is reached with a small batch. */
  const BOUND = 300_000;
  let small: TestServer;
  let client: Anthropic;

  beforeAll(async () => {
    // Realistic latency: a batch is in progress for 2 s, so it holds its bytes meanwhile.
    small = await startServer({ env: { THINKGATE_SIM_BATCH_MAX_BYTES: String(BOUND), THINKGATE_SIM_LATENCY: "realistic" } });
    client = new Anthropic({ baseURL: small.baseURL, apiKey: await createGatewayKey(small, "bounded"), maxRetries: 0 });
  });

  afterAll(async () => {
    await small?.stop();
  });

  it("refuses a batch while those in progress fill the bound (529), answers items past it as overloaded, forgets the oldest ended batch to make room, and refuses a batch over the bound with a 413", async () => {
    // About 170 KB of requests and several times that in answers: the answers pass the bound.
    const first = await client.messages.batches.create({ requests: many(1_000) });
    // As much again while the first is in progress: over the bound, and nothing ended to make room.
    const busy = await client.messages.batches.create({ requests: many(1_000) }).catch((x: unknown) => x);
    expect(busy).toBeInstanceOf(APIError);
    expect((busy as APIError).status).toBe(529);
    expect((busy as APIError).message).toMatch(/message batches still processing/);
    await ended(client, first.id);
    const lines: MessageBatchIndividualResponse[] = [];
    for await (const line of await client.messages.batches.results(first.id)) lines.push(line);
    expect(lines.length).toBe(1_000);
    const types = lines.map((l) => (l.result.type === "errored" ? l.result.error.error.type : l.result.type));
    expect(types).toContain("succeeded");
    expect(types).toContain("overloaded_error");
    const overloaded = lines.find((l) => l.result.type === "errored")!.result as { error: { error: { message: string } } };
    expect(overloaded.error.error.message).toMatch(/bound of 1 MB/);

    // The next batch is stored in place of the ended one.
    const second = await client.messages.batches.create({ requests: many(10) });
    await ended(client, second.id);
    expect(await client.messages.batches.retrieve(first.id).catch((x: unknown) => x)).toBeInstanceOf(NotFoundError);
    expect((await client.messages.batches.retrieve(second.id)).request_counts.succeeded).toBe(10);

    // One batch bigger than the bound: the API's 413 for a batch over its limit.
    const tooBig = await client.messages.batches.create({ requests: many(3_000) }).catch((x: unknown) => x);
    expect(tooBig).toBeInstanceOf(APIError);
    expect((tooBig as APIError).status).toBe(413);
    expect((tooBig as APIError).message).toMatch(/over the simulator's bound/);
  }, 60_000);
});
