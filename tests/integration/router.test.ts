/**
 * The hybrid router end to end: the local classifier for prompts no rule
 * covers, and confidence-based escalation with every hop and its cost recorded.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startServer, type TestServer } from "../support/server";
import { startUpstreamProxy } from "../support/upstream-proxy";

let server: TestServer;
let client: Anthropic;

interface Hop {
  kind: string;
  model: string;
  escalated?: boolean;
  reasons?: string[];
  answer?: string;
  validatorFailed?: string[];
  costUsd: number | null;
  tokens: { input: number; output: number; thinking: number } | null;
}

async function stored(id: string) {
  return eventually(async () => {
    const res = await fetch(`${server.url}/api/requests/${id}`, { headers: { "x-api-key": server.adminKey } });
    return res.status === 200 ? ((await res.json()) as Record<string, unknown> & { hops: Hop[] }) : undefined;
  });
}

beforeAll(async () => {
  server = await startServer();
  client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
  const res = await fetch(`${server.url}/api/rules`, {
    method: "POST",
    headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
    body: JSON.stringify({
      note: "JSON extraction answers on standard, escalates when the JSON is bad",
      rules: [
        {
          id: "extract-json",
          name: "Extract as JSON",
          when: { tasks: ["extract-json"] },
          then: { routeId: "standard" },
          escalate: { jsonSchema: { type: "object", required: ["answer"], properties: { answer: { type: "string" } } } },
        },
        { id: "faq", name: "FAQ", when: { tasks: ["faq"] }, then: { routeId: "standard" }, escalate: { onLowConfidence: true } },
      ],
    }),
  });
  expect(res.status).toBe(201);
});

afterAll(async () => {
  await server?.stop();
});

const ask = (content: string, task: string, stream = false) => {
  const params = { model: "claude-sonnet-4-6", max_tokens: 600, messages: [{ role: "user" as const, content }] };
  const headers = { "thinkgate-task": task };
  return stream
    ? client.messages.stream(params, { headers }).withResponse().then(async (r) => ({ response: r.response, data: await r.data.finalMessage() }))
    : client.messages.create(params, { headers }).withResponse();
};

describe(`escalation (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("serves a standard answer that passes its checks, without a second call", async () => {
    const { data, response } = await ask('Extract the total as JSON: "Invoice total EUR 40" [[sim:answer=json]]', "extract-json");
    expect(response.headers.get("thinkgate-stage")).toBe("rule");
    expect(data.model).toBe("claude-sonnet-4-6");
    const rec = await stored(response.headers.get("thinkgate-request-id")!);
    expect(rec.escalated).toBe(false);
  });

  it("escalates invalid JSON to the reasoning route and records both hops with their costs", async () => {
    const { data, response } = await ask('Extract the total as JSON: "Invoice total EUR 40" [[sim:answer=invalid_json]]', "extract-json");
    expect(response.headers.get("thinkgate-stage")).toBe("escalation");
    expect(response.headers.get("thinkgate-tier")).toBe("reasoning");
    expect(data.model).toBe("claude-opus-4-7");
    const rec = await stored(response.headers.get("thinkgate-request-id")!);
    expect(rec.escalated).toBe(true);
    expect(rec.hops).toHaveLength(2);
    const [first, second] = rec.hops as [Hop, Hop];
    expect(first).toMatchObject({ kind: "answer", model: "claude-sonnet-4-6", escalated: true });
    expect(first.reasons!.join(" ")).toMatch(/not valid JSON/);
    expect(second).toMatchObject({ kind: "answer", model: "claude-opus-4-7" });
    // The rejected standard answer is kept beside why it was rejected.
    expect(typeof first.answer).toBe("string");
    expect(first.answer!.length).toBeGreaterThan(0);
    expect(() => JSON.parse(first.answer!)).toThrow();
    // The simulator's reasoning answer is invalid JSON too: the served answer is flagged.
    expect(second.validatorFailed!.join(" ")).toMatch(/not valid JSON/);
    expect(first.validatorFailed).toBeUndefined();
    expect(first.costUsd!).toBeGreaterThan(0);
    expect(second.costUsd!).toBeGreaterThan(0);
    // The request paid for both answers.
    expect(rec.costTotal as number).toBeCloseTo(first.costUsd! + second.costUsd!, 8);
    expect(rec.inputTokens).toBe(first.tokens!.input + second.tokens!.input);
    expect(rec.reason as string).toMatch(/escalated from claude-sonnet-4-6/);
    // A successful escalation teaches the router: the prompt is now a labelled reasoning example.
    const examples = await eventually(async () => {
      const res = await fetch(`${server.url}/api/examples?limit=50`, { headers: { "x-api-key": server.adminKey } });
      const body = (await res.json()) as { data: { requestId: string; label: string; source: string }[] };
      return body.data.find((e) => e.requestId === rec.id);
    });
    expect(examples).toMatchObject({ label: "reasoning", source: "escalation" });
  });

  it("escalates an answer cut at max_tokens, and one that reports low confidence", async () => {
    const cut = await ask('Extract the total as JSON: "total 3" [[sim:answer=truncated]]', "extract-json");
    expect(cut.response.headers.get("thinkgate-stage")).toBe("escalation");
    const unsure = await ask("How do I reset my password? [[sim:confidence=low]]", "faq");
    expect(unsure.response.headers.get("thinkgate-stage")).toBe("escalation");
    const sure = await ask("How do I reset my password?", "faq");
    expect(sure.response.headers.get("thinkgate-stage")).toBe("rule");
  });

  it("streams: a checked standard answer is re-emitted as a proper stream, an escalated one streams live", async () => {
    const good = await ask('Extract the total as JSON: "total 9" [[sim:answer=json]]', "extract-json", true);
    expect(good.response.headers.get("thinkgate-stage")).toBe("rule");
    expect(good.data.content.find((b) => b.type === "text")).toBeTruthy();
    expect(good.data.stop_reason).toBe("end_turn");
    const bad = await ask('Extract the total as JSON: "total 9" [[sim:answer=invalid_json]]', "extract-json", true);
    expect(bad.response.headers.get("thinkgate-stage")).toBe("escalation");
    expect(bad.data.model).toBe("claude-opus-4-7");
    // The client asked for no thinking: the reasoning route's thinking is held back from its stream.
    expect(bad.response.headers.get("thinkgate-thinking")).toBe("hidden");
    expect(bad.data.content.some((b) => b.type === "thinking")).toBe(false);
    expect(bad.data.content.find((b) => b.type === "text")).toBeTruthy();
  });
});

describe("classifier stage", () => {
  it("sends prompts no rule covers to the tier the local classifier picks, with its score and threshold", async () => {
    const hard = await client.messages
      .create({
        model: "claude-sonnet-4-6",
        max_tokens: 500,
        messages: [{ role: "user", content: "Our Go service deadlocks under load when two goroutines acquire the cache lock and the DB pool in opposite order. Find the root cause and propose a fix that keeps p99 under 50 ms." }],
      })
      .withResponse();
    expect(hard.response.headers.get("thinkgate-stage")).toBe("classifier");
    expect(hard.response.headers.get("thinkgate-tier")).toBe("reasoning");
    const rec = await stored(hard.response.headers.get("thinkgate-request-id")!);
    expect(rec.score as number).toBeGreaterThan(rec.threshold as number);

    const easy = await client.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 100, messages: [{ role: "user", content: "Translate to French: good morning, see you tomorrow." }] })
      .withResponse();
    expect(easy.response.headers.get("thinkgate-stage")).toBe("classifier");
    expect(easy.response.headers.get("thinkgate-tier")).toBe("standard");
  });
});

describe("LLM classifier stage", () => {
  it("asks a Haiku-class model about ambiguous prompts and bills its call to the request", async () => {
    const put = await fetch(`${server.url}/api/settings`, {
      method: "PUT",
      headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
      // A margin of 0.5 around a threshold of 0.5 makes every score ambiguous, so the stage always runs
      // (around the shipped threshold, a confidently standard prompt would fall outside it).
      body: JSON.stringify({
        classifierThreshold: 0.5,
        classifier: { enabled: true, ambiguousMargin: 0.5 },
        llmClassifier: { enabled: true, model: "claude-haiku-4-5", timeoutMs: 2000 },
      }),
    });
    expect(put.status).toBe(200);
    const { response } = await client.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 300, messages: [{ role: "user", content: "Suggest a name for a small bakery." }] })
      .withResponse();
    // Ambiguous and standard: the answer is also checked, and may be escalated.
    expect(["classifier", "escalation"]).toContain(response.headers.get("thinkgate-stage"));
    const rec = await stored(response.headers.get("thinkgate-request-id")!);
    expect(rec.reason as string).toMatch(/claude-haiku-4-5 was asked/);
    const classifierHop = rec.hops.find((h) => h.kind === "classifier");
    expect(classifierHop).toMatchObject({ model: "claude-haiku-4-5" });
    expect(classifierHop!.costUsd!).toBeGreaterThan(0);
    // The request paid for the classifier's call and every answer.
    const paid = rec.hops.reduce((t, h) => t + (h.costUsd ?? 0), 0);
    expect(rec.costTotal as number).toBeCloseTo(paid, 8);
    expect(rec.hops.filter((h) => h.kind === "answer").length).toBeGreaterThan(0);
  });

  it("lists a classifier call that timed out as a hop, with no tokens and no cost, and the local score decides", async () => {
    const put = await fetch(`${server.url}/api/settings`, {
      method: "PUT",
      headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
      body: JSON.stringify({ classifierThreshold: 0.5, classifier: { enabled: true, ambiguousMargin: 0.5 }, llmClassifier: { enabled: true, model: "claude-haiku-4-5", timeoutMs: 300 } }),
    });
    expect(put.status).toBe(200);
    // The classifier's model never answers; the answer's model does.
    const { response } = await client.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 300, messages: [{ role: "user", content: `Suggest a name for a small bakery. ${crypto.randomUUID()} [[sim:fault=hang@claude-haiku-4-5]]` }] })
      .withResponse();
    const rec = await stored(response.headers.get("thinkgate-request-id")!);
    expect(rec.reason as string).toMatch(/LLM stage fell back to the local score: the classifier model did not answer within 300 ms/);
    // The call was sent, so the trace shows it: the upstream may bill it, and it is counted as not billed, like a failed retried call.
    const classifierHop = rec.hops.find((h) => h.kind === "classifier");
    expect(classifierHop).toMatchObject({ model: "claude-haiku-4-5", status: null, errorType: "timeout_error", tokens: null, costUsd: null });
    const answers = rec.hops.filter((h) => h.kind === "answer");
    expect(answers.length).toBeGreaterThan(0);
    expect(rec.costTotal as number).toBeCloseTo(answers.reduce((t, h) => t + (h.costUsd ?? 0), 0), 8);
  });
});

describe("LLM classifier stage, the client leaving during it", () => {
  it("cancels the classifier's upstream call at once, makes no answer call, and records the request as left by its client", async () => {
    const proxy = await startUpstreamProxy();
    const s = await startServer({ env: { ANTHROPIC_BASE_URL: proxy.url } });
    try {
      proxy.target(`${s.url}/api/simulator`);
      const put = await fetch(`${s.url}/api/settings`, {
        method: "PUT",
        headers: { "x-api-key": s.adminKey, "content-type": "application/json" },
        // Every score ambiguous, so the LLM stage runs; its own timeout far beyond the test's bound.
        body: JSON.stringify({ classifierThreshold: 0.5, classifier: { enabled: true, ambiguousMargin: 0.5 }, llmClassifier: { enabled: true, model: "claude-haiku-4-5", timeoutMs: 10_000 } }),
      });
      expect(put.status).toBe(200);
      const leaving = new Anthropic({ baseURL: s.baseURL, apiKey: s.adminKey, maxRetries: 0 });
      const controller = new AbortController();
      // The classifier's call gets no answer; the answer's call, on another model, would.
      const pending = leaving.messages
        .create({ model: "claude-sonnet-4-6", max_tokens: 300, messages: [{ role: "user", content: "Suggest a name for a small bakery. [[sim:fault=hang@claude-haiku-4-5]]" }] }, { signal: controller.signal })
        .catch((e: unknown) => e);
      const classifier = await proxy.arrived("claude-haiku-4-5");
      controller.abort();
      expect(await pending).toBeInstanceOf(Anthropic.APIUserAbortError);
      const left = Date.now();
      expect(await classifier.ended).toBe("closed");
      expect(Date.now() - left, "the classifier's call ran on after the client left").toBeLessThan(3_000);
      const headers = { "x-api-key": s.adminKey };
      const rec = await eventually(async () => {
        const { data } = (await (await fetch(`${s.url}/api/requests?limit=5`, { headers })).json()) as { data: { id: string; httpStatus: number }[] };
        return data[0];
      });
      expect(rec.httpStatus).toBe(499);
      // Recorded: the request is over, and no call was made for its answer.
      expect(proxy.calls.map((c) => c.model)).toEqual(["claude-haiku-4-5"]);
    } finally {
      await s.stop();
      await proxy.close();
    }
  }, 60_000);
});
