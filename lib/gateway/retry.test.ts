import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { backoffMs, classify, nextWait, readRetryPolicy, retryAfterMs, wait } from "./retry";

const policy = { maxRetries: 2, baseMs: 100, maxBackoffMs: 1_000, maxWaitMs: 2_000 };
const apiError = (status: number, headers: Record<string, string> = {}, type?: string) =>
  APIError.generate(status, type ? { type: "error", error: { type, message: "x" } } : undefined, "x", new Headers(headers));

describe("retry policy", () => {
  it("reads retry-after-ms first, then retry-after in seconds or as an HTTP date", () => {
    expect(retryAfterMs(new Headers({ "retry-after-ms": "250", "retry-after": "9" }))).toBe(250);
    expect(retryAfterMs(new Headers({ "retry-after": "2" }))).toBe(2_000);
    const now = Date.parse("2026-11-26T00:00:00Z");
    expect(retryAfterMs(new Headers({ "retry-after": "Thu, 26 Nov 2026 00:00:03 GMT" }), now)).toBe(3_000);
    expect(retryAfterMs(new Headers({ "retry-after-ms": "-5" }))).toBeNull();
    expect(retryAfterMs(new Headers({ "retry-after": "soon" }))).toBeNull();
    expect(retryAfterMs(undefined)).toBeNull();
  });

  it("retries 408, 409, 429, 5xx, connection errors and timeouts; not other 4xx", () => {
    for (const s of [408, 409, 429, 500, 503, 529]) expect(classify(apiError(s))?.retryable, String(s)).toBe(true);
    for (const s of [400, 401, 403, 404, 413]) expect(classify(apiError(s))?.retryable, String(s)).toBe(false);
    expect(classify(new APIConnectionError({ message: "refused" }))).toMatchObject({ status: null, retryable: true, breaker: true });
    expect(classify(new APIConnectionTimeoutError())).toMatchObject({ type: "timeout_error", retryable: true });
  });

  it("lets x-should-retry override the status", () => {
    expect(classify(apiError(429, { "x-should-retry": "false" }))?.retryable).toBe(false);
    expect(classify(apiError(400, { "x-should-retry": "true" }))?.retryable).toBe(true);
  });

  it("counts only the model's trouble against its circuit: not a 429, not the request's own faults", () => {
    // A rate limit is retried (after its retry-after) but says nothing about the model's health.
    expect(classify(apiError(429, { "retry-after": "30" }, "rate_limit_error"))).toMatchObject({ status: 429, retryable: true, breaker: false, retryAfterMs: 30_000 });
    for (const s of [400, 401, 403, 404, 409, 413, 422]) expect(classify(apiError(s))?.breaker, String(s)).toBe(false);
    expect(classify(apiError(529, {}, "overloaded_error"))).toMatchObject({ status: 529, type: "overloaded_error", breaker: true });
    for (const s of [408, 500, 502, 503, 504]) expect(classify(apiError(s))?.breaker, String(s)).toBe(true);
    expect(classify(new APIConnectionTimeoutError())?.breaker).toBe(true);
  });

  it("does not treat the client leaving or a bug as an upstream fault", () => {
    expect(classify(new APIUserAbortError())).toBeNull();
    expect(classify(new Error("a bug"))).toBeNull();
  });

  it("backs off exponentially with full jitter, capped", () => {
    expect(backoffMs(0, policy, () => 0.999)).toBe(99);
    expect(backoffMs(2, policy, () => 0.5)).toBe(200);
    expect(backoffMs(10, policy, () => 0.999)).toBe(999);
    expect(backoffMs(3, policy, () => 0)).toBe(0);
  });

  it("honours retry-after up to the cap, and gives up past the retries or the cap", () => {
    const f = classify(apiError(429, { "retry-after-ms": "1500" }))!;
    expect(nextWait(f, 0, policy)).toBe(1_500);
    expect(nextWait(f, 2, policy)).toBeNull();
    expect(nextWait(classify(apiError(429, { "retry-after-ms": "60000" }))!, 0, policy)).toBeNull();
    expect(nextWait(classify(apiError(400))!, 0, policy)).toBeNull();
    expect(nextWait(classify(apiError(500))!, 1, policy, () => 0.5)).toBe(100);
  });

  it("reads its settings from the environment, with defaults", () => {
    expect(readRetryPolicy({})).toEqual({ maxRetries: 2, baseMs: 250, maxBackoffMs: 4_000, maxWaitMs: 5_000 });
    expect(readRetryPolicy({ THINKGATE_RETRY_MAX: "0", THINKGATE_RETRY_MAX_WAIT_MS: "100" })).toMatchObject({ maxRetries: 0, maxWaitMs: 100 });
    expect(readRetryPolicy({ THINKGATE_RETRY_MAX: "-1" }).maxRetries).toBe(2);
  });

  it("waits, unless the client leaves first", async () => {
    const t0 = performance.now();
    await wait(30, new AbortController().signal);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    const c = new AbortController();
    const p = wait(10_000, c.signal);
    c.abort();
    await expect(p).rejects.toBeInstanceOf(APIUserAbortError);
  });
});
