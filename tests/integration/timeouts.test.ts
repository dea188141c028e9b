/**
 * How long a request may take to arrive, on a real thinkgate process with
 * small limits (THINKGATE_HEADERS_TIMEOUT_MS, THINKGATE_BODY_TIMEOUT_MS):
 *  - a body dribbled a byte a second is cut at the body timeout with a 408 in
 *    the API's shape, and the handler that waited for it records the same 408;
 *  - a request answered before its body arrived (a 401) has its connection
 *    closed at the body timeout, on an API path and on a path the API does not
 *    serve (the pages' path);
 *  - headers dribbled slowly are cut at the header timeout, with a 408 in the
 *    API's shape, as are requests that are not HTTP (400) or whose headers are
 *    too large (431);
 *  - a streamed answer that runs far longer than both limits is not cut, nor
 *    a body that arrives slowly but within its time.
 * Clients are raw sockets, so the times are what a client sees.
 */
import Anthropic from "@anthropic-ai/sdk";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startServer, type TestServer } from "../support/server";

const HEADERS_MS = 1_000;
const BODY_MS = 2_000;
/** Node looks for header deadlines once a second at most; scheduling on two busy cores adds some more. */
const MARGIN_MS = 1_500;
/** A dribbling client gives up by itself after this: without limits, the server would wait for it a minute or more. */
const GIVE_UP_MS = 8_000;

let server: TestServer;

beforeAll(async () => {
  server = await startServer({
    env: {
      THINKGATE_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
      THINKGATE_BODY_TIMEOUT_MS: String(BODY_MS),
      // Answers at a model's pace: a streamed answer lasts seconds.
      THINKGATE_SIM_LATENCY: "realistic",
    },
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

interface Dribbled {
  /** From the first byte written to the connection's close. */
  ms: number;
  /** Everything the server sent. */
  received: string;
  /** False when the client gave up first (the server kept the connection open). */
  closedByServer: boolean;
}

/**
 * Writes `head` at once and then `rest` one character every `gapMs` on a raw
 * connection, until the server closes it (or GIVE_UP_MS passes).
 */
function dribble(head: string, rest: string, gapMs: number): Promise<Dribbled> {
  return new Promise((resolve) => {
    const { port } = new URL(server.url);
    const socket = net.connect(Number(port), "127.0.0.1");
    const started = Date.now();
    let received = "";
    let i = 0;
    let gaveUp = false;
    // Queued before the connection is up, so it goes out first.
    if (head) socket.write(head);
    const tick = setInterval(() => {
      if (i < rest.length && !socket.destroyed) socket.write(rest[i++]!);
    }, gapMs);
    const giveUp = setTimeout(() => {
      gaveUp = true;
      socket.destroy();
    }, GIVE_UP_MS);
    socket.on("data", (d) => (received += d.toString()));
    // Writing into a connection the server has cut may fail (EPIPE, ECONNRESET): the close still comes.
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearInterval(tick);
      clearTimeout(giveUp);
      resolve({ ms: Date.now() - started, received, closedByServer: !gaveUp });
    });
  });
}

const messagesBody = JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "Slowly, please." }] });

function post(path: string, body: string, headers: Record<string, string> = {}): string {
  const lines = [`POST ${path} HTTP/1.1`, "host: 127.0.0.1", "content-type: application/json", `content-length: ${Buffer.byteLength(body)}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

function errorOf(received: string): { status: number; type: string; message: string; requestId: string | undefined; headerId: string | undefined } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1]);
  const at = received.indexOf("\r\n\r\n");
  const headerId = /^request-id: (.*)$/im.exec(received.slice(0, at))?.[1]?.trim();
  const body = JSON.parse(received.slice(at + 4)) as { type: string; error: { type: string; message: string }; request_id?: string };
  expect(body.type).toBe("error");
  return { status, ...body.error, requestId: body.request_id, headerId };
}

describe(`request timeouts (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("cuts a body dribbled a byte a second at the body timeout with a 408 in the API's shape", async () => {
    const r = await dribble(post("/api/v1/messages", messagesBody, { "x-api-key": server.adminKey }), messagesBody, 1_000);
    expect(r.closedByServer, "the server kept the connection open").toBe(true);
    expect(r.ms).toBeGreaterThanOrEqual(BODY_MS - 100);
    expect(r.ms).toBeLessThan(BODY_MS + MARGIN_MS);
    const err = errorOf(r.received);
    expect(err.status).toBe(408);
    expect(err.type).toBe("invalid_request_error");
    expect(err.message).toMatch(new RegExp(`did not arrive within ${BODY_MS} ms`));

    // The handler that was waiting for the body got the same error, and recorded it under the id the 408 named.
    expect(err.requestId).toMatch(/^req_/);
    expect(err.headerId).toBe(err.requestId);
    const headers = { "x-api-key": server.adminKey };
    const record = await eventually(async () => {
      const res = await fetch(`${server.url}/api/requests/${err.requestId}`, { headers });
      return res.status === 200 ? ((await res.json()) as { id: string; httpStatus: number; errorType: string; errorMessage: string }) : undefined;
    });
    expect(record).toMatchObject({ id: err.requestId, httpStatus: 408, errorType: "invalid_request_error" });
    expect(record.errorMessage).toMatch(/did not arrive within/);
  });

  it("names the record's id in the 408 of an OpenAI-compatible request whose body did not arrive", async () => {
    const body = JSON.stringify({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Slowly, please." }] });
    const r = await dribble(post("/api/v1/chat/completions", body, { authorization: `Bearer ${server.adminKey}` }), body, 1_000);
    const err = errorOf(r.received);
    expect(err.status).toBe(408);
    expect(err.headerId).toBe(err.requestId);
    const headers = { "x-api-key": server.adminKey };
    const record = await eventually(async () => {
      const res = await fetch(`${server.url}/api/requests/${err.requestId}`, { headers });
      return res.status === 200 ? ((await res.json()) as { id: string; via: string; httpStatus: number }) : undefined;
    });
    expect(record).toMatchObject({ id: err.requestId, via: "openai", httpStatus: 408 });
  });

  it("closes the connection of a request answered before its body arrived (a 401) at the body timeout", async () => {
    const r = await dribble(post("/api/v1/messages", messagesBody), messagesBody, 1_000);
    expect(r.closedByServer, "the server kept the connection open").toBe(true);
    expect(r.ms).toBeLessThan(BODY_MS + MARGIN_MS);
    expect(r.received).toMatch(/^HTTP\/1\.1 401 /);
    expect(errorOf(r.received).type).toBe("authentication_error");
    // One answer, nothing after it.
    expect(r.received.match(/HTTP\/1\.1/g)).toHaveLength(1);
  });

  it("does the same on a path the API does not serve (the pages' path)", async () => {
    const form = "email=a%40b.c&password=dribbled-slowly";
    const r = await dribble(post("/login", form), form, 1_000);
    expect(r.closedByServer, "the server kept the connection open").toBe(true);
    expect(r.ms).toBeLessThan(BODY_MS + MARGIN_MS);
    expect(r.received).toMatch(/^HTTP\/1\.1 404 /);
  });

  it("cuts headers dribbled slowly at the header timeout", async () => {
    const head = post("/api/v1/messages", messagesBody, { "x-api-key": server.adminKey });
    const r = await dribble("", head, 200);
    expect(r.closedByServer, "the server kept the connection open").toBe(true);
    expect(r.ms).toBeGreaterThanOrEqual(HEADERS_MS - 100);
    expect(r.ms).toBeLessThan(HEADERS_MS + MARGIN_MS);
    expect(r.received).toMatch(/^HTTP\/1\.1 408 /);
    // In the API's shape, as every other error, so a client's error handling reads it.
    const error = JSON.parse(r.received.slice(r.received.indexOf("\r\n\r\n") + 4)) as { type: string; error: { type: string; message: string }; request_id: string };
    expect(error.type).toBe("error");
    expect(error.error.type).toBe("invalid_request_error");
    expect(error.error.message).toMatch(new RegExp(`headers did not arrive within ${HEADERS_MS} ms`));
    expect(r.received).toMatch(/\r\nrequest-id: req_/);
  });

  it("answers a request that is not HTTP, or whose headers are too large, in the API's shape", async () => {
    const raw = async (bytes: string) => {
      const r = await dribble(bytes, "", 1_000);
      const body = r.received.slice(r.received.indexOf("\r\n\r\n") + 4);
      return { status: r.received.slice(0, 12), error: JSON.parse(body) as { type: string; error: { type: string; message: string } } };
    };
    const garbled = await raw("GET /api/health HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n");
    expect(garbled.status).toBe("HTTP/1.1 400");
    expect(garbled.error.error.type).toBe("invalid_request_error");
    expect(garbled.error.error.message).toMatch(/not valid HTTP/);
    const huge = await raw(`GET /api/health HTTP/1.1\r\nHost: x\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`);
    expect(huge.status).toBe("HTTP/1.1 431");
    expect(huge.error.error.type).toBe("invalid_request_error");
    expect(huge.error.error.message).toMatch(/headers are too large/);
  });

  it("does not cut a body that arrives slowly but within its time, nor a streamed answer longer than both limits", async () => {
    // A byte every 100 ms for 1.5 s: slow, but inside the body timeout.
    const body = JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 16, messages: [{ role: "user", content: "Hi" }] });
    const slowAhead = body.slice(0, body.length - 15);
    const r = await dribble(post("/api/v1/messages", body, { "x-api-key": server.adminKey, connection: "close" }) + slowAhead, body.slice(slowAhead.length), 100);
    expect(r.received).toMatch(/^HTTP\/1\.1 200 /);

    const client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
    const started = Date.now();
    const stream = client.messages.stream({
      model: "claude-sonnet-4-6",
      max_tokens: 4_000,
      thinking: { type: "enabled", budget_tokens: 2_000 },
      messages: [{ role: "user", content: "Think it through at length, then explain step by step why the sky is blue." }],
    });
    const message = await stream.finalMessage();
    const ms = Date.now() - started;
    expect(message.stop_reason).toBe("end_turn");
    expect(ms, "the stream was not long enough to show anything").toBeGreaterThan(HEADERS_MS + BODY_MS + MARGIN_MS);
  });

  it("keeps serving", async () => {
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });
});
