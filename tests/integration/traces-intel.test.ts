/**
 * Trace intelligence end to end, on a real thinkgate process with the
 * simulator upstream (SQLite, or PostgreSQL with THINKGATE_TEST_DB=postgresql):
 * redaction before storage, thinking-text sampling, the signals API, patterns
 * across traces and the failure view, and the trace settings API.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopeTraceFilters, summariseScopes, type PatternsResponse } from "../../lib/traces/patterns-view";
import { filtersToApiQuery, filtersToSearch, readFilters } from "../../lib/traces/url";
import { eventually, startServer, type TestServer } from "../support/server";

let server: TestServer;
let client: Anthropic;
let admin: Record<string, string>;

interface StoredRecord {
  id: string;
  status: string;
  routeId: string | null;
  prompt: string | null;
  system: string | null;
  answer: string | null;
  thinkingStatus: string;
  thinkingText: string | null;
  thinkingSampledOut: boolean;
  thinkingTokens: number;
  outputTokens: number;
  inputTokens: number;
  costTotal: number | null;
  costThinking: number | null;
  hedgeCount: number | null;
  assumptionCount: number | null;
  hedgeDensity: number | null;
  assumptionDensity: number | null;
  answerHedgeDensity: number | null;
  signalProfile: { total: number[] } | null;
  assumptionKeys: string[] | null;
}

async function stored(id: string): Promise<StoredRecord> {
  return eventually(async () => {
    const res = await fetch(`${server.url}/api/requests/${id}`, { headers: { "x-api-key": server.adminKey } });
    return res.status === 200 ? ((await res.json()) as StoredRecord) : undefined;
  });
}

/** A reasoning request (task code-review routes to the "reasoning" route); returns thinkgate's request id. */
async function ask(content: string, opts: { system?: string; stream?: boolean } = {}): Promise<string> {
  const body = { model: "claude-sonnet-4-6", max_tokens: 4096, messages: [{ role: "user" as const, content }], ...(opts.system ? { system: opts.system } : {}) };
  const headers = { "thinkgate-task": "code-review" };
  if (opts.stream) {
    const res = await fetch(`${server.baseURL}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": server.adminKey, "content-type": "application/json", "anthropic-version": "2023-06-01", ...headers },
      body: JSON.stringify({ ...body, stream: true }),
    });
    await res.text();
    return res.headers.get("thinkgate-request-id")!;
  }
  const { response } = await client.messages.create(body, { headers }).withResponse();
  return response.headers.get("thinkgate-request-id")!;
}

async function putSettings(body: unknown, headers = admin): Promise<Response> {
  return fetch(`${server.url}/api/settings/traces`, { method: "PUT", headers, body: JSON.stringify(body) });
}

beforeAll(async () => {
  server = await startServer();
  client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
  admin = { "x-api-key": server.adminKey, "content-type": "application/json" };
});

afterAll(async () => {
  await server?.stop();
});

const KEY = "sk-ant-api03-" + "Zq8_Lm3-Xv7".repeat(8) + "AA";
const EMAIL = "ann.lee@example.com";

describe(`redaction before storage (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("never stores thinkgate's own key from a prompt, even with redaction turned off, so a viewer cannot recover it", async () => {
    expect((await putSettings({ redaction: { enabled: false } })).status).toBe(200);
    let rec;
    try {
      const id = await ask(`My admin key is ${server.adminKey}; why does the dashboard say unauthorised?`);
      rec = await stored(id);
    } finally {
      expect((await putSettings({ redaction: { enabled: true } })).status).toBe(200);
    }
    expect(rec.prompt).toBe("My admin key is [redacted:thinkgate_key]; why does the dashboard say unauthorised?");
    expect(JSON.stringify(rec)).not.toContain(server.adminKey.slice(3));
  });

  it("stores prompt, system, answer and thinking with keys, e-mail addresses and card numbers masked", async () => {
    const id = await ask(`Review this config for leaks: ANTHROPIC_API_KEY=${KEY} and alerts go to ${EMAIL}. Is the retry loop safe?`, {
      system: "Billing test card 4111 1111 1111 1111 must never be logged.",
    });
    const rec = await stored(id);
    expect(rec.status).toBe("ok");
    expect(rec.prompt).toBe("Review this config for leaks: ANTHROPIC_API_KEY=[redacted:anthropic_key] and alerts go to [redacted:email]. Is the retry loop safe?");
    expect(rec.system).toBe("Billing test card [redacted:card] must never be logged.");
    // Nothing of either value survives anywhere in the record, thinking and answer
    // included (the simulator echoes words of the prompt, lower-cased, into both).
    const all = JSON.stringify(rec).toLowerCase();
    expect(all).not.toContain(KEY.slice(0, 24).toLowerCase());
    expect(all).not.toContain(EMAIL);
    expect(all).not.toContain("4111 1111");
    expect(rec.thinkingStatus).toBe("text");
    expect(rec.thinkingText).toBeTruthy();
  });

  it("masks a bare key and a user-defined pattern configured for the deployment", async () => {
    const bad = await putSettings({ redaction: { patterns: [{ label: "employee", match: "EMP*1" }] } });
    expect(bad.status).toBe(400);
    const err = (await bad.json()) as { type: string; error: { type: string; message: string } };
    expect(err.type).toBe("error");
    expect(err.error.type).toBe("invalid_request_error");
    expect(err.error.message).toMatch(/redaction\.patterns\.0\.match/);

    const ok = await putSettings({ redaction: { patterns: [{ label: "employee", match: "EMP-######" }] } });
    expect(ok.status).toBe(200);
    const settings = (await (await fetch(`${server.url}/api/settings/traces`, { headers: admin })).json()) as { redaction: { enabled: boolean; patterns: { label: string }[] } };
    expect(settings.redaction.enabled).toBe(true);
    expect(settings.redaction.patterns.map((p) => p.label)).toEqual(["employee"]);

    const id = await ask(`Who is EMP-123456? Their key ${KEY} leaked.`);
    const rec = await stored(id);
    expect(rec.prompt).toBe("Who is [redacted:employee]? Their key [redacted:anthropic_key] leaked.");
    expect(JSON.stringify(rec)).not.toContain("EMP-123456");
  });

  it("lets only admins change the settings", async () => {
    const created = await fetch(`${server.url}/api/keys`, { method: "POST", headers: admin, body: JSON.stringify({ name: "viewer", role: "viewer" }) });
    const viewer = { "x-api-key": ((await created.json()) as { secret: string }).secret, "content-type": "application/json" };
    expect((await fetch(`${server.url}/api/settings/traces`, { headers: viewer })).status).toBe(200);
    const denied = await putSettings({ sampling: { rate: 1 } }, viewer);
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { type: string } }).error.type).toBe("permission_error");
  });
});

describe("sampling of thinking text", () => {
  const PROMPT = "Review this function for race conditions: let n = 0; async function inc() { const v = n; await tick(); n = v + 1; }";

  it("at rate 0 drops an ok request's thinking text but keeps its counts and cost", async () => {
    expect((await putSettings({ sampling: { rate: 0, hedgeDensityThreshold: 1000 } })).status).toBe(200);
    const rec = await stored(await ask(PROMPT));
    expect(rec.status).toBe("ok");
    expect(rec.thinkingStatus).toBe("text");
    expect(rec.thinkingText).toBeNull();
    expect(rec.thinkingSampledOut).toBe(true);
    expect(rec.thinkingTokens).toBeGreaterThan(0);
    expect(rec.costThinking!).toBeGreaterThan(0);
    expect(rec.costTotal!).toBeGreaterThan(0);
    expect(rec.hedgeCount).not.toBeNull();
    expect(rec.hedgeDensity!).toBeGreaterThan(1);
    expect(rec.assumptionCount).not.toBeNull();
    expect(rec.signalProfile!.total).toHaveLength(10);
  });

  it("at rate 0 still stores the thinking of a partial answer (stream broken by an error)", async () => {
    const rec = await stored(await ask(`${PROMPT} [[sim:fault=midstream_error]]`, { stream: true }));
    expect(rec.status).toBe("partial");
    expect(rec.thinkingText).toBeTruthy();
    expect(rec.thinkingSampledOut).toBe(false);
  });

  it("at rate 0 records an upstream error, with nothing to sample", async () => {
    const err = await client.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 100, messages: [{ role: "user", content: "[[sim:fault=500]] hi" }] }, { headers: { "thinkgate-task": "code-review" } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    const rec = await stored((err as InstanceType<typeof Anthropic.APIError>).headers!.get("thinkgate-request-id")!);
    expect(rec.status).toBe("error");
    expect(rec.thinkingText).toBeNull();
    expect(rec.thinkingSampledOut).toBe(false);
  });

  it("at rate 0 stores a trace whose hedge density is above the threshold", async () => {
    expect((await putSettings({ sampling: { rate: 0, hedgeDensityThreshold: 1 } })).status).toBe(200);
    const rec = await stored(await ask(PROMPT));
    expect(rec.thinkingText).toBeTruthy();
    expect(rec.thinkingSampledOut).toBe(false);
    expect((await putSettings({ sampling: { rate: 1 } })).status).toBe(200);
  });
});

describe("POST /api/v1/signals", () => {
  const post = (body: string) => fetch(`${server.url}/api/v1/signals`, { method: "POST", headers: admin, body });

  it("answers the spans and stats of a text", async () => {
    const text = "Assuming the input is sorted, I think binary search works. Wait, no: it might contain duplicates.";
    const res = await post(JSON.stringify({ text }));
    expect(res.status).toBe(200);
    const out = (await res.json()) as { spans: { start: number; end: number; kind: string; text: string }[]; stats: { counts: Record<string, number>; positionDensity: { total: number[] } } };
    expect(out.spans.map((s) => `${s.kind}:${s.text}`)).toEqual(["assumption:Assuming", "hedge:I think", "self_correction:Wait, no", "hedge:might"]);
    for (const s of out.spans) expect(text.slice(s.start, s.end)).toBe(s.text);
    expect(out.stats.counts.hedge).toBe(2);
    expect(out.stats.positionDensity.total).toHaveLength(10);
  });

  it("answers a bad body with a 400 in the API's error shape", async () => {
    for (const body of [JSON.stringify({ text: 42 }), JSON.stringify({}), "not json", JSON.stringify({ text: "x".repeat(2 * 1024 * 1024 + 1) })]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      const err = (await res.json()) as { type: string; error: { type: string; message: string } };
      expect(err.type).toBe("error");
      expect(err.error.type).toBe("invalid_request_error");
    }
  });

  it("needs a viewer key or above", async () => {
    const created = await fetch(`${server.url}/api/keys`, { method: "POST", headers: admin, body: JSON.stringify({ name: "gw", role: "gateway" }) });
    const gw = ((await created.json()) as { secret: string }).secret;
    const res = await fetch(`${server.url}/api/v1/signals`, { method: "POST", headers: { "x-api-key": gw, "content-type": "application/json" }, body: JSON.stringify({ text: "maybe" }) });
    expect(res.status).toBe(403);
  });
});

describe("patterns across traces", () => {
  interface Patterns {
    analysed: { traces: number; limit: number; truncated: boolean };
    rates: { day: string; routeId: string | null; app: string | null; traces: number; hedgeRate: number; assumptionRate: number; meanHedgeDensity: number }[];
    assumptions: { routeId: string | null; key: string; traces: number; share: number; scopeTraces: number; examples: string[]; suggestion: string }[];
  }

  it("finds an assumption that recurs across requests on a route, with example requests and a suggestion", async () => {
    // The simulator reasons the same way about the same prompt, and draws its
    // premises from a small set, so these traces share assumptions.
    const prompts = [
      ...Array.from({ length: 4 }, () => "Review this cache: entries never expire and the map grows with every user id."),
      "Review this handler: it reads the body twice and never closes the file.",
      "Review this SQL: SELECT * FROM orders WHERE status = 'open' ORDER BY created_at.",
    ];
    const ids: string[] = [];
    for (const p of prompts) ids.push(await ask(p));
    await stored(ids[ids.length - 1]!);
    await eventually(async () => {
      const all = await Promise.all(ids.map((id) => fetch(`${server.url}/api/requests/${id}`, { headers: admin }).then((r) => r.status)));
      return all.every((s) => s === 200) ? true : undefined;
    });

    const res = await fetch(`${server.url}/api/traces/patterns?routeId=reasoning`, { headers: admin });
    expect(res.status).toBe(200);
    const out = (await res.json()) as Patterns;
    expect(out.analysed.limit).toBe(5000);
    expect(out.analysed.traces).toBeGreaterThanOrEqual(prompts.length);
    expect(out.assumptions.length).toBeGreaterThan(0);
    const top = out.assumptions[0]!;
    expect(top.routeId).toBe("reasoning");
    expect(top.traces).toBeGreaterThanOrEqual(4);
    expect(top.share).toBeCloseTo(top.traces / top.scopeTraces, 3);
    expect(top.examples.length).toBeGreaterThan(0);
    expect(top.examples.length).toBeLessThanOrEqual(3);
    for (const e of top.examples) expect(e).toMatch(/^req_/);
    expect(top.suggestion).toMatch(/^\d+% of traces on route reasoning( \(.*\))? assume '.+' — state it in the prompt$/);
    expect(top.suggestion).toContain(`'${top.key}'`);

    const today = new Date().toISOString().slice(0, 10);
    const rate = out.rates.find((r) => r.day === today && r.routeId === "reasoning" && r.app === null)!;
    expect(rate.traces).toBeGreaterThanOrEqual(prompts.length);
    expect(rate.hedgeRate).toBeGreaterThan(0);
    expect(rate.hedgeRate).toBeLessThanOrEqual(1);
    expect(rate.assumptionRate).toBeGreaterThan(0);
    expect(rate.meanHedgeDensity).toBeGreaterThan(0);

    // Filters and the window.
    const none = (await (await fetch(`${server.url}/api/traces/patterns?app=no-such-app`, { headers: admin })).json()) as Patterns;
    expect(none.analysed.traces).toBe(0);
    expect(none.assumptions).toEqual([]);
    const past = (await (await fetch(`${server.url}/api/traces/patterns?from=2020-01-01&to=2020-01-02`, { headers: admin })).json()) as Patterns;
    expect(past.rates).toEqual([]);
    const backwards = await fetch(`${server.url}/api/traces/patterns?from=2020-01-02&to=2020-01-01`, { headers: admin });
    expect(backwards.status).toBe(400);
    expect((await fetch(`${server.url}/api/traces/patterns?from=yesterday`, { headers: admin })).status).toBe(400);
  });

  it("a route and app row counts as many traces as the list it links to holds", async () => {
    const app = "pattern-count";
    const headers = { "thinkgate-task": "code-review", "thinkgate-app": app };
    const create = (content: string, signal?: AbortSignal) =>
      client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 4096, messages: [{ role: "user", content }] }, { headers, ...(signal ? { signal } : {}) });
    const thought: string[] = [];
    for (const p of ["Review this cache: entries never expire.", "Review this loop: it never ends when the list is empty."]) {
      thought.push((await create(p).withResponse()).response.headers.get("thinkgate-request-id")!);
    }
    // A request on the same route and app that its client gave up on before any thinking came: a record without thinking.
    const before = new Date().toISOString();
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 500);
    const gaveUp = await create("[[sim:fault=hang]] Review this cache: entries never expire.", abort.signal).withResponse().catch((e: unknown) => e);
    expect(gaveUp).toBeInstanceOf(Anthropic.APIUserAbortError);
    const failed = await eventually(async () => {
      const res = await fetch(`${server.url}/api/traces?${new URLSearchParams({ from: before, app, status: "error" }).toString()}`, { headers: admin });
      const { data } = (await res.json()) as { data: { id: string }[] };
      return data[0];
    });
    expect(await stored(failed.id)).toMatchObject({ routeId: "reasoning", status: "error", hedgeDensity: null });
    for (const id of thought) expect((await stored(id)).hedgeDensity).not.toBeNull();

    const out = (await (await fetch(`${server.url}/api/traces/patterns?app=${app}`, { headers: admin })).json()) as PatternsResponse;
    const scope = summariseScopes(out.rates).find((s) => s.routeId === "reasoning" && s.app === app)!;
    expect(scope.traces).toBe(thought.length);
    // A trace recorded after the page was read is not one the row counted.
    await stored((await create("Review this parser: it drops the last token.").withResponse()).response.headers.get("thinkgate-request-id")!);

    // The row's link, read back by the trace explorer as its URL, then paged through: likely wrong first as linked, and
    // newest first as the explorer's sort menu turns it (that order lists records without a failure score too).
    const linked = readFilters(new URLSearchParams(filtersToSearch(scopeTraceFilters(out.window, scope))));
    for (const filters of [linked, { ...linked, sort: undefined }]) {
      const query = filtersToApiQuery(filters, Date.now());
      const listed: string[] = [];
      let cursor: string | null = null;
      do {
        const params = new URLSearchParams({ ...query, limit: "200", ...(cursor ? { cursor } : {}) });
        const res = await fetch(`${server.url}/api/traces?${params.toString()}`, { headers: admin });
        expect(res.status).toBe(200);
        const page = (await res.json()) as { data: { id: string }[]; nextCursor: string | null };
        listed.push(...page.data.map((r) => r.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(listed.length, JSON.stringify(filters)).toBe(scope.traces);
      expect(listed.sort()).toEqual([...thought].sort());
    }
  });

  it("lists errors, partial answers and escalations with where their hedging peaked", async () => {
    const res = await fetch(`${server.url}/api/traces/failures?limit=50`, { headers: admin });
    expect(res.status).toBe(200);
    const out = (await res.json()) as {
      analysed: { failures: number };
      peakBins: number[];
      data: { id: string; status: string; profile: { total: number[]; hedge: number[] } | null; hedgePeakBin: number | null; thinkingStored: boolean }[];
    };
    expect(out.peakBins).toHaveLength(10);
    expect(out.data.length).toBeGreaterThanOrEqual(2);
    expect(out.data.every((f) => f.status === "error" || f.status === "partial")).toBe(true);
    const partial = out.data.find((f) => f.status === "partial" && f.profile)!;
    expect(partial.profile!.hedge).toHaveLength(10);
    expect(partial.thinkingStored).toBe(true);
    if (partial.hedgePeakBin !== null) expect(partial.profile!.hedge[partial.hedgePeakBin]).toBe(Math.max(...partial.profile!.hedge));
    expect(out.peakBins.reduce((a, b) => a + b, 0)).toBe(out.data.filter((f) => f.hedgePeakBin !== null).length);
    const error = out.data.find((f) => f.status === "error")!;
    expect(error.profile).toBeNull();
    expect(error.hedgePeakBin).toBeNull();
  });
});
