/**
 * The rule editor's API end to end: a signed-in editor tries a draft on a
 * prompt and over stored traffic, saves it as a version, the very next
 * request through the official SDK is routed by it, and a rollback restores
 * the previous behaviour. Runs on SQLite and on PostgreSQL.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, userBrowser } from "../support/browser";
import { eventually, startServer, type TestServer } from "../support/server";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ADMIN = { email: "admin@example.com", password: "correct-horse-battery" };

let server: TestServer;
let client: Anthropic;
let admin: Browser;
let editor: Browser;
let viewer: Browser;

/** A summary task mentioning a postmortem: standard by the seeded rules, reasoning under the draft below. */
const POSTMORTEM = "Summarize the incident postmortem: the cache stampede took the API down for 14 minutes.";

const postmortemRule = {
  id: "postmortems",
  name: "Postmortems reason",
  description: "Incident analysis needs multi-step reasoning.",
  enabled: true,
  when: { promptContains: ["postmortem"] },
  then: { routeId: "reasoning" },
};

async function send(prompt: string, task = "summarize") {
  return client.messages
    .create({ model: "claude-sonnet-4-6", max_tokens: 300, messages: [{ role: "user", content: prompt }] }, { headers: { "thinkgate-task": task } })
    .withResponse();
}

beforeAll(async () => {
  server = await startServer({ env: { THINKGATE_ADMIN_EMAIL: ADMIN.email, THINKGATE_ADMIN_PASSWORD: ADMIN.password } });
  client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
  admin = new Browser(server.url);
  await admin.login(ADMIN.email, ADMIN.password);
  editor = await userBrowser(admin, "ed@example.com", "editor");
  viewer = await userBrowser(admin, "vera@example.com", "viewer");
});

afterAll(async () => {
  await server?.stop();
});

describe(`rule editor API (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  let seeded: typeof postmortemRule[];
  const stored: string[] = [];

  it("lets a viewer read the active rules but not save them", async () => {
    const res = await viewer.get("/api/rules");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 1, createdBy: "seed" });
    expect(res.body.rules.map((r: { id: string }) => r.id)).toEqual(["reasoning-tasks", "standard-tasks"]);
    seeded = res.body.rules;
    const save = await viewer.post("/api/rules", { rules: seeded, note: "nope" });
    expect(save.status).toBe(403);
    expect(save.body).toMatchObject({ type: "error", error: { type: "permission_error" } });
  });

  it("answers a bad draft with a 400 naming the rule and the field", async () => {
    const res = await editor.post("/api/rules", { rules: [{ ...postmortemRule, then: { routeId: "missing" } }, { ...postmortemRule, id: "x", name: "" }], note: "bad" });
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe("invalid_request_error");
    expect(res.body.error.message).toMatch(/rule 1 "Postmortems reason": route: route "missing" does not exist/);
    expect(res.body.error.issues).toEqual(
      expect.arrayContaining([
        { rule: 0, field: "then.routeId", message: expect.stringMatching(/missing/) },
        { rule: 1, field: "name", message: "is required" },
      ]),
    );
  });

  it("tests a draft against a prompt with the real pipeline", async () => {
    const res = await viewer.post("/api/rules/test", { rules: [postmortemRule, ...seeded], prompt: POSTMORTEM, task: "summarize" });
    expect(res.status).toBe(200);
    expect(res.body.matched).toEqual({ index: 0, id: "postmortems", name: "Postmortems reason" });
    expect(res.body.evaluations.map((e: { matches: boolean }) => e.matches)).toEqual([true, false, true]);
    expect(res.body.decision).toMatchObject({ tier: "reasoning", stage: "rule", ruleId: "postmortems", route: { id: "reasoning", model: "claude-opus-4-7" } });
    const ctx = await viewer.post("/api/rules/test", { rules: [postmortemRule], prompt: POSTMORTEM, app: "faq-bot" });
    expect(ctx.body.decision).toMatchObject({ stage: "context", tier: "standard" });
  });

  it("replays a draft over stored requests: which change tier, and the cost delta per day", async () => {
    for (let i = 0; i < 3; i++) {
      const { response } = await send(`${POSTMORTEM} (${i})`);
      expect(response.headers.get("thinkgate-route")).toBe("standard");
      stored.push(response.headers.get("thinkgate-request-id")!);
    }
    const other = await send("Summarize: the meeting moved to Tuesday.");
    stored.push(other.response.headers.get("thinkgate-request-id")!);
    // Records are written asynchronously: wait until the last one is readable.
    await eventually(async () => ((await admin.get(`/api/requests/${stored.at(-1)}`)).status === 200 ? true : undefined));

    const res = await editor.post("/api/rules/replay", { rules: [postmortemRule, ...seeded], limit: 50 });
    expect(res.status).toBe(200);
    const r = res.body;
    expect(r.activeVersion).toBe(1);
    expect(r.replayed).toBeGreaterThanOrEqual(4);
    expect(r.changed).toMatchObject({ total: 3, toReasoning: 3, toStandard: 0, routeOnly: 0 });
    expect(r.changes.map((c: { id: string }) => c.id).sort()).toEqual(stored.slice(0, 3).sort());
    const change = r.changes[0];
    expect(change).toMatchObject({ kind: "to_reasoning", before: { tier: "standard", routeId: "standard" }, after: { tier: "reasoning", routeId: "reasoning", ruleId: "postmortems" } });
    expect(change.promptPreview).toMatch(/postmortem/);
    expect(change.costDelta).toBeGreaterThan(0);
    expect(r.cost.pricedChanges).toBe(3);
    expect(r.cost.deltaPerDay).toBeGreaterThan(r.cost.deltaTotal); // a window of minutes scales up to a day
    const same = await editor.post("/api/rules/replay", { rules: seeded });
    expect(same.body.changed.total).toBe(0);
    const tooMany = await editor.post("/api/rules/replay", { rules: seeded, limit: 5001 });
    expect(tooMany.status).toBe(400);
  });

  it("saves a version with its author; the next request through the SDK is routed by the new rule", async () => {
    const res = await editor.post("/api/rules", { rules: [postmortemRule, ...seeded], note: "postmortems need reasoning", baseVersion: 1 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ version: 2, createdBy: "ed@example.com", note: "postmortems need reasoning" });

    const { data: msg, response } = await send(POSTMORTEM);
    expect(response.headers.get("thinkgate-stage")).toBe("rule");
    expect(response.headers.get("thinkgate-route")).toBe("reasoning");
    expect(response.headers.get("thinkgate-tier")).toBe("reasoning");
    expect(msg.model).toBe("claude-opus-4-7");

    const history = await viewer.get("/api/rules/history");
    expect(history.body.data.slice(0, 2)).toMatchObject([
      { version: 2, createdBy: "ed@example.com", note: "postmortems need reasoning", ruleCount: 3 },
      { version: 1, createdBy: "seed", ruleCount: 2 },
    ]);
    expect(new Date(history.body.data[0].createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it("refuses a save based on a version that is no longer active", async () => {
    const stale = await editor.post("/api/rules", { rules: seeded, note: "stale", baseVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/version 2 was saved by ed@example.com/);
  });

  it("reads any version, and rolls back to an earlier one as a new version that restores the old routing", async () => {
    const v1 = await viewer.get("/api/rules/versions/1");
    expect(v1.body.rules).toEqual(seeded);
    expect((await viewer.get("/api/rules/versions/99")).status).toBe(404);
    expect((await viewer.post("/api/rules/rollback", { version: 1 })).status).toBe(403);

    const rb = await editor.post("/api/rules/rollback", { version: 1 });
    expect(rb.status).toBe(201);
    expect(rb.body).toMatchObject({ version: 3, createdBy: "ed@example.com", note: "rollback to version 1", rules: seeded });
    const { data: msg, response } = await send(POSTMORTEM);
    expect(response.headers.get("thinkgate-stage")).toBe("rule");
    expect(response.headers.get("thinkgate-route")).toBe("standard");
    expect(msg.model).toBe("claude-sonnet-4-6");
    expect((await viewer.get("/api/rules")).body.version).toBe(3);
  });

  it("records a key as the author when a program saves with a gateway key", async () => {
    const res = await fetch(`${server.url}/api/rules`, {
      method: "POST",
      headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
      body: JSON.stringify({ rules: seeded, note: "from CI" }),
    });
    expect(res.status).toBe(201);
    expect((await res.json()).createdBy).toBe("key:bootstrap admin");
  });

  it("saves one version for a save sent several times at once on the same version (a retry of a save whose outcome was not known): the others get a 409", async () => {
    const base = (await viewer.get("/api/rules")).body.version as number;
    const note = "sent five times";
    // Sent a few milliseconds apart, so that one save's check can come after another's write has begun.
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => sleep(i * 2).then(() => editor.post("/api/rules", { rules: seeded, note, baseVersion: base }))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const history = await viewer.get<{ data: { version: number; note: string }[] }>("/api/rules/history");
    expect(history.body.data.filter((v) => v.note === note).map((v) => v.version)).toEqual([base + 1]);
    expect(history.body.data[0]!.version).toBe(base + 1);
  });
});

describe("routes, apps and routing settings", () => {
  it("lets everyone signed in read them and only admins change them, with validation", async () => {
    const routes = await viewer.get("/api/routes");
    expect(routes.status).toBe(200);
    expect(routes.body.data.map((r: { id: string }) => r.id)).toEqual(["reasoning", "reasoning-deep", "reasoning-sonnet", "standard", "standard-opus", "standard-sonnet"]);
    expect(routes.body.tierRoutes).toEqual({ standard: "standard", reasoning: "reasoning" });
    const deep = routes.body.data.find((r: { id: string }) => r.id === "reasoning-deep");
    const body = { name: deep.name, description: deep.description, tier: "reasoning", model: "claude-opus-4-7", thinking: "on", budgetTier: null, budgetTokens: 20_000, effort: null, display: "summarized", minMaxTokens: 40_000 };

    expect((await editor.request("PUT", "/api/routes/reasoning-deep", { body })).status).toBe(403);
    const low = await admin.request("PUT", "/api/routes/reasoning-deep", { body: { ...body, budgetTokens: 500 } });
    expect(low.status).toBe(400);
    expect(low.body.error.message).toMatch(/1,024/);
    const empty = await admin.request("PUT", "/api/routes/reasoning-deep", { body: { ...body, model: " " } });
    expect(empty.status).toBe(400);
    const ok = await admin.request("PUT", "/api/routes/reasoning-deep", { body });
    expect(ok.status).toBe(200);
    expect(ok.body.budgetTokens).toBe(20_000);
    const flip = await admin.request("PUT", "/api/routes/reasoning", { body: { ...body, tier: "standard", thinking: "off", budgetTokens: null } });
    expect(flip.status).toBe(400);
    expect(flip.body.error.message).toMatch(/reasoning tier's route/);
    // An id that differs from an existing route's only in case would be a second route a reader cannot tell apart.
    const twin = await admin.request("PUT", "/api/routes/Reasoning-Deep", { body });
    expect(twin.status).toBe(400);
    expect(twin.body.error.message).toBe('route "Reasoning-Deep" differs from route "reasoning-deep" only in case; use "reasoning-deep" to change that route, or another id');
    expect((await viewer.get("/api/routes")).body.data.map((r: { id: string }) => r.id)).not.toContain("Reasoning-Deep");

    const app = await admin.request("PUT", "/api/apps/support-bot", { body: { tier: "reasoning", routeId: "reasoning-deep", description: "escalations" } });
    expect(app.status).toBe(200);
    const { response } = await client.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 100, messages: [{ role: "user", content: "hello" }] }, { headers: { "thinkgate-app": "support-bot" } })
      .withResponse();
    expect(response.headers.get("thinkgate-stage")).toBe("context");
    expect(response.headers.get("thinkgate-route")).toBe("reasoning-deep");
    const twinApp = await admin.request("PUT", "/api/apps/Support-Bot", { body: { tier: "standard", routeId: "standard", description: "" } });
    expect(twinApp.status).toBe(400);
    expect(twinApp.body.error.message).toMatch(/^app "Support-Bot" differs from app "support-bot" only in case/);
    expect((await admin.request("DELETE", "/api/apps/support-bot")).status).toBe(200);
    expect((await viewer.get("/api/apps")).body.data.map((a: { name: string }) => a.name)).toEqual(["faq-bot", "legal-review"]);
  });

  it("keeps the classifier threshold and sampling rate between 0 and 1, in the settings the router and the recorder read", async () => {
    const initial = (await viewer.get("/api/settings")).body;
    expect(initial).toMatchObject({ classifierThreshold: null, tierRoutes: { standard: "standard", reasoning: "reasoning" } });
    expect(initial.classifierThresholdDefault).toBeGreaterThan(0);
    // the operating curve of the model in use, for Settings -> Routing: a point per threshold, share falling as the threshold rises
    const curve = initial.operatingCurve as { threshold: number; share: number; recall: number; fpr: number; pgr: number | null }[];
    expect(curve.length).toBe(21);
    expect(curve[0]).toMatchObject({ threshold: 0, share: 1, recall: 1 });
    expect(curve[20]!.share).toBeLessThan(curve[10]!.share);
    // with enough of the team's own labels, the same curve on them (scored by the model in use)
    for (let i = 0; i < 12; i++) {
      expect((await admin.request("POST", "/api/examples", { body: { prompt: `Prove that ${i * 7 + 3} consecutive integers always contain a multiple of ${i + 2}, step by step.`, label: "reasoning" } })).status).toBe(201);
      expect((await admin.request("POST", "/api/examples", { body: { prompt: `Translate "good night number ${i}" into Italian.`, label: "standard" } })).status).toBe(201);
    }
    const withLabels = (await viewer.get("/api/settings")).body;
    expect(withLabels.teamLabels).toBeGreaterThanOrEqual(24);
    const team = withLabels.teamCurve as { threshold: number; share: number; recall: number; fpr: number }[];
    expect(team).toHaveLength(21);
    const mid = team.find((p) => p.threshold === 0.5)!;
    expect(mid.recall).toBeGreaterThan(mid.fpr);
    expect(typeof initial.sampleRate).toBe("number");
    expect((await editor.request("PUT", "/api/settings", { body: { sampleRate: 0.5 } })).status).toBe(403);
    const bad = await admin.request("PUT", "/api/settings", { body: { classifierThreshold: 1.5 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/between 0 and 1/);
    const ok = await admin.request("PUT", "/api/settings", { body: { classifierThreshold: 0.62, sampleRate: 0.25 } });
    expect(ok.body).toMatchObject({ classifierThreshold: 0.62, sampleRate: 0.25 });
    expect((await viewer.get("/api/settings")).body).toMatchObject({ classifierThreshold: 0.62, sampleRate: 0.25 });
    // The same rate, as the trace settings see it.
    expect((await viewer.get("/api/settings/traces")).body.sampling.rate).toBe(0.25);
    // The classifier decides at the new threshold (when no rule or app applies first).
    const route = await fetch(`${server.baseURL}/v1/route`, {
      method: "POST",
      headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 100, messages: [{ role: "user", content: "Prove that the square root of 2 is irrational, step by step." }] }),
    });
    const decision = await route.json();
    expect(decision).toMatchObject({ stage: "classifier", threshold: 0.62 });
    const reset = await admin.request("PUT", "/api/settings", { body: { classifierThreshold: null } });
    expect(reset.body.classifierThreshold).toBeNull();
  });
});
