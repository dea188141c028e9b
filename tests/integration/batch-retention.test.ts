/**
 * The retention sweep forgets Message Batches (their items' skeletons hold
 * prompt text) after the text retention when that is shorter than the 30
 * days the sweep keeps them otherwise; the records made from them stay.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backdate, queryDb } from "../support/db";
import { eventually, startServer, testDbKind, type TestServer } from "../support/server";

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { THINKGATE_TEXT_RETENTION_DAYS: "1", THINKGATE_RETENTION_SWEEP_MS: "200" } });
});

afterAll(async () => {
  await server?.stop();
});

const count = async (sql: string) => Number((await queryDb<{ n: number | string }>(server, sql))[0]!.n);

describe(`batch retention (${testDbKind()})`, () => {
  it("deletes batches and their items past the retention, keeps newer ones and every record", async () => {
    const client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
    const params = { model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user" as const, content: "Say hello." }] };
    const old = await client.messages.batches.create({ requests: [{ custom_id: "a", params }, { custom_id: "b", params }] });
    const fresh = await client.messages.batches.create({ requests: [{ custom_id: "c", params }] });
    for (const id of [old.id, fresh.id]) {
      await eventually(async () => ((await client.messages.batches.retrieve(id)).processing_status === "ended" ? true : undefined));
      for await (const _ of await client.messages.batches.results(id)) void _;
    }
    await eventually(async () => ((await count(`SELECT COUNT(*) AS n FROM "RequestRecord" WHERE "via" = 'batch'`)) === 3 ? true : undefined));

    await backdate(server, "MessageBatch", "createdAt", "upstreamId", [old.id], 2 * 86_400_000);
    await eventually(async () => ((await count(`SELECT COUNT(*) AS n FROM "MessageBatch"`)) === 1 ? true : undefined));
    expect(await queryDb(server, `SELECT "upstreamId" FROM "MessageBatch"`)).toEqual([{ upstreamId: fresh.id }]);
    expect(await count(`SELECT COUNT(*) AS n FROM "MessageBatchItem"`)).toBe(1);
    expect(await count(`SELECT COUNT(*) AS n FROM "RequestRecord" WHERE "via" = 'batch'`)).toBe(3);
  });
});
