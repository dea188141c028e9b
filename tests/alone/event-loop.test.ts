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
 * The upstream is out of process (a crafted upstream for the first, the
 * standalone simulator for the second), so only the gateway's own work counts.
 */
import Anthropic from "@anthropic-ai/sdk";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser } from "../support/browser";
import { eventually, startServer, type TestServer } from "../support/server";
import { startSimulator, type Simulator } from "../support/simulator";
import { MAX_STALL_MS, stallDuring } from "../support/stall";

const ADMIN = { email: "admin@example.com", password: "correct-horse-battery" };
/**
 * For a 16 MB body the bound is looser, and says what is left: JSON.parse of
 * the body, the SDK's serialisation of it for the upstream and the socket write
 * of 16 MB are each one piece of work on the main thread (50–100 ms on these
 * machines, more with a major GC inside, and a first touch of 16 MB of fresh
 * memory alone costs ~45 ms on these VMs). Before the phrase matcher and the
 * chunked body path this request held the event loop for 13–25 s.
 */
const MAX_STALL_16MB_MS = 600;

const utf8 = new TextEncoder();

async function saveRules(admin: Browser, rules: unknown[]): Promise<void> {
  const res = await admin.post("/api/rules", { rules, note: "hostile" });
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(201);
}

describe(`a JSON Schema pattern on a crafted answer (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  /** 26 a's and a "!": about 4.6 s of backtracking for "^(a+)+$", doubling with each further "a". */
  const CRAFTED = JSON.stringify({ answer: `${"a".repeat(26)}!` });
  let upstream: http.Server;
  let server: TestServer;
  let calls = 0;

  beforeAll(async () => {
    // An upstream that answers every Messages call with the crafted answer (as a model steered by its prompt could).
    upstream = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        if (req.method !== "POST" || !req.url?.startsWith("/v1/messages")) {
          res.writeHead(404, { "content-type": "application/json" });
          res.end(JSON.stringify({ type: "error", error: { type: "not_found_error", message: "not found" } }));
          return;
        }
        calls++;
        res.writeHead(200, { "content-type": "application/json", "request-id": `req_crafted_${calls}` });
        res.end(
          JSON.stringify({
            id: `msg_crafted_${calls}`,
            type: "message",
            role: "assistant",
            model: "claude-sonnet-4-6",
            content: [{ type: "text", text: CRAFTED }],
            stop_reason: "end_turn",
            stop_sequence: null,
            usage: { input_tokens: 20, output_tokens: 12 },
          }),
        );
      });
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    const port = (upstream.address() as AddressInfo).port;
    server = await startServer({
      env: {
        ANTHROPIC_API_KEY: "sk-ant-crafted-upstream",
        ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}`,
        THINKGATE_ADMIN_EMAIL: ADMIN.email,
        THINKGATE_ADMIN_PASSWORD: ADMIN.password,
      },
    });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await new Promise((r) => upstream?.close(r));
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
    expect(calls).toBeGreaterThanOrEqual(2);
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

describe(`50 rules x 20 phrases on a 16 MB prompt (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  let sim: Simulator;
  let server: TestServer;

  beforeAll(async () => {
    sim = await startSimulator();
    server = await startServer({
      env: {
        ANTHROPIC_API_KEY: "sk-ant-simulated",
        ANTHROPIC_BASE_URL: sim.baseURL,
        THINKGATE_ADMIN_EMAIL: ADMIN.email,
        THINKGATE_ADMIN_PASSWORD: ADMIN.password,
      },
    });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await sim?.stop();
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
    const send = (bytes: Uint8Array<ArrayBuffer>) =>
      fetch(`${server.baseURL}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": server.adminKey, "anthropic-version": "2023-06-01" },
        body: bytes,
      });
    await (await send(utf8.encode(JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "Warm up." }] })))).text();
    let request!: Promise<Response>;
    const { worstMs, polls } = await stallDuring(server, () => (request = send(body)));
    const res = await request;
    const text = await res.text();
    console.log(`50 rules x 20 phrases, ${(body.length / 1e6).toFixed(1)} MB prompt: worst /api/health latency ${worstMs.toFixed(1)} ms over ${polls} polls`);
    expect(res.status, text.slice(0, 300)).toBe(200);
    expect(res.headers.get("thinkgate-stage")).toBe("rule");
    expect(res.headers.get("thinkgate-route")).toBe("reasoning");
    expect(worstMs).toBeLessThan(MAX_STALL_16MB_MS);
    await eventually(async () => ((await (await fetch(`${server.url}/api/health`)).json()).recorder.queued === 0 ? true : undefined));
  }, 120_000);

  it("a 16 MB prompt no rule matches reaches the classifier without holding the gateway either", async () => {
    const unit = "Another long pasted log line with nothing any rule looks for, request 12345 served in 87 ms. ";
    const body = utf8.encode(JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: unit.repeat(Math.ceil(16_000_000 / unit.length)) + "\nWhat does this log say?" }] }));
    let request!: Promise<Response>;
    const { worstMs, polls } = await stallDuring(server, () =>
      (request = fetch(`${server.baseURL}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": server.adminKey, "anthropic-version": "2023-06-01" },
        body,
      })),
    );
    const res = await request;
    const text = await res.text();
    console.log(`no rule matches, ${(body.length / 1e6).toFixed(1)} MB prompt: worst /api/health latency ${worstMs.toFixed(1)} ms over ${polls} polls`);
    expect(res.status, text.slice(0, 300)).toBe(200);
    expect(res.headers.get("thinkgate-stage")).toBe("classifier");
    expect(worstMs).toBeLessThan(MAX_STALL_16MB_MS);
  }, 120_000);
});
