/**
 * Keys bound to apps, through the official SDK: a key bound to apps may name
 * only those in thinkgate-app (another is a 403 permission_error in the API's
 * shape, on the Messages API, a Message Batch and the route endpoint), a
 * request that names none counts for the key's first app and its budget, and
 * an unbound key names any app, as before. Runs on SQLite and PostgreSQL.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminApi } from "../support/budgets";
import { eventually, startServer, type TestServer } from "../support/server";

let server: TestServer;

const api = (method: string, p: string, body?: unknown) => adminApi(server, method, p, body);

const sdk = (apiKey: string, app?: string) =>
  new Anthropic({ baseURL: server.baseURL, apiKey, maxRetries: 0, ...(app ? { defaultHeaders: { "thinkgate-app": app } } : {}) });

const ask = (client: Anthropic, content: string) =>
  client.messages.create({ model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content }] }).withResponse();

/** The app the gateway recorded for the request that answered with this request id. */
async function recordedApp(requestId: string | null): Promise<string | null> {
  expect(requestId).toBeTruthy();
  const record = await eventually(async () => {
    const r = await api("GET", `/api/traces/${requestId}`);
    return r.status === 200 ? r.body : undefined;
  });
  return record.app;
}

let bound: { id: string; secret: string };
let unbound: { id: string; secret: string };

beforeAll(async () => {
  server = await startServer();
  expect((await api("PUT", "/api/apps/faq-bot", { tier: "auto", limits: { rpm: null, usdPerDay: 5, action: "reject" } })).status).toBe(200);
  const b = await api("POST", "/api/keys", { name: "faq team", role: "gateway", apps: ["faq-bot", "triage"] });
  expect(b.status).toBe(201);
  expect(b.body.apps).toEqual(["faq-bot", "triage"]);
  bound = b.body;
  const u = await api("POST", "/api/keys", { name: "anyone", role: "gateway" });
  expect(u.body.apps).toBeNull();
  unbound = u.body;
});

afterAll(async () => {
  await server?.stop();
});

describe(`keys bound to apps (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("refuses another app's name with a 403 permission_error that names the header", async () => {
    const err = await ask(sdk(bound.secret, "billing"), "Hello from billing.").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.PermissionDeniedError);
    const e = err as InstanceType<typeof Anthropic.PermissionDeniedError>;
    expect(e.status).toBe(403);
    expect(e.error).toMatchObject({ type: "error", error: { type: "permission_error", message: expect.stringMatching(/thinkgate-app header names "billing".*"faq-bot", "triage"/) } });
  });

  it("serves an app of the key, named in any case, as the key spells it", async () => {
    const { data, response } = await ask(sdk(bound.secret, "TRIAGE"), "Hello from triage.");
    expect(data.type).toBe("message");
    expect(await recordedApp(response.headers.get("thinkgate-request-id"))).toBe("triage");
  });

  it("counts a request that names no app for the key's first app, budget included", async () => {
    const { data, response } = await ask(sdk(bound.secret), "Hello with no app.");
    expect(data.type).toBe("message");
    // faq-bot's daily budget was checked: only a request under a budget gets this header.
    expect(Number(response.headers.get("thinkgate-budget-remaining-usd"))).toBeGreaterThan(0);
    expect(await recordedApp(response.headers.get("thinkgate-request-id"))).toBe("faq-bot");
  });

  it("refuses another app on a Message Batch and on the route endpoint too", async () => {
    const batch = await sdk(bound.secret, "billing")
      .messages.batches.create({ requests: [{ custom_id: "a", params: { model: "claude-haiku-4-5", max_tokens: 16, messages: [{ role: "user", content: "Hi" }] } }] })
      .catch((e: unknown) => e);
    expect(batch).toBeInstanceOf(Anthropic.PermissionDeniedError);
    const route = await fetch(`${server.url}/api/v1/route`, {
      method: "POST",
      headers: { "x-api-key": bound.secret, "thinkgate-app": "billing", "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 16, messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(route.status).toBe(403);
    expect((await route.json()).error.type).toBe("permission_error");
  });

  it("lets an unbound key name any app, as before", async () => {
    const { response } = await ask(sdk(unbound.secret, "billing"), "Hello from billing, unbound.");
    expect(await recordedApp(response.headers.get("thinkgate-request-id"))).toBe("billing");
  });

  it("refuses '.' and '..' as a key's apps (a URL path resolves them to another path) with a 400 naming the field, on POST and PATCH", async () => {
    const created = await api("POST", "/api/keys", { name: "dots", role: "gateway", apps: [".."] });
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: expect.stringMatching(/^apps\.0: '\.' and '\.\.' are not names/) } });
    const patched = await api("PATCH", `/api/keys/${bound.id}`, { apps: ["faq-bot", " . "] });
    expect(patched.status).toBe(400);
    expect(patched.body.error.message).toMatch(/^apps\.1: '\.' and '\.\.' are not names/);
    expect((await api("GET", "/api/keys")).body.data.find((k: { id: string }) => k.id === bound.id).apps).toEqual(["faq-bot", "triage"]);
    // Names with dots in them are names.
    const dotted = await api("POST", "/api/keys", { name: "dotted", role: "gateway", apps: ["...", "v1.2", ".hidden"] });
    expect(dotted.status).toBe(201);
    expect(dotted.body.apps).toEqual(["...", "v1.2", ".hidden"]);
  });

  it("takes '..' from an unbound key's header as sent: its requests are counted for the app it named", async () => {
    const { response } = await ask(sdk(unbound.secret, ".."), "Hello from dot-dot.");
    expect(await recordedApp(response.headers.get("thinkgate-request-id"))).toBe("..");
  });

  it("changes a key's apps on PATCH /api/keys/:id (null: any app) and refuses a bad list with a 400", async () => {
    for (const apps of [[], ["faq bot"], ["a", "A"]]) {
      const bad = await api("PATCH", `/api/keys/${bound.id}`, { apps });
      expect(bad.status, JSON.stringify(apps)).toBe(400);
      expect(bad.body.error.type).toBe("invalid_request_error");
    }
    const rebound = await api("PATCH", `/api/keys/${bound.id}`, { apps: ["billing"] });
    expect(rebound.body.apps).toEqual(["billing"]);
    expect((await ask(sdk(bound.secret, "billing"), "Billing, now allowed.")).data.type).toBe("message");
    await expect(ask(sdk(bound.secret, "faq-bot"), "FAQ, no longer.")).rejects.toBeInstanceOf(Anthropic.PermissionDeniedError);
    const freed = await api("PATCH", `/api/keys/${bound.id}`, { apps: null });
    expect(freed.body.apps).toBeNull();
    expect((await api("GET", "/api/keys")).body.data.find((k: { id: string }) => k.id === bound.id).apps).toBeNull();
    expect((await ask(sdk(bound.secret, "faq-bot"), "FAQ again.")).data.type).toBe("message");
  });
});
