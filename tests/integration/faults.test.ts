/**
 * Upstream faults end to end: a real thinkgate process, the official SDK as
 * the client, the simulator upstream told to fail (429 with retry-after, 529,
 * 500, a hang, a reset before the first byte, a stream cut or broken by an
 * error event), and the records read back through the API. Retries, the
 * fallback chains (Opus → Sonnet → standard, and standard → Sonnet → Opus, in
 * the seeded routes), the circuit breaker (a failure rate, not bad luck) and
 * mid-stream breaks are checked on what the client sees and what was stored;
 * every request that got an answer must have its record.
 */
import crypto from "node:crypto";
import http from "node:http";
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCannedUpstream } from "../support/canned-upstream";
import { eventually, startServer, type TestServer } from "../support/server";

let server: TestServer;
let client: Anthropic;
/** Every request that got an answer (success or error), by its thinkgate-request-id. */
const answered: string[] = [];

const BREAKER_COOLDOWN_MS = 3_000;

interface StoredHop {
  kind: string;
  routeId: string | null;
  model: string;
  status?: number | null;
  errorType?: string;
  waitMs?: number;
}

interface StoredRecord {
  id: string;
  status: string;
  httpStatus: number;
  errorType: string | null;
  routeId: string | null;
  tier: string;
  servedModel: string;
  inputTokens: number;
  outputTokens: number;
  adjustments?: string[];
  hops: StoredHop[];
  thinkingConfig: { thinking: unknown } | null;
  maxTokensSent: number | null;
}

/** The stored record of a request, once it is written (on the suite's server, or another). */
async function stored(id: string, on: TestServer = server): Promise<StoredRecord> {
  return eventually(async () => {
    const res = await fetch(`${on.url}/api/requests/${id}`, { headers: { "x-api-key": on.adminKey } });
    return res.status === 200 ? ((await res.json()) as StoredRecord) : undefined;
  });
}

const nonce = () => crypto.randomBytes(4).toString("hex");

/** A request through the SDK; returns what the client saw and notes the request id. */
async function send(
  body: { model?: string; content: string; stream?: boolean },
  headers: Record<string, string> = {},
): Promise<{ ok: true; msg: Anthropic.Message; res: Response; ms: number } | { ok: false; err: InstanceType<typeof Anthropic.APIError>; ms: number }> {
  const t0 = performance.now();
  const params = { model: body.model ?? "claude-haiku-4-5", max_tokens: 300, messages: [{ role: "user" as const, content: body.content }] };
  try {
    if (body.stream) {
      const stream = client.messages.stream(params, { headers });
      const { response } = await stream.withResponse();
      answered.push(response.headers.get("thinkgate-request-id")!);
      const msg = await stream.finalMessage();
      return { ok: true, msg, res: response, ms: performance.now() - t0 };
    }
    const { data, response } = await client.messages.create(params, { headers }).withResponse();
    answered.push(response.headers.get("thinkgate-request-id")!);
    return { ok: true, msg: data, res: response, ms: performance.now() - t0 };
  } catch (e) {
    const err = e as InstanceType<typeof Anthropic.APIError>;
    const id = err.headers?.get("thinkgate-request-id");
    if (id && !answered.includes(id)) answered.push(id);
    return { ok: false, err, ms: performance.now() - t0 };
  }
}

const admin = (method: string, path: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method, headers: { "x-api-key": server.adminKey, "content-type": "application/json" }, body: JSON.stringify(body) });

/** A model's thinkgate_circuit_state on /metrics (0 closed, 1 half-open, 2 open), or null when the breaker does not track it. */
async function circuit(model: string, on: TestServer = server): Promise<number | null> {
  const text = await (await fetch(`${on.url}/metrics`, { headers: { "x-api-key": on.adminKey } })).text();
  const line = text.split("\n").find((l) => l.startsWith(`thinkgate_circuit_state{model="${model}"}`));
  return line === undefined ? null : Number(line.split(" ").at(-1));
}

beforeAll(async () => {
  server = await startServer({
    env: {
      THINKGATE_RETRY_BASE_MS: "20",
      THINKGATE_RETRY_MAX_BACKOFF_MS: "100",
      THINKGATE_RETRY_MAX_WAIT_MS: "2000",
      // A small minimum of calls, so the breaker test opens a circuit in a few requests; the other tests stay under it.
      THINKGATE_BREAKER_MIN_CALLS: "12",
      THINKGATE_BREAKER_HALF_OPEN_PROBES: "2",
      THINKGATE_BREAKER_COOLDOWN_MS: String(BREAKER_COOLDOWN_MS),
      THINKGATE_UPSTREAM_TIMEOUT_MS: "1000",
    },
  });
  client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
});

afterAll(async () => {
  if (process.env.FAULTS_DEBUG) console.log(server.output());
  await server?.stop();
});

describe(`upstream faults (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("retries a 529 with backoff and answers: one record, the failed calls as hops", async () => {
    const r = await send({ content: `Say hello ${nonce()} [[sim:fault=529*2]]` }, { "thinkgate-tier": "standard" });
    if (!r.ok) throw r.err;
    expect(r.res.headers.get("thinkgate-attempts")).toBe("3");
    expect(r.res.headers.get("thinkgate-route")).toBe("standard");
    const rec = await stored(r.res.headers.get("thinkgate-request-id")!);
    expect(rec).toMatchObject({ status: "ok", httpStatus: 200, routeId: "standard", servedModel: "claude-haiku-4-5" });
    expect(rec.hops.map((h) => h.kind)).toEqual(["retry", "retry", "answer"]);
    expect(rec.hops[0]).toMatchObject({ status: 529, errorType: "overloaded_error", model: "claude-haiku-4-5", routeId: "standard" });
    expect(rec.hops[0]!.waitMs).toBeLessThanOrEqual(20);
    expect(rec.hops[1]!.waitMs).toBeLessThanOrEqual(40);
  });

  it("waits what retry-after-ms asks before retrying a 429", async () => {
    const r = await send({ content: `Say hello ${nonce()} [[sim:fault=429*1]] [[sim:retry_after_ms=700]]` }, { "thinkgate-tier": "standard" });
    if (!r.ok) throw r.err;
    expect(r.ms).toBeGreaterThanOrEqual(700);
    expect(r.res.headers.get("thinkgate-attempts")).toBe("2");
    const rec = await stored(r.res.headers.get("thinkgate-request-id")!);
    expect(rec.hops[0]).toMatchObject({ kind: "retry", status: 429, errorType: "rate_limit_error", waitMs: 700 });
  });

  it("does not wait out a retry-after longer than the cap: the next route in the chain answers at once", async () => {
    const r = await send({ content: `Prove it ${nonce()} [[sim:fault=429@claude-opus-4-7]] [[sim:retry_after_ms=30000]]` }, { "thinkgate-tier": "reasoning" });
    if (!r.ok) throw r.err;
    expect(r.ms).toBeLessThan(2_000);
    expect(r.msg.model).toBe("claude-sonnet-4-6");
    expect(r.res.headers.get("thinkgate-route")).toBe("reasoning-sonnet");
    expect(r.res.headers.get("thinkgate-attempts")).toBe("2");
    const rec = await stored(r.res.headers.get("thinkgate-request-id")!);
    expect(rec).toMatchObject({ status: "ok", routeId: "reasoning-sonnet", tier: "reasoning", servedModel: "claude-sonnet-4-6" });
    expect(rec.hops.map((h) => [h.kind, h.routeId, h.model, h.status ?? null])).toEqual([
      ["fallback", "reasoning", "claude-opus-4-7", 429],
      ["answer", "reasoning-sonnet", "claude-sonnet-4-6", null],
    ]);
  });

  it("falls back through another reasoning model to standard, re-applying the body for each (streaming)", async () => {
    const r = await send(
      { content: `Plan a migration ${nonce()} [[sim:fault=529@claude-opus-4-7,claude-sonnet-4-6]]`, stream: true },
      { "thinkgate-tier": "reasoning" },
    );
    if (!r.ok) throw r.err;
    expect(r.msg.model).toBe("claude-haiku-4-5");
    expect(r.msg.content.some((b) => b.type === "thinking")).toBe(false);
    expect(r.res.headers.get("thinkgate-route")).toBe("standard");
    expect(r.res.headers.get("thinkgate-attempts")).toBe("7");
    const rec = await stored(r.res.headers.get("thinkgate-request-id")!);
    expect(rec).toMatchObject({ status: "ok", routeId: "standard", tier: "standard", servedModel: "claude-haiku-4-5" });
    // Re-applied for the standard route: thinking off and the client's max_tokens, not the reasoning route's 16k floor.
    expect(rec.thinkingConfig?.thinking).toEqual({ type: "disabled" });
    expect(rec.maxTokensSent).toBe(300);
    expect(rec.outputTokens).toBeGreaterThan(0);
    expect(rec.hops.map((h) => `${h.kind}:${h.model}`)).toEqual([
      "retry:claude-opus-4-7",
      "retry:claude-opus-4-7",
      "fallback:claude-opus-4-7",
      "retry:claude-sonnet-4-6",
      "retry:claude-sonnet-4-6",
      "fallback:claude-sonnet-4-6",
      "answer:claude-haiku-4-5",
    ]);
  });

  it("retries a timeout and a connection reset before the first byte (JSON and stream)", async () => {
    const hung = await send({ content: `Say hello ${nonce()} [[sim:fault=hang*1]]` }, { "thinkgate-tier": "standard" });
    if (!hung.ok) throw hung.err;
    expect(hung.res.headers.get("thinkgate-attempts")).toBe("2");
    const hungRec = await stored(hung.res.headers.get("thinkgate-request-id")!);
    expect(hungRec.hops[0]).toMatchObject({ kind: "retry", status: null, errorType: "timeout_error" });

    for (const stream of [false, true]) {
      const reset = await send({ content: `Say hello ${nonce()} [[sim:fault=reset*1]]`, stream }, { "thinkgate-tier": "standard" });
      if (!reset.ok) throw reset.err;
      expect(reset.msg.stop_reason).toBe("end_turn");
      expect(reset.res.headers.get("thinkgate-attempts")).toBe("2");
      const rec = await stored(reset.res.headers.get("thinkgate-request-id")!);
      expect(rec.status).toBe("ok");
      expect(rec.hops.map((h) => h.kind)).toEqual(["retry", "answer"]);
    }
  });

  it("does not retry a 400, and relays it as the API sent it", async () => {
    const r = await send({ content: `Say hello ${nonce()} [[sim:answer=poetry]]` }, { "thinkgate-tier": "standard" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(r.err.headers?.get("thinkgate-attempts")).toBe("1");
  });

  it("opens a model's circuit at a sustained failure rate, skips it, answers 529 when every candidate is open, and closes after enough probes", async () => {
    const route = (model: string, fallbackRouteIds: string[]) => ({ name: model, tier: "standard", model, thinking: "off", fallbackRouteIds });
    expect((await admin("PUT", "/api/routes/brk-b", route("claude-opus-4-8", []))).status).toBe(200);
    expect((await admin("PUT", "/api/routes/brk-a", route("claude-opus-4-6", ["brk-b"]))).status).toBe(200);
    expect((await admin("PUT", "/api/apps/brk-app", { tier: "standard", routeId: "brk-a" })).status).toBe(200);
    const app = { "thinkgate-app": "brk-app" };

    // A fails 3 calls a request; B answers. The twelfth failed call (the minimum of calls, all failed) opens A.
    for (let i = 0; i < 4; i++) {
      expect(await circuit("claude-opus-4-6")).not.toBe(2);
      const r = await send({ content: `Say hello ${nonce()} [[sim:fault=500@claude-opus-4-6]]` }, app);
      if (!r.ok) throw r.err;
      expect(r.res.headers.get("thinkgate-route")).toBe("brk-b");
      expect(r.res.headers.get("thinkgate-attempts")).toBe("4");
    }
    expect(await circuit("claude-opus-4-6")).toBe(2);
    // A is not called any more: skipped, B answers at the first attempt.
    const skipped = await send({ content: `Say hello ${nonce()}` }, app);
    if (!skipped.ok) throw skipped.err;
    expect(skipped.res.headers.get("thinkgate-attempts")).toBe("1");
    const skippedRec = await stored(skipped.res.headers.get("thinkgate-request-id")!);
    expect(skippedRec.hops.map((h) => [h.kind, h.routeId, h.errorType ?? null])).toEqual([
      ["skipped", "brk-a", "circuit_open"],
      ["answer", "brk-b", null],
    ]);

    // B has 5 answers in its window; it opens at its twelfth call, 7 of them failed, in the middle of a
    // request's retries, which then stop: the client gets B's own 500 each time.
    for (const attempts of ["3", "3", "1"]) {
      const r = await send({ content: `Say hello ${nonce()} [[sim:fault=500@claude-opus-4-8]]` }, app);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.err.status).toBe(500);
        expect(r.err.headers?.get("thinkgate-attempts")).toBe(attempts);
      }
    }
    // Every candidate open: a 529 in the API's shape with retry-after, recorded, without calling upstream.
    const down = await send({ content: `Say hello ${nonce()}` }, app);
    expect(down.ok).toBe(false);
    if (down.ok) return;
    expect(down.err).toBeInstanceOf(Anthropic.APIError);
    expect(down.err.status).toBe(529);
    expect((down.err.error as { type: string; error: { type: string } }).error.type).toBe("overloaded_error");
    expect(Number(down.err.headers?.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(down.err.headers?.get("thinkgate-attempts")).toBe("0");
    const downRec = await stored(down.err.headers!.get("thinkgate-request-id")!);
    expect(downRec).toMatchObject({ status: "error", httpStatus: 529, errorType: "overloaded_error", routeId: "brk-b" });
    expect(downRec.hops.map((h) => h.kind)).toEqual(["skipped", "answer"]);

    // After the cool-down A is half-open: probes go through, and two successes (THINKGATE_BREAKER_HALF_OPEN_PROBES) close it.
    await new Promise((r) => setTimeout(r, BREAKER_COOLDOWN_MS + 100));
    for (const state of [1, 0]) {
      const probe = await send({ content: `Say hello ${nonce()}` }, app);
      if (!probe.ok) throw probe.err;
      expect(probe.res.headers.get("thinkgate-route")).toBe("brk-a");
      expect(probe.msg.model).toBe("claude-opus-4-6");
      expect(await circuit("claude-opus-4-6")).toBe(state);
    }
    const after = await send({ content: `Say hello ${nonce()}` }, app);
    if (!after.ok) throw after.err;
    expect(after.res.headers.get("thinkgate-route")).toBe("brk-a");
  });

  it("validates fallback chains: routes that exist, not the route itself, no loop; the seeded chain is listed", async () => {
    const base = { name: "x", tier: "standard", model: "claude-opus-4-6", thinking: "off" };
    const cases: [string, string[], RegExp][] = [
      ["brk-b", ["brk-a"], /chain brk-b → brk-a → brk-b comes back/],
      ["brk-a", ["brk-a"], /cannot fall back to itself/],
      ["brk-a", ["nowhere"], /route "nowhere" does not exist/],
      ["brk-a", ["brk-b", "brk-b"], /listed twice/],
    ];
    for (const [id, fallbackRouteIds, message] of cases) {
      const res = await admin("PUT", `/api/routes/${id}`, { ...base, fallbackRouteIds });
      expect(res.status, `${id} → ${fallbackRouteIds.join(",")}`).toBe(400);
      const body = (await res.json()) as { type: string; error: { type: string; message: string } };
      expect(body.error.type).toBe("invalid_request_error");
      expect(body.error.message).toMatch(message);
    }
    const list = (await (await fetch(`${server.url}/api/routes`, { headers: { "x-api-key": server.adminKey } })).json()) as { data: { id: string; fallbackRouteIds: string[] }[] };
    const chain = Object.fromEntries(list.data.map((r) => [r.id, r.fallbackRouteIds]));
    expect(chain).toMatchObject({ reasoning: ["reasoning-sonnet"], "reasoning-sonnet": ["standard"], standard: ["standard-sonnet", "standard-opus"], "standard-sonnet": [], "standard-opus": [], "brk-a": ["brk-b"] });
  });

  it("ends a stream cut mid-way with an SSE error event and a partial record with the tokens seen; nothing is retried", async () => {
    const res = await fetch(`${server.baseURL}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": server.adminKey, "content-type": "application/json", "anthropic-version": "2023-06-01", "thinkgate-tier": "standard" },
      body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 300, stream: true, messages: [{ role: "user", content: `Tell a story ${nonce()} [[sim:fault=cut]]` }] }),
    });
    const id = res.headers.get("thinkgate-request-id")!;
    answered.push(id);
    expect(res.status).toBe(200);
    expect(res.headers.get("thinkgate-attempts")).toBe("1");
    const text = await res.text();
    expect(text).toContain("event: content_block_delta");
    expect(text).not.toContain("event: message_stop");
    expect(text.trimEnd().split("\n\n").at(-1)).toMatch(/^event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);
    const rec = await stored(id);
    expect(rec.status).toBe("partial");
    expect(rec.inputTokens).toBeGreaterThan(0);
    expect(rec.hops).toEqual([]);
    // The API's count never came (it is in the last message_delta): the output relayed is counted, about 4 characters a token, and said to be a floor.
    const relayed = [...text.matchAll(/"type":"text_delta","text":("(?:[^"\\]|\\.)*")/g)].reduce((n, m) => n + (JSON.parse(m[1]!) as string).length, 0);
    expect(relayed).toBeGreaterThan(40);
    expect(rec.outputTokens).toBe(Math.ceil(relayed / 4));
    expect(rec.adjustments!.join("\n")).toMatch(/output tokens are a floor/);
  });

  it("relays a mid-stream error event to the SDK and records the answer as partial, without a retry", async () => {
    const r = await send({ content: `Tell a story ${nonce()} [[sim:fault=midstream_error]]`, stream: true }, { "thinkgate-tier": "standard" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.err).toBeInstanceOf(Anthropic.APIError);
    expect(r.err.message).toMatch(/Overloaded/);
    const id = answered.at(-1)!;
    const rec = await stored(id);
    expect(rec).toMatchObject({ status: "partial", errorType: "overloaded_error" });
    expect(rec.inputTokens).toBeGreaterThan(0);
    expect(rec.hops).toEqual([]);
  });

  it("loses no record: every request that got an answer is stored", async () => {
    let lost = 0;
    for (const id of answered) {
      const res = await eventually(async () => {
        const r = await fetch(`${server.url}/api/requests/${id}`, { headers: { "x-api-key": server.adminKey } });
        return r.status === 404 ? undefined : r.status;
      }, 5_000).catch(() => 404);
      if (res !== 200) lost++;
    }
    console.log(`faults: records lost ${lost} of ${answered.length}`);
    expect(answered.length).toBeGreaterThanOrEqual(15);
    expect(lost).toBe(0);
  });
});

describe(`the seeded standard route and the breaker's defaults (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  let own: TestServer;
  let sdk: Anthropic;
  const SONNET = "claude-sonnet-4-6";

  beforeAll(async () => {
    // The breaker as shipped (20 calls, half of them failed, in 60 s; a 30 s cool-down); quick retries.
    own = await startServer({ env: { THINKGATE_RETRY_BASE_MS: "20", THINKGATE_RETRY_MAX_BACKOFF_MS: "100", THINKGATE_RETRY_MAX_WAIT_MS: "2000" } });
    sdk = new Anthropic({ baseURL: own.baseURL, apiKey: own.adminKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await own?.stop();
  });

  const ask = (content: string, extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {}) =>
    sdk.messages.create({ model: SONNET, max_tokens: 300, messages: [{ role: "user", content }], ...extra }, { headers: { "thinkgate-tier": "standard" } }).withResponse();
  const failure = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Anthropic.APIError);
    return err as InstanceType<typeof Anthropic.APIError>;
  };
  const record = (id: string) => stored(id, own);

  it("does not open a model's circuit for one request that got a 500 and one that got 429s: the next request is served by the model", async () => {
    // Every model fails: the client's own (3 calls), then the standard route's fallbacks (Sonnet is the client's model: skipped; Opus, 3 calls).
    const e500 = await failure(ask(`Say hello ${nonce()} [[sim:fault=500]]`));
    expect(e500.status).toBe(500);
    const rec500 = await record(e500.headers!.get("thinkgate-request-id")!);
    expect(rec500.hops.map((h) => [h.kind, h.routeId, h.model, h.status ?? h.errorType ?? null])).toEqual([
      ["retry", "standard", SONNET, 500],
      ["retry", "standard", SONNET, 500],
      ["fallback", "standard", SONNET, 500],
      ["skipped", "standard-sonnet", SONNET, "failed_earlier"],
      ["retry", "standard-opus", "claude-opus-4-7", 500],
      ["retry", "standard-opus", "claude-opus-4-7", 500],
      ["answer", "standard-opus", "claude-opus-4-7", null],
    ]);
    expect(rec500).toMatchObject({ status: "error", httpStatus: 500, routeId: "standard-opus" });

    // 429s, retried after their retry-after on each model; the client gets the last one with its retry-after.
    const e429 = await failure(ask(`Say hello ${nonce()} [[sim:fault=429]] [[sim:retry_after_ms=200]]`));
    expect(e429).toBeInstanceOf(Anthropic.RateLimitError);
    expect(e429.headers?.get("retry-after-ms")).toBe("200");
    expect(e429.headers?.get("retry-after")).toBe("1");
    expect(e429.headers?.get("thinkgate-attempts")).toBe("6");

    const { data, response } = await ask(`Say hello ${nonce()}`);
    expect(response.headers.get("thinkgate-route")).toBe("standard");
    expect(Number(response.headers.get("thinkgate-attempts"))).toBeGreaterThan(0);
    expect(data.model).toBe(SONNET);
    expect(await circuit(SONNET, own)).toBe(0);
  });

  it("leaves a model rate-limited for longer than the gateway waits to the fallback at once, without holding it against the model", async () => {
    for (let i = 0; i < 21; i++) {
      const { data, response } = await ask(`Say hello ${nonce()} [[sim:fault=429@${SONNET}]] [[sim:retry_after_ms=30000]]`);
      expect(data.model).toBe("claude-opus-4-7");
      expect(response.headers.get("thinkgate-route")).toBe("standard-opus");
      expect(response.headers.get("thinkgate-attempts")).toBe("2");
    }
    // More 429s than the minimum of calls: the circuit is closed, the model is still asked first.
    expect(await circuit(SONNET, own)).toBe(0);
    const { data, response } = await ask(`Say hello ${nonce()}`);
    expect(data.model).toBe(SONNET);
    expect(response.headers.get("thinkgate-attempts")).toBe("1");
  });

  it("opens the circuit at a sustained failure rate; the standard route then falls back to its seeded fallback without calling the model", async () => {
    // Each request: three failed calls to Sonnet, answered by the Opus fallback.
    let opened = -1;
    for (let i = 0; i < 10 && opened < 0; i++) {
      const { data, response } = await ask(`Say hello ${nonce()} [[sim:fault=500@${SONNET}]]`);
      expect(data.model).toBe("claude-opus-4-7");
      const rec = await record(response.headers.get("thinkgate-request-id")!);
      expect(rec.hops.at(-1)).toMatchObject({ kind: "answer", routeId: "standard-opus", model: "claude-opus-4-7" });
      if ((await circuit(SONNET, own)) === 2) opened = i;
    }
    // Not at the first failures: once twenty calls were counted (the earlier tests' included).
    expect(opened).toBeGreaterThanOrEqual(4);

    const { data, response } = await ask(`Say hello ${nonce()}`);
    expect(data.model).toBe("claude-opus-4-7");
    expect(response.headers.get("thinkgate-route")).toBe("standard-opus");
    expect(response.headers.get("thinkgate-attempts")).toBe("1");
    const rec = await record(response.headers.get("thinkgate-request-id")!);
    expect(rec).toMatchObject({ status: "ok", routeId: "standard-opus", servedModel: "claude-opus-4-7" });
    expect(rec.hops.map((h) => [h.kind, h.routeId, h.model, h.errorType ?? null])).toEqual([
      ["skipped", "standard", SONNET, "circuit_open"],
      ["skipped", "standard-sonnet", SONNET, "circuit_open"],
      ["answer", "standard-opus", "claude-opus-4-7", null],
    ]);
    expect(await circuit("claude-opus-4-7", own)).toBe(0);

    // A conversation carrying thinking blocks falls back only to the same model: no Opus answer, the open circuit's 529.
    const thinking = await failure(
      ask("", {
        messages: [
          { role: "user", content: `Think about it ${nonce()}` },
          { role: "assistant", content: [{ type: "thinking", thinking: "Let me see.", signature: "c2lnbmF0dXJl" }, { type: "text", text: "Done." }] },
          { role: "user", content: "And now?" },
        ],
      }),
    );
    expect(thinking.status).toBe(529);
    expect(thinking.headers?.get("thinkgate-attempts")).toBe("0");
    const thinkingRec = await record(thinking.headers!.get("thinkgate-request-id")!);
    expect(thinkingRec.hops.map((h) => [h.kind, h.routeId])).toEqual([
      ["skipped", "standard"],
      ["answer", "standard-sonnet"],
    ]);
  });
});

describe("a client that leaves mid-stream", () => {
  let slow: TestServer;
  beforeAll(async () => {
    // The simulator at its realistic pace: an answer streams for a few seconds, so the client can leave in the middle.
    slow = await startServer({ env: { THINKGATE_SIM_LATENCY: "realistic" } });
  });
  afterAll(async () => {
    await slow?.stop();
  });

  it("is recorded as cut short (partial, the tokens seen so far), not as a whole answer", async () => {
    const controller = new AbortController();
    const res = await fetch(`${slow.baseURL}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": slow.adminKey, "content-type": "application/json", "anthropic-version": "2023-06-01", "thinkgate-tier": "standard" },
      body: JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 2000, stream: true, messages: [{ role: "user", content: `Write a long story about a lighthouse ${nonce()}` }] }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const id = res.headers.get("thinkgate-request-id")!;
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes("content_block_delta")) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const rec = await eventually(async () => {
      const r = await fetch(`${slow.url}/api/requests/${id}`, { headers: { "x-api-key": slow.adminKey } });
      return r.status === 200 ? ((await r.json()) as StoredRecord & { errorMessage: string | null; stopReason: string | null }) : undefined;
    });
    expect(rec).toMatchObject({ status: "partial", errorType: "api_error", errorMessage: "the client closed the stream", stopReason: null });
    expect(rec.inputTokens).toBeGreaterThan(0);
  });
});

describe("a client that hangs up while sending its body", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each(["/v1/messages", "/v1/chat/completions"])("is recorded as its leaving (499), not as a server failure: %s", async (path) => {
    const body = JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 100, messages: [{ role: "user", content: `hello ${nonce()}` }] });
    const auth = path.includes("chat") ? { authorization: `Bearer ${server.adminKey}` } : { "x-api-key": server.adminKey, "anthropic-version": "2023-06-01" };
    const before = server.output().length;
    const recent = async () => ((await (await fetch(`${server.url}/api/requests?limit=10`, { headers: { "x-api-key": server.adminKey } })).json()) as { data: { id: string }[] }).data;
    const seen = new Set((await recent()).map((r) => r.id));
    await new Promise<void>((resolve) => {
      const req = http.request(`${server.baseURL}${path}`, { method: "POST", headers: { ...auth, "content-type": "application/json", "content-length": Buffer.byteLength(body) } });
      req.on("error", () => resolve());
      req.on("response", () => resolve());
      req.write(body.slice(0, 30));
      setTimeout(() => req.destroy(), 300);
    });
    const rec = await eventually(async () => (await recent()).find((r) => !seen.has(r.id)));
    const full = (await (await fetch(`${server.url}/api/requests/${rec.id}`, { headers: { "x-api-key": server.adminKey } })).json()) as StoredRecord & { httpStatus: number; errorMessage: string | null };
    expect(full).toMatchObject({ status: "error", httpStatus: 499, errorMessage: "the client closed the request" });
    expect(server.output().slice(before)).not.toMatch(/gateway failure|could not translate the request/);
  });
});

describe("an upstream error that is not in the API's shape (a proxy in front of the API answering in its own way)", () => {
  // A JSON body of another shape, and one in the shape whose type and message are not strings.
  const bodies = ['{"error":"boom"}', '{"type":"error","error":{"type":5,"message":{"a":1}}}'];

  it.each(bodies)("is answered in the API's shape with the upstream's status, and recorded: %s", async (body) => {
    const upstream = await startCannedUpstream("unused", { fixed: { status: 500, body } });
    const own = await startServer({
      env: { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: upstream.url, THINKGATE_RETRY_MAX: "0" },
    });
    try {
      const post = (path: string) =>
        fetch(`${own.baseURL}${path}`, {
          method: "POST",
          headers: { "x-api-key": own.adminKey, "content-type": "application/json", "anthropic-version": "2023-06-01", "thinkgate-tier": "standard" },
          body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: `Hello ${nonce()}` }] }),
        });
      for (const path of ["/v1/messages", "/v1/messages/count_tokens"]) {
        const res = await post(path);
        expect(res.status, path).toBe(500);
        const answer = (await res.json()) as { type: unknown; error: { type: unknown; message: unknown }; request_id: unknown };
        expect(answer, path).toMatchObject({ type: "error", error: { type: "api_error" } });
        expect(typeof answer.error.message, path).toBe("string");
        expect(typeof answer.request_id, path).toBe("string");
      }
      // The failed request has its record, in the same terms.
      const id = (await post("/v1/messages")).headers.get("thinkgate-request-id")!;
      const rec = await eventually(async () => {
        const r = await fetch(`${own.url}/api/requests/${id}`, { headers: { "x-api-key": own.adminKey } });
        return r.status === 200 ? ((await r.json()) as StoredRecord & { errorMessage: string | null }) : undefined;
      });
      expect(rec).toMatchObject({ status: "error", httpStatus: 500, errorType: "api_error" });
      expect(typeof rec.errorMessage).toBe("string");
    } finally {
      await own.stop();
      await upstream.stop();
    }
  });
});

describe("an upstream success whose body is no answer (a proxy's page under a 200)", () => {
  it("is an error in the API's shape for a JSON and a stream request alike, and recorded as one", async () => {
    // The canned upstream answers every call with this body as application/json: no JSON object, and no stream either.
    const upstream = await startCannedUpstream("unused", { fixed: { status: 200, body: "<html><body>Welcome to the proxy</body></html>" } });
    const own = await startServer({
      env: { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: upstream.url, THINKGATE_RETRY_MAX: "0" },
    });
    try {
      for (const stream of [false, true]) {
        const res = await fetch(`${own.baseURL}/v1/messages`, {
          method: "POST",
          headers: { "x-api-key": own.adminKey, "content-type": "application/json", "anthropic-version": "2023-06-01", "thinkgate-tier": "standard" },
          body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 64, stream, messages: [{ role: "user", content: `Hello ${nonce()}` }] }),
        });
        expect(res.status, `stream: ${stream}`).toBe(502);
        expect(res.headers.get("content-type")).toContain("application/json");
        const answer = (await res.json()) as { type: string; error: { type: string; message: string } };
        expect(answer).toMatchObject({ type: "error", error: { type: "api_error" } });
        expect(answer.error.message).toContain(stream ? "to a stream request" : "not a JSON object");
        const id = res.headers.get("thinkgate-request-id")!;
        const rec = await stored(id, own);
        expect(rec).toMatchObject({ status: "error", httpStatus: 502, errorType: "api_error" });
      }
    } finally {
      await own.stop();
      await upstream.stop();
    }
  });
});

describe("an upstream that keeps a stream's connection open after message_stop", () => {
  it("has its answer ended at message_stop for the client, and recorded whole", async () => {
    const upstream = await startCannedUpstream("All done.", { sse: "open" });
    const own = await startServer({ env: { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: upstream.url } });
    try {
      const sdk = new Anthropic({ baseURL: own.baseURL, apiKey: own.adminKey, maxRetries: 0 });
      const stream = sdk.messages.stream(
        { model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: `Hello ${nonce()}` }] },
        { headers: { "thinkgate-tier": "standard" }, signal: AbortSignal.timeout(10_000) },
      );
      const { response } = await stream.withResponse();
      // The SDK reads a stream to its end: it resolves only when the gateway ends the response.
      const msg = await stream.finalMessage();
      expect(msg.content.map((b) => (b.type === "text" ? b.text : b.type))).toEqual(["All done."]);
      const id = response.headers.get("thinkgate-request-id")!;
      const rec = await stored(id, own);
      expect(rec).toMatchObject({ status: "ok", httpStatus: 200, outputTokens: 12 });
    } finally {
      await own.stop();
      await upstream.stop();
    }
  });
});

describe("an upstream whose answer goes silent after its headers", () => {
  it("is ended after THINKGATE_UPSTREAM_IDLE_MS of silence: the client gets an error in the API's shape, and the request is recorded", async () => {
    const upstream = await startCannedUpstream("Never finished.", { sse: "stall" });
    const own = await startServer({ env: { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: upstream.url, THINKGATE_UPSTREAM_IDLE_MS: "1500" } });
    try {
      const sdk = new Anthropic({ baseURL: own.baseURL, apiKey: own.adminKey, maxRetries: 0 });
      const started = performance.now();
      const stream = sdk.messages.stream(
        { model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: `Hello ${nonce()}` }] },
        { headers: { "thinkgate-tier": "standard" }, signal: AbortSignal.timeout(20_000) },
      );
      const { response } = await stream.withResponse();
      const failure = await stream.finalMessage().then(
        () => null,
        (err: unknown) => err,
      );
      // Ended by the gateway, long before the client's own 20 s: an error event the SDK raises as an APIError.
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(failure).toBeInstanceOf(Anthropic.APIError);
      expect(String((failure as Error).message)).toMatch(/stalled|nothing arrived/);
      const id = response.headers.get("thinkgate-request-id")!;
      const rec = await stored(id, own);
      expect(rec.status).not.toBe("ok");
    } finally {
      await own.stop();
      await upstream.stop();
    }
  });

  it("a JSON answer cut off half-way on an open connection is a 504 timeout_error in the API's shape, recorded", async () => {
    const upstream = await startCannedUpstream("Never finished.", { json: "stall" });
    const own = await startServer({ env: { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: upstream.url, THINKGATE_UPSTREAM_IDLE_MS: "1500" } });
    try {
      const res = await fetch(`${own.baseURL}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": own.adminKey, "content-type": "application/json", "anthropic-version": "2023-06-01", "thinkgate-tier": "standard" },
        body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: `Hello ${nonce()}` }] }),
        signal: AbortSignal.timeout(20_000),
      });
      const body = (await res.json()) as { type: string; error: { type: string; message: string } };
      expect(res.status).toBe(504);
      expect(body).toMatchObject({ type: "error", error: { type: "timeout_error" } });
      expect(body.error.message).toMatch(/stalled/);
      const id = res.headers.get("thinkgate-request-id")!;
      const rec = await stored(id, own);
      expect(rec).toMatchObject({ status: "error", httpStatus: 504 });
    } finally {
      await own.stop();
      await upstream.stop();
    }
  });
});
