/**
 * Daily budgets and requests whose cost is unknown, or known only in part,
 * through the official SDK. None counts as $0 against a budget:
 * - a model without a price (claude-mythos-preview, which the simulator
 *   serves and the price table leaves out) is refused for a capped key or app
 *   with a 403 permission_error saying why; an uncapped key is served;
 * - a call that used a server tool with no fee set counts its tokens' cost
 *   (the record's floor) when that passes the reservation: a canned upstream
 *   answers with a usage whose search results filled the context;
 * - an answer the upstream billed and whose body was then lost counts its
 *   reservation: a canned upstream that goes silent half-way through a JSON body.
 * - the router's LLM classifier on such a model is not asked for a request
 *   under a budget (its call could not be counted): the local score decides,
 *   the decision's reason says why, and the request is served.
 * The canned-upstream cases run with the limits shared in Redis (REDIS_URL)
 * and in memory.
 */
import Anthropic from "@anthropic-ai/sdk";
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCannedUpstream, type CannedUpstream } from "../support/canned-upstream";
import { REDIS_URL } from "../support/pair";
import { adminApi as api } from "../support/budgets";
import { eventually, startServer, testDbKind, type TestServer } from "../support/server";

const UNPRICED = "claude-mythos-preview";

async function newKey(s: TestServer, usdPerDay: number | null): Promise<string> {
  const r = await api(s, "POST", "/api/keys", { name: `budget-${crypto.randomBytes(3).toString("hex")}`, role: "gateway", ...(usdPerDay === null ? {} : { limits: { usdPerDay } }) });
  expect(r.status).toBe(201);
  return r.body.secret as string;
}

const sdk = (s: TestServer, apiKey: string) => new Anthropic({ baseURL: s.baseURL, apiKey, maxRetries: 0 });

async function ask(s: TestServer, key: string, model: string, headers: Record<string, string> = {}) {
  return sdk(s, key)
    .messages.create({ model, max_tokens: 64, messages: [{ role: "user", content: `What changed this week? ${crypto.randomBytes(4).toString("hex")}` }] }, { headers: { "thinkgate-tier": "standard", ...headers } })
    .withResponse();
}

async function failure(p: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Anthropic.APIError);
  return err as InstanceType<typeof Anthropic.APIError>;
}

async function stored(s: TestServer, id: string | null | undefined) {
  expect(id).toBeTruthy();
  return eventually(async () => {
    const r = await api(s, "GET", `/api/requests/${id}`);
    return r.status === 200 ? r.body : undefined;
  });
}

const remaining = (headers: Headers | undefined) => Number(headers?.get("thinkgate-budget-remaining-usd"));

describe(`a model without a price (${testDbKind()}, simulator)`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("is served to a key without a budget, and refused to a key with one, which it would otherwise spend without bound", async () => {
    const free = await newKey(server, null);
    const { data, response } = await ask(server, free, UNPRICED);
    expect(data.model).toBe(UNPRICED);
    expect(await stored(server, response.headers.get("thinkgate-request-id"))).toMatchObject({ servedModel: UNPRICED, pricingStatus: "unpriced", costTotal: null });

    const capped = await newKey(server, 0.05);
    const err = await failure(ask(server, capped, UNPRICED));
    expect(err).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(err.status).toBe(403);
    expect(err.error).toMatchObject({ type: "error", error: { type: "permission_error" } });
    const message = (err.error as { error: { message: string } }).error.message;
    expect(message).toContain(`${UNPRICED} has no price in the price table`);
    expect(message).toContain("($0.05) cannot be enforced on it");
    expect(err.headers?.get("thinkgate-limit")).toBe("unpriced; scope=key; limit=usd_per_day");
    const rec = await stored(server, err.headers?.get("thinkgate-request-id"));
    expect(rec).toMatchObject({ status: "error", httpStatus: 403, errorType: "permission_error", pricingStatus: "not_billed" });

    // A priced model on the same key is served, within its budget.
    const priced = await ask(server, capped, "claude-haiku-4-5");
    expect(priced.response.headers.get("thinkgate-limit")).toBe("ok");
  });

  it("is refused for an app with a budget, whatever the key", async () => {
    const app = `capped-${crypto.randomBytes(3).toString("hex")}`;
    expect((await api(server, "PUT", `/api/apps/${app}`, { tier: "auto", limits: { usdPerDay: 1 } })).status).toBe(200);
    const err = await eventually(async () => {
      const e = await failure(ask(server, server.adminKey, UNPRICED, { "thinkgate-app": app })).catch(() => undefined);
      return e?.status === 403 ? e : undefined;
    });
    expect(err.headers?.get("thinkgate-limit")).toBe("unpriced; scope=app; limit=usd_per_day");
    expect((err.error as { error: { message: string } }).error.message).toContain(`the daily budget of app "${app}" ($1.00)`);
  });
});

describe(`an LLM classifier on a model without a price (${testDbKind()}, simulator)`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    // Every score ambiguous (a margin of 0.5 around 0.5), so the LLM stage runs for any prompt.
    const put = await api(server, "PUT", "/api/settings", { classifierThreshold: 0.5, classifier: { enabled: true, ambiguousMargin: 0.5 }, llmClassifier: { enabled: true, model: UNPRICED, timeoutMs: 10_000 } });
    expect(put.status).toBe(200);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const routed = (s: TestServer, key: string) =>
    sdk(s, key)
      .messages.create({ model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: `Suggest a name for a small bakery. ${crypto.randomBytes(4).toString("hex")}` }] })
      .withResponse();

  it("is asked for a key without a budget, and not for a key with one, whose request the local score routes and which is served", async () => {
    const free = await routed(server, await newKey(server, null));
    const asked = await stored(server, free.response.headers.get("thinkgate-request-id"));
    // Ambiguous and standard: the answer is also checked, and may be escalated.
    expect(["classifier", "escalation"]).toContain(asked.stage);
    expect(asked.reason).toContain(`ambiguous, so ${UNPRICED} was asked`);
    expect((asked.hops as { kind: string; model: string }[]).filter((h) => h.kind === "classifier")).toEqual([expect.objectContaining({ model: UNPRICED })]);

    const capped = await routed(server, await newKey(server, 1));
    expect(capped.response.headers.get("thinkgate-limit")).toBe("ok");
    expect(capped.data.type).toBe("message");
    const rec = await stored(server, capped.response.headers.get("thinkgate-request-id"));
    expect(["classifier", "escalation"]).toContain(rec.stage);
    expect(rec.status).toBe("ok");
    expect(rec.reason).toContain(`ambiguous, LLM stage fell back to the local score: ${UNPRICED} has no price in the price table, so its call could not be counted against the daily budget of key`);
    expect(rec.reason).not.toContain("was asked");
    expect((rec.hops as { kind: string }[]).filter((h) => h.kind === "classifier")).toEqual([]);
  });
});

for (const shared of [true, false]) {
  const where = shared ? "limits in Redis" : "limits in memory";
  const env = (upstream: CannedUpstream): Record<string, string> => ({
    ANTHROPIC_API_KEY: "sk-ant-test",
    ANTHROPIC_BASE_URL: upstream.url,
    THINKGATE_RETRY_MAX: "0",
    ...(shared ? { REDIS_URL, THINKGATE_REDIS_PREFIX: `thinkgate-it-${crypto.randomBytes(5).toString("hex")}:` } : {}),
  });

  describe(`a web search with no fee set (${testDbKind()}, ${where})`, () => {
    let upstream: CannedUpstream;
    let server: TestServer;
    beforeAll(async () => {
      // The search results went into the context: 50,000 input tokens, far past what the small request reserved.
      const message = {
        id: "msg_canned_search", type: "message", role: "assistant", model: "claude-sonnet-4-6",
        content: [{ type: "text", text: "Searched and answered." }], stop_reason: "end_turn", stop_sequence: null,
        usage: { input_tokens: 50_000, output_tokens: 20, server_tool_use: { web_search_requests: 2, web_fetch_requests: 0 } },
      };
      upstream = await startCannedUpstream("unused", { fixed: { status: 200, body: JSON.stringify(message) } });
      server = await startServer({ env: env(upstream) });
    });
    afterAll(async () => {
      await server?.stop();
      await upstream?.stop();
    });

    it("counts its tokens' cost, the record's floor, against the budget", async () => {
      const key = await newKey(server, 0.1);
      const first = await ask(server, key, "claude-sonnet-4-6");
      const reserved = 0.1 - remaining(first.response.headers);
      const rec = await stored(server, first.response.headers.get("thinkgate-request-id"));
      expect(rec).toMatchObject({ pricingStatus: "unpriced", costTotal: null });
      const floor = Number(/its tokens alone cost \$([\d.]+)/.exec((rec.adjustments as string[]).join("\n"))![1]);
      // 50,000 input tokens at $3 / MTok: over the budget by itself, and far over what was reserved.
      expect(floor).toBeGreaterThan(0.1);
      expect(reserved).toBeLessThan(0.01);
      const err = await failure(ask(server, key, "claude-sonnet-4-6"));
      expect(err.status).toBe(429);
      expect(err.headers?.get("thinkgate-limit")).toBe("rejected; scope=key; limit=usd_per_day");
    });
  });

  describe(`an answer billed and then lost (${testDbKind()}, ${where})`, () => {
    let upstream: CannedUpstream;
    let server: TestServer;
    beforeAll(async () => {
      upstream = await startCannedUpstream("Never finished.", { json: "stall" });
      server = await startServer({ env: { ...env(upstream), THINKGATE_UPSTREAM_IDLE_MS: "1000" } });
    });
    afterAll(async () => {
      await server?.stop();
      await upstream?.stop();
    });

    it("counts its reservation against the budget, not $0", async () => {
      const probe = await failure(ask(server, await newKey(server, 1000), "claude-haiku-4-5"));
      expect(probe.status).toBe(504);
      const reserved = 1000 - remaining(probe.headers);
      expect(reserved).toBeGreaterThan(0);
      // Room for one such request and a half: the first fits; once it counts, the second does not.
      const key = await newKey(server, Math.round(reserved * 1.5 * 1e6) / 1e6);
      const first = await failure(ask(server, key, "claude-haiku-4-5"));
      expect(first.status).toBe(504);
      const rec = await stored(server, first.headers?.get("thinkgate-request-id"));
      // Its cost unknown (billed, its usage lost), shown as unpriced.
      expect(rec).toMatchObject({ pricingStatus: "unpriced", costTotal: null });
      expect((rec.adjustments as string[]).join("\n")).toContain("upstream answer(s) lost after a success status");
      const second = await failure(ask(server, key, "claude-haiku-4-5"));
      expect(second.status).toBe(429);
      expect(second.headers?.get("thinkgate-limit")).toBe("rejected; scope=key; limit=usd_per_day");
    });
  });
}
