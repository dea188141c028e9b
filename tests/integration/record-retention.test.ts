/**
 * The retention of request records, on a real thinkgate process: requests
 * through the official SDK are recorded; the test backdates some records in
 * the database directly, and the sweep (every 200 ms) must clear the text of
 * those past THINKGATE_TEXT_RETENTION_DAYS (1) and delete those past
 * THINKGATE_RECORD_RETENTION_DAYS (30), leaving the others, the search index
 * and the cost rollup in step.
 */
import Anthropic from "@anthropic-ai/sdk";
import type { Tool } from "@anthropic-ai/sdk/resources/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backdate, copyRecord, queryDb } from "../support/db";
import { eventually, startServer, testDbKind, type TestServer } from "../support/server";

let server: TestServer;
let client: Anthropic;
const DAY = 86_400_000;

beforeAll(async () => {
  server = await startServer({
    env: { THINKGATE_TEXT_RETENTION_DAYS: "1", THINKGATE_RECORD_RETENTION_DAYS: "30", THINKGATE_RETENTION_SWEEP_MS: "200" },
  });
  client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
  // Every trace keeps its thinking text, so there is thinking to clear.
  const res = await fetch(`${server.url}/api/settings/traces`, {
    method: "PUT",
    headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
    body: JSON.stringify({ sampling: { rate: 1 } }),
  });
  expect(res.status).toBe(200);
});

afterAll(async () => {
  await server?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface StoredRecord {
  id: string;
  prompt: string | null;
  system: string | null;
  answer: string | null;
  thinkingText: string | null;
  toolCalls: { id: string; name: string; input: string }[] | null;
  assumptionKeys: string[] | null;
  textClearedAt: string | null;
  inputTokens: number;
  outputTokens: number;
  thinkingTokens: number;
  costTotal: number | null;
  hedgeCount: number | null;
  tier: string;
}

async function record(id: string): Promise<StoredRecord | null> {
  const res = await fetch(`${server.url}/api/requests/${id}`, { headers: { "x-api-key": server.adminKey } });
  if (res.status === 404) return null;
  expect(res.status).toBe(200);
  return (await res.json()) as StoredRecord;
}

const stored = (id: string) => eventually(async () => (await record(id)) ?? undefined, 15_000);

/** Trace ids a full-text search finds (the FTS5 / tsvector index the triggers keep). */
async function search(word: string): Promise<string[]> {
  const res = await fetch(`${server.url}/api/traces?${new URLSearchParams({ q: word, limit: "50" })}`, { headers: { "x-api-key": server.adminKey } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { id: string }[] }).data.map((r) => r.id);
}

const weather: Tool = { name: "get_weather", description: "Current weather for a city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } };

/** A reasoning-tier answer with thinking and a tool call, about `word`; returns its record id. */
async function ask(word: string): Promise<string> {
  const { response } = await client.messages
    .create(
      {
        model: "claude-sonnet-4-6",
        max_tokens: 1024,
        system: `You help the ${word} team.`,
        tools: [weather],
        messages: [{ role: "user", content: `Use get_weather for ${word} city, then review whether our retry policy handles the 503s it reported. Assume the cache is cold.` }],
      },
      { headers: { "thinkgate-tier": "reasoning" } },
    )
    .withResponse();
  return response.headers.get("thinkgate-request-id")!;
}

/** The rollup's totals against the records' own: the cost dashboard must keep agreeing with what is stored. */
async function rollupAgrees(): Promise<void> {
  const [r] = await queryDb<{ n: number | string; cost: number | null }>(server, `SELECT COUNT(*) AS n, SUM("costTotal") AS cost FROM "RequestRecord"`);
  const [c] = await queryDb<{ n: number | string | null; cost: number | null }>(server, `SELECT SUM("requests") AS n, SUM("costTotal") AS cost FROM "CostRollup"`);
  expect(Number(c!.n ?? 0)).toBe(Number(r!.n));
  expect(Number(c!.cost ?? 0)).toBeCloseTo(Number(r!.cost ?? 0), 9);
}

describe(`record retention (${testDbKind()})`, () => {
  it("clears the text of records past the text retention, deletes those past the record retention, and keeps the rest", async () => {
    const ids = { kept: await ask("quokkaalpha"), cleared: await ask("quokkabravo"), deleted: await ask("quokkacharlie") };
    const before = {
      kept: await stored(ids.kept),
      cleared: await stored(ids.cleared),
      deleted: await stored(ids.deleted),
    };
    for (const r of Object.values(before)) {
      expect(r.tier).toBe("reasoning");
      expect(r.prompt).toMatch(/quokka/);
      expect(r.thinkingText).toBeTruthy();
      // JSON columns come parsed, as the record's hops and thinking configuration do.
      expect(r.toolCalls![0]).toMatchObject({ name: expect.any(String), id: expect.any(String) });
      expect(r.textClearedAt).toBeNull();
    }
    expect(await search("quokkabravo")).toEqual([ids.cleared]);

    await backdate(server, "RequestRecord", "createdAt", "id", [ids.cleared], 2 * DAY);
    await backdate(server, "RequestRecord", "createdAt", "id", [ids.deleted], 40 * DAY);

    const cleared = await eventually(async () => {
      const r = await record(ids.cleared);
      return r?.textClearedAt ? r : undefined;
    }, 10_000);
    await eventually(async () => ((await record(ids.deleted)) === null ? true : undefined), 10_000);

    // The cleared record: every text column gone, its decision, tokens, cost and counts kept.
    expect(cleared).toMatchObject({ prompt: null, system: null, answer: null, thinkingText: null, toolCalls: null, assumptionKeys: null, tier: "reasoning" });
    const b = before.cleared;
    expect({ in: cleared.inputTokens, out: cleared.outputTokens, th: cleared.thinkingTokens, cost: cleared.costTotal, hedges: cleared.hedgeCount }).toEqual({
      in: b.inputTokens,
      out: b.outputTokens,
      th: b.thinkingTokens,
      cost: b.costTotal,
      hedges: b.hedgeCount,
    });
    expect(JSON.stringify(cleared)).not.toContain("quokkabravo");
    // The search index lost its text with it.
    expect(await search("quokkabravo")).toEqual([]);

    // The trace page says what happened to the text.
    const trace = (await (await fetch(`${server.url}/api/traces/${ids.cleared}`, { headers: { "x-api-key": server.adminKey } })).json()) as { thinking: { status: string; placeholder: string } };
    expect(trace.thinking.status).toBe("cleared");
    expect(trace.thinking.placeholder).toMatch(/THINKGATE_TEXT_RETENTION_DAYS/);

    // Several sweeps later the recent record is whole, and still found.
    await sleep(1_000);
    const kept = (await record(ids.kept))!;
    expect(kept.textClearedAt).toBeNull();
    expect(kept.prompt).toBe(before.kept.prompt);
    expect(kept.thinkingText).toBe(before.kept.thinkingText);
    expect(await search("quokkaalpha")).toEqual([ids.kept]);
    // The deleted record left the cost rollup with it; the cleared one is still counted.
    await rollupAgrees();
    expect(server.output()).not.toMatch(/retention: sweep step failed/);
    // What the sweep did is counted for Prometheus.
    const scrape = await (await fetch(`${server.url}/metrics`, { headers: { "x-api-key": server.adminKey } })).text();
    const rows = (what: string) => Number(new RegExp(`^thinkgate_retention_rows_total\\{what="${what}"\\} (\\S+)$`, "m").exec(scrape)?.[1] ?? NaN);
    expect(rows("record_text")).toBeGreaterThanOrEqual(1);
    expect(rows("records")).toBeGreaterThanOrEqual(1);
    expect(scrape).not.toMatch(/^thinkgate_retention_failures_total\{[^}]*\} [1-9]/m);
  });

  it("works through more records than one batch, and never clears a record twice", async () => {
    // 1,200 copies of a record, backdated three days: the sweep clears them 500 at a time.
    const source = await ask("quokkadelta");
    await stored(source);
    const copies = 1_200;
    await copyRecord(server, source, copies, 3 * DAY);
    // A correctness case, not a speed bound: alone it clears the 1,200 in about 2 s, but on a
    // 2-core machine running two other files' servers beside it, PostgreSQL clears ~70 a second.
    await eventually(async () => {
      const [row] = await queryDb<{ n: number | string }>(server, `SELECT COUNT(*) AS n FROM "RequestRecord" WHERE "id" LIKE 'copy-%' AND "textClearedAt" IS NULL`);
      return Number(row!.n) === 0 ? true : undefined;
    }, 60_000);
    const [left] = await queryDb<{ n: number | string; texts: number | string }>(
      server,
      `SELECT COUNT(*) AS n, COUNT("prompt") + COUNT("answer") + COUNT("thinkingText") AS texts FROM "RequestRecord" WHERE "id" LIKE 'copy-%'`,
    );
    expect(Number(left!.n)).toBe(copies);
    expect(Number(left!.texts)).toBe(0);
    // A cleared record keeps the time it was cleared: later sweeps do not touch it again.
    const [first] = await queryDb<{ t: string | Date }>(server, `SELECT MIN("textClearedAt") AS t FROM "RequestRecord" WHERE "id" LIKE 'copy-%'`);
    await sleep(800);
    const [again] = await queryDb<{ t: string | Date }>(server, `SELECT MIN("textClearedAt") AS t FROM "RequestRecord" WHERE "id" LIKE 'copy-%'`);
    expect(String(again!.t)).toBe(String(first!.t));
    expect((await record(source))!.prompt).toMatch(/quokkadelta/);
    await rollupAgrees();
  });

  it("lets an admin clear one record's text at once, and no one else", async () => {
    const id = await ask("quokkaecho");
    const before = await stored(id);
    expect(await search("quokkaecho")).toEqual([id]);
    const keyOf = async (role: string) => {
      const res = await fetch(`${server.url}/api/keys`, { method: "POST", headers: { "x-api-key": server.adminKey, "content-type": "application/json" }, body: JSON.stringify({ name: role, role }) });
      return ((await res.json()) as { secret: string }).secret;
    };
    const clear = (key: string, which = id) => fetch(`${server.url}/api/requests/${which}/text`, { method: "DELETE", headers: { "x-api-key": key } });

    for (const role of ["viewer", "editor"]) {
      const refused = await clear(await keyOf(role));
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { type: string } }).error.type).toBe("permission_error");
    }
    const missing = await clear(server.adminKey, "req_does_not_exist");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { type: string } }).error.type).toBe("not_found_error");
    expect((await record(id))!.prompt).toMatch(/quokkaecho/);

    const res = await clear(server.adminKey);
    expect(res.status).toBe(200);
    const after = (await res.json()) as StoredRecord;
    expect(after).toMatchObject({ id, prompt: null, system: null, answer: null, thinkingText: null, toolCalls: null, costTotal: before.costTotal, thinkingTokens: before.thinkingTokens });
    expect(after.textClearedAt).toBeTruthy();
    expect(await search("quokkaecho")).toEqual([]);
    // Again: nothing more to clear, and the time it was cleared stays.
    const again = (await (await clear(server.adminKey)).json()) as StoredRecord;
    expect(again.textClearedAt).toBe(after.textClearedAt);
    await rollupAgrees();
  });
});
