/**
 * Sends a request upstream and deals with upstream faults, as long as nothing
 * has reached the client yet:
 *
 *   - retries with backoff and full jitter, honouring `retry-after-ms` /
 *     `retry-after` (lib/gateway/retry.ts), on 408/409/429/5xx, connection
 *     errors and timeouts, and on a body that breaks off before its first byte
 *     was relayed (a JSON body is read whole here; a stream's first chunk too);
 *   - a circuit breaker per model (lib/gateway/breaker.ts): an open circuit is
 *     not called, a half-open one only by its probes. A 429 is not held
 *     against the model: waited out when its retry-after is short, otherwise
 *     left for the fallback, for this request only;
 *   - the route's fallback chain (Route.fallbackRouteIds, followed
 *     transitively): the request is re-applied for each fallback route, since
 *     the thinking configuration differs per model.
 *
 * Every call that failed, and every route skipped, is a hop of the record; the
 * attempt's decision and applied body end as those of the route that answered
 * (or failed last), so headers and record name it. Once the first byte is out,
 * nothing is retried: a stream that breaks later ends with an SSE error event
 * and a partial record (relayStream in messages.ts).
 *
 * The success path costs a breaker lookup before the call, and a lookup, a
 * clock read and an increment after it.
 */
import { APIConnectionError, APIUserAbortError } from "@anthropic-ai/sdk";
import { AppError } from "../api/errors";
import type { ApiRequest } from "../api/http";
import { lastSnapshot } from "../routing/config";
import type { RouteConfig } from "../routing/types";
import { applyDecision } from "./apply";
import { breaker } from "./breaker";
import { dropStaleHeld } from "./hidden-thinking";
import type { Attempt } from "./messages";
import { classify, nextWait, readRetryPolicy, wait, type RetryPolicy, type UpstreamFault } from "./retry";
import { recordDispatched } from "./record";
import { forwardedHeaders, upstream } from "./upstream";
import { upstreamPayload } from "./upstream-body";

/** What an upstream call returned, read far enough that a break would have been seen. */
export interface Dispatched {
  res: Response;
  /** The whole body of a JSON answer. */
  text: string;
  /** A stream's body and its first chunk, already read. */
  body: AsyncIterator<Uint8Array> | null;
  first: IteratorResult<Uint8Array> | null;
}

const g = globalThis as unknown as { __thinkgateRetry?: RetryPolicy };
const policy = () => (g.__thinkgateRetry ??= readRetryPolicy());

/** The longest chain followed, the decided route included. */
const MAX_CANDIDATES = 5;

/** What upstream calls go with: the request's own signal (lib/gateway/shutdown.ts), aborted when its client leaves or the shutdown cuts it off. */
const upstreamSignal = (req: ApiRequest, a: Attempt): AbortSignal => a.signal ?? req.signal;

async function call(req: ApiRequest, a: Attempt, stream: boolean): Promise<Dispatched> {
  // The escalation check asks for the whole message even when the client streams.
  const applied = a.applied!;
  const asked = (applied.body.stream === true) === stream ? applied.body : { ...applied.body, stream };
  // Thinking thinkgate put back may be bound to a prefix the client has since changed: dropped then, never a 400.
  const { body, headers } = a.restored ? dropStaleHeld(asked, forwardedHeaders(req.headers, a.trace)) : { body: asked, headers: forwardedHeaders(req.headers, a.trace) };
  // A large body is made into bytes here, in turns (upstream-body.ts); the SDK sends bytes as they are.
  const payload = await upstreamPayload(body, a.bodySize ?? 0, headers);
  const signal = upstreamSignal(req, a);
  const res = await upstream().post("/v1/messages", { ...payload, signal, stream }).asResponse();
  let out: Dispatched;
  try {
    if (!stream) out = { res, text: await res.text(), body: null, first: null };
    else {
      const it = (res.body as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
      out = { res, text: "", body: it, first: await it.next() };
    }
  } catch (err) {
    // A success status came first: the API had taken the call (a JSON answer is whole before its headers
    // go out) and bills it, whatever happened to the body. Its usage is lost with it (lib/recorder/build.ts).
    if (res.ok) a.unreadAnswers = (a.unreadAnswers ?? 0) + 1;
    // Headers came, then the connection broke before anything was relayed: a connection error like any other.
    // An answer too large to read (upstream-fetch.ts) is not: asked again, it would be as large.
    if (signal.aborted || err instanceof AppError) throw err;
    throw new APIConnectionError({ message: `the upstream connection broke before the first byte of the body: ${(err as Error).message}`, cause: err as Error });
  }
  const wrong = notAnAnswer(out, stream);
  if (wrong) {
    void out.body?.return?.().catch(() => undefined);
    throw new APIConnectionError({ message: `the upstream answered ${res.status} with ${wrong}` });
  }
  return out;
}

/**
 * What is wrong with a success status whose body cannot be an answer, or
 * null. Something in front of the API (a proxy's page, an empty 204, a JSON
 * body to a stream request) is an upstream failure like a broken connection:
 * nothing has reached the client, so it is retried and falls back, and the
 * client gets an error in the API's shape, never that body under a 200.
 * Checked by its ends and headers, not parsed: the answer is parsed once, later.
 */
function notAnAnswer(d: Dispatched, stream: boolean): string | null {
  if (!stream) {
    const t = d.text;
    let i = 0;
    let j = t.length - 1;
    while (i <= j && t.charCodeAt(i) <= 32) i++;
    while (j >= i && t.charCodeAt(j) <= 32) j--;
    return t[i] === "{" && t[j] === "}" ? null : t.length === 0 ? "an empty body" : "a body that is not a JSON object";
  }
  const type = d.res.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("text/event-stream")) return type ? `a body of type ${type} to a stream request` : "a body without a content type to a stream request";
  return d.first?.done ? "a stream that ended before its first event" : null;
}

/** The decided route and its fallbacks, depth first, each once, at most MAX_CANDIDATES. */
function chainOf(start: RouteConfig, routes: Map<string, RouteConfig>): RouteConfig[] {
  const out: RouteConfig[] = [];
  const visit = (r: RouteConfig) => {
    if (out.length >= MAX_CANDIDATES || out.some((x) => x.id === r.id)) return;
    out.push(r);
    for (const id of r.fallbackRouteIds ?? []) {
      const next = routes.get(id);
      if (next) visit(next);
    }
  };
  visit(start);
  return out;
}

/**
 * The routes this request may fall back to. None for a conversation pinned to
 * its first configuration or carrying thinking blocks, unless the fallback
 * keeps the model: another model would drop or reject those blocks.
 */
function fallbacks(a: Attempt): RouteConfig[] {
  const d = a.decision;
  const snap = lastSnapshot();
  if (!d?.route || d.pinned || !snap) return [];
  const chain = chainOf(d.route, snap.routes).slice(1);
  if (!a.routable?.hasThinkingBlocks) return chain;
  return chain.filter((r) => (r.model === "*" ? a.body!.model : r.model) === a.applied!.model);
}

function circuitOpen(model: string): AppError {
  const secs = Math.max(1, Math.ceil(breaker().retryInMs(model) / 1000));
  return new AppError("overloaded_error", `${model} is unavailable: its circuit is open, too many of its recent upstream calls failed`, {
    headers: { "retry-after": String(secs) },
  });
}

const faultText = (f: UpstreamFault) => (f.status === null ? f.type : `${f.status} ${f.type}`);

/**
 * Calls upstream for the attempt's current route, then its fallbacks, until
 * one answers. Throws when none does: the last error an upstream sent (a 429
 * keeps its `retry-after`), or, when no candidate could be called, a 529
 * `overloaded_error` with `retry-after` for the last one's open circuit.
 */
export async function dispatch(req: ApiRequest, a: Attempt, stream: boolean): Promise<Dispatched> {
  const b = breaker();
  let chain: RouteConfig[] | null = null;
  let next = 0;
  let lastError: unknown = null;
  let lastFault: UpstreamFault | null = null;
  /** Models that already failed this request after their retries: not called again under another route. */
  let failed: Set<string> | null = null;
  a.attempts ??= 0;
  for (;;) {
    const model = a.applied!.model;
    const permit = failed?.has(model) ? null : b.allow(model);
    let called = false;
    if (failed?.has(model)) {
      // Its error stands for this route too.
    } else if (permit === null) {
      // An upstream's own error (a 429 with its retry-after, a 500) says more than "circuit open" of another model.
      if (lastFault === null) lastError = circuitOpen(model);
    } else {
      called = true;
      try {
        for (let retry = 0; ; retry++) {
          // The client left (or the shutdown cut the request off) during routing or a wait: no call is started for nobody.
          if (upstreamSignal(req, a).aborted) throw new APIUserAbortError();
          a.attempts++;
          // Before the first call: a process killed from here on still leaves the request's record.
          recordDispatched(a);
          try {
            const out = await call(req, a, stream);
            b.success(model);
            return out;
          } catch (err) {
            if (upstreamSignal(req, a).aborted) throw err instanceof APIUserAbortError ? err : new APIUserAbortError();
            const fault = classify(err);
            // Not an upstream failure (a bug): nothing to retry.
            if (fault === null) throw err;
            // A 429 or the request's own fault is no verdict on the model: the circuit neither counts nor forgives it.
            if (fault.breaker) b.failure(model);
            if (!fault.retryable) throw err;
            lastError = err;
            lastFault = fault;
            const ms = nextWait(fault, retry, policy());
            if (ms === null || !b.mayRetry(model, permit)) break;
            a.hops.push({ kind: "retry", routeId: a.decision?.route?.id ?? null, model, usage: null, status: fault.status, errorType: fault.type, waitMs: ms });
            await wait(ms, upstreamSignal(req, a));
          }
        }
      } finally {
        // However the call ended (an answer, an error, the client leaving): a probe's slot is free again.
        b.release(model, permit);
      }
      // Failed here after its retries, or rate-limited for longer than the gateway waits: not asked again
      // under another route of this request. Other clients are not affected unless the circuit counted it.
      (failed ??= new Set()).add(model);
    }

    chain ??= fallbacks(a);
    const to = chain[next++];
    if (!to) throw lastError;
    const from = a.decision!.route!;
    a.hops.push(
      called && lastFault
        ? { kind: "fallback", routeId: from.id, model, usage: null, status: lastFault.status, errorType: lastFault.type }
        : { kind: "skipped", routeId: from.id, model, usage: null, errorType: failed?.has(model) ? "failed_earlier" : "circuit_open" },
    );
    const why = called && lastFault ? faultText(lastFault) : failed?.has(model) ? `${model} already failed` : "circuit open";
    a.decision = { ...a.decision!, tier: to.tier, route: to, reason: `${a.decision!.reason}; fell back from "${from.id}" (${why})` };
    a.applied = applyDecision(a.body!, a.decision);
  }
}
