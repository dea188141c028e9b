/**
 * What the gateway does when an upstream call fails before anything reached
 * the client: which failures are worth another try, how long to wait, and
 * when to give up on a route and move to its fallback.
 *
 * The policy follows the API's own (anthropic-api.md §2.5): `x-should-retry`
 * wins; otherwise 408, 409, 429, every 5xx (529 included), connection errors
 * and timeouts are retried; other 4xx are the request's fault and are not.
 * The wait honours `retry-after-ms`, then `retry-after`; without either it is
 * exponential backoff with full jitter (a random wait between 0 and the
 * exponential cap), so clients that failed together do not retry together.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import { apiErrorIn } from "../api/errors";

export interface RetryPolicy {
  /** Further tries on the same route after the first. */
  maxRetries: number;
  /** Backoff cap of the first retry; doubles per retry. */
  baseMs: number;
  /** Largest backoff cap. */
  maxBackoffMs: number;
  /** Longest retry-after the gateway waits out; an upstream that asks for more is left for the fallback. */
  maxWaitMs: number;
}

const int = (v: string | undefined, fallback: number) => {
  const n = Number(v);
  return v !== undefined && v !== "" && Number.isFinite(n) && n >= 0 ? Math.floor(n) : fallback;
};

export function readRetryPolicy(env: Record<string, string | undefined> = process.env): RetryPolicy {
  return {
    maxRetries: int(env.THINKGATE_RETRY_MAX, 2),
    baseMs: int(env.THINKGATE_RETRY_BASE_MS, 250),
    maxBackoffMs: int(env.THINKGATE_RETRY_MAX_BACKOFF_MS, 4_000),
    maxWaitMs: int(env.THINKGATE_RETRY_MAX_WAIT_MS, 5_000),
  };
}

/** An upstream failure, as the dispatcher needs to see it. */
export interface UpstreamFault {
  /** HTTP status, or null for a connection error or timeout. */
  status: number | null;
  /** The API's error type (from the body when there is one). */
  type: string;
  /** Worth another try, on this route or the next. */
  retryable: boolean;
  /** Counts against the model's circuit breaker: the model, not the request or the account's limits, is in trouble. */
  breaker: boolean;
  /** What the upstream asked for, in ms; null when it did not say. */
  retryAfterMs: number | null;
}

/** `retry-after-ms`, else `retry-after` (seconds or an HTTP date); values outside (0, 2³¹) are ignored, as the SDK does. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get("retry-after-ms");
  if (ms !== null) {
    const n = Number(ms);
    if (Number.isFinite(n) && n > 0 && n < 2 ** 31) return Math.ceil(n);
  }
  const ra = headers.get("retry-after");
  if (ra !== null) {
    const secs = Number(ra);
    const n = Number.isFinite(secs) ? secs * 1000 : Date.parse(ra) - now;
    if (Number.isFinite(n) && n > 0 && n < 2 ** 31) return Math.ceil(n);
  }
  return null;
}

/**
 * Which statuses are a verdict on the model, for its circuit breaker.
 *
 * A 429 is not: it says this gateway's account is over its rate or spend
 * limit, a fact about the traffic (one large prompt can use up a minute's
 * input tokens), not about the model's health, and it says when to come back
 * (retry-after), which the retries honour. Opening the circuit on it would
 * cut every client off a healthy model for a whole cool-down.
 *
 * A 529 `overloaded_error` is: the API has no capacity for the model right
 * now, for every caller, whatever this gateway sends. Calling it anyway adds
 * load and latency where a fallback model would answer, and being a rate over
 * a window, a few 529s in a quiet minute do not open the circuit on their own.
 * So are the other 5xx and a 408 (the upstream timed out).
 *
 * The request's own faults (400, 401, 403, 404, 413...) and a 409 conflict
 * say nothing about the model.
 */
function countsAgainstModel(status: number): boolean {
  return status === 408 || status >= 500;
}

/**
 * Classifies what an upstream call threw. Returns null for the client going
 * away (nothing to retry: nobody is waiting) and for errors that are not
 * upstream failures at all (a bug is not retried).
 */
export function classify(err: unknown): UpstreamFault | null {
  if (err instanceof APIUserAbortError) return null;
  if (err instanceof APIConnectionTimeoutError) return { status: null, type: "timeout_error", retryable: true, breaker: true, retryAfterMs: null };
  if (err instanceof APIConnectionError) return { status: null, type: "api_error", retryable: true, breaker: true, retryAfterMs: null };
  if (err instanceof APIError && err.status !== undefined) {
    const status = err.status;
    const type = apiErrorIn(err.error)?.type ?? (status >= 500 ? "api_error" : "invalid_request_error");
    const should = err.headers?.get("x-should-retry");
    const byStatus = status === 408 || status === 409 || status === 429 || status >= 500;
    const retryable = should === "true" ? true : should === "false" ? false : byStatus;
    return { status, type, retryable, breaker: countsAgainstModel(status), retryAfterMs: retryAfterMs(err.headers) };
  }
  return null;
}

/** Full jitter: a random wait in [0, min(maxBackoff, base·2^retry)). */
export function backoffMs(retry: number, p: RetryPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(p.maxBackoffMs, p.baseMs * 2 ** retry));
}

/**
 * How long to wait before retry number `retry` (0-based), or null when the
 * route should be left now: no retries left, or the upstream asks for a wait
 * longer than the gateway holds a request for.
 */
export function nextWait(fault: UpstreamFault, retry: number, p: RetryPolicy, random?: () => number): number | null {
  if (!fault.retryable || retry >= p.maxRetries) return null;
  if (fault.retryAfterMs !== null) return fault.retryAfterMs <= p.maxWaitMs ? fault.retryAfterMs : null;
  return backoffMs(retry, p, random);
}

/** Waits, unless the client goes away first (then rejects with the SDK's abort error, as an aborted call would). */
export function wait(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new APIUserAbortError());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
