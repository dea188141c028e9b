/**
 * Traces and access logs, end to end: a real OTLP/HTTP receiver in the test
 * process takes the spans the server exports; a recording proxy in front of
 * the simulator sees the traceparent each upstream call carries; the
 * server's stdout is parsed for its JSON access log lines.
 */
import Anthropic from "@anthropic-ai/sdk";
import crypto from "node:crypto";
import http from "node:http";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startServer, type TestServer } from "../support/server";
import { startUpstreamProxy, type UpstreamProxy } from "../support/upstream-proxy";

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: { key: string; value: OtlpValue }[];
  status?: { code?: number; message?: string };
}
interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: "server" | "client" | number;
  start: bigint;
  end: bigint;
  attrs: Record<string, unknown>;
  status: number;
  service: unknown;
}

const SERVER = 2;
const CLIENT = 3;

function value(v: OtlpValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(value);
  return undefined;
}

const attrsOf = (list: { key: string; value: OtlpValue }[] = []) => Object.fromEntries(list.map((a) => [a.key, value(a.value)]));

/** An OTLP/HTTP (JSON) trace receiver, like a collector's otlphttp receiver. */
function startReceiver(): Promise<{ url: string; spans: Span[]; posts: () => number; close: () => void }> {
  const spans: Span[] = [];
  let posts = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/traces") return void res.writeHead(404).end();
      posts++;
      let raw = Buffer.concat(chunks);
      if (req.headers["content-encoding"] === "gzip") raw = zlib.gunzipSync(raw);
      expect(req.headers["content-type"]).toMatch(/application\/json/);
      const body = JSON.parse(raw.toString("utf8")) as {
        resourceSpans: { resource?: { attributes?: { key: string; value: OtlpValue }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
      };
      for (const rs of body.resourceSpans) {
        const service = attrsOf(rs.resource?.attributes)["service.name"];
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) {
            spans.push({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? "",
              name: s.name,
              kind: s.kind,
              start: BigInt(s.startTimeUnixNano),
              end: BigInt(s.endTimeUnixNano),
              attrs: attrsOf(s.attributes),
              status: s.status?.code ?? 0,
              service,
            });
          }
        }
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      resolve({ url: `http://127.0.0.1:${port}`, spans, posts: () => posts, close: () => server.close() });
    }),
  );
}

const hex = (bytes: number) => crypto.randomBytes(bytes).toString("hex");

let server: TestServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let proxy: UpstreamProxy;
let client: Anthropic;
let gatewayKey: { id: string; secret: string };

beforeAll(async () => {
  receiver = await startReceiver();
  proxy = await startUpstreamProxy();
  server = await startServer({
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: "50",
      OTEL_SERVICE_NAME: "thinkgate-test",
      ANTHROPIC_BASE_URL: proxy.url,
      LOG_LEVEL: "info",
    },
  });
  proxy.target(`${server.url}/api/simulator`);
  const admin = { "x-api-key": server.adminKey, "content-type": "application/json" };
  const rules = await fetch(`${server.url}/api/rules`, {
    method: "POST",
    headers: admin,
    body: JSON.stringify({
      note: "FAQ answers on standard, escalated when unsure",
      rules: [{ id: "faq", name: "FAQ", when: { tasks: ["faq"] }, then: { routeId: "standard" }, escalate: { onLowConfidence: true } }],
    }),
  });
  expect(rules.status).toBe(201);
  const key = await fetch(`${server.url}/api/keys`, { method: "POST", headers: admin, body: JSON.stringify({ name: "telemetry test", role: "gateway" }) });
  expect(key.status).toBe(201);
  gatewayKey = (await key.json()) as { id: string; secret: string };
  client = new Anthropic({ baseURL: server.baseURL, apiKey: gatewayKey.secret, maxRetries: 0 });
});

afterAll(async () => {
  await server?.stop();
  receiver?.close();
  await proxy?.close();
});

const params = (content: string) => ({ model: "claude-sonnet-4-6", max_tokens: 500, messages: [{ role: "user" as const, content }] });

/** The spans of one gateway request, found by its request id, once its SERVER span and its children arrived. */
async function spansOf(requestId: string, children: number): Promise<{ server: Span; calls: Span[] }> {
  return eventually(async () => {
    const mine = receiver.spans.filter((s) => s.attrs["thinkgate.request_id"] === requestId);
    const server = mine.find((s) => s.kind === SERVER);
    const calls = mine.filter((s) => s.kind === CLIENT).sort((x, y) => (x.start < y.start ? -1 : 1));
    return server && calls.length === children ? { server, calls } : undefined;
  });
}

const promptTokens = (u: Anthropic.Usage) => u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0);

describe(`OpenTelemetry traces (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("continues the client's trace: a SERVER span under its span, a CLIENT span per upstream call, whose traceparent goes upstream", async () => {
    const traceId = hex(16);
    const parent = hex(8);
    const { data, response } = await client.messages
      .create(params("What is the capital of France? [[sim:answer=json]]"), { headers: { traceparent: `00-${traceId}-${parent}-01`, "thinkgate-task": "faq" } })
      .withResponse();
    const requestId = response.headers.get("thinkgate-request-id")!;
    const { server, calls } = await spansOf(requestId, 1);

    expect(server.traceId).toBe(traceId);
    expect(server.parentSpanId).toBe(parent);
    expect(server.service).toBe("thinkgate-test");
    expect(server.name).toBe("chat claude-sonnet-4-6");
    expect(server.attrs).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "anthropic",
      "gen_ai.request.model": "claude-sonnet-4-6",
      "gen_ai.response.model": data.model,
      "gen_ai.request.max_tokens": 500,
      "gen_ai.response.id": data.id,
      "gen_ai.response.finish_reasons": [data.stop_reason],
      "gen_ai.usage.input_tokens": promptTokens(data.usage),
      "gen_ai.usage.output_tokens": data.usage.output_tokens,
      "gen_ai.usage.cache_read.input_tokens": data.usage.cache_read_input_tokens ?? 0,
      "gen_ai.usage.cache_creation.input_tokens": data.usage.cache_creation_input_tokens ?? 0,
      "thinkgate.tier": "standard",
      "thinkgate.stage": "rule",
      "thinkgate.rule": "faq",
      "thinkgate.route": "standard",
      "thinkgate.escalated": false,
      "http.route": "/api/v1/messages",
      "http.response.status_code": 200,
    });
    expect(server.attrs["gen_ai.usage.reasoning.output_tokens"]).toBeTypeOf("number");
    expect(server.attrs["thinkgate.cost_usd"]).toBeGreaterThan(0);
    // The old name of the provider attribute is not emitted.
    expect(server.attrs["gen_ai.system"]).toBeUndefined();

    const [call] = calls as [Span];
    expect(call.traceId).toBe(traceId);
    expect(call.parentSpanId).toBe(server.spanId);
    expect(call.name).toBe(`chat ${data.model}`);
    expect(call.attrs).toMatchObject({ "gen_ai.usage.output_tokens": data.usage.output_tokens, "gen_ai.usage.input_tokens": promptTokens(data.usage), "thinkgate.hop": "answer", "server.address": "127.0.0.1" });
    expect(call.start >= server.start && call.end <= server.end).toBe(true);
    // The upstream saw the CLIENT span as its parent, not the client's span.
    expect(proxy.calls.at(-1)!.traceparent).toBe(`00-${traceId}-${call.spanId}-01`);
  });

  it("gives an escalated request one CLIENT span per hop; the request's usage is the sum of its calls", async () => {
    const traceId = hex(16);
    const stream = client.messages.stream(params("How do I reset my password? [[sim:confidence=low]]"), {
      headers: { traceparent: `00-${traceId}-${hex(8)}-01`, "thinkgate-task": "faq" },
    });
    const { response } = await stream.withResponse();
    const final = await stream.finalMessage();
    expect(response.headers.get("thinkgate-stage")).toBe("escalation");
    const { server, calls } = await spansOf(response.headers.get("thinkgate-request-id")!, 2);

    expect(server.traceId).toBe(traceId);
    expect(server.attrs).toMatchObject({ "thinkgate.stage": "escalation", "thinkgate.tier": "reasoning", "thinkgate.escalated": true, "thinkgate.rule": "faq", "gen_ai.request.stream": true });
    expect(server.attrs["gen_ai.response.time_to_first_chunk"]).toBeGreaterThan(0);
    const [standard, reasoning] = calls as [Span, Span];
    expect(standard.attrs).toMatchObject({ "gen_ai.request.model": "claude-sonnet-4-6", "thinkgate.hop": "answer", "thinkgate.escalated": true, "thinkgate.route": "standard" });
    expect(standard.attrs["thinkgate.escalation_reasons"]).toContain("the answer reports low confidence");
    expect(reasoning.attrs).toMatchObject({
      "gen_ai.request.model": final.model,
      "gen_ai.usage.output_tokens": final.usage.output_tokens,
      "gen_ai.usage.input_tokens": promptTokens(final.usage),
      // The thinking, part of the output tokens (usage.output_tokens_details).
      "gen_ai.usage.reasoning.output_tokens": (final.usage as { output_tokens_details?: { thinking_tokens: number } }).output_tokens_details!.thinking_tokens,
    });
    for (const c of calls) expect(c.parentSpanId).toBe(server.spanId);
    expect(standard.end <= reasoning.start).toBe(true);
    const sum = (k: string) => calls.reduce((t, c) => t + (c.attrs[k] as number), 0);
    expect(server.attrs["gen_ai.usage.output_tokens"]).toBe(sum("gen_ai.usage.output_tokens"));
    expect(server.attrs["gen_ai.usage.input_tokens"]).toBe(sum("gen_ai.usage.input_tokens"));
    expect(server.attrs["thinkgate.cost_usd"]).toBeCloseTo(sum("thinkgate.cost_usd"), 9);
    // Each upstream call carried its own span's traceparent.
    expect(proxy.calls.slice(-2).map((s) => s.traceparent)).toEqual(calls.map((c) => `00-${traceId}-${c.spanId}-01`));
  });

  it("gives a retried call its own CLIENT span, in error, ended before the wait", async () => {
    const traceId = hex(16);
    const { data, response } = await client.messages
      .create(params("Summarise our refund policy [[sim:fault=529*1]] [[sim:answer=json]]"), { headers: { traceparent: `00-${traceId}-${hex(8)}-01` } })
      .withResponse();
    expect(response.headers.get("thinkgate-attempts")).toBe("2");
    const { server, calls } = await spansOf(response.headers.get("thinkgate-request-id")!, 2);
    const [failed, answered] = calls as [Span, Span];
    expect(failed.status).toBe(2); // ERROR
    expect(failed.attrs).toMatchObject({ "thinkgate.hop": "retry", "http.response.status_code": 529, "error.type": "overloaded_error" });
    expect(failed.attrs["gen_ai.usage.output_tokens"]).toBeUndefined();
    expect(answered.status).not.toBe(2);
    expect(answered.attrs).toMatchObject({ "thinkgate.hop": "answer", "gen_ai.usage.output_tokens": data.usage.output_tokens, "http.response.status_code": 200 });
    expect(failed.end <= answered.start).toBe(true);
    expect(server.attrs["gen_ai.usage.output_tokens"]).toBe(data.usage.output_tokens);
    expect(proxy.calls.slice(-2).map((s) => s.traceparent)).toEqual(calls.map((c) => `00-${traceId}-${c.spanId}-01`));
  });

  it("starts a trace when the client sends none, and leaves an unsampled client trace alone", async () => {
    const fresh = await client.messages.create(params("Hello there [[sim:answer=json]]")).withResponse();
    const { server, calls } = await spansOf(fresh.response.headers.get("thinkgate-request-id")!, 1);
    expect(server.parentSpanId).toBe("");
    expect(server.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(proxy.calls.at(-1)!.traceparent).toBe(`00-${server.traceId}-${calls[0]!.spanId}-01`);

    const unsampled = `00-${hex(16)}-${hex(8)}-00`;
    const quiet = await client.messages.create(params("Hello again [[sim:answer=json]]"), { headers: { traceparent: unsampled } }).withResponse();
    expect(proxy.calls.at(-1)!.traceparent).toBe(unsampled);
    // Spans are exported in order: once a later request's spans arrived, the unsampled one's would have too.
    const later = await client.messages.create(params("And again [[sim:answer=json]]")).withResponse();
    await spansOf(later.response.headers.get("thinkgate-request-id")!, 1);
    expect(receiver.spans.some((s) => s.attrs["thinkgate.request_id"] === quiet.response.headers.get("thinkgate-request-id"))).toBe(false);
  });

  it("traces a refused request too, as a SERVER span without children", async () => {
    const bad = new Anthropic({ baseURL: server.baseURL, apiKey: "tg_wrong_key", maxRetries: 0 });
    const traceId = hex(16);
    const err = await bad.messages.create(params("hi"), { headers: { traceparent: `00-${traceId}-${hex(8)}-01` } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    const span = await eventually(async () => receiver.spans.find((s) => s.traceId === traceId));
    expect(span.kind).toBe(SERVER);
    expect(span.attrs).toMatchObject({ "http.response.status_code": 401, "error.type": "authentication_error" });
  });

  it("gives the router's LLM classifier call a CLIENT span of its own, before the answer's, with its usage and cost", async () => {
    const settings = (body: unknown) =>
      fetch(`${server.url}/api/settings`, { method: "PUT", headers: { "x-api-key": server.adminKey, "content-type": "application/json" }, body: JSON.stringify(body) });
    // A margin of 0.5 makes every score ambiguous, so the LLM stage always runs.
    expect((await settings({ classifier: { enabled: true, ambiguousMargin: 0.5 }, llmClassifier: { enabled: true, model: "claude-haiku-4-5", timeoutMs: 2000 } })).status).toBe(200);
    try {
      const traceId = hex(16);
      const { response } = await client.messages
        .create(params(`Suggest a name for a small bakery, ${hex(4)}. [[sim:answer=json]]`), { headers: { traceparent: `00-${traceId}-${hex(8)}-01` } })
        .withResponse();
      const requestId = response.headers.get("thinkgate-request-id")!;
      const found = await eventually(async () => {
        const mine = receiver.spans.filter((x) => x.attrs["thinkgate.request_id"] === requestId);
        const classifier = mine.find((x) => x.attrs["thinkgate.hop"] === "classifier");
        const server = mine.find((x) => x.kind === SERVER);
        return classifier && server ? { classifier, server, mine } : undefined;
      });
      const { classifier, server: root } = found;
      expect(classifier.kind).toBe(CLIENT);
      expect(classifier.traceId).toBe(traceId);
      expect(classifier.parentSpanId).toBe(root.spanId);
      expect(classifier.name).toBe("chat claude-haiku-4-5");
      expect(classifier.attrs).toMatchObject({ "gen_ai.request.model": "claude-haiku-4-5", "gen_ai.response.model": "claude-haiku-4-5" });
      expect(classifier.attrs["gen_ai.usage.input_tokens"] as number).toBeGreaterThan(0);
      expect(classifier.attrs["thinkgate.cost_usd"] as number).toBeGreaterThan(0);
      expect(classifier.end).toBeGreaterThan(classifier.start);
      // Its traceparent went upstream with it; the answer's call came after it, under the same request.
      const sent = proxy.calls.find((x) => x.traceparent === `00-${traceId}-${classifier.spanId}-01`);
      expect(sent?.model).toBe("claude-haiku-4-5");
      const answers = found.mine.filter((x) => x.kind === CLIENT && x.attrs["thinkgate.hop"] !== "classifier");
      expect(answers.length).toBeGreaterThan(0);
      for (const a of answers) expect(a.start).toBeGreaterThanOrEqual(classifier.start);
    } finally {
      expect((await settings({ llmClassifier: { enabled: false } })).status).toBe(200);
    }
  });
});

describe("JSON access logs", () => {
  it("writes one line per request with its request id, key id, route and status, and never the key", async () => {
    const { response } = await client.messages.create(params("What is 2 + 2? [[sim:answer=json]]"), { headers: { "thinkgate-task": "faq" } }).withResponse();
    const requestId = response.headers.get("thinkgate-request-id")!;
    const lines = () =>
      server
        .output()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const line = await eventually(async () => lines().find((l) => l.msg === "gateway request" && l.requestId === requestId));
    expect(line).toMatchObject({ level: 30, keyId: gatewayKey.id, route: "standard", tier: "standard", stage: "rule", status: "ok", httpStatus: 200, requestedModel: "claude-sonnet-4-6", upstreamCalls: 1 });
    expect(line.durationMs).toBeTypeOf("number");
    expect((line.tokens as { output: number }).output).toBeGreaterThan(0);
    expect(line.time).toBeTypeOf("number");

    // A valid key, a body refused before any upstream call: no call counted.
    const invalid = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 10 } as never).withResponse().catch((e: { headers: Headers }) => e);
    const invalidId = (invalid as { headers: Headers }).headers.get("thinkgate-request-id");
    expect(await eventually(async () => lines().find((l) => l.msg === "gateway request" && l.requestId === invalidId))).toMatchObject({ httpStatus: 400, upstreamCalls: 0 });

    const refused = await fetch(`${server.baseURL}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "tg_not_a_key_123", authorization: "Bearer tg_not_a_key_123", "content-type": "application/json" },
      body: JSON.stringify(params("hi")),
    });
    expect(refused.status).toBe(401);
    const refusedId = refused.headers.get("request-id");
    const rejected = await eventually(async () => lines().find((l) => l.requestId === refusedId));
    expect(rejected).toMatchObject({ status: "rejected", httpStatus: 401, keyId: null });
    // Every line is JSON; no secret and no prompt text is in the output.
    const out = server.output();
    expect(out).not.toContain(gatewayKey.secret);
    expect(out).not.toContain(server.adminKey);
    expect(out).not.toContain("tg_not_a_key_123");
    expect(out).not.toContain("What is 2 + 2?");
  });
});
