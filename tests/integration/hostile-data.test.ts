/**
 * Hostile values in what the management API stores, beyond the shapes the
 * fuzz test sends: text a database column cannot hold, and numbers past what
 * its columns take. Each must be a 400 in the API's error shape that says
 * where, nothing half-stored, and the server serving on. Run on both
 * databases: PostgreSQL is the stricter of the two (its text refuses a NUL,
 * its integer columns are 32 bits).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startServer, type TestServer } from "../support/server";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: { type?: string; error?: { type: string; message: string }; [k: string]: unknown } }> {
  const res = await fetch(server.url + path, {
    method,
    headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as never };
}

/** A 400 in the API's error shape whose message matches. */
function expectRefused(r: Awaited<ReturnType<typeof api>>, message: RegExp, what: string): void {
  expect(r.status, `${what}: ${JSON.stringify(r.json)}`).toBe(400);
  expect(r.json.type, what).toBe("error");
  expect(r.json.error?.type, what).toBe("invalid_request_error");
  expect(r.json.error?.message, what).toMatch(message);
}

describe(`hostile stored values (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("refuses a NUL character in anything the management API stores, saying where (on PostgreSQL each was a 500)", async () => {
    const nul = "a\u0000b";
    const price = { model: "nul-model", effectiveFrom: "2026-01-01T00:00:00Z", input: 1, cacheWrite5m: 1, cacheWrite1h: 1, cacheRead: 1, output: 1 };
    const cases: [string, string, unknown, RegExp][] = [
      ["POST", "/api/keys", { name: nul, role: "viewer" }, /^name: a NUL character/],
      ["PUT", "/api/routes/nul-route", { name: nul, tier: "standard", model: "claude-sonnet-4-6", thinking: "off" }, /^name: a NUL character/],
      ["PUT", "/api/apps/nul-app", { tier: "standard", description: nul }, /^description: a NUL character/],
      ["POST", "/api/rules", { rules: [], note: nul }, /^note: a NUL character/],
      ["POST", "/api/prices", { ...price, source: nul }, /^source: a NUL character/],
      ["POST", "/api/users", { email: "nul@example.com", password: `long enough ${nul}`, role: "viewer" }, /^password: a NUL character/],
      // Escaped inside the JSONL text: read by the set's own parser, past the check of the body that carried it.
      ["POST", "/api/calibration/sets", { name: "nul-set", grader: { kind: "exact" }, jsonl: '{"prompt": "a\\u0000b", "expected": "1"}' }, /line 1: prompt: a NUL character/],
      ["POST", "/api/calibration/sets", { name: "lone-set", grader: { kind: "exact" }, jsonl: '{"prompt": "a\\ud800b", "expected": "1"}' }, /line 1: prompt: a lone surrogate/],
    ];
    for (const [method, path, body, message] of cases) expectRefused(await api(method, path, body), message, `${method} ${path}`);

    // Nothing of them was stored.
    const stored = JSON.stringify(await Promise.all(["/api/keys", "/api/routes", "/api/apps", "/api/rules/history", "/api/prices", "/api/users", "/api/calibration/sets"].map(async (p) => (await api("GET", p)).json)));
    for (const name of ["nul-route", "nul-app", "nul-model", "nul@example.com", "nul-set", "lone-set"]) expect(stored).not.toContain(name);
    expect((await api("GET", "/api/health")).status).toBe(200);
  });

  it("answers a number past what an integer column holds as the client's mistake (on PostgreSQL each was a 500)", async () => {
    const tooBig = 2 ** 31;
    for (const [method, path, body] of [
      ["GET", `/api/rules/versions/${tooBig}`, undefined],
      ["POST", "/api/rules/rollback", { version: tooBig }],
    ] as const) {
      const r = await api(method, path, body);
      expect(r.status, `${path}: ${JSON.stringify(r.json)}`).toBe(404);
      expect(r.json.error?.message).toBe(`rule set version ${tooBig} does not exist`);
    }
    const price = { model: "long-model", effectiveFrom: "2026-01-01T00:00:00Z", input: 1, cacheWrite5m: 1, cacheWrite1h: 1, cacheRead: 1, output: 1, longInput: 2 };
    expectRefused(await api("POST", "/api/prices", { ...price, longContextThreshold: tooBig }), /longContextThreshold/, "price");
    expect(JSON.stringify((await api("GET", "/api/prices")).json)).not.toContain("long-model");
    // The largest the column holds is stored.
    expect((await api("POST", "/api/prices", { ...price, longContextThreshold: tooBig - 1 })).status).toBe(201);
  });

  it("refuses a NUL character in a query parameter of the read APIs as it does one in a path (on PostgreSQL filters with one were a 500)", async () => {
    for (const path of [
      "/api/traces?app=%00",
      "/api/traces?task=a%00",
      "/api/traces?model=%00",
      "/api/requests?cursor=%00",
      "/api/traces/patterns?app=%00",
      "/api/traces/failures?routeId=%00",
      "/api/calibration/experiments?setId=%00",
    ]) {
      const name = /\?(\w+)=/.exec(path)![1]!;
      expectRefused(await api("GET", path), new RegExp(`^the query parameter "${name}" holds a NUL character`), path);
    }
    expect((await api("GET", "/api/traces?app=ok")).status).toBe(200);
  });

  it("refuses a configuration file with a \"__proto__\" key instead of storing something else than it says", async () => {
    const exported = await fetch(`${server.url}/api/config/export?format=json`, { headers: { "x-api-key": server.adminKey } }).then((r) => r.text());
    const file = exported.replace('"policy": {', '"policy": {\n        "jsonSchema": {"__proto__": {"type": "string"}},');
    expect(file).not.toBe(exported);
    const res = await fetch(`${server.url}/api/config/import`, { method: "POST", headers: { "x-api-key": server.adminKey, "content-type": "application/json" }, body: file });
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(body.error.message).toMatch(/"__proto__" is not allowed as a key/);
    // Nothing changed: the same export as before.
    expect(await fetch(`${server.url}/api/config/export?format=json`, { headers: { "x-api-key": server.adminKey } }).then((r) => r.text())).toBe(exported);
  });

  it("loses neither of two changes of the trace sampling made at once (on PostgreSQL the sampling rate's write undid the per-route rates saved meanwhile)", async () => {
    // Any order of the two keeps the per-route rate: only a write made from what was read before the other one loses it.
    for (let round = 0; round < 80; round++) {
      expect((await api("PUT", "/api/settings/traces", { sampling: { rate: 0.1, perRoute: {} } })).status).toBe(200);
      const [traces, settings] = await Promise.all([
        api("PUT", "/api/settings/traces", { sampling: { rate: 0.3, perRoute: { standard: 0.5 } } }),
        api("PUT", "/api/settings", { sampleRate: 0.7 }),
      ]);
      expect([traces.status, settings.status]).toEqual([200, 200]);
      const { sampling } = (await api("GET", "/api/settings/traces")).json as unknown as { sampling: { rate: number; perRoute: Record<string, number> } };
      expect(sampling.perRoute, `round ${round}`).toEqual({ standard: 0.5 });
      expect([0.3, 0.7]).toContain(sampling.rate);
    }
  }, 60_000);

  it("keeps a rule save and a route edit made while a calibration experiment is applied (the apply wrote back what it had read, undoing them)", async () => {
    const model = "claude-haiku-4-5";
    expect((await api("PUT", "/api/routes/haiku-calib", { name: "Haiku", tier: "standard", model, thinking: "off" })).status).toBe(200);
    const set = await api("POST", "/api/calibration/sets", { name: "race", grader: { kind: "number" }, jsonl: '{"prompt": "What is 2 + 3? [[sim:difficulty=0]]", "expected": "5"}' });
    expect(set.status).toBe(201);
    const experiment = await api("POST", "/api/calibration/experiments", { setId: set.json.id, configs: [{ model, thinking: "off" }] });
    expect(experiment.status).toBe(201);
    const id = (experiment.json as { id?: string; experiment?: { id: string } }).id ?? (experiment.json as { experiment: { id: string } }).experiment.id;
    await eventually(async () => ((await api("GET", `/api/calibration/experiments/${id}`)).json as { experiment: { status: string } }).experiment.status === "done" || undefined, 30_000);

    // The edits start a little later each round, so that they land at every point of the apply's work.
    for (let round = 0; round < 40; round++) {
      const rule = { id: `race-${round}`, name: `race ${round}`, when: { tasks: [`t${round}`] }, then: { routeId: "standard" } };
      const description = `edited in round ${round}`;
      const later = <T>(f: () => Promise<T>) => new Promise((r) => setTimeout(r, round % 20)).then(f);
      const [applied, saved, edited] = await Promise.all([
        api("POST", `/api/calibration/experiments/${id}/apply`, { routeId: "haiku-calib", configKey: `${model}:off` }),
        later(() => api("POST", "/api/rules", { rules: [rule] })),
        later(() => api("PUT", "/api/routes/haiku-calib", { name: "Haiku", description, tier: "standard", model, thinking: "off" })),
      ]);
      expect(applied.status, JSON.stringify(applied.json)).toBe(200);
      // A save that was told it worked is in the rules in effect (one refused as a conflict told its caller so).
      expect([201, 409]).toContain(saved.status);
      if (saved.status === 201) expect(((await api("GET", "/api/rules")).json as unknown as { rules: { id: string }[] }).rules.map((r) => r.id), `round ${round}`).toEqual([rule.id]);
      // The apply changes the route's thinking only: the edit of its description stays.
      expect(edited.status).toBe(200);
      const routes = (await api("GET", "/api/routes")).json as unknown as { data: { id: string; description: string }[] };
      expect(routes.data.find((r) => r.id === "haiku-calib")?.description, `round ${round}`).toBe(description);
    }
  }, 90_000);
});
