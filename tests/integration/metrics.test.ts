/**
 * GET /metrics, end to end: Prometheus text scraped from a real server after
 * real requests made with the official SDK; the counts must match them.
 */
import Anthropic from "@anthropic-ai/sdk";
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startServer, type TestServer } from "../support/server";

let server: TestServer;
let client: Anthropic;
const token = crypto.randomBytes(16).toString("hex");

beforeAll(async () => {
  server = await startServer({ env: { THINKGATE_METRICS_TOKEN: token, THINKGATE_RETRY_BASE_MS: "5" } });
  client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
  const res = await fetch(`${server.url}/api/rules`, {
    method: "POST",
    headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
    body: JSON.stringify({
      note: "FAQ answers on standard, escalated when unsure",
      rules: [
        { id: "faq", name: "FAQ", when: { tasks: ["faq"] }, then: { routeId: "standard" }, escalate: { onLowConfidence: true } },
        { id: "chat", name: "Chat", when: { tasks: ["chat"] }, then: { routeId: "standard" } },
      ],
    }),
  });
  expect(res.status).toBe(201);
});

afterAll(async () => {
  await server?.stop();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (one sample per line). */
function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

const scrape = async (path = "/metrics", auth: Record<string, string> = { authorization: `Bearer ${token}` }) => {
  const res = await fetch(`${server.url}${path}`, { headers: auth });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await res.text());
};

const sum = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((t, s) => t + s.value, 0);

describe(`Prometheus metrics (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("refuses a scrape without the token or an admin", async () => {
    const none = await fetch(`${server.url}/metrics`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { type: string } }).error.type).toBe("authentication_error");
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer not-the-token" } })).status).toBe(401);
    const viewer = await fetch(`${server.url}/api/keys`, {
      method: "POST",
      headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
      body: JSON.stringify({ name: "viewer", role: "viewer" }),
    });
    const { secret } = (await viewer.json()) as { secret: string };
    expect((await fetch(`${server.url}/metrics`, { headers: { "x-api-key": secret } })).status).toBe(403);
  });

  it("counts requests, tokens, cost, latency, time to first token and escalations as they happened", async () => {
    const params = (content: string) => ({ model: "claude-sonnet-4-6", max_tokens: 400, messages: [{ role: "user" as const, content }] });
    const faq = { headers: { "thinkgate-task": "faq" } };
    const before = await scrape();

    const a = await client.messages.create(params("How do I change my email? [[sim:answer=json]]"), faq).withResponse();
    const b = await client.messages.create(params("Where is my invoice? [[sim:answer=json]]"), faq).withResponse();
    // Not checked for escalation, so it streams live (a checked answer is re-emitted whole, without a first-token time).
    const s = client.messages.stream(params("How do I log out? [[sim:answer=json]]"), { headers: { "thinkgate-task": "chat" } });
    const streamed = await s.finalMessage();
    const escalated = await client.messages.create(params("How do I reset my password? [[sim:confidence=low]]"), faq).withResponse();
    expect(escalated.response.headers.get("thinkgate-stage")).toBe("escalation");
    const escalatedRoute = escalated.response.headers.get("thinkgate-route")!;
    const refused = await fetch(`${server.baseURL}/v1/messages`, { method: "POST", headers: { "x-api-key": "tg_nope", "content-type": "application/json" }, body: "{}" });
    expect(refused.status).toBe(401);

    const ok = { route: "standard", tier: "standard", stage: "rule", status: "ok", code: "200" };
    // Observed on the turn after each response: poll until the last one is in.
    const after = await eventually(async () => {
      const m = await scrape();
      return sum(m, "thinkgate_requests_total", { status: "rejected" }) - sum(before, "thinkgate_requests_total", { status: "rejected" }) === 1 &&
        sum(m, "thinkgate_requests_total", { stage: "escalation" }) - sum(before, "thinkgate_requests_total", { stage: "escalation" }) === 1
        ? m
        : undefined;
    });
    const delta = (name: string, labels: Record<string, string> = {}) => sum(after, name, labels) - sum(before, name, labels);

    expect(delta("thinkgate_requests_total", ok)).toBe(3);
    expect(delta("thinkgate_requests_total", { route: escalatedRoute, tier: "reasoning", stage: "escalation", status: "ok", code: "200" })).toBe(1);
    expect(delta("thinkgate_requests_total", { route: "none", status: "rejected", code: "401" })).toBe(1);
    expect(delta("thinkgate_escalations_total", { from_route: "standard", to_route: escalatedRoute })).toBe(1);
    expect(delta("thinkgate_fallbacks_total")).toBe(0);

    // The three standard answers: their tokens are exactly what the responses reported.
    const usages = [a.data.usage, b.data.usage, streamed.usage];
    const onStandard = { route: "standard", model: "claude-sonnet-4-6" };
    expect(delta("thinkgate_tokens_total", { ...onStandard, kind: "output" }) + delta("thinkgate_tokens_total", { ...onStandard, kind: "thinking" })).toBe(
      usages.reduce((t, u) => t + u.output_tokens, 0),
    );
    expect(delta("thinkgate_tokens_total", { ...onStandard, kind: "input" })).toBe(usages.reduce((t, u) => t + u.input_tokens, 0));
    expect(delta("thinkgate_cost_usd_total", onStandard)).toBeGreaterThan(0);
    // The escalated request paid for the standard answer it set aside and for the reasoning one.
    expect(delta("thinkgate_tokens_total", { route: escalatedRoute, model: "claude-sonnet-4-6", kind: "output" })).toBeGreaterThan(0);
    expect(delta("thinkgate_tokens_total", { route: escalatedRoute, model: escalated.data.model })).toBeGreaterThan(0);

    expect(delta("thinkgate_request_duration_seconds_count", { route: "standard", tier: "standard" })).toBe(3);
    expect(delta("thinkgate_ttft_seconds_count", { route: "standard" })).toBe(1);
    expect(after.find((x) => x.name === "thinkgate_recorder_queue_depth")?.value).toBeGreaterThanOrEqual(0);
    expect(after.find((x) => x.name === "process_resident_memory_bytes")?.value).toBeGreaterThan(0);
  });

  it("counts a fallback from the route that failed to the one that answered", async () => {
    const admin = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, { method: "PUT", headers: { "x-api-key": server.adminKey, "content-type": "application/json" }, body: JSON.stringify(body) });
    const route = (model: string, fallbackRouteIds: string[]) => ({ name: model, tier: "standard", model, thinking: "off", fallbackRouteIds });
    expect((await admin("/api/routes/fb-b", route("claude-opus-4-8", []))).status).toBe(200);
    expect((await admin("/api/routes/fb-a", route("claude-opus-4-6", ["fb-b"]))).status).toBe(200);
    expect((await admin("/api/apps/fb-app", { tier: "standard", routeId: "fb-a" })).status).toBe(200);
    const before = await scrape();
    const { response } = await client.messages
      .create({ model: "claude-opus-4-6", max_tokens: 200, messages: [{ role: "user", content: "Say hello [[sim:fault=529@claude-opus-4-6]]" }] }, { headers: { "thinkgate-app": "fb-app" } })
      .withResponse();
    expect(response.headers.get("thinkgate-route")).toBe("fb-b");
    const after = await eventually(async () => {
      const m = await scrape();
      return sum(m, "thinkgate_fallbacks_total") > sum(before, "thinkgate_fallbacks_total") ? m : undefined;
    });
    expect(sum(after, "thinkgate_fallbacks_total", { from_route: "fb-a", to_route: "fb-b" }) - sum(before, "thinkgate_fallbacks_total", { from_route: "fb-a", to_route: "fb-b" })).toBe(1);
    expect(sum(after, "thinkgate_fallbacks_total") - sum(before, "thinkgate_fallbacks_total")).toBe(1);
    expect(sum(after, "thinkgate_requests_total", { route: "fb-b", status: "ok" }) - sum(before, "thinkgate_requests_total", { route: "fb-b", status: "ok" })).toBe(1);
  });

  it("counts every calibration experiment under one route label: experiments add no series", async () => {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, { method, headers: { "x-api-key": server.adminKey, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };
    const set = await call("POST", "/api/calibration/sets", { name: "series", grader: { kind: "number" }, jsonl: '{"prompt":"What is 2 + 2?","expected":"4"}\n{"prompt":"What is 3 + 3?","expected":"6"}' });
    expect(set.status).toBe(201);
    const runExperiment = async () => {
      const e = await call("POST", "/api/calibration/experiments", { setId: set.body.id, configs: [{ model: "claude-haiku-4-5", thinking: "off" }] });
      expect(e.status).toBe(201);
      await eventually(async () => ((await call("GET", `/api/calibration/experiments/${e.body.id}`)).body.experiment.status === "done" ? true : undefined));
      return e.body.id as string;
    };
    const series = (m: Sample[]) => m.filter((x) => x.name.startsWith("thinkgate_")).length;
    // A trial's route is chosen by the lab (stage "override"), as no other request of this file's is.
    const calibrationRequests = (m: Sample[]) => sum(m, "thinkgate_requests_total", { stage: "override" });

    await runExperiment();
    const first = await eventually(async () => {
      const m = await scrape();
      return calibrationRequests(m) === 2 ? m : undefined;
    });
    for (let i = 0; i < 8; i++) await runExperiment();
    const after = await eventually(async () => {
      const m = await scrape();
      return calibrationRequests(m) === 18 ? m : undefined;
    });
    expect(series(after)).toBe(series(first));
    expect(after.filter((x) => Object.values(x.labels).some((v) => v.startsWith("calibration:")))).toEqual([]);
    expect(sum(after, "thinkgate_requests_total", { route: "calibration", stage: "override" })).toBe(18);
    expect(sum(after, "thinkgate_request_duration_seconds_count", { route: "calibration", tier: "standard" })).toBe(18);
  }, 60_000);

  it("is served at /api/metrics too, to an admin key", async () => {
    const m = await scrape("/api/metrics", { "x-api-key": server.adminKey });
    expect(m.some((s) => s.name === "thinkgate_requests_total")).toBe(true);
  });
});
