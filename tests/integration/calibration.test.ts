/**
 * The calibration lab end to end on a real server with the simulator, whose
 * calibration prompts ([[sim:difficulty=N]]) are solved only with enough
 * thinking: a set is uploaded, an experiment runs across thinking budgets,
 * the server is killed in the middle and restarted on the same database, the
 * experiment finishes with every trial done exactly once, accuracy rises with
 * the budget, the knee lands where the set puts it, and applying it changes
 * the route as a new, linked rule version. Runs on SQLite and PostgreSQL.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startServer, type TestServer } from "../support/server";

const SET = fs.readFileSync(path.resolve(__dirname, "../../lib/calibration/examples/arith.jsonl"), "utf8");
const MODEL = "claude-haiku-4-5";
const CONFIGS = [
  { model: MODEL, thinking: "off" },
  { model: MODEL, thinking: "budget", budgetTokens: 2048 },
  { model: MODEL, thinking: "budget", budgetTokens: 8192 },
];
const TRIALS = 30 * CONFIGS.length;

let first: TestServer;
let server: TestServer;
let viewerKey: string;
let editorKey: string;
/** Trials done when the restarted server took over: the rest ran, and were recorded, after it. */
let doneAtRestart = 0;

async function api(method: string, p: string, body?: unknown, key = server.adminKey) {
  const res = await fetch(server.url + p, {
    method,
    headers: { "x-api-key": key, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** `n` JSONL items, their prompts told apart by `tag`; all with the id `id` when given. */
const lines = (n: number, tag: string, id?: string) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ prompt: `${tag} ${i}: what is ${i} + 1?`, expected: String(i + 1), ...(id === undefined ? {} : { id }) })).join("\n");

/** Every row of a paged list, following `nextCursor` with pages of `limit`. */
async function allPages<T>(p: string, limit: number, rows: (body: any) => T[]): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await api("GET", `${p}?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(page.status).toBe(200);
    all.push(...rows(page.body));
    cursor = page.body.nextCursor;
  } while (cursor);
  return all;
}

beforeAll(async () => {
  first = await startServer();
  server = first;
  const key = await api("POST", "/api/keys", { name: "viewer", role: "viewer" });
  expect(key.status).toBe(201);
  viewerKey = key.body.secret;
  const editor = await api("POST", "/api/keys", { name: "editor", role: "editor" });
  expect(editor.status).toBe(201);
  editorKey = editor.body.secret;
});

afterAll(async () => {
  if (server !== first) await server?.stop();
  // The first process is gone already; this drops the database.
  await first?.stop("SIGKILL");
});

describe(`calibration lab (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  let setId: string;
  let experimentId: string;

  it("uploads a JSONL set and refuses bad lines and bad grids with clear 400s", async () => {
    const bad = await api("POST", "/api/calibration/sets", { name: "bad", grader: { kind: "number" }, jsonl: '{"prompt":"x","expected":"1"}\nnot json\n{"expected":"2"}' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/line 2: not JSON; line 3: prompt/);

    const created = await api("POST", "/api/calibration/sets", { name: "arith", grader: { kind: "number" }, jsonl: SET });
    expect(created.status).toBe(201);
    expect(created.body.items).toBe(30);
    setId = created.body.id;

    const adaptiveBudget = await api("POST", "/api/calibration/experiments", { setId, configs: [{ model: "claude-sonnet-5", thinking: "budget", budgetTokens: 4096 }] });
    expect(adaptiveBudget.status).toBe(400);
    expect(adaptiveBudget.body.error.message).toMatch(/claude-sonnet-5 thinks adaptively.*use effort levels/);
    const effortOnManual = await api("POST", "/api/calibration/experiments", { setId, configs: [{ model: MODEL, thinking: "effort", effort: "high" }] });
    expect(effortOnManual.status).toBe(400);
    expect(effortOnManual.body.error.message).toMatch(/takes thinking budgets/);

    const asViewer = await api("POST", "/api/calibration/experiments", { setId, configs: CONFIGS }, viewerKey);
    expect(asViewer.status).toBe(403);
    expect((await api("GET", "/api/calibration/sets", undefined, viewerKey)).body.data[0]).toMatchObject({ id: setId, items: 30 });
  });

  it("runs an experiment, survives a kill in the middle, and finishes every trial exactly once", async () => {
    // Paced (20 calls/s) so the kill lands mid-run.
    const created = await api("POST", "/api/calibration/experiments", { setId, configs: CONFIGS, concurrency: 4, requestsPerMinute: 1200 });
    expect(created.status).toBe(201);
    expect(created.body.trials).toBe(TRIALS);
    experimentId = created.body.id;

    const midway = await eventually(async () => {
      const r = await api("GET", `/api/calibration/experiments/${experimentId}`);
      return r.body.progress.done >= 15 ? r.body : undefined;
    }, 60_000);
    expect(midway.experiment.status).toBe("running");
    first.proc.kill("SIGKILL");
    await new Promise((r) => first.proc.once("exit", r));

    server = await startServer({ databaseUrl: first.databaseUrl, env: { THINKGATE_BOOTSTRAP_KEY: first.adminKey } });
    server.adminKey = first.adminKey;
    const atRestart = (await api("GET", `/api/calibration/experiments/${experimentId}`)).body;
    expect(atRestart.progress.done).toBeGreaterThanOrEqual(midway.progress.done);
    expect(atRestart.progress.done).toBeLessThan(TRIALS);
    doneAtRestart = atRestart.progress.done;

    const finished = await eventually(async () => {
      const r = await api("GET", `/api/calibration/experiments/${experimentId}`);
      return r.body.experiment.status === "done" ? r.body : undefined;
    }, 90_000);
    expect(finished.progress).toMatchObject({ done: TRIALS, failed: 0, pending: 0, running: 0, total: TRIALS });
    const trials = (await api("GET", `/api/calibration/experiments/${experimentId}/trials`)).body.data as { itemId: string; configKey: string; status: string }[];
    expect(trials).toHaveLength(TRIALS);
    expect(new Set(trials.map((t) => `${t.itemId}|${t.configKey}`)).size).toBe(TRIALS);
    expect(trials.every((t) => t.status === "done")).toBe(true);
  }, 150_000);

  it("measures accuracy rising with the budget and finds the knee where the set puts it", async () => {
    const r = (await api("GET", `/api/calibration/experiments/${experimentId}`)).body;
    const acc = Object.fromEntries(r.stats.map((s: { key: string; accuracy: number }) => [s.key, s.accuracy]));
    // The set: 6 items solved without thinking, 6 more need 1,536 tokens on Haiku, 8 more 3,072, the rest at most 7,680.
    expect(acc).toEqual({ [`${MODEL}:off`]: 0.2, [`${MODEL}:2048`]: 0.4, [`${MODEL}:8192`]: 1 });
    const thinking = r.stats.map((s: { meanThinking: number }) => s.meanThinking);
    expect(thinking[0]).toBe(0);
    expect(thinking[1]).toBeGreaterThan(0);
    expect(thinking[2]).toBeGreaterThan(thinking[1]);
    for (const s of r.stats) {
      expect(s.ci[0]).toBeLessThanOrEqual(s.accuracy);
      expect(s.ci[1]).toBeGreaterThanOrEqual(s.accuracy);
      expect(s.meanCost).toBeGreaterThan(0);
    }
    expect(r.knee).toMatchObject({ best: `${MODEL}:8192`, recommended: `${MODEL}:8192`, stopsPayingAfter: `${MODEL}:8192` });
    expect(r.knee.explanation.join(" ")).toMatch(/Recommended: claude-haiku-4-5 · budget 8,192/);
    expect(r.categories.map((c: { category: string }) => c.category)).toEqual(["arithmetic", "multi-step", "word problem"]);

    // Every call is a gateway record tagged as calibration; those the killed process had not written yet are lost with it.
    const records = await eventually(async () => {
      const t = await api("GET", `/api/traces?app=calibration&task=${experimentId}&limit=200`);
      return t.body.data.length >= TRIALS - doneAtRestart ? t.body.data : undefined;
    });
    expect(records[0]).toMatchObject({ app: "calibration", task: experimentId });
  });

  it("applies the recommendation to a route as a new rule version linked to the experiment", async () => {
    const route = { name: "Haiku thinking", tier: "reasoning", model: MODEL, thinking: "on", budgetTokens: 16384 };
    expect((await api("PUT", "/api/routes/haiku-think", route)).status).toBe(200);
    const wrongModel = await api("POST", `/api/calibration/experiments/${experimentId}/apply`, { routeId: "reasoning" });
    expect(wrongModel.status).toBe(400);
    expect(wrongModel.body.error.message).toMatch(/serves claude-opus-4-7/);
    expect((await api("POST", `/api/calibration/experiments/${experimentId}/apply`, { routeId: "haiku-think" }, viewerKey)).status).toBe(403);
    // An editor cannot change the route's thinking on the routes API, so not through an apply either.
    expect((await api("PUT", "/api/routes/haiku-think", { ...route, budgetTokens: 8192 }, editorKey)).status).toBe(403);
    const byEditor = await api("POST", `/api/calibration/experiments/${experimentId}/apply`, { routeId: "haiku-think" }, editorKey);
    expect(byEditor.status).toBe(403);
    expect(byEditor.body.error).toMatchObject({ type: "permission_error", message: expect.stringMatching(/editor.*admin/) });
    expect((await api("GET", "/api/routes")).body.data.find((r: { id: string }) => r.id === "haiku-think")).toMatchObject({ budgetTokens: 16384 });

    const applied = await api("POST", `/api/calibration/experiments/${experimentId}/apply`, { routeId: "haiku-think" });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ routeId: "haiku-think", before: { budgetTokens: 16384 }, after: { thinking: "on", budgetTokens: 8192, effort: null } });

    const routes = (await api("GET", "/api/routes")).body.data;
    expect(routes.find((r: { id: string }) => r.id === "haiku-think")).toMatchObject({ budgetTokens: 8192, model: MODEL });

    const version = await api("GET", `/api/rules/versions/${applied.body.ruleVersion}`);
    expect(version.body.note).toContain(experimentId);
    expect(version.body.note).toMatch(/budget 16384 → budget 8192/);

    const after = (await api("GET", `/api/calibration/experiments/${experimentId}`)).body;
    expect(after.experiment).toMatchObject({ appliedRouteId: "haiku-think", appliedRuleVersion: applied.body.ruleVersion });
    expect(after.beforeAfter).toMatchObject({ routeId: "haiku-think", days: 7 });
  });

  it("builds items from stored requests and from the playground", async () => {
    const [first, second] = (await api("GET", `/api/traces?app=calibration&task=${experimentId}&limit=2`)).body.data as { id: string }[];
    const added = await api("POST", `/api/calibration/sets/${setId}/items`, { fromRequests: [{ requestId: first!.id, expected: "42" }, { requestId: second!.id }] });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ added: 2, items: 32 });
    const missing = await api("POST", `/api/calibration/sets/${setId}/items`, { fromRequests: [{ requestId: "req_doesnotexist" }] });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/req_doesnotexist: no such request/);
    const saved = await api("POST", `/api/calibration/sets/${setId}/items`, { fromPlayground: { prompt: "What is 6 * 7?", expected: "42", category: "arithmetic" } });
    expect(saved.body).toEqual({ added: 1, items: 33 });

    const set = (await api("GET", `/api/calibration/sets/${setId}`)).body;
    const fromRequests = set.items.filter((i: { source: string }) => i.source === "request");
    expect(fromRequests.map((i: { requestId: string }) => i.requestId)).toEqual([first!.id, second!.id]);
    expect(fromRequests[0].expected).toBe("42");
    // Without an expected answer, the record's own answer is the expected one.
    expect(fromRequests[1].expected).toMatch(/^The answer is /);
    expect(set.items.at(-1)).toMatchObject({ source: "playground", prompt: "What is 6 * 7?", position: 32 });
  });

  it("refuses an append past the set's 2,000 items, or with an id the set holds or the append repeats", async () => {
    const over = await api("POST", `/api/calibration/sets/${setId}/items`, { jsonl: lines(2_000, "over") });
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(over.body.error.message).toBe("the set holds 33 items and may hold at most 2000; adding 2000 would make 2033");

    const once = await api("POST", `/api/calibration/sets/${setId}/items`, { jsonl: lines(1, "", "a") });
    expect(once.body).toEqual({ added: 1, items: 34 });
    const again = await api("POST", `/api/calibration/sets/${setId}/items`, { fromPlayground: { prompt: "What is 1 + 1?", expected: "2", id: "a" } });
    expect(again.status).toBe(400);
    expect(again.body.error.message).toBe('item id "a" is already in the set');
    const within = await api("POST", `/api/calibration/sets/${setId}/items`, { jsonl: `${lines(1, "x", "b")}\n${lines(1, "y", "b")}` });
    expect(within.status).toBe(400);
    expect(within.body.error.message).toBe('item id "b" appears twice');
    // An item built from a stored request has the request's id: the same request is one item.
    const [first] = (await api("GET", `/api/traces?app=calibration&task=${experimentId}&limit=1`)).body.data as { id: string }[];
    const twice = await api("POST", `/api/calibration/sets/${setId}/items`, { fromRequests: [{ requestId: first!.id }] });
    expect(twice.status).toBe(400);
    expect(twice.body.error.message).toBe(`item id "${first!.id}" is already in the set`);

    const fill = await api("POST", `/api/calibration/sets/${setId}/items`, { jsonl: lines(2_000 - 34, "fill") });
    expect(fill.body).toEqual({ added: 1966, items: 2000 });
    const full = await api("POST", `/api/calibration/sets/${setId}/items`, { fromPlayground: { prompt: "What is 2 + 2?", expected: "4" } });
    expect(full.status).toBe(400);
    expect(full.body.error.message).toBe("the set holds 2000 items and may hold at most 2000; adding 1 would make 2001");
    expect((await api("GET", `/api/calibration/sets/${setId}?limit=1`)).body.itemCount).toBe(2000);
  });

  it("lets concurrent appends together neither pass the limit nor add one id twice", async () => {
    const created = await api("POST", "/api/calibration/sets", { name: "race", grader: { kind: "number" }, jsonl: lines(1, "seed") });
    const id = created.body.id as string;
    // Four appends of 700 at once: two fit (1 + 1,400), a third would make 2,101.
    const appends = await Promise.all([0, 1, 2, 3].map((n) => api("POST", `/api/calibration/sets/${id}/items`, { jsonl: lines(700, `r${n}`) })));
    expect(appends.map((a) => a.status).sort()).toEqual([201, 201, 400, 400]);
    for (const a of appends.filter((x) => x.status === 400)) expect(a.body.error.message).toMatch(/^the set holds 1401 items and may hold at most 2000; adding 700 would make 2101$/);
    const sameId = await Promise.all([0, 1, 2].map((n) => api("POST", `/api/calibration/sets/${id}/items`, { jsonl: lines(1, `k${n}`, "k") })));
    expect(sameId.map((a) => a.status).sort()).toEqual([201, 400, 400]);

    const items = await allPages<{ position: number; key: string | null }>(`/api/calibration/sets/${id}`, 500, (b) => b.items);
    expect(items).toHaveLength(1402);
    expect(items.map((i) => i.position)).toEqual([...Array(1402).keys()]);
    expect(items.filter((i) => i.key === "k")).toHaveLength(1);
  });

  it("pages a set's items and an experiment's trials", async () => {
    const first = (await api("GET", `/api/calibration/sets/${setId}`)).body;
    expect(first).toMatchObject({ itemCount: 2000, nextCursor: "199" });
    expect(first.items).toHaveLength(200);
    expect(first.categories).toEqual(["arithmetic", "multi-step", "word problem"]);
    const items = await allPages<{ position: number }>(`/api/calibration/sets/${setId}`, 500, (b) => b.items);
    expect(items.map((i) => i.position)).toEqual([...Array(2000).keys()]);
    expect((await api("GET", `/api/calibration/sets/${setId}?limit=501`)).status).toBe(400);

    const trials = await allPages<{ id: string; prompt: string | null }>(`/api/calibration/experiments/${experimentId}/trials`, 40, (b) => b.data);
    expect(trials).toHaveLength(TRIALS);
    expect(new Set(trials.map((t) => t.id)).size).toBe(TRIALS);
    expect(trials.every((t) => t.prompt)).toBe(true);
    expect((await api("GET", `/api/calibration/experiments/${experimentId}/trials?limit=1001`)).status).toBe(400);
  });
});
