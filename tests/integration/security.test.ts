/**
 * Security properties of a real thinkgate process:
 *  - the upstream API key never leaves the upstream call: a canary key is
 *    searched for in every API answer (headers and bodies, successes and
 *    failures, relayed upstream errors, errors of an upstream that echoes the
 *    key), in the process's whole output at debug level, and in every row of
 *    every table (and the raw SQLite files);
 *  - gateway keys: a near miss is a 401, either header works;
 *  - every API answer is marked as data (nosniff, never framed, a sandbox
 *    CSP), so nothing it relays runs as this origin in a browser, and so is
 *    every answer the server writes itself (a 404 with the pages off, a
 *    request it cannot take);
 *  - the body limit: a 413 in the API's shape, declared or streamed, and the
 *    connection is still usable; bytes that are not UTF-8 are a 400;
 *  - an ANTHROPIC_BASE_URL with credentials stops the start with a message
 *    that names the variable and does not echo the secret it carried.
 * The upstream is a standalone simulator process (scripts/simulator.ts), so
 * the gateway really sends the canary key over the wire.
 */
import Anthropic from "@anthropic-ai/sdk";
import fs from "node:fs";
import path from "node:path";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpDatabase } from "../support/db";
import { eventually, startServer, type TestServer } from "../support/server";
import { startSimulator, type Simulator } from "../support/simulator";

const CANARY = `sk-ant-canary-${process.pid}-${Date.now().toString(36)}-do-not-leak`;
const MAX_BODY = 64 * 1024;

let sim: Simulator;
let server: TestServer;
/** Everything any API answered in this file: status line, headers, body. */
const seen: string[] = [];

/** fetch that keeps what came back for the leak search. */
async function call(pathname: string, init: RequestInit & { key?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.key !== null) headers.set("x-api-key", init.key ?? server.adminKey);
  if (!headers.has("content-type") && init.body) headers.set("content-type", "application/json");
  const res = await fetch(server.url + pathname, { ...init, headers });
  const text = await res.text();
  seen.push(`${init.method ?? "GET"} ${pathname} → ${res.status} ${JSON.stringify([...res.headers])}\n${text}`);
  return new Response(text, { status: res.status, headers: res.headers });
}

const msg = (content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 128, messages: [{ role: "user", content }], ...extra });

beforeAll(async () => {
  sim = await startSimulator();
  server = await startServer({
    env: { ANTHROPIC_API_KEY: CANARY, ANTHROPIC_BASE_URL: sim.baseURL, LOG_LEVEL: "debug", THINKGATE_MAX_BODY_BYTES: String(MAX_BODY) },
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await sim?.stop();
});

/** The canary is nowhere: not in any answer seen so far, the process's whole output (at debug level), a database row or file. */
async function expectNoCanary(): Promise<void> {
  expect(seen.join("\n").includes(CANARY), "an API answer contains the upstream key").toBe(false);
  expect(server.output().length).toBeGreaterThan(0);
  expect(server.output().includes(CANARY), "the process output contains the upstream key").toBe(false);
  const dump = await dumpDatabase(server);
  expect(dump.includes(CANARY), "a database row contains the upstream key").toBe(false);
  if (server.db === "sqlite") {
    const file = server.databaseUrl.replace(/^file:/, "");
    for (const f of [file, `${file}-wal`].filter((x) => fs.existsSync(x))) {
      expect(fs.readFileSync(f).includes(CANARY), `${path.basename(f)} contains the upstream key`).toBe(false);
    }
  }
}

describe(`security (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("runs against the Anthropic-mode upstream with the canary key", async () => {
    const health = (await (await call("/api/health", { key: null })).json()) as { mode: string };
    expect(health.mode).toBe("anthropic");
  });

  it("never relays, logs or stores the key when the upstream echoes it in an error", async () => {
    // The simulator's echo_auth fault: a 401 whose message quotes the x-api-key it received (the canary).
    // Before the test below: its 5xx failures may open the model's circuit.
    const echo = "Who am I? [[sim:fault=echo_auth]]";
    // Without it the model list answers in OpenAI's shape.
    const anthropicClient = { "anthropic-version": "2023-06-01" };
    const failures: [string, Response, string][] = [
      ["messages", await call("/api/v1/messages", { method: "POST", body: msg(echo) }), "authentication_error"],
      ["messages, streamed", await call("/api/v1/messages", { method: "POST", body: msg(`${echo} Streamed.`, { stream: true }) }), "authentication_error"],
      [
        "chat completions",
        await call("/api/v1/chat/completions", { method: "POST", body: JSON.stringify({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: `${echo} Chat.` }] }) }),
        "invalid_request_error",
      ],
      ["models passthrough", await call("/api/v1/models/claude-sonnet-4-6?sim_fault=echo_auth", { headers: anthropicClient }), "authentication_error"],
      ["model list passthrough", await call("/api/v1/models?sim_fault=echo_auth", { headers: anthropicClient }), "authentication_error"],
    ];
    for (const [what, res, type] of failures) {
      // The upstream's error still reaches the client, with its status and type, and a message.
      expect(res.status, what).toBe(401);
      const { error } = (await res.json()) as { error: { type: string; message: string } };
      expect(error.type, what).toBe(type);
      expect(error.message, what).toMatch(/^invalid credentials \(authorization: Bearer \[redacted:\w+\]\)$/);
    }
    // The SDK's own view of the same failure, streamed.
    const client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
    const err = await client.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 64, stream: true, messages: [{ role: "user", content: `${echo} SDK.` }] })
      .then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    seen.push(String((err as Error).message));
    expect(String((err as Error).message)).not.toContain(CANARY);

    await eventually(async () => ((await dumpDatabase(server)).includes("Who am I?") ? true : undefined));
    await expectNoCanary();
  });

  it("never relays, logs or stores the key when the upstream echoes it in an error event in the middle of a stream", async () => {
    // The simulator's echo_auth_stream fault: a 200 stream, a few deltas, then `event: error` (overloaded_error)
    // whose message quotes the canary, sent in two pieces split inside it.
    const echo = "Where am I? [[sim:fault=echo_auth_stream]]";
    const scrubbed = /^Overloaded \(authorization: Bearer \[redacted:\w+\]\)$/;
    /** The `data` of the stream's `event: error` frames. */
    const errorEvents = (sse: string) => [...sse.matchAll(/^event: error\r?\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1]!) as { type: string; error: { type: string; message: string } });
    // The standard tier relays the upstream's bytes; the reasoning tier, which this client did not ask thinking of,
    // re-encodes the frames without the thinking blocks: both paths.
    for (const tier of ["standard", "reasoning"]) {
      const res = await call("/api/v1/messages", { method: "POST", body: msg(`${echo} Raw, ${tier}.`, { stream: true }), headers: { "thinkgate-tier": tier } });
      expect(res.status, tier).toBe(200);
      const sse = await res.text();
      // The stream had begun (on the reasoning tier the deltas before the cut are hidden thinking).
      expect(sse, tier).toMatch(/^event: message_start\n/);
      const errors = errorEvents(sse);
      expect(errors, tier).toHaveLength(1);
      expect(errors[0]!.type, tier).toBe("error");
      expect(errors[0]!.error.type, tier).toBe("overloaded_error");
      expect(errors[0]!.error.message, tier).toMatch(scrubbed);
    }

    // The official SDK throws the event as an APIError with its type.
    const client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
    const stream = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 128, stream: true, messages: [{ role: "user", content: `${echo} SDK.` }] });
    const deltas: string[] = [];
    const err = await (async () => {
      for await (const ev of stream) if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") deltas.push(ev.delta.text);
    })().then(() => null, (e: unknown) => e);
    expect(deltas.length).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    const e = err as InstanceType<typeof Anthropic.APIError>;
    seen.push(`${e.message}\n${JSON.stringify(e.error)}`);
    expect(e.type).toBe("overloaded_error");
    expect(String(e.apiMessage)).toMatch(scrubbed);

    // The OpenAI-compatible endpoint's stream: the error arrives as a data frame in OpenAI's error shape.
    for (const effort of ["none", "low"]) {
      const body = JSON.stringify({ model: "claude-sonnet-4-6", stream: true, reasoning_effort: effort, messages: [{ role: "user", content: `${echo} Chat, ${effort}.` }] });
      const res = await call("/api/v1/chat/completions", { method: "POST", body });
      expect(res.status, effort).toBe(200);
      const frames = [...(await res.text()).matchAll(/^data: (\{.*\})$/gm)].map((m) => JSON.parse(m[1]!) as { object?: string; error?: { type: string; code: string; message: string } });
      expect(frames.some((f) => f.object === "chat.completion.chunk"), effort).toBe(true);
      const error = frames.at(-1)!.error;
      expect(error, effort).toMatchObject({ type: "server_error", code: "overloaded" });
      expect(error!.message, effort).toMatch(scrubbed);
    }

    await eventually(async () => {
      const dump = await dumpDatabase(server);
      return ["Raw, standard.", "Raw, reasoning.", "SDK.", "Chat, none.", "Chat, low."].every((p) => dump.includes(`Where am I? [[sim:fault=echo_auth_stream]] ${p}`)) ? true : undefined;
    });
    await expectNoCanary();
  });

  it("never returns, logs or stores the upstream API key, on success or failure", async () => {
    const client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
    const ok = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 128, messages: [{ role: "user", content: "Say hi." }] });
    expect(ok.content.length).toBeGreaterThan(0);
    const stream = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 128, stream: true, messages: [{ role: "user", content: "Stream hi." }] });
    for await (const ev of stream) void ev;

    // Successes, a dropped stream, client errors, the passthrough endpoints, the read APIs, relayed upstream failures.
    expect((await call("/api/v1/messages", { method: "POST", body: msg("Hello there.") })).status).toBe(200);
    await call("/api/v1/messages", { method: "POST", body: msg("Cut me off. [[sim:fault=cut]]", { stream: true }) });
    await call("/api/v1/messages", { method: "POST", body: msg("Bad thinking.", { thinking: { type: "enabled", budget_tokens: 10 } }), headers: { "thinkgate-tier": "standard" } });
    expect((await call("/api/v1/messages", { method: "POST", body: "{not json" })).status).toBe(400);
    expect((await call("/api/v1/messages", { method: "POST", body: msg("hi"), key: "tg_wrong" })).status).toBe(401);
    expect((await call("/api/v1/messages/count_tokens", { method: "POST", body: JSON.stringify({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Count me." }] }) })).status).toBe(200);
    expect((await call("/api/v1/messages/count_tokens", { method: "POST", body: JSON.stringify({ model: "claude-sonnet-4-6" }) })).status).toBe(400);
    expect((await call("/api/v1/models")).status).toBe(200);
    expect((await call("/api/v1/models/no-such-model")).status).toBe(404);
    expect((await call("/api/v1/route", { method: "POST", body: msg("Route me.") })).status).toBe(200);
    expect((await call("/api/playground/run", { method: "POST", body: JSON.stringify({ prompt: "Play.", tier: "standard" }) })).status).toBe(200);
    for (const p of ["/api/settings", "/api/routes", "/api/apps", "/api/keys", "/api/prices", "/api/rules", "/api/settings/traces", "/api/traces", "/api/costs/summary"]) {
      expect((await call(p)).status, p).toBe(200);
    }
    // Upstream failures last: they may open the upstream's circuit for a while.
    for (const fault of ["429", "500", "529"]) {
      const res = await call("/api/v1/messages", { method: "POST", body: msg(`Fail, please. [[sim:fault=${fault}]]`) });
      expect(res.status).toBe(Number(fault));
    }
    const list = (await (await call("/api/requests?limit=50")).json()) as { data: { id: string }[] };
    expect(list.data.length).toBeGreaterThanOrEqual(5);
    for (const r of list.data) {
      await call(`/api/requests/${r.id}`);
      await call(`/api/traces/${r.id}`);
    }

    // Every record written (the recorder is asynchronous), then search everything.
    await eventually(async () => ((await dumpDatabase(server)).includes("Fail, please.") ? true : undefined));
    expect(seen.join("\n").length).toBeGreaterThan(10_000);
    expect(await dumpDatabase(server)).toContain("Hello there.");
    await expectNoCanary();
  });

  it("does not mount its simulator when it forwards to the Anthropic API: no free compute for any key", async () => {
    for (const path of ["/api/simulator/v1/messages", "/api/simulator/v1/models"]) {
      const res = await call(path, { method: path.endsWith("messages") ? "POST" : "GET", key: "anything", body: path.endsWith("messages") ? msg("Hello") : undefined });
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe("not_found_error");
    }
  });

  it("never turns a model id into another upstream path (GET /api/v1/models/.. sent as a raw path)", async () => {
    const { default: http } = await import("node:http");
    for (const raw of ["/api/v1/models/..", "/api/v1/models/%2e%2e", "/api/v1/models/a%2Fb"]) {
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const r = http.request(`${server.url}${raw}`, { method: "GET", path: raw, headers: { "x-api-key": server.adminKey, "anthropic-version": "2023-06-01" } }, (res) => {
          let b = "";
          res.on("data", (c) => (b += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: b }));
        });
        r.on("error", reject);
        r.end();
      });
      seen.push(`GET ${raw} → ${status}\n${body}`);
      expect(status, raw).toBe(404);
      expect(JSON.parse(body).error.message, raw).toMatch(/is not a model id/);
    }
  });

  it("accepts a gateway key in either header and refuses a near miss", async () => {
    const body = msg("Key check.");
    expect((await call("/api/v1/route", { method: "POST", body })).status).toBe(200);
    expect((await call("/api/v1/route", { method: "POST", body, key: null, headers: { authorization: `Bearer ${server.adminKey}` } })).status).toBe(200);
    const last = server.adminKey.at(-1) === "a" ? "b" : "a";
    for (const near of [server.adminKey.slice(0, -1) + last, server.adminKey.slice(0, -1), server.adminKey + "x", server.adminKey.toUpperCase()]) {
      const res = await call("/api/v1/route", { method: "POST", body, key: near });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe("authentication_error");
    }
  });

  it("marks every API answer as data, not a page: no sniffing, no framing, nothing run if a browser opens it", async () => {
    const answers = [
      await call("/api/health", { key: null }),
      await call("/api/keys", { key: null }),
      await call("/api/no-such-endpoint"),
      await call("/api/v1/messages", { method: "PUT", body: msg("x") }),
      await call("/api/v1/messages", { method: "POST", body: msg("Headers of a stream.", { stream: true }) }),
      await call("/v1/models"),
      await call("/metrics"),
      // A preflight's 204 has no body for call() to keep.
      await fetch(`${server.url}/api/v1/messages`, { method: "OPTIONS", headers: { origin: "https://app.example", "access-control-request-method": "POST" } }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 401, 404, 405, 200, 200, 200, 204]);
    for (const res of answers) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    }
  });

  it("marks the answers the server writes itself as data too: a path that is not valid percent-encoding, a 404 with the pages off, a request it cannot take", async () => {
    /** What one request written raw to the socket got back: its status and headers (lowercased names). */
    const raw = (request: string) =>
      new Promise<{ status: number; headers: Map<string, string> }>((resolve, reject) => {
        const socket = net.connect(Number(new URL(server.url).port), "127.0.0.1");
        let got = "";
        socket.on("data", (d: Buffer) => (got += d.toString("latin1")));
        socket.on("error", reject);
        socket.on("close", () => {
          const [statusLine = "", ...lines] = got.slice(0, got.indexOf("\r\n\r\n")).split("\r\n");
          const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
          resolve({ status: Number(statusLine.split(" ")[1]), headers });
        });
        socket.write(request);
      });
    const close = "connection: close\r\n";
    const answers = [
      await raw(`GET /traces/%ff HTTP/1.1\r\nhost: x\r\n${close}\r\n`),
      await raw(`GET /no-such-page HTTP/1.1\r\nhost: x\r\n${close}\r\n`),
      // HTTP/1.1 without a Host header, an Expect it does not support, bytes that are not HTTP.
      await raw(`GET /api/health HTTP/1.1\r\n${close}\r\n`),
      await raw(`POST /api/v1/messages HTTP/1.1\r\nhost: x\r\nexpect: later\r\ncontent-length: 2\r\n${close}\r\n{}`),
      await raw("NOT HTTP AT ALL\r\n\r\n"),
    ];
    expect(answers.map((a) => a.status)).toEqual([400, 404, 400, 417, 400]);
    for (const { headers } of answers) {
      expect(headers.get("x-content-type-options")).toBe("nosniff");
      expect(headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
      expect(headers.get("x-frame-options")).toBe("DENY");
      expect(headers.get("referrer-policy")).toBe("no-referrer");
    }
  });

  it("refuses an oversize body with a 413 in the API's shape, declared or streamed, and keeps serving", async () => {
    const big = msg("z".repeat(MAX_BODY + 10));
    const declared = await call("/api/v1/messages", { method: "POST", body: big });
    expect(declared.status).toBe(413);
    const err = (await declared.json()) as { type: string; error: { type: string; message: string }; request_id: string };
    expect(err.type).toBe("error");
    expect(err.error.type).toBe("request_too_large");
    expect(err.error.message).toMatch(new RegExp(`${MAX_BODY} bytes`));
    expect(err.request_id).toMatch(/^req_/);

    // No Content-Length: the limit is enforced while reading.
    const bytes = new TextEncoder().encode(big);
    const streamed = await fetch(`${server.url}/api/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < bytes.length; i += 8_192) c.enqueue(bytes.subarray(i, i + 8_192));
          c.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { error: { type: string } }).error.type).toBe("request_too_large");

    // The same limit on the other JSON endpoints.
    expect((await call("/api/rules/test", { method: "POST", body: JSON.stringify({ rules: [], prompt: "p".repeat(MAX_BODY) }) })).status).toBe(413);
    // Just under the limit is served.
    expect((await call("/api/v1/route", { method: "POST", body: msg("w".repeat(MAX_BODY - 200)) })).status).toBe(200);
  });

  it("refuses bytes that are not UTF-8, deep nesting and __proto__ keys with a clear 400", async () => {
    const bad = Buffer.from(msg("caf\u00e9"));
    bad[bad.indexOf(0xc3)] = 0xff;
    const cases: [BodyInit, RegExp][] = [
      [new Uint8Array(bad), /not valid UTF-8/],
      [`{"model": "claude-sonnet-4-6", "max_tokens": 5, "messages": ${"[".repeat(5_000)}${"]".repeat(5_000)}}`, /nested more than 64 levels/],
      ['{"__proto__": {"role": "admin"}, "model": "claude-sonnet-4-6", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}', /__proto__/],
    ];
    for (const [body, message] of cases) {
      const res = await call("/api/v1/messages", { method: "POST", body });
      expect(res.status).toBe(400);
      const e = (await res.json()) as { error: { type: string; message: string } };
      expect(e.error.type).toBe("invalid_request_error");
      expect(e.error.message).toMatch(message);
    }
  });

  // The other invalid shapes are covered by the unit tests of lib/runtime/env.ts; this one start proves the process stops.
  it("stops at start, naming the variable, when ANTHROPIC_BASE_URL carries credentials, without echoing them", async () => {
    const secret = `pw-${process.pid}-secret`;
    const failure = await startServer({ env: { ANTHROPIC_BASE_URL: `https://user:${secret}@api.anthropic.com` } }).then(
      async (s) => {
        await s.stop();
        return "";
      },
      (err: Error) => err.message,
    );
    expect(failure).toMatch(/exited with 1 before it was ready/);
    expect(failure).toMatch(/ANTHROPIC_BASE_URL must not carry credentials/);
    expect(failure.includes(secret)).toBe(false);
  }, 60_000);

  it("stops at start with what to do when its port is taken (it printed node's EADDRINUSE)", async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const port = (taken.address() as AddressInfo).port;
    try {
      const failure = await startServer({ env: { PORT: String(port) } }).then(
        async (s) => {
          await s.stop();
          return "";
        },
        (err: Error) => err.message,
      );
      expect(failure).toMatch(/exited with 1 before it was ready/);
      expect(failure).toContain(`127.0.0.1:${port} is already in use`);
      expect(failure).toContain(`PORT=${port + 1} npm start`);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  }, 60_000);
});
