/**
 * POST /api/v1/messages — the gateway's request path:
 *   authenticate → parse → route → translate thinking → forward through the SDK
 *   → relay the answer (JSON or SSE, byte for byte) → record, off the response path.
 */
import { APIError, APIConnectionTimeoutError, APIUserAbortError } from "@anthropic-ai/sdk";
import { apiErrorIn, AppError, errorBody, errorTypeForStatus } from "../api/errors";
import type { ApiRequest, ApiResponse } from "../api/http";
import { requestIdFor } from "../api/ids";
import { callerScope, requirePrincipal, type Caller } from "../api/wrap";
import { logger } from "../observability/logger";
import { scrubSecrets } from "../observability/secrets";
import { routingConfig } from "../routing/config";
import { conversationPinKey, decide, sessionPinKey, threadPinKey, toolUsePinKey, turnPinKey, type LlmStage, type PinLookup, type RoutingSnapshot } from "../routing/pipeline";
import { toRoutable, type MessagesBody } from "../routing/request";
import type { Decision, PinnedConfig, RoutableRequest, RouteConfig } from "../routing/types";
import { admit, settle, usdBudget, type Admission } from "../limits/admission";
import { applyDecision, type Applied } from "./apply";
import { LARGE_BODY_BYTES } from "../api/body-limit";
import { yieldToIo } from "../runtime/turns";
import { parseMessagesBody } from "./body";
import { hideInMessage, hidesThinkingFor, restoredNote, restoreHeld, StreamThinkingFilter } from "./hidden-thinking";
import { checkForwardedThinking, clientThinkingOutcome, thinkingPolicyFor } from "./client-thinking";
import { explicitThinking } from "../models/client-thinking";
import { pinStore } from "./pins";
import { judgeAnswer, validatorFailures, type EscalationPolicy } from "../routing/escalation";
import { examplesRepo } from "../db/examples.repo";
import { tracesSnapshot } from "../traces/config";
import { classifierHop, llmStage } from "./llm-stage";
import { record, recorder, spoolFull, type Hop } from "./record";
import type { Provisional } from "../recorder/recorder";
import { messageToSse, SseTap, type SseFrame } from "./sse";
import { ResponseObserver } from "./stream-observer";
import { dispatch } from "./dispatch";
import { cuttingOff, requestBegun, requestEnded } from "./shutdown";
import { checkFileReferences } from "../files/references";
import { observeRejected } from "../telemetry/observe";
import { traceRequest, type RequestTrace } from "../telemetry/tracing";

export interface Attempt {
  requestId: string;
  createdAt: Date;
  started: number;
  via: Via;
  keyId: string | null;
  /** Whose conversation state this is (lib/api/wrap.ts callerScope): conversation keys and held thinking. */
  scope: string;
  /** Set once the caller is known: only then is a failure recorded (anonymous noise is not). */
  authenticated?: boolean;
  body?: MessagesBody;
  /** The request body's size (JsonBody.size): a large body is serialised for the upstream in turns (lib/gateway/upstream-body.ts). */
  bodySize?: number;
  routable?: RoutableRequest;
  decision?: Decision;
  applied?: Applied;
  /** Upstream calls before the answer served (classifier, an escalated standard answer, retries, fallbacks). */
  hops: Hop[];
  /** Calls made to the Messages endpoint for the answer (lib/gateway/dispatch.ts counts them). */
  attempts?: number;
  /** Calls the upstream answered with a success status whose body was then lost (dispatch.ts): billed, their usage unknown. */
  unreadAnswers?: number;
  /** The limits' reservation (lib/limits), settled with the real cost where the request finishes or fails. */
  admission?: Admission;
  /** The request's trace ids when tracing is on (lib/telemetry/tracing.ts). */
  trace?: RequestTrace;
  /** Set when the request escalated: the served answer is checked against the same validators. */
  escalatedFrom?: EscalationPolicy;
  /** Changes made before the gateway saw the request (CallOptions.notes); recorded ahead of the route's adjustments. */
  notes?: string[];
  /** Assistant messages whose held-back thinking blocks were put back (lib/gateway/hidden-thinking.ts). */
  restored?: number;
  /** The answer's thinking is held back from the client: it did not ask for thinking. */
  hideThinking?: boolean;
  /** The answer's thinking is kept for the client's next turn without being taken out: an OpenAI-endpoint client, which cannot send it back. */
  keepThinking?: boolean;
  /** What the upstream calls go with (lib/gateway/shutdown.ts requestBegun): aborted when the client leaves or the shutdown cuts the request off. */
  signal?: AbortSignal;
  /** Its provisional record in the spool, journaled before its first upstream call (record.ts recordDispatched); superseded by a later one, then by record(). */
  provisional?: Provisional | null;
  /** The answer's first upstream call is journaled (recordDispatched): later calls add no provisional line. */
  dispatched?: boolean;
}

/** Longest rejected standard answer kept in the record's hops. */
const REJECTED_ANSWER_CHARS = 20_000;


function decisionHeaders(a: Attempt): Record<string, string> {
  const h: Record<string, string> = { "thinkgate-request-id": a.requestId };
  if (a.decision) {
    h["thinkgate-tier"] = a.decision.tier;
    h["thinkgate-stage"] = a.decision.stage;
    h["thinkgate-route"] = a.decision.route?.id ?? (a.decision.pinned ? "pinned" : "passthrough");
  }
  if (a.attempts !== undefined) h["thinkgate-attempts"] = String(a.attempts);
  if (a.body && a.decision && a.applied) h["thinkgate-client-thinking"] = clientThinkingOutcome(a.body, a.decision, a.applied);
  if (a.hideThinking) h["thinkgate-thinking"] = "hidden";
  if (a.admission) Object.assign(h, a.admission.headers);
  return h;
}

/**
 * An in-process caller (the calibration lab) that has authorised its user
 * already and needs one configuration applied exactly: routing is skipped,
 * everything else (limits, forwarding, recording) is the gateway's own path.
 * Never reachable over HTTP: the route table passes the request alone.
 */
export interface InternalCall {
  caller: Caller;
  route: RouteConfig;
  reason: string;
}

/**
 * The endpoint a request came through, kept on its record: Messages API
 * clients, the OpenAI-compatible endpoints (chat completions, the Responses
 * API), or an in-process caller on their behalf.
 */
export type Via = "messages" | "openai" | "openai-responses" | "playground" | "calibration" | "batch";

/** The OpenAI-compatible endpoints: their clients never see thinking blocks, so the gateway keeps them (hidden-thinking.ts). */
const isOpenAi = (via: Via) => via === "openai" || via === "openai-responses";

export interface CallOptions {
  via?: Via;
  internal?: InternalCall;
  /** What the calling endpoint changed in translating the client's request (the OpenAI endpoint's dropped parameters), for the record. */
  notes?: string[];
  /** The request's id when the calling endpoint has named its answer with one already (the OpenAI endpoint). */
  requestId?: string;
}

/**
 * The routing decision for a request: the caller's client-thinking policy
 * (honour or cap its own thinking), then the pipeline. Shared by the
 * Messages path and each item of a Message Batch (lib/batches), which passes
 * pins that never match and no LLM stage.
 */
export async function routeDecision(
  body: MessagesBody,
  routable: RoutableRequest,
  principal: Caller,
  snapshot: RoutingSnapshot,
  pins: PinLookup,
  llm?: LlmStage,
): Promise<Decision> {
  const policy = thinkingPolicyFor(principal, routable.app, snapshot);
  if (policy.policy !== "decide" && explicitThinking(body)) routable.honourClientThinking = true;
  const decision = await decide(routable, snapshot, pins, llm);
  if (policy.policy === "cap" && policy.cap) decision.thinkingCap = policy.cap;
  // The conversation after an agent client's compaction opens with the summary, not the session's first message: it is recorded in the thread that was compacted.
  if (routable.resumesCompaction && routable.sessionKey) {
    const compacted = await pins.get(sessionPinKey(routable.sessionKey));
    if (compacted?.threadKey) routable.threadKey = compacted.threadKey;
  }
  // A thread's or tool loop's continuation belongs to the conversation of the answer it continues (its record and its thread view).
  if ((routable.thread?.continues || routable.pendingToolResult) && decision.pinned?.conversationKey) {
    routable.conversationKey = decision.pinned.conversationKey;
    routable.threadKey = decision.pinned.threadKey ?? decision.pinned.conversationKey;
  }
  return decision;
}

export async function handleMessages(req: ApiRequest, opts: CallOptions = {}): Promise<ApiResponse> {
  const { internal, via = "messages" } = opts;
  const a: Attempt = { requestId: opts.requestId ?? requestIdFor(req), createdAt: new Date(), started: performance.now(), via, keyId: null, scope: "", hops: [], trace: traceRequest(req.headers), notes: opts.notes };
  a.signal = requestBegun(a, req.signal);
  try {
    // The spool is at its bound: refuse before accepting (and recording) anything.
    if (!recorder().admit()) throw spoolFull();
    const principal = internal?.caller ?? (await requirePrincipal(req, "gateway"));
    a.authenticated = true;
    // A browser session (the playground) has no key id.
    a.keyId = principal.keyId || null;
    a.scope = callerScope(principal);
    const { value, size } = await req.json();
    a.body = await parseMessagesBody(value, req.headers);
    a.bodySize = size;
    if (!internal) await checkFileReferences(a.body.messages, principal);
    // A large body was just taken back from the parser's thread in one piece of work; routing reads it in another.
    if (size > LARGE_BODY_BYTES) await yieldToIo();
    if (!internal && (via === "messages" || isOpenAi(via))) ({ body: a.body, restored: a.restored } = await restoreHeld(a.body, a.scope));
    a.routable = await toRoutable(a.body, req.headers, { scope: a.scope, apps: principal.apps });
    const { snapshot } = await routingConfig();
    a.decision = internal
      ? { tier: internal.route.tier, stage: "override", reason: internal.reason, route: internal.route }
      : await routeDecision(a.body, a.routable, principal, snapshot, pinStore, llmStage(a, usdBudget(a, principal, snapshot)));
    a.hops.push(...classifierHop(a.decision.llm));
    a.applied = applyDecision(a.body, a.decision);
    if (a.restored) a.applied.adjustments.push(restoredNote(a.restored));
    if (!internal) checkForwardedThinking(a.body, a.decision, a.applied, req.headers);
    // Key and app limits: may downgrade the decision or refuse with a 429 (lib/limits).
    await admit(a, principal, snapshot, req.headers);
    if (a.decision.escalation) return await answerOrEscalate(req, a, snapshot);
    return await forward(req, a);
  } catch (err) {
    return failure(a, err);
  }
}

/**
 * Records a request that failed before it became a Messages request (an
 * OpenAI endpoint's body that does not parse or translate, or whose client
 * left while sending it), as handleMessages records its own early failures:
 * every request that presented a valid key is stored once. Returns the
 * failure in the Messages API's shape.
 */
export function recordEarlyFailure(req: ApiRequest, principal: Caller, err: unknown, opts: CallOptions = {}): ApiResponse {
  const a: Attempt = {
    requestId: opts.requestId ?? requestIdFor(req),
    createdAt: new Date(),
    started: performance.now(),
    via: opts.via ?? "messages",
    keyId: principal.keyId || null,
    scope: callerScope(principal),
    hops: [],
    trace: traceRequest(req.headers),
    notes: opts.notes,
    authenticated: true,
  };
  a.signal = requestBegun(a, req.signal);
  return failure(a, err);
}

/** Maps a failure to the API's error shape and records it (once a key was accepted). */
function failure(a: Attempt, err: unknown): ApiResponse {
  let status = 500;
  let type = "api_error";
  let message = "Internal server error";
  let body: string | undefined;
  let cookies: string[] = [];
  const headers: Record<string, string> = { "content-type": "application/json", ...decisionHeaders(a) };
  if (err instanceof AppError) {
    ({ status, type, message, cookies } = err);
    Object.assign(headers, err.headers);
  } else if (err instanceof APIError && err.status !== undefined) {
    // An upstream error: relay its status and body as the API sent them.
    status = err.status;
    // Relayed as it came when it is in the API's shape; otherwise in that shape, with the status's type.
    const e = apiErrorIn(err.error);
    type = e?.type ?? errorTypeForStatus(status);
    message = e?.message ?? err.message;
    body = e ? JSON.stringify({ ...(err.error as object), request_id: a.requestId }) : undefined;
    for (const h of ["retry-after", "retry-after-ms", "x-should-retry"]) {
      const v = err.headers?.get(h);
      if (v) headers[h] = v;
    }
  } else if (err instanceof APIConnectionTimeoutError) {
    status = 504;
    type = "timeout_error";
    message = "the upstream API did not answer in time";
  } else if (err instanceof APIUserAbortError) {
    // 499 records a client that left, as proxies do; 503 a request the shutdown cut off.
    status = cuttingOff() ? 503 : 499;
    ({ type, message } = endedEarly("request"));
  } else if (err instanceof APIError) {
    status = 502;
    type = "api_error";
    message = `could not reach the upstream API: ${err.message}`;
  } else {
    logger.error({ err, requestId: a.requestId }, "gateway failure");
  }
  headers["request-id"] = a.requestId;
  settle(a, null);
  if (a.authenticated) {
    record(a, { status: "error", httpStatus: status, errorType: type, errorMessage: message });
  } else {
    observeRejected(a, status, type);
    requestEnded(a);
  }
  return { status, headers, body: body ?? errorBody(type, message, a.requestId), ...(cookies.length ? { cookies } : {}) };
}

async function forward(req: ApiRequest, a: Attempt): Promise<ApiResponse> {
  const stream = a.applied!.body.stream === true;
  // Retries, fallbacks and the circuit breaker: a.decision and a.applied end as the route that answered.
  const up = await dispatch(req, a, stream);
  const res = up.res;
  a.hideThinking = hides(req, a);
  a.keepThinking = keeps(a);
  const headers: Record<string, string> = {
    ...decisionHeaders(a),
    "request-id": res.headers.get("request-id") ?? a.requestId,
  };
  if (!stream) return forwardJson(res, up.text, a, headers);
  return {
    status: 200,
    headers: { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" },
    stream: relayStream(res, up.body!, up.first!, a),
  };
}

/**
 * Escalation: the standard answer is fetched whole and checked before anyone
 * sees it. A good answer is served (as a stream, re-emitted from the whole
 * message, when the client asked for one); a weak one is set aside and the
 * request goes to the reasoning route, which then streams live. Streaming
 * clients of an escalating route therefore get their first byte only after
 * the standard answer is complete: the price of checking it.
 */
async function answerOrEscalate(req: ApiRequest, a: Attempt, snapshot: RoutingSnapshot): Promise<ApiResponse> {
  const plan = a.decision!.escalation!;
  // The standard route may itself fall back: what is checked is the answer of the route that gave it.
  const { res, text } = await dispatch(req, a, false);
  const standard = a.applied!;
  const observer = new ResponseObserver();
  let message: Parameters<typeof messageToSse>[0] | null = null;
  try {
    message = JSON.parse(text);
    observer.message(message as never);
  } catch {
    logger.warn({ requestId: a.requestId }, "upstream answered with a body that is not JSON");
  }
  const seen = observer.result();
  const verdict = judgeAnswer({ text: seen.answer, stopReason: seen.stopReason, thinking: seen.thinking }, plan.policy);
  if (!verdict.escalate || !message) {
    finish(a, observer, res, { httpStatus: res.status, ttft: null });
    a.hideThinking = hides(req, a);
    a.keepThinking = keeps(a);
    const shown = (a.hideThinking || a.keepThinking) && message ? hideInMessage(text, a.scope, a.applied!.model, a.hideThinking) : text;
    if (shown !== text) message = JSON.parse(shown);
    const headers = { ...decisionHeaders(a), "request-id": res.headers.get("request-id") ?? a.requestId };
    if (a.body!.stream !== true) return { status: res.status, headers: { ...headers, "content-type": "application/json" }, body: shown };
    return {
      status: 200,
      headers: { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
      stream: (async function* () {
        yield messageToSse(message!);
      })(),
    };
  }
  a.hops.push({
    kind: "answer",
    routeId: a.decision!.route?.id ?? null,
    model: standard.model,
    usage: seen.usage,
    stopReason: seen.stopReason,
    escalated: true,
    reasons: verdict.reasons,
    // The rejected answer, so the trace page can show what was set aside and why.
    answer: seen.answer.slice(0, REJECTED_ANSWER_CHARS),
    upstreamRequestId: res.headers.get("request-id"),
  });
  a.escalatedFrom = plan.policy;
  const target = snapshot.routes.get(plan.toRouteId)!;
  a.decision = {
    ...a.decision!,
    tier: target.tier,
    stage: "escalation",
    route: target,
    reason: `${a.decision!.reason}; escalated from ${standard.model}: ${verdict.reasons.join("; ")}`,
    escalation: undefined,
  };
  a.applied = applyDecision(a.body!, a.decision);
  return forward(req, a);
}

/** Whether the answer of the route that is answering holds its thinking back (lib/gateway/hidden-thinking.ts). */
function hides(req: ApiRequest, a: Attempt): boolean {
  if (a.via !== "messages" || !a.body || !a.applied) return false;
  return hidesThinkingFor(req.headers, a.body, a.applied);
}

/** An OpenAI-endpoint answer with thinking on: its blocks are kept for the next turn (hidden-thinking.ts). */
function keeps(a: Attempt): boolean {
  const t = a.applied?.thinking?.type;
  return isOpenAi(a.via) && (t === "adaptive" || t === "enabled" || t === "between_tools");
}

async function forwardJson(res: Response, text: string, a: Attempt, headers: Record<string, string>): Promise<ApiResponse> {
  const observer = new ResponseObserver();
  try {
    observer.message(JSON.parse(text));
  } catch {
    logger.warn({ requestId: a.requestId }, "upstream answered with a body that is not JSON");
  }
  finish(a, observer, res, { httpStatus: res.status, ttft: null });
  const body = (a.hideThinking || a.keepThinking) && res.status === 200 ? hideInMessage(text, a.scope, a.applied!.model, a.hideThinking) : text;
  return { status: res.status, headers: { ...headers, "content-type": "application/json" }, body };
}

/**
 * The relay as the adapter iterates it. A generator that has not started runs
 * no `finally` when it is returned: a client that left between the answer's
 * headers and the first read would leave no record and an unsettled budget
 * reservation, for an upstream call already made. Returned before its first
 * read, the relay is started first: it takes in the chunk the dispatcher read
 * (it holds the input usage), then stops there and records the request as cut
 * short, like a client leaving at any later chunk.
 */
function relayStream(res: Response, body: AsyncIterator<Uint8Array>, first: IteratorResult<Uint8Array>, a: Attempt): AsyncIterableIterator<Uint8Array | string> {
  const relay = relayChunks(res, body, first, a);
  let started = false;
  const it: AsyncIterableIterator<Uint8Array | string> = {
    [Symbol.asyncIterator]: () => it,
    next: () => {
      started = true;
      return relay.next();
    },
    return: async (value?: unknown) => {
      if (!started) {
        started = true;
        await relay.next();
      }
      return relay.return(value as never);
    },
  };
  return it;
}

/** Why a request or stream ended before its answer was whole: its client left, or the shutdown cut it off (lib/gateway/shutdown.ts). */
function endedEarly(what: "request" | "stream"): { type: string; message: string } {
  return cuttingOff()
    ? { type: "api_error", message: `cut off by the gateway's shutdown before the ${what} was complete (its drain time, THINKGATE_DRAIN_MS, was up)` }
    : { type: "api_error", message: `the client closed the ${what}` };
}

/**
 * Relays the upstream's SSE bytes unchanged while a tap parses them to build
 * the record; an `error` event the upstream sends goes out (and into the
 * record) scrubbed of secrets (SseTap). If the upstream breaks off, the client
 * gets a proper `error` event, and the record is marked partial with the
 * tokens seen.
 */
async function* relayChunks(res: Response, body: AsyncIterator<Uint8Array>, first: IteratorResult<Uint8Array>, a: Attempt): AsyncGenerator<Uint8Array | string> {
  const observer = new ResponseObserver();
  const tap = new SseTap(scrubSecrets);
  // A client that did not ask for thinking gets the frames re-encoded without it; any other gets the upstream's bytes.
  const filter = a.hideThinking || a.keepThinking ? new StreamThinkingFilter(a.hideThinking) : null;
  let failed: { type: string; message: string } | null = null;
  const see = (frames: SseFrame[]): string => {
    let out = "";
    for (const f of frames) {
      if (filter) out += filter.frame(f);
      if (!f.data) continue;
      try {
        observer.event(JSON.parse(f.data));
      } catch {
        /* not JSON: relayed, not recorded */
      }
    }
    return out;
  };
  // The first chunk was read by the dispatcher: a stream that breaks before it is retried there.
  let r = first;
  try {
    for (; !r.done; r = await body.next()) {
      const { frames, send } = tap.push(r.value);
      const shown = see(frames);
      const out = filter ? shown : send;
      if (out) yield out;
      // message_stop is a stream's last event: an upstream (or a proxy) that keeps the connection open after it
      // is not waited for, or the client would wait with it and the answer be recorded as cut short when it gives up.
      if (observer.stopped) break;
    }
    const { frames, send } = tap.end();
    const shown = see(frames);
    const rest = filter ? shown : send;
    if (rest) yield rest;
    if (filter && observer.result().complete) filter.keep(a.scope, a.applied!.model);
    if (!observer.result().complete && !observer.result().streamError) {
      failed = { type: "api_error", message: "the upstream stream ended before message_stop" };
      yield `event: error\ndata: ${errorBody(failed.type, failed.message, a.requestId)}\n\n`;
    }
  } catch (err) {
    if (req_aborted(err)) {
      failed = endedEarly("stream");
      // Cut off by the shutdown, the client is still there: it is told, as when an upstream breaks (the SDKs raise it typed).
      if (cuttingOff()) yield `event: error\ndata: ${errorBody(failed.type, failed.message, a.requestId)}\n\n`;
    } else {
      failed = { type: "api_error", message: `the upstream stream broke: ${(err as Error).message}` };
      yield `event: error\ndata: ${errorBody(failed.type, failed.message, a.requestId)}\n\n`;
    }
  } finally {
    if (!r.done) {
      // Ended at message_stop, or the client left mid-stream (the adapter returned the relay): stop reading
      // the upstream's body too. A client that left before message_stop has an answer cut short, not whole.
      body.return?.().catch(() => undefined);
      if (!observer.stopped) failed ??= endedEarly("stream");
    }
    finish(a, observer, res, {
      httpStatus: 200,
      ttft: observer.firstTokenAt,
      failure: failed ?? observer.result().streamError,
    });
  }
}

/**
 * An escalation that succeeded is a labelled example for the router: this
 * prompt needed reasoning. Stored (redacted like the record) for the next
 * retraining (npm run train:router -- --with-labels).
 */
function learnFromEscalation(a: Attempt): void {
  const traces = tracesSnapshot();
  const redact = (t: string | undefined) => (t ? traces.redact(t).text : null);
  examplesRepo
    .save({
      prompt: redact(a.routable?.prompt) ?? "",
      system: redact(a.routable?.system),
      app: a.routable?.app ?? null,
      task: a.routable?.task ?? null,
      label: "reasoning",
      source: "escalation",
      requestId: a.requestId,
      note: a.hops.find((h) => h.escalated)?.reasons?.join("; ") ?? "",
      createdBy: "escalation",
    })
    .catch((err: Error) => logger.warn({ err: err.message }, "could not store the escalation as a labelled example"));
}

function req_aborted(err: unknown): boolean {
  return err instanceof Error && (err.name === "AbortError" || err instanceof APIUserAbortError);
}

function finish(
  a: Attempt,
  observer: ResponseObserver,
  res: Response,
  o: { httpStatus: number; ttft: number | null; failure?: { type: string; message: string } | null },
): void {
  const seen = observer.result();
  settle(a, seen.usage ?? null);
  const inThread = !!a.routable?.thread && !!seen.messageId;
  if ((seen.needsPin || inThread) && a.decision && a.applied && a.routable) {
    // The configuration this call was served with: the rest of its turn's tool
    // loop gets it, and so does the conversation where its model binds its
    // thinking blocks. A turn's first call was decided anew, so its pin replaces
    // one an identical earlier turn left; otherwise the first write of a key wins.
    const pin: PinnedConfig = {
      routeId: a.decision.route?.id ?? a.decision.pinned?.routeId ?? null,
      model: a.applied.model,
      ...(a.applied.thinking ? { thinking: a.applied.thinking } : {}),
      ...(a.applied.effort ? { effort: a.applied.effort as never } : {}),
      ...(a.body && a.applied.body.max_tokens > a.body.max_tokens ? { maxTokens: a.applied.body.max_tokens } : {}),
    };
    if (seen.needsPin) {
      pinStore.put(turnPinKey(a.routable.turnKey), pin, !a.routable.pendingToolResult);
      for (const call of seen.toolCalls) if (call.id) pinStore.put(toolUsePinKey(a.scope, call.id), { ...pin, conversationKey: a.routable.conversationKey, threadKey: a.routable.threadKey });
      pinStore.put(conversationPinKey(a.routable.conversationKey), pin);
      if (a.routable.sessionConversationKey) pinStore.put(conversationPinKey(a.routable.sessionConversationKey), pin);
    }
    // A thread's next request names this answer and nothing else of the conversation.
    if (inThread) pinStore.put(threadPinKey(seen.messageId!), { ...pin, conversationKey: a.routable.conversationKey, threadKey: a.routable.threadKey });
  }
  const status = o.failure ? (seen.usage ? "partial" : "error") : "ok";
  // A compaction's summary opens the session's next conversation, which routeDecision links back to this thread by the session.
  if (status === "ok" && a.routable?.compaction && a.routable.sessionKey && a.applied) {
    pinStore.put(sessionPinKey(a.routable.sessionKey), { routeId: null, model: a.applied.model, threadKey: a.routable.threadKey }, true);
  }
  if (status === "ok" && a.hops.some((h) => h.escalated)) learnFromEscalation(a);
  record(a, {
    status,
    httpStatus: o.httpStatus,
    errorType: o.failure?.type ?? null,
    errorMessage: o.failure?.message ?? null,
    observed: seen,
    upstreamRequestId: res.headers.get("request-id"),
    ttftMs: o.ttft === null ? null : Math.max(0, Math.round(o.ttft - (performance.timeOrigin + a.started))),
    ...(status === "ok" && a.escalatedFrom ? { validatorFailures: validatorFailures(seen.answer, a.escalatedFrom) } : {}),
  });
}
