/**
 * The trace explorer's API against a real server: requests sent through the
 * official SDK show up in /api/traces under the right filters and searches,
 * a trace carries signal spans for its thinking, omitted thinking says so,
 * labels become examples, and the playground runs through the gateway itself.
 * Runs on SQLite and, with THINKGATE_TEST_DB=postgresql, on PostgreSQL.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startServer, type TestServer } from "../support/server";
import { SEARCH_NO_WORDS } from "@/lib/traces/search";

let server: TestServer;
let client: Anthropic;
const ids: Record<string, string> = {};
let startedAt = 0;

interface ListItem {
  id: string;
  tier: string;
  stage: string;
  routeId: string | null;
  servedModel: string;
  app: string | null;
  task: string | null;
  status: string;
  costTotal: number | null;
  escalated: boolean;
  hedgeCount: number | null;
  failureScore: number | null;
  promptPreview: string;
}

async function api<T>(path: string, init: RequestInit & { key?: string } = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(`${server.url}${path}`, {
    ...init,
    headers: { "x-api-key": init.key ?? server.adminKey, "content-type": "application/json", ...(init.headers as Record<string, string>) },
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

async function list(query: Record<string, string>): Promise<{ data: ListItem[]; nextCursor: string | null }> {
  const r = await api<{ data: ListItem[]; nextCursor: string | null }>(`/api/traces?${new URLSearchParams(query)}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

const listIds = async (query: Record<string, string>) => (await list({ limit: "200", ...query })).data.map((r) => r.id);

async function send(name: string, params: Anthropic.MessageCreateParamsNonStreaming, headers: Record<string, string> = {}): Promise<void> {
  const { response } = await client.messages.create(params, { headers }).withResponse();
  ids[name] = response.headers.get("thinkgate-request-id")!;
}

beforeAll(async () => {
  server = await startServer();
  client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
  startedAt = Date.now();
  await send(
    "review",
    { model: "claude-sonnet-4-6", max_tokens: 1024, messages: [{ role: "user", content: "Review this function for race conditions: let n = 0; async function inc() { const v = n; await tick(); n = v + 1; }" }] },
    { "thinkgate-task": "code-review" },
  );
  await send("faq", { model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user", content: "What are your opening hours on zebracorn holidays?" }] }, { "thinkgate-app": "faq-bot" });
  await send("plain", { model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user", content: "Give me three taglines for a coffee shop." }] }, { "thinkgate-tier": "standard" });
  const stream = client.messages.stream(
    { model: "claude-sonnet-4-6", max_tokens: 2048, messages: [{ role: "user", content: "Plan a three-city trip under $2,000 with no flight before 9am." }] },
    { headers: { "thinkgate-tier": "reasoning" } },
  );
  ids.stream = (await stream.withResponse()).response.headers.get("thinkgate-request-id")!;
  await stream.finalMessage();
  // The client's own thinking goes upstream as it sent it (its key honours
  // client thinking), here with display "omitted": thinking billed, no text.
  await send("omitted", {
    model: "claude-opus-4-7",
    max_tokens: 2000,
    thinking: { type: "adaptive", display: "omitted" } as never,
    messages: [{ role: "user", content: "Plan a trip under $500 with three cities." }],
  });
  // Every record is written before the tests read the list.
  for (const id of Object.values(ids)) {
    await eventually(async () => ((await api(`/api/requests/${id}`)).status === 200 ? true : undefined));
  }
});

afterAll(async () => {
  await server?.stop();
});

describe(`trace explorer API (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("lists every request newest first", async () => {
    const all = await listIds({});
    expect(all).toHaveLength(Object.keys(ids).length);
    expect(all).toEqual([...all].sort().reverse());
    expect(new Set(all)).toEqual(new Set(Object.values(ids)));
  });

  it("filters by tier, stage, route, model, app, task, status and escalation", async () => {
    const reasoning = await listIds({ tier: "reasoning" });
    expect(reasoning).toContain(ids.review);
    expect(reasoning).toContain(ids.stream);
    expect(reasoning).not.toContain(ids.faq);
    expect(await listIds({ tier: "standard" })).toEqual(expect.arrayContaining([ids.faq, ids.plain]));
    expect(await listIds({ stage: "rule" })).toEqual([ids.review]);
    expect(await listIds({ stage: "client" })).toEqual([ids.omitted]);
    expect(await listIds({ app: "faq-bot" })).toEqual([ids.faq]);
    // "-": the requests that named no app (the patterns page links its row of them here).
    const noApp = await listIds({ app: "-" });
    expect(noApp).toHaveLength(4);
    expect(noApp).not.toContain(ids.faq);
    expect(await listIds({ task: "code-review" })).toEqual([ids.review]);
    expect(await listIds({ route: "reasoning" })).toEqual(expect.arrayContaining([ids.review, ids.stream]));
    expect(await listIds({ route: "-" })).toEqual([ids.omitted]);
    expect(await listIds({ model: "claude-opus-4-7" })).toEqual(expect.arrayContaining([ids.review, ids.stream, ids.omitted]));
    expect(await listIds({ model: "claude-opus-4-7" })).not.toContain(ids.plain);
    expect(await listIds({ status: "error" })).toEqual([]);
    expect(await listIds({ status: "ok" })).toHaveLength(5);
    expect(await listIds({ escalated: "true" })).toEqual([]);
    expect(await listIds({ escalated: "false" })).toHaveLength(5);
    expect(await listIds({ tier: "reasoning", task: "code-review" })).toEqual([ids.review]);
  });

  it("filters by cost range and time range", async () => {
    const rows = (await list({ limit: "200" })).data;
    const review = rows.find((r) => r.id === ids.review)!;
    const plain = rows.find((r) => r.id === ids.plain)!;
    expect(review.costTotal!).toBeGreaterThan(plain.costTotal!);
    const mid = (review.costTotal! + plain.costTotal!) / 2;
    const expensive = await listIds({ costMin: String(mid) });
    expect(expensive).toContain(ids.review);
    expect(expensive).not.toContain(ids.plain);
    expect(await listIds({ costMax: String(mid) })).toContain(ids.plain);
    expect(await listIds({ costMin: String(plain.costTotal), costMax: String(plain.costTotal) })).toContain(ids.plain);

    expect(await listIds({ from: new Date(startedAt - 60_000).toISOString() })).toHaveLength(5);
    expect(await listIds({ from: new Date(Date.now() + 3_600_000).toISOString() })).toEqual([]);
    expect(await listIds({ to: new Date(startedAt - 60_000).toISOString() })).toEqual([]);
  });

  it("filters by hedging, counted from the thinking and the answer", async () => {
    const rows = (await list({ limit: "200" })).data;
    const review = rows.find((r) => r.id === ids.review)!;
    expect(review.hedgeCount).toBeGreaterThan(0);
    const hedged = await listIds({ hedging: "true" });
    expect(hedged).toContain(ids.review);
    expect(hedged.every((id) => (rows.find((r) => r.id === id)!.hedgeCount ?? 0) > 0)).toBe(true);
    const notHedged = await listIds({ hedging: "false" });
    expect(notHedged).not.toContain(ids.review);
    expect(hedged.length + notHedged.length).toBe(rows.length);
  });

  it("searches prompts, answers and thinking, alone and with filters", async () => {
    expect(await listIds({ q: "zebracorn" })).toEqual([ids.faq]);
    expect(await listIds({ q: "ZEBRACORN holidays" })).toEqual([ids.faq]);
    expect(await listIds({ q: "zebrac*" })).toEqual([ids.faq]);
    expect(await listIds({ q: "zebrac" })).toEqual([]);
    expect(await listIds({ q: "zebracorn", tier: "reasoning" })).toEqual([]);
    expect(await listIds({ q: "race conditions" })).toEqual([ids.review]);
    // Words of the thinking text are searchable too.
    const detail = (await api<{ thinking: { text: string } }>(`/api/traces/${ids.review}`)).body;
    const word = detail.thinking.text.match(/[A-Za-z]{6,}/g)!.find((w) => !/race|conditions|review|function/i.test(w))!;
    expect(await listIds({ q: word })).toContain(ids.review);
    // Search syntax in user text is just words, never an error.
    expect((await api(`/api/traces?q=${encodeURIComponent('"a" OR NEAR(b) col:c*')}`)).status).toBe(200);
    // Punctuation alone has no words: refused, not answered with the whole unsearched list.
    const none = await api<{ type: string; error: { type: string; message: string } }>(`/api/traces?q=${encodeURIComponent("!!!")}`);
    expect(none.status).toBe(400);
    expect(none.body.error).toEqual({ type: "invalid_request_error", message: `q: ${SEARCH_NO_WORDS}` });
  });

  it("sorts by failure score (likely wrong first), filters by a minimum score, and pages in that order", async () => {
    const rows = (await list({ limit: "200" })).data;
    const scored = rows.filter((r) => r.failureScore !== null);
    // Requests with thinking text are scored; the review request thought.
    expect(rows.find((r) => r.id === ids.review)!.failureScore).toBeGreaterThan(0);
    expect(rows.some((r) => r.failureScore === null)).toBe(true);
    const byFailure = (await list({ limit: "200", sort: "failure" })).data;
    expect(byFailure.map((r) => r.id).sort()).toEqual(scored.map((r) => r.id).sort());
    for (let i = 1; i < byFailure.length; i++) expect(byFailure[i - 1]!.failureScore!).toBeGreaterThanOrEqual(byFailure[i]!.failureScore!);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list({ limit: "1", sort: "failure", ...(cursor ? { cursor } : {}) });
      seen.push(...page.data.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(byFailure.map((r) => r.id));
    const min = byFailure[0]!.failureScore!;
    const top = await listIds({ failureMin: String(min) });
    expect(top).toContain(byFailure[0]!.id);
    expect(top.every((id) => rows.find((r) => r.id === id)!.failureScore! >= min)).toBe(true);
    expect((await api("/api/traces?failureMin=2")).status).toBe(400);
    expect((await api("/api/traces?sort=cost")).status).toBe(400);
  });

  it("pages with a cursor, without gaps or repeats, with and without a search", async () => {
    const all = await listIds({});
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list({ limit: "2", ...(cursor ? { cursor } : {}) });
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);

    const matches = await listIds({ q: "the" });
    expect(matches.length).toBeGreaterThan(1);
    const first = await list({ q: "the", limit: "1" });
    const second = await list({ q: "the", limit: "1", cursor: first.nextCursor! });
    expect([first.data[0]!.id, second.data[0]!.id]).toEqual(matches.slice(0, 2));

    // A search in the failure-score order: the matches that have a score, likely wrong first, paged one at a time.
    const scored = (await list({ q: "the", limit: "200" })).data.filter((r) => r.failureScore !== null);
    expect(scored.length).toBeGreaterThan(0);
    const riskiest = [...scored].sort((a, b) => b.failureScore! - a.failureScore! || (a.id < b.id ? 1 : -1)).map((r) => r.id);
    const byRisk: string[] = [];
    cursor = null;
    do {
      const page = await list({ q: "the", sort: "failure", limit: "1", ...(cursor ? { cursor } : {}) });
      byRisk.push(...page.data.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(byRisk).toEqual(riskiest);
  });

  it("rejects bad filters in the API's error shape, and callers without the viewer role", async () => {
    const bad = await api<{ type: string; error: { type: string; message: string } }>("/api/traces?tier=fast");
    expect(bad.status).toBe(400);
    expect(bad.body.type).toBe("error");
    expect(bad.body.error.type).toBe("invalid_request_error");
    expect(bad.body.error.message).toMatch(/tier/);
    expect((await api("/api/traces?cursor=x%27%20or%201%3D1")).status).toBe(400);
    expect((await api("/api/traces", { key: "tg_nope" })).status).toBe(401);
    const gateway = await api<{ secret: string }>("/api/keys", { method: "POST", body: JSON.stringify({ name: "app", role: "gateway" }) });
    expect(gateway.status).toBe(201);
    expect((await api("/api/traces", { key: gateway.body.secret })).status).toBe(403);
    expect((await api(`/api/traces/${ids.review}`, { key: gateway.body.secret })).status).toBe(403);
  });

  it("offers the filter menus' values", async () => {
    const f = (await api<{ routes: { id: string; name: string }[]; models: string[]; apps: string[]; tasks: string[] }>("/api/traces/facets")).body;
    expect(f.routes.map((r) => r.id)).toEqual(expect.arrayContaining(["reasoning", "standard"]));
    expect(f.routes.find((r) => r.id === "reasoning")!.name).toBe("Reasoning");
    expect(f.models).toEqual(expect.arrayContaining(["claude-opus-4-7", "claude-sonnet-4-6"]));
    expect(f.apps).toEqual(["faq-bot"]);
    expect(f.tasks).toEqual(["code-review"]);
  });
});

describe("one trace", () => {
  interface Detail {
    id: string;
    tier: string;
    decision: { stage: string; routeId: string };
    cost: { total: number | null; thinking: number | null };
    usage: { thinkingTokens: number };
    thinking: { status: string; text: string | null; tokens: number; placeholder: string | null; signals: { spans: { start: number; end: number; kind: string; text: string }[]; stats: { counts: Record<string, number>; positionDensity: { total: number[] } } } | null };
    answer: string;
    answerSignals: { spans: unknown[] } | null;
    label: { label: string } | null;
    failure: { score: number; reasons: { feature: string; text: string; logOdds: number }[] } | null;
  }

  it("has signal spans computed on its stored thinking", async () => {
    const r = await api<Detail>(`/api/traces/${ids.review}`);
    expect(r.status).toBe(200);
    const t = r.body;
    expect(t.decision).toMatchObject({ stage: "rule", routeId: "reasoning" });
    expect(t.thinking.status).toBe("text");
    expect(t.thinking.placeholder).toBeNull();
    const spans = t.thinking.signals!.spans;
    expect(spans.length).toBeGreaterThan(0);
    expect(spans.some((s) => s.kind === "hedge")).toBe(true);
    for (const s of spans) expect(t.thinking.text!.slice(s.start, s.end)).toBe(s.text);
    expect(t.thinking.signals!.stats.positionDensity.total).toHaveLength(10);
    expect(t.thinking.signals!.stats.counts.hedge).toBe(spans.filter((s) => s.kind === "hedge").length);
    expect(t.answerSignals).not.toBeNull();
    // The list's hedge count is the thinking's hedges plus the answer's.
    const row = (await list({ limit: "200" })).data.find((x) => x.id === ids.review)!;
    const answerHedges = (t.answerSignals!.spans as { kind: string }[]).filter((s) => s.kind === "hedge").length;
    expect(row.hedgeCount).toBe((t.thinking.signals!.stats.counts.hedge ?? 0) + answerHedges);
    // The failure score the list shows, with its reasons in words.
    expect(t.failure!.score).toBe(row.failureScore);
    expect(Array.isArray(t.failure!.reasons)).toBe(true);
    for (const reason of t.failure!.reasons) expect(reason.text.length).toBeGreaterThan(0);
  });

  it("shows omitted thinking as omitted, with its token count, never as an empty success", async () => {
    const t = (await api<Detail>(`/api/traces/${ids.omitted}`)).body;
    expect(t.thinking.status).toBe("omitted");
    expect(t.thinking.text).toBeNull();
    expect(t.thinking.signals).toBeNull();
    expect(t.thinking.tokens).toBeGreaterThan(0);
    expect(t.thinking.placeholder).toContain(`${t.thinking.tokens.toLocaleString("en-US")} thinking tokens`);
    expect(t.cost.thinking!).toBeGreaterThan(0);
  });

  it("says plainly when a request did not think", async () => {
    const t = (await api<Detail>(`/api/traces/${ids.plain}`)).body;
    expect(t.thinking).toMatchObject({ status: "none", text: null, placeholder: null, tokens: 0 });
  });

  it("answers 404 for an unknown id", async () => {
    const r = await api<{ error: { type: string } }>("/api/traces/req_000000000nothere");
    expect(r.status).toBe(404);
    expect(r.body.error.type).toBe("not_found_error");
  });
});

describe("labels and examples", () => {
  interface Example {
    id: string;
    prompt: string;
    label: string;
    source: string;
    requestId: string | null;
    createdBy: string;
    task: string | null;
  }

  it("stores a trace's label as a labelled example, one per request (the last word wins)", async () => {
    const viewer = await api<{ secret: string }>("/api/keys", { method: "POST", body: JSON.stringify({ name: "ml engineer", role: "viewer" }) });
    const first = await api<Example>(`/api/traces/${ids.review}/label`, { method: "POST", body: JSON.stringify({ needsReasoning: false }), key: viewer.body.secret });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ label: "standard", source: "trace", requestId: ids.review, createdBy: "ml engineer", task: "code-review" });
    expect(first.body.prompt).toMatch(/race conditions/);
    const second = await api<Example>(`/api/traces/${ids.review}/label`, { method: "POST", body: JSON.stringify({ needsReasoning: true }) });
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.label).toBe("reasoning");
    expect((await api<{ label: { label: string } }>(`/api/traces/${ids.review}`)).body.label.label).toBe("reasoning");
    const examples = (await api<{ data: Example[] }>("/api/examples")).body.data;
    expect(examples.filter((e) => e.requestId === ids.review)).toHaveLength(1);
  });

  it("validates the label body", async () => {
    expect((await api(`/api/traces/${ids.review}/label`, { method: "POST", body: JSON.stringify({ needsReasoning: "yes" }) })).status).toBe(400);
    expect((await api(`/api/traces/req_000000000nothere/label`, { method: "POST", body: JSON.stringify({ needsReasoning: true }) })).status).toBe(404);
  });

  it("saves a playground prompt as an example", async () => {
    const r = await api<Example>("/api/examples", { method: "POST", body: JSON.stringify({ prompt: "Is 91 prime?", label: "standard", task: "math" }) });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ prompt: "Is 91 prime?", label: "standard", source: "playground", requestId: null, task: "math" });
    expect((await api("/api/examples", { method: "POST", body: JSON.stringify({ prompt: "", label: "standard" }) })).status).toBe(400);
    expect((await api("/api/examples", { method: "POST", body: JSON.stringify({ prompt: "x", label: "maybe" }) })).status).toBe(400);
  });
});

describe("playground", () => {
  async function run(tier: "standard" | "reasoning", key = server.adminKey) {
    const res = await fetch(`${server.url}/api/playground/run`, {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "Is 91 prime? Explain briefly.", task: "math", tier }),
    });
    return { res, text: await res.text() };
  }

  it("streams each side through the gateway and records it like any request", async () => {
    const [std, rsn] = await Promise.all([run("standard"), run("reasoning")]);
    for (const [r, tier] of [[std, "standard"], [rsn, "reasoning"]] as const) {
      expect(r.res.status).toBe(200);
      expect(r.res.headers.get("content-type")).toMatch(/text\/event-stream/);
      expect(r.res.headers.get("thinkgate-tier")).toBe(tier);
      expect(r.res.headers.get("thinkgate-stage")).toBe("override");
      expect(r.text).toContain("event: message_stop");
      const id = r.res.headers.get("thinkgate-request-id")!;
      const t = await eventually(async () => {
        const d = await api<{ tier: string; task: string; stream: boolean; cost: { total: number | null }; thinking: { status: string } }>(`/api/traces/${id}`);
        return d.status === 200 ? d.body : undefined;
      });
      expect(t).toMatchObject({ tier, task: "math", stream: true });
      expect(t.cost.total).toBeGreaterThan(0);
      expect(t.thinking.status).toBe(tier === "reasoning" ? "text" : "none");
    }
    expect(rsn.text).toContain("thinking_delta");
    expect(std.text).not.toContain("thinking_delta");
  });

  it("reads a run's record with ?wait as soon as the stream ends: the record on its way is waited for, not a 404", async () => {
    const [std, rsn] = await Promise.all([run("standard"), run("reasoning")]);
    for (const r of [std, rsn]) {
      const id = r.res.headers.get("thinkgate-request-id")!;
      const t = await api<{ id: string; task: string }>(`/api/traces/${id}?wait=5000`);
      expect(t.status).toBe(200);
      expect(t.body).toMatchObject({ id, task: "math" });
    }
    // A request that never was: 404 once the wait is over, not before.
    const started = Date.now();
    const missing = await api<{ error: { type: string } }>("/api/traces/req_000000000nothing?wait=300");
    expect(missing.status).toBe(404);
    expect(missing.body.error.type).toBe("not_found_error");
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    for (const wait of ["-1", "10001", "soon", "1.5"]) {
      const bad = await api<{ error: { type: string; message: string } }>(`/api/traces/${ids.review}?wait=${wait}`);
      expect(bad.status, wait).toBe(400);
      expect(bad.body.error.message).toMatch(/^wait/);
    }
  });

  it("needs the viewer role and a valid body", async () => {
    const gateway = await api<{ secret: string }>("/api/keys", { method: "POST", body: JSON.stringify({ name: "svc", role: "gateway" }) });
    expect((await run("standard", gateway.body.secret)).res.status).toBe(403);
    const bad = await fetch(`${server.url}/api/playground/run`, {
      method: "POST",
      headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "x", tier: "fast" }),
    });
    expect(bad.status).toBe(400);
  });
});
