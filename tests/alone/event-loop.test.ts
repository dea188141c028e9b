/**
 * Nothing a key holder or an editor sends may freeze the gateway. Each test
 * runs a hostile request against a real thinkgate process and measures the
 * event-loop stall the way a client would feel it: the worst latency of
 * /api/health polled back to back while the hostile request is in flight.
 *
 *  - A rule's escalation JSON Schema with a catastrophic `pattern`
 *    ("^(a+)+$") checked against a crafted answer: JavaScript's backtracking
 *    RegExp takes seconds (doubling per character); every user pattern must run
 *    on the linear-time engine.
 *  - 50 rules x 20 `promptContains` phrases against a 16 MB prompt: a scan per
 *    phrase is phrases x prompt size on the main thread; one multi-pattern scan,
 *    done in slices that yield, is not.
 *
 * The upstream is a canned one in a process of its own that answers without
 * parsing what it gets (tests/support/canned-upstream.ts), so only the
 * gateway's own work counts.
 */
import Anthropic from "@anthropic-ai/sdk";
import crypto from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser } from "../support/browser";
import { startCannedUpstream, type CannedUpstream } from "../support/canned-upstream";
import { copyRecord, queryDb, withDb } from "../support/db";
import { eventually, startServer, testDbKind, type TestServer } from "../support/server";
import { MAX_STALL_MS, stallDuring } from "../support/stall";

const ADMIN = { email: "admin@example.com", password: "correct-horse-battery" };
/*
 * A 16 MB body is measured on the same bound (MAX_STALL_MS). Its body is
 * decoded and parsed on the JSON parser's thread (lib/api/large-json.ts);
 * the largest piece left on the main thread is taking the parsed value back,
 * ~40 ms on these machines (a first write to 16 MB of fresh memory alone
 * costs that here). The 16 MB request is the first large one the process
 * handles: nothing is warmed up for it. Before the phrase matcher and the
 * large-body paths this request held the event loop for 13–25 s.
 */

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * POST /v1/messages (or another gateway path) with a body already encoded, over node:http: the bytes go
 * to the socket as they are. fetch() copies a byte body first (16 MB of fresh
 * memory, ~40 ms in the test process), which would be counted as the
 * gateway's stall.
 */
function postMessages(server: TestServer, bytes: Uint8Array, path = "/v1/messages"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.baseURL}${path}`, {
      method: "POST",
      // Both kinds of key header: the Messages API's and the OpenAI-compatible endpoint's.
      headers: { "content-type": "application/json", "content-length": bytes.length, "x-api-key": server.adminKey, authorization: `Bearer ${server.adminKey}`, "anthropic-version": "2023-06-01" },
    });
    req.once("response", (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.once("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString("utf8") }));
      res.once("error", reject);
    });
    req.once("error", reject);
    req.end(bytes);
  });
}

const recorderIdle = (server: TestServer) =>
  eventually(async () => ((await (await fetch(`${server.url}/api/health`)).json()).recorder.queued === 0 ? true : undefined));


const utf8 = new TextEncoder();

const serverOn = (upstream: CannedUpstream) =>
  startServer({
    env: {
      ANTHROPIC_API_KEY: "sk-ant-canned-upstream",
      ANTHROPIC_BASE_URL: upstream.url,
      THINKGATE_ADMIN_EMAIL: ADMIN.email,
      THINKGATE_ADMIN_PASSWORD: ADMIN.password,
    },
  });

/*
 * The cases of the first two blocks, and the simulator's large bodies, measure
 * the serving thread's own work on a request (parsing, matching, routing);
 * their records are built and written on the record thread, the same way on
 * both databases. They run on SQLite only (npm test runs this file on each):
 * the suite is CPU-bound on two cores, and they checked nothing of
 * PostgreSQL's. What the serving thread does with the database itself (a
 * batch's results recorded, the retention sweep, a backlog beside rule edits,
 * queries over 300,000 records) runs on both.
 */
const onPostgres = testDbKind() === "postgresql";

async function saveRules(admin: Browser, rules: unknown[]): Promise<void> {
  const res = await admin.post("/api/rules", { rules, note: "hostile" });
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(201);
}

describe.skipIf(onPostgres)(`a JSON Schema pattern on a crafted answer (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  /** 26 a's and a "!": about 4.6 s of backtracking for "^(a+)+$", doubling with each further "a". */
  const CRAFTED = JSON.stringify({ answer: `${"a".repeat(26)}!` });
  let upstream: CannedUpstream;
  let server: TestServer;

  beforeAll(async () => {
    upstream = await startCannedUpstream(CRAFTED);
    server = await serverOn(upstream);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await upstream?.stop();
  });

  it("checks the answer in linear time: the gateway keeps answering, and the answer still fails the pattern", async () => {
    const admin = new Browser(server.url);
    await admin.login(ADMIN.email, ADMIN.password);
    await saveRules(admin, [
      {
        id: "extract",
        name: "Extraction, validated",
        when: { tasks: ["extract"] },
        then: { routeId: "standard" },
        escalate: { jsonSchema: { type: "object", properties: { answer: { type: "string", pattern: "^(a+)+$" } }, required: ["answer"] } },
      },
    ]);
    const client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
    const extract = () =>
      client.messages
        .create(
          { model: "claude-sonnet-4-6", max_tokens: 200, messages: [{ role: "user", content: "Extract the answer as JSON." }] },
          { headers: { "thinkgate-task": "extract" } },
        )
        .withResponse();
    await extract(); // the first request of a process loads code; the stall is measured on the second
    let request!: ReturnType<typeof extract>;
    const { worstMs, polls } = await stallDuring(server, () => (request = extract()));
    const { response } = await request;
    console.log(`JSON Schema pattern "^(a+)+$" on a crafted answer: worst /api/health latency ${worstMs.toFixed(1)} ms over ${polls} polls`);
    expect(worstMs).toBeLessThan(MAX_STALL_MS);
    // The pattern was really evaluated: the answer does not match it, so the standard answer was escalated.
    expect(response.headers.get("thinkgate-stage")).toBe("escalation");
    expect((await upstream.inspect()).calls).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it("refuses a pattern the linear-time engine cannot run, with the reason, when the rule is saved", async () => {
    const admin = new Browser(server.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const res = await admin.post("/api/rules", {
      rules: [
        {
          id: "backref",
          name: "Backreference",
          when: { tasks: ["extract"] },
          then: { routeId: "standard" },
          escalate: { jsonSchema: { type: "string", pattern: "^(a)\\1$" } },
        },
      ],
      note: "bad",
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/backreferences are not allowed/);
  });
});

describe.skipIf(onPostgres)(`50 rules x 20 phrases on a 16 MB prompt (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  let upstream: CannedUpstream;
  let server: TestServer;

  beforeAll(async () => {
    upstream = await startCannedUpstream("Read it.");
    server = await serverOn(upstream);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await upstream?.stop();
  });

  it("routes by one scan in slices: the gateway keeps answering, and a phrase near the end still matches", async () => {
    const admin = new Browser(server.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const rules = Array.from({ length: 50 }, (_, r) => ({
      id: `r${r}`,
      name: `Rule ${r}`,
      when: { promptContains: Array.from({ length: 20 }, (_, p) => `needle ${r} phrase ${p}`) },
      then: { routeId: "reasoning" },
    }));
    await saveRules(admin, rules);
    // 16 MB of ordinary prose with the last rule's last phrase at the very end, so every rule is tried and the whole prompt scanned.
    const unit = "The quick brown fox reviews the incident timeline and writes down what it found. ";
    const prompt = unit.repeat(Math.ceil(16_000_000 / unit.length)) + " needle 49 phrase 19.";
    // Serialised and encoded before the clock starts: the test process's own work must not count as the gateway's stall.
    const body = utf8.encode(JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: prompt }] }));
    let request!: Promise<Answer>;
    const { worstMs, polls } = await stallDuring(server, () => (request = postMessages(server, body)));
    const res = await request;
    const text = res.text;
    console.log(`50 rules x 20 phrases, ${(body.length / 1e6).toFixed(1)} MB prompt: worst /api/health latency ${worstMs.toFixed(1)} ms over ${polls} polls`);
    expect(res.status, text.slice(0, 300)).toBe(200);
    expect(res.headers["thinkgate-stage"]).toBe("rule");
    expect(res.headers["thinkgate-route"]).toBe("reasoning");
    expect(worstMs).toBeLessThan(MAX_STALL_MS);
    // What went upstream (serialised in pieces, lib/gateway/upstream-body.ts) is the whole prompt, unchanged.
    const sent = await upstream.inspect();
    expect(sent.contentSha256).toBe(crypto.createHash("sha256").update(prompt).digest("hex"));
    await recorderIdle(server);
  }, 120_000);

  it("a 16 MB prompt no rule matches reaches the classifier without holding the gateway either", async () => {
    const unit = "Another long pasted log line with nothing any rule looks for, request 12345 served in 87 ms. ";
    const body = utf8.encode(JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: unit.repeat(Math.ceil(16_000_000 / unit.length)) + "\nWhat does this log say?" }] }));
    let request!: Promise<Answer>;
    const { worstMs, polls } = await stallDuring(server, () => (request = postMessages(server, body)));
    const res = await request;
    const text = res.text;
    console.log(`no rule matches, ${(body.length / 1e6).toFixed(1)} MB prompt: worst /api/health latency ${worstMs.toFixed(1)} ms over ${polls} polls`);
    expect(res.status, text.slice(0, 300)).toBe(200);
    expect(res.headers["thinkgate-stage"]).toBe("classifier");
    expect(worstMs).toBeLessThan(MAX_STALL_MS);
  }, 120_000);

  it("a conversation of 100,000 messages (the API's most) is read in turns: the gateway keeps answering", async () => {
    // An agent's long session replayed in one request: 7 MB of small messages, each read for the conversation's keys.
    const messages = Array.from({ length: 99_999 }, (_, i) =>
      i % 2 ? { role: "assistant", content: [{ type: "text", text: `Noted, step ${i} done.` }] } : { role: "user", content: `Step ${i}: check the next entry of the log and say what it shows.` },
    );
    messages.push({ role: "user", content: "Now summarise the whole session." });
    const body = utf8.encode(JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 64, messages }));
    let request!: Promise<Answer>;
    const { worstMs, polls } = await stallDuring(server, () => (request = postMessages(server, body)));
    const res = await request;
    console.log(`100,000 messages, ${(body.length / 1e6).toFixed(1)} MB: worst /api/health latency ${worstMs.toFixed(1)} ms over ${polls} polls`);
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(worstMs).toBeLessThan(MAX_STALL_MS);
  }, 120_000);

  // Other bodies of many small parts: each list is checked, read and sent in turns.
  const manyParts: [string, string, () => unknown][] = [
    [
      "the same conversation through the OpenAI-compatible endpoint",
      "/v1/chat/completions",
      () => ({ model: "claude-sonnet-4-6", max_tokens: 64, messages: Array.from({ length: 100_000 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: `Step ${i}: check the next entry.` })) }),
    ],
    [
      "10,000 function tools (the most it takes) through the OpenAI-compatible endpoint",
      "/v1/chat/completions",
      () => ({ model: "claude-sonnet-4-6", max_tokens: 64, tools: Array.from({ length: 10_000 }, (_, i) => ({ type: "function", function: { name: `tool_${i}`, parameters: { type: "object" } } })), messages: [{ role: "user", content: "hi" }] }),
    ],
    [
      "the same conversation through the Responses API",
      "/v1/responses",
      () => ({ model: "claude-sonnet-4-6", max_output_tokens: 64, input: Array.from({ length: 100_000 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: `Step ${i}: check the next entry.` })) }),
    ],
    [
      "10,000 function tools (the most it takes) through the Responses API",
      "/v1/responses",
      () => ({ model: "claude-sonnet-4-6", max_output_tokens: 64, tools: Array.from({ length: 10_000 }, (_, i) => ({ type: "function", name: `tool_${i}`, parameters: { type: "object" } })), input: "hi" }),
    ],
    [
      "one message of 100,000 text blocks",
      "/v1/messages",
      () => ({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: Array.from({ length: 100_000 }, (_, i) => ({ type: "text", text: `part ${i}` })) }] }),
    ],
    [
      "150,000 tool definitions",
      "/v1/messages",
      () => ({ model: "claude-sonnet-4-6", max_tokens: 64, tools: Array.from({ length: 150_000 }, (_, i) => ({ name: `tool_${i}`, input_schema: { type: "object" } })), messages: [{ role: "user", content: "hi" }] }),
    ],
  ];
  for (const [name, path, make] of manyParts) {
    it(`${name}: the gateway keeps answering`, async () => {
      const body = utf8.encode(JSON.stringify(make()));
      let request!: Promise<Answer>;
      const { worstMs, polls } = await stallDuring(server, () => (request = postMessages(server, body, path)));
      const res = await request;
      console.log(`${name}, ${(body.length / 1e6).toFixed(1)} MB: worst /api/health latency ${worstMs.toFixed(1)} ms over ${polls} polls`);
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      expect(worstMs).toBeLessThan(MAX_STALL_MS);
    }, 120_000);
  }
});

describe(`in simulator mode, the default without a key (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  // The upstream is the built-in simulator, which answers by reading the whole
  // request: its work runs on a thread of its own (lib/simulator/upstream.ts).
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  const bodies: [string, () => unknown][] = [
    [
      "99,999 messages",
      () => ({ model: "claude-sonnet-4-6", max_tokens: 64, messages: Array.from({ length: 99_999 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: `Step ${i}: check the next entry.` })) }),
    ],
    ["a 15 MB prompt", () => ({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "A pasted log line, request 12345 served in 87 ms. ".repeat(300_000) + "\nWhat does this log say?" }] })],
  ];
  it("a Message Batch of 10,000 requests is checked and routed in turns: the gateway keeps answering", async () => {
    const requests = Array.from({ length: 10_000 }, (_, i) => ({
      custom_id: `item-${i}`,
      params: { model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: `Ticket ${i}: the export to CSV drops the last row when the file has ${i % 97} columns. Why, and how do I fix it?` }] },
    }));
    const body = utf8.encode(JSON.stringify({ requests }));
    let request!: Promise<Answer>;
    const { worstMs, polls } = await stallDuring(server, () => (request = postMessages(server, body, "/v1/messages/batches")));
    const res = await request;
    console.log(`simulator mode, a batch of 10,000 requests, ${(body.length / 1e6).toFixed(1)} MB: worst /api/health latency ${worstMs.toFixed(1)} ms over ${polls} polls`);
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    const batch = JSON.parse(res.text) as { id: string; request_counts: { processing: number } };
    expect(batch.request_counts.processing).toBe(10_000);
    expect(worstMs).toBeLessThan(MAX_STALL_MS);

    // Its results, 10,000 lines, each recorded as it passes. Read over node:http,
    // counting line ends without parsing: the SDK's decoding of ~100 MB of
    // JSONL in this process would be counted as the gateway's stall.
    const client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
    // The waits for the batch to end and for its records are not what this measures: they say how long they took.
    let started = performance.now();
    await eventually(async () => ((await client.messages.batches.retrieve(batch.id)).processing_status === "ended" ? true : undefined), 60_000);
    console.log(`the batch of 10,000 requests ended ${((performance.now() - started) / 1000).toFixed(1)} s after it was accepted`);
    let lines = 0;
    const read = await stallDuring(
      server,
      () =>
        new Promise<void>((resolve, reject) => {
          http
            .get(`${server.baseURL}/v1/messages/batches/${batch.id}/results`, { headers: { "x-api-key": server.adminKey, "anthropic-version": "2023-06-01" } }, (res) => {
              expect(res.statusCode).toBe(200);
              res.on("data", (c: Buffer) => {
                for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) lines++;
              });
              res.once("end", resolve);
              res.once("error", reject);
            })
            .once("error", reject);
        }),
    );
    console.log(`simulator mode, the results of a batch of 10,000 requests read and recorded: worst /api/health latency ${read.worstMs.toFixed(1)} ms over ${read.polls} polls`);
    expect(lines).toBe(10_000);
    expect(read.worstMs).toBeLessThan(MAX_STALL_MS);
    started = performance.now();
    await eventually(async () => (Number((await queryDb<{ n: number | string }>(server, `SELECT COUNT(*) AS n FROM "RequestRecord" WHERE "via" = 'batch'`))[0]!.n) === 10_000 ? true : undefined), 60_000);
    console.log(`the 10,000 records of its results were in the database ${((performance.now() - started) / 1000).toFixed(1)} s after they were read`);
  }, 180_000);
  for (const [name, make] of bodies) {
    it.skipIf(onPostgres)(`${name}: the gateway keeps answering while the simulator reads it`, async () => {
      const body = utf8.encode(JSON.stringify(make()));
      let request!: Promise<Answer>;
      const { worstMs, polls } = await stallDuring(server, () => (request = postMessages(server, body)));
      const res = await request;
      console.log(`simulator mode, ${name}, ${(body.length / 1e6).toFixed(1)} MB: worst /api/health latency ${worstMs.toFixed(1)} ms over ${polls} polls`);
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      expect(worstMs).toBeLessThan(MAX_STALL_MS);
    }, 120_000);
  }
});

describe(`the retention sweep clearing records with 100 KB of thinking each (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  // Clearing or deleting a record makes the full-text index read its text
  // again: a fixed batch of 500 such records held SQLite, and the event loop
  // with it, for ~370 ms on these machines.
  let server: TestServer;

  beforeAll(async () => {
    // The first sweep 5 s after the start: the records below are in by then.
    server = await startServer({ env: { THINKGATE_TEXT_RETENTION_DAYS: "1", THINKGATE_RETENTION_SWEEP_MS: "5000" } });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it("clears them in batches sized by time: the gateway keeps answering", async () => {
    const client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
    const { response } = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "Say hi." }] }).withResponse();
    const source = response.headers.get("thinkgate-request-id")!;
    await eventually(async () => ((await queryDb(server, `SELECT "id" FROM "RequestRecord"`)).length ? true : undefined));
    const thinking = Array.from({ length: 14_000 }, (_, i) => `step${i % 97} weighs option${i % 13}`).join(" ").slice(0, 100_000);
    const copies = 300;
    await copyRecord(server, source, copies, 3 * 86_400_000, { thinkingText: thinking, thinkingStatus: "text" });
    const uncleared = async () => Number((await queryDb<{ n: number | string }>(server, `SELECT COUNT(*) AS n FROM "RequestRecord" WHERE "id" LIKE 'copy-%' AND "textClearedAt" IS NULL`))[0]!.n);
    expect(await uncleared()).toBe(copies);
    const { worstMs, polls } = await stallDuring(server, () => eventually(async () => ((await uncleared()) === 0 ? true : undefined), 60_000));
    console.log(`retention sweep, ${copies} records of 100 KB thinking cleared: worst /api/health latency ${worstMs.toFixed(1)} ms over ${polls} polls`);
    expect(worstMs).toBeLessThan(MAX_STALL_MS);
  }, 120_000);
});

describe(`a backlog of records with 100 KB answers written while an admin edits rules (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  // On SQLite the record thread and the main thread write the same file, one
  // at a time, and a write that finds the file locked waits synchronously:
  // on the main thread, the whole gateway waits with it. Written in one
  // transaction per 200 records, this backlog held /api/health for 186 ms
  // (lib/db/record-writer.ts).
  let upstream: CannedUpstream;
  let server: TestServer;

  beforeAll(async () => {
    upstream = await startCannedUpstream(Array.from({ length: 14_000 }, (_, i) => `step${i % 97} weighs option${i % 13}`).join(" ").slice(0, 100_000));
    server = await serverOn(upstream);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await upstream?.stop();
  });

  const records = async () => Number((await queryDb<{ n: number | string }>(server, `SELECT COUNT(*) AS n FROM "RequestRecord"`))[0]!.n);

  it("the gateway keeps answering while the backlog is written", async () => {
    const admin = new Browser(server.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const body = utf8.encode(JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "Say hi." }] }));
    const total = 600;
    // The backlog: the requests are answered while another connection holds
    // the records' table (a database that was busy or away), so their records wait in the spool.
    await withDb(server, async (q) => {
      if (server.db === "sqlite") await q("BEGIN IMMEDIATE");
      else {
        await q("BEGIN");
        await q('LOCK TABLE "RequestRecord" IN EXCLUSIVE MODE');
      }
      let sent = 0;
      const worker = async () => {
        while (sent < total) {
          sent++;
          expect((await postMessages(server, body)).status).toBe(200);
        }
      };
      await Promise.all(Array.from({ length: 20 }, worker));
      // Counted while the lock still holds the writes back (another connection may read): once it is
      // released, the recorder's next retry can write before any count here, on a slow machine.
      expect(await records()).toBe(0);
      await q("COMMIT");
    });
    let edits = 0;
    const { worstMs, polls } = await stallDuring(server, async () => {
      const idle = eventually(async () => ((await records()) >= total ? true : undefined), 120_000);
      let drained = false;
      idle.then(
        () => (drained = true),
        () => (drained = true),
      );
      while (!drained) {
        await saveRules(admin, [{ id: `r${edits}`, name: `Rule ${edits}`, when: { promptContains: ["zebracorn"] }, then: { routeId: "reasoning" } }]);
        edits++;
      }
      await idle;
    });
    console.log(`a backlog of ${total} records with 100 KB answers written, ${edits} rule edits meanwhile: worst /api/health latency ${worstMs.toFixed(1)} ms over ${polls} polls`);
    expect(await records()).toBe(total);
    expect(edits).toBeGreaterThan(0);
    expect(worstMs).toBeLessThan(MAX_STALL_MS);
  }, 180_000);

  // SQLite's lock is the whole file's, and better-sqlite3 waits for it
  // synchronously: a rule saved while another connection held it for 1.5 s
  // held the gateway for the connection's busy timeout (1 s), then failed with
  // a 500 "Operation has timed out". Now the statement waits between other
  // requests (lib/db/sqlite-busy.ts).
  it.skipIf(process.env.THINKGATE_TEST_DB === "postgresql")("a rule saved while another connection holds the file's lock for 1.5 s is saved once it is free, and the gateway keeps answering", async () => {
    const admin = new Browser(server.url);
    await admin.login(ADMIN.email, ADMIN.password);
    let saved = 0;
    let waitedMs = 0;
    const { worstMs, polls } = await stallDuring(server, () =>
      withDb(server, async (q) => {
        await q("BEGIN IMMEDIATE");
        const started = performance.now();
        const save = admin.post("/api/rules", { rules: [{ id: "locked", name: "Saved past a lock", when: { promptContains: ["zebracorn"] }, then: { routeId: "reasoning" } }], note: "locked" });
        await new Promise((r) => setTimeout(r, 1_500));
        await q("COMMIT");
        const res = await save;
        waitedMs = performance.now() - started;
        expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(201);
        saved++;
      }),
    );
    console.log(`a rule saved past a lock held 1.5 s: answered after ${waitedMs.toFixed(0)} ms; worst /api/health latency ${worstMs.toFixed(1)} ms over ${polls} polls`);
    expect(saved).toBe(1);
    expect(waitedMs).toBeGreaterThanOrEqual(1_500);
    expect(worstMs).toBeLessThan(MAX_STALL_MS);
  }, 60_000);
});

describe(`300,000 records: a search or a filter few of them pass, the patterns page, the cost page, a rules replay (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  // A common word with a filter almost no match passes, or the failure-score
  // order, reads every match of the word: on SQLite that held the thread
  // serving requests for ~300 ms (lib/db/analytics/sqlite.ts).
  let server: TestServer;
  const copies = 300_000;

  beforeAll(async () => {
    server = await startServer();
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  const traces = async (query: Record<string, string>) => {
    const res = await fetch(`${server.url}/api/traces?${new URLSearchParams(query)}`, { headers: { "x-api-key": server.adminKey } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { data: { id: string; failureScore: number | null }[]; nextCursor: string | null });
  };

  it("finds the one error among them, and the riskiest first, while the gateway keeps answering", async () => {
    const client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
    const { response } = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "Say hi." }] }).withResponse();
    const source = response.headers.get("thinkgate-request-id")!;
    await eventually(async () => ((await queryDb(server, `SELECT "id" FROM "RequestRecord"`)).length ? true : undefined));
    await copyRecord(server, source, copies, 86_400_000, { prompt: "Reconcile the zebracorn ledger for March.", status: "ok", failureScore: 0.1 });
    // The planner's statistics as autovacuum keeps them on a table that grew gradually; right after one bulk insert they lag, and PostgreSQL plans for the table it knew.
    if (server.db === "postgresql") await withDb(server, (q) => q(`ANALYZE "RequestRecord"`));
    // The needle is one of the oldest copies: a newest-first search reaches it last.
    await withDb(server, (q) => q(`UPDATE "RequestRecord" SET "status" = 'error', "failureScore" = 0.9 WHERE "id" = 'copy-5'`));

    let found!: Awaited<ReturnType<typeof traces>>;
    const filtered = await stallDuring(server, async () => (found = await traces({ q: "zebracorn", status: "error" })));
    console.log(`a search of ${copies} records for the one error: worst /api/health latency ${filtered.worstMs.toFixed(1)} ms over ${filtered.polls} polls`);
    expect(found.data.map((r) => r.id)).toEqual(["copy-5"]);
    expect(filtered.worstMs).toBeLessThan(MAX_STALL_MS);

    let risky!: Awaited<ReturnType<typeof traces>>;
    const ordered = await stallDuring(server, async () => (risky = await traces({ q: "zebracorn", sort: "failure", limit: "3" })));
    console.log(`a search of ${copies} records, likely wrong first: worst /api/health latency ${ordered.worstMs.toFixed(1)} ms over ${ordered.polls} polls`);
    expect(risky.data[0]).toMatchObject({ id: "copy-5", failureScore: 0.9 });
    expect(risky.data.slice(1).map((r) => r.failureScore)).toEqual([0.1, 0.1]);
    expect(risky.nextCursor).not.toBeNull();
    expect(ordered.worstMs).toBeLessThan(MAX_STALL_MS);
  }, 180_000);

  // Without a search, a filter no index serves in the page's order read every
  // record in one statement: ~300 ms at 300,000 records on SQLite.
  it("lists with a filter few of them pass and no search (the same records), while the gateway keeps answering", async () => {
    const cases: [Record<string, string>, string[]][] = [
      [{ failureMin: "0.85" }, ["copy-5"]],
      [{ costMin: "1000" }, []],
      [{ hedging: "true", sort: "failure" }, []],
      [{ status: "error", sort: "failure" }, ["copy-5"]],
      [{ status: "ok", failureMin: "0.85" }, []],
    ];
    for (const [query, ids] of cases) {
      let found!: Awaited<ReturnType<typeof traces>>;
      const stall = await stallDuring(server, async () => (found = await traces(query)));
      console.log(`a list of ${copies} records filtered by ${new URLSearchParams(query)}: worst /api/health latency ${stall.worstMs.toFixed(1)} ms over ${stall.polls} polls`);
      expect(found.data.map((r) => r.id)).toEqual(ids);
      expect(stall.worstMs).toBeLessThan(MAX_STALL_MS);
    }
  }, 180_000);

  // The patterns page analyses the newest 5,000 traces of the window; with the
  // window as a range of createdAt, SQLite read and sorted every record of it
  // in one statement: 2 s at 300,000.
  it("finds the recurring assumptions of the newest traces among them, while the gateway keeps answering", async () => {
    // Ids as the gateway makes them (the window is a range of ids, which start with the request's time), and signals of thinking.
    const prefix = `req_${(Date.now() - 86_400_000).toString(36).padStart(9, "0")}`;
    const id = server.db === "sqlite" ? `? || printf('%08d', CAST(substr("id", 6) AS INTEGER))` : `? || lpad(substr("id", 6), 8, '0')`;
    await withDb(server, (q) =>
      q(`UPDATE "RequestRecord" SET "id" = ${id}, "hedgeDensity" = 2.5, "assumptionDensity" = 1.5, "assumptionKeys" = '["input is sorted"]' WHERE "id" LIKE 'copy-%'`, [prefix]),
    );
    let patterns!: { analysed: { traces: number; truncated: boolean }; assumptions: { byRoute: { clusters: { key: string; traces: number }[] }[] } | unknown };
    const stall = await stallDuring(server, async () => {
      const res = await fetch(`${server.url}/api/traces/patterns`, { headers: { "x-api-key": server.adminKey } });
      expect(res.status).toBe(200);
      patterns = (await res.json()) as typeof patterns;
    });
    console.log(`the patterns of ${copies} traces: worst /api/health latency ${stall.worstMs.toFixed(1)} ms over ${stall.polls} polls`);
    expect(patterns.analysed).toMatchObject({ traces: 5_000, truncated: true });
    expect(JSON.stringify(patterns.assumptions)).toContain("input is sorted");
    expect(stall.worstMs).toBeLessThan(MAX_STALL_MS);
  }, 180_000);

  // The cost page adds up a day of records per statement for its savings and
  // projection: at 300,000 records in one day that held SQLite's thread for
  // 1.2 s on the page's first load.
  it("sums the cost page over the day that holds them all, while the gateway keeps answering", async () => {
    const now = Date.now();
    let summary!: { savings: { compared: number }; projection: { basis: { requests: number } } };
    const stall = await stallDuring(server, async () => {
      const res = await fetch(`${server.url}/api/costs/summary?${new URLSearchParams({ from: new Date(now - 7 * 86_400_000).toISOString(), to: new Date(now).toISOString() })}`, { headers: { "x-api-key": server.adminKey } });
      expect(res.status).toBe(200);
      summary = (await res.json()) as typeof summary;
    });
    console.log(`the cost page over ${copies} records of one day: worst /api/health latency ${stall.worstMs.toFixed(1)} ms over ${stall.polls} polls`);
    // Every copy is a complete standard request priced as if reasoning had answered it, and counts towards the month's projection (one of them is the error).
    expect(summary.savings.compared).toBe(copies);
    expect(summary.projection.basis.requests).toBe(copies + 1);
    expect(stall.worstMs).toBeLessThan(MAX_STALL_MS);
  }, 180_000);

  // "Test against recent traffic" re-decides up to 5,000 stored requests with
  // the draft rules and the active ones: read in one statement and decided in
  // one loop, that held the thread serving requests 255 ms with these short
  // prompts.
  it("replays a draft rule over the 5,000 newest of them, while the gateway keeps answering", async () => {
    let result!: { replayed: number; changed: { total: number; toReasoning: number } };
    const stall = await stallDuring(server, async () => {
      const res = await fetch(`${server.url}/api/rules/replay`, {
        method: "POST",
        headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
        body: JSON.stringify({ rules: [{ id: "ledgers", name: "ledgers", when: { promptContains: ["zebracorn ledger"] }, then: { routeId: "reasoning" } }], limit: 5_000 }),
      });
      expect(res.status).toBe(200);
      result = (await res.json()) as typeof result;
    });
    console.log(`a replay of 5,000 of ${copies} records: worst /api/health latency ${stall.worstMs.toFixed(1)} ms over ${stall.polls} polls`);
    // Every copy's prompt names the ledger and was answered on the standard route: each goes to reasoning; the newest record, their "Say hi." source, does not.
    expect(result.replayed).toBe(5_000);
    expect(result.changed).toMatchObject({ total: 4_999, toReasoning: 4_999 });
    expect(stall.worstMs).toBeLessThan(MAX_STALL_MS);
  }, 180_000);
});
