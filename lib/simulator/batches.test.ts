import { afterEach, describe, expect, it } from "vitest";
import { bodyOf, isStream, type ApiRequest, type ApiResponse } from "../api/http";
import { setSimulatorLatencyMode } from "./latency";
import { simulatorRoutes } from "./routes";

const HEADERS = { "anthropic-version": "2026-10-21", authorization: "Bearer test", host: "sim.test" };
const BASE = "/api/simulator/v1/messages/batches";

function call(method: string, path: string, o: { body?: unknown; id?: string } = {}): Promise<ApiResponse> {
  const [p, q] = path.split("?");
  const r = simulatorRoutes.find((x) => x.method === method && new RegExp(`^${x.path.replace(/:\w+/g, "[^/]+")}$`).test(p!));
  if (!r) throw new Error(`no route ${method} ${path}`);
  const req: ApiRequest = {
    method,
    path: p!,
    query: new URLSearchParams(q ?? ""),
    headers: HEADERS,
    params: o.id ? { id: o.id } : {},
    ...bodyOf(o.body === undefined ? "" : JSON.stringify(o.body)),
    signal: new AbortController().signal,
  };
  return r.handler(req);
}

async function json<T = Record<string, unknown>>(res: ApiResponse): Promise<T> {
  if (isStream(res)) throw new Error("expected a JSON body");
  return JSON.parse(typeof res.body === "string" ? res.body : new TextDecoder().decode(res.body)) as T;
}

async function text(res: ApiResponse): Promise<string> {
  if (!isStream(res)) throw new Error("expected a stream");
  let out = "";
  for await (const chunk of res.stream) out += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
  return out;
}

const params = (content: string, model = "claude-sonnet-4-6") => ({ model, max_tokens: 256, messages: [{ role: "user", content }] });

afterEach(() => setSimulatorLatencyMode(undefined));

describe("the simulator's Message Batches API", () => {
  it("answers each item as a message at the batch tier, and an item it would refuse as errored", async () => {
    setSimulatorLatencyMode("zero");
    const created = await json<{ id: string; processing_status: string; results_url: null }>(
      await call("POST", BASE, { body: { requests: [{ custom_id: "a", params: params("Say hello.") }, { custom_id: "b", params: params("hi", "claude-nope") }] } }),
    );
    expect(created).toMatchObject({ processing_status: "in_progress", results_url: null });
    await new Promise((r) => setTimeout(r, 20));
    const batch = await json(await call("GET", `${BASE}/${created.id}`, { id: created.id }));
    expect(batch).toMatchObject({ processing_status: "ended", request_counts: { succeeded: 1, errored: 1, processing: 0 }, results_url: `http://sim.test/api/simulator/v1/messages/batches/${created.id}/results` });
    const lines = (await text(await call("GET", `${BASE}/${created.id}/results`, { id: created.id }))).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ custom_id: "a", result: { type: "succeeded", message: { type: "message", usage: { service_tier: "batch" } } } });
    expect(lines[1]).toMatchObject({ custom_id: "b", result: { type: "errored", error: { type: "error", error: { type: "not_found_error" } } } });
  });

  it("keeps a batch in progress for a while, refuses its results and its deletion until it ends, and cancels it", async () => {
    setSimulatorLatencyMode("realistic");
    const { id } = await json<{ id: string }>(await call("POST", BASE, { body: { requests: [{ custom_id: "a", params: params("Say hello.") }] } }));
    expect((await call("GET", `${BASE}/${id}/results`, { id })).status).toBe(400);
    expect((await call("DELETE", `${BASE}/${id}`, { id })).status).toBe(400);
    const canceled = await json(await call("POST", `${BASE}/${id}/cancel`, { id }));
    expect(canceled).toMatchObject({ processing_status: "ended", request_counts: { canceled: 1 } });
    expect(canceled.cancel_initiated_at).toBeTruthy();
    expect((await text(await call("GET", `${BASE}/${id}/results`, { id }))).trim()).toBe(JSON.stringify({ custom_id: "a", result: { type: "canceled" } }));
    expect(await json(await call("DELETE", `${BASE}/${id}`, { id }))).toEqual({ id, type: "message_batch_deleted" });
    expect((await call("GET", `${BASE}/${id}`, { id })).status).toBe(404);
  });

  it("refuses a malformed batch: duplicate custom ids, a streamed item", async () => {
    const dup = await call("POST", BASE, { body: { requests: [{ custom_id: "a", params: params("x") }, { custom_id: "a", params: params("y") }] } });
    expect(dup.status).toBe(400);
    const streamed = await call("POST", BASE, { body: { requests: [{ custom_id: "a", params: { ...params("x"), stream: true } }] } });
    expect(streamed.status).toBe(400);
  });
});
