import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyOf, isStream, type ApiRequest, type ApiResponse } from "../api/http";
import { readDirectives } from "./directives";
import { setSimulatorLatencyMode } from "./latency";
import { simulatorRoutes } from "./routes";

const createMessage = simulatorRoutes.find((r) => r.method === "POST" && r.path.endsWith("/v1/messages"))!.handler;

function create(content: string, model = "claude-sonnet-4-6", stream = false): Promise<ApiResponse> {
  const req: ApiRequest = {
    method: "POST",
    path: "/api/simulator/v1/messages",
    query: new URLSearchParams(),
    headers: { "anthropic-version": "2026-10-21", authorization: "Bearer test" },
    params: {},
    ...bodyOf(JSON.stringify({ model, max_tokens: 50, stream, messages: [{ role: "user", content }] })),
    signal: new AbortController().signal,
  };
  return createMessage(req);
}

beforeAll(() => setSimulatorLatencyMode("zero"));
afterAll(() => setSimulatorLatencyMode(undefined));

describe("simulator: narrowed faults", () => {
  it("parses NAME*N, NAME@MODEL[,MODEL] and retry_after_ms, and rejects malformed values", () => {
    expect(readDirectives("[[sim:fault=529*2@claude-opus-4-7,claude-sonnet-4-6]] [[sim:retry_after_ms=250]]")).toEqual({
      fault: "529",
      faultTimes: 2,
      faultModels: ["claude-opus-4-7", "claude-sonnet-4-6"],
      retryAfterMs: 250,
    });
    expect(readDirectives("[[sim:fault=529*0]]")).toMatchObject({ status: 400 });
    expect(readDirectives("[[sim:fault=503*1]]")).toMatchObject({ status: 400 });
    expect(readDirectives("[[sim:retry_after_ms=soon]]")).toMatchObject({ status: 400 });
  });

  it("fails only the first N calls with the same prompt", async () => {
    const prompt = `hello ${Math.random()} [[sim:fault=529*2]]`;
    expect((await create(prompt)).status).toBe(529);
    expect((await create(prompt)).status).toBe(529);
    expect((await create(prompt)).status).toBe(200);
    expect((await create(`other ${Math.random()} [[sim:fault=529*2]]`)).status).toBe(529);
  });

  it("fails only calls to the named models, with the retry-after asked for", async () => {
    const prompt = `hello [[sim:fault=429@claude-opus-4-7]] [[sim:retry_after_ms=2500]]`;
    const failed = await create(prompt, "claude-opus-4-7");
    expect(failed.status).toBe(429);
    expect(failed.headers).toMatchObject({ "retry-after-ms": "2500", "retry-after": "3" });
    expect((await create(prompt, "claude-sonnet-4-6")).status).toBe(200);
    const overloaded = await create("hi [[sim:fault=529]] [[sim:retry_after_ms=100]]");
    expect(overloaded.headers).toMatchObject({ "retry-after-ms": "100", "retry-after": "1" });
  });

  it("reset: headers, then a body that fails before its first byte", async () => {
    for (const stream of [false, true]) {
      const res = await create("hi [[sim:fault=reset]]", "claude-sonnet-4-6", stream);
      expect(res.status).toBe(200);
      if (!isStream(res)) throw new Error("expected a body that breaks");
      await expect(res.stream[Symbol.asyncIterator]().next()).rejects.toThrow(/reset/);
    }
  });
});
