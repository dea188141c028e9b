/**
 * The offline Messages API, mounted under /api/simulator: the gateway points
 * the official SDK's baseURL at `<origin>/api/simulator` when no
 * ANTHROPIC_API_KEY is set. The handlers render every answer themselves,
 * errors included, because the simulator *is* the API: its status codes,
 * headers and error bodies are what a client of the real API would see.
 */
import { randomBytes } from "node:crypto";
import { AppError, errorBody } from "../api/errors";
import { json, type ApiRequest, type ApiResponse, type BodyResponse, type RouteDef } from "../api/http";
import { allModels, modelInfo, toModelInfo } from "../models/catalog";
import { mentionsCacheControl } from "./cache";
import { FAULT_HEADER, FAULT_QUERY, faultFromHeader, readDirectives, type Directives, type Fault } from "./directives";
import { latencyProfile, sleep, waitForAbort } from "./latency";
import { Rng } from "./random";
import { promptText, simulateMessage, type SimOutcome } from "./respond";
import * as batches from "./batches";
import * as files from "./files";
import { cursorPage } from "./paging";
import { cutIndex, messageFrames, paceFrames, sseFrame } from "./sse";
import { countRequestTokens } from "./tokens";
import { expandThread, holdThread } from "./threads";
import { checkVersion, validateMessagesRequest } from "./validate";

export const SIMULATOR_PREFIX = "/api/simulator";
/** The simulator thread's stop message (thread.ts): close the server and its connections, and let the thread end. */
export const STOP_SIMULATOR = "stop";

// Request ids identify an HTTP exchange, not an answer: unique per call, from a process-seeded PRNG (cheaper than crypto per call).
const requestIds = new Rng(randomBytes(6).readUIntBE(0, 6));
const newRequestId = () => `req_011C${requestIds.base62(20)}`;

function errorResponse(err: AppError, requestId: string): BodyResponse {
  return {
    status: err.status,
    headers: { "content-type": "application/json", "request-id": requestId, ...err.headers },
    body: errorBody(err.type, err.message, requestId, err.details),
  };
}

/** Either header will do, with any non-empty value (§0.1); the SDK 1.x sends Bearer. */
function checkAuth(req: ApiRequest): AppError | null {
  const key = req.headers["x-api-key"]?.trim();
  const bearer = req.headers.authorization?.match(/^Bearer\s+(\S.*)$/i)?.[1];
  if (key || bearer) return null;
  return new AppError("authentication_error", "x-api-key or Authorization: Bearer header is required");
}

/** The credential headers received, quoted as a careless proxy in front of the API might quote them in an error, and the credentials alone. */
function echoedCredentials(req: ApiRequest): { text: string; values: string[] } {
  const sent = ["x-api-key", "authorization"].filter((h) => req.headers[h]);
  return { text: sent.map((h) => `${h}: ${req.headers[h]}`).join("; "), values: sent.map((h) => req.headers[h]!.replace(/^Bearer\s+/i, "")) };
}

/** echo_auth_stream's overload error, which quotes the credential. */
const echoedOverload = (req: ApiRequest) => `Overloaded (${echoedCredentials(req).text})`;

/** The faults that are plain HTTP errors, as the API (or, for echo_auth, a careless proxy in front of it) sends them. */
function faultError(fault: Fault, req: ApiRequest, retryAfterMs?: number): AppError | null {
  const retryAfter = (ms: number) => ({ headers: { "retry-after": String(Math.ceil(ms / 1000)), "retry-after-ms": String(ms) } });
  switch (fault) {
    case "echo_auth":
      return new AppError("authentication_error", `invalid credentials (${echoedCredentials(req).text})`);
    case "429":
      return new AppError("rate_limit_error", "Number of requests has exceeded your per-minute rate limit (simulated).", retryAfter(retryAfterMs ?? 1000));
    case "529":
      return new AppError("overloaded_error", "Overloaded", retryAfterMs === undefined ? {} : retryAfter(retryAfterMs));
    case "500":
      return new AppError("api_error", "Internal server error");
    default:
      return null;
  }
}

/** Headers, then a dropped connection before the first byte of the body: the adapter destroys the socket when a stream throws. */
function resetResponse(status: number, headers: Record<string, string>): ApiResponse {
  async function* stream(): AsyncGenerator<string> {
    throw new Error("simulated connection reset ([[sim:fault=reset]])");
  }
  return { status, headers, stream: stream() };
}

/**
 * Calls seen per `fault=NAME*N` and prompt, so that only the first N fail. Per
 * process, bounded: cleared when it grows large (tests use a few entries).
 */
const faultCalls = new Map<string, number>();

/** Whether a `*N` / `@MODEL` narrowed fault applies to this call (counting it). */
function faultApplies(d: Directives, model: string, prompt: string): boolean {
  if (d.faultModels !== undefined && !d.faultModels.includes(model)) return false;
  if (d.faultTimes === undefined) return true;
  if (faultCalls.size > 10_000) faultCalls.clear();
  const key = `${d.fault}*${d.faultTimes}@${d.faultModels?.join(",") ?? ""}|${prompt}`;
  const n = (faultCalls.get(key) ?? 0) + 1;
  faultCalls.set(key, n);
  return n <= d.faultTimes;
}

/** A 200 whose body stops halfway and then fails: the adapter drops the connection, as a cut would. */
function cutBody(status: number, headers: Record<string, string>, body: string): ApiResponse {
  async function* stream(): AsyncGenerator<string> {
    yield body.slice(0, Math.floor(body.length / 2));
    throw new Error("simulated connection cut ([[sim:fault=cut]])");
  }
  return { status, headers, stream: stream() };
}

/**
 * What every endpoint checks first, in the API's order: credentials, then the
 * anthropic-version header; also reads a fault header (an unknown name is a
 * 400, so a typo never passes silently).
 */
function preflight(req: ApiRequest): AppError | { fault?: Fault } {
  const problem = checkAuth(req) ?? checkVersion(req.headers);
  if (problem) return problem;
  const fault = req.headers[FAULT_HEADER] !== undefined ? faultFromHeader(req.headers[FAULT_HEADER]) : faultFromHeader(req.query.get(FAULT_QUERY) ?? undefined, `?${FAULT_QUERY}`);
  return fault instanceof AppError ? fault : { fault };
}

/** The answer to a JSON endpoint under a fault, or null when there is none. */
function jsonFault(fault: Fault | undefined, req: ApiRequest, requestId: string, okBody: () => string): ApiResponse | Promise<never> | null {
  if (!fault) return null;
  const err = faultError(fault, req);
  if (err) return errorResponse(err, requestId);
  if (fault === "hang") return waitForAbort(req.signal);
  if (fault === "cut") return cutBody(200, { "content-type": "application/json", "request-id": requestId }, okBody());
  if (fault === "reset") return resetResponse(200, { "content-type": "application/json", "request-id": requestId });
  // midstream_error and echo_auth_stream outside a stream: the API reports overload as a 529.
  return errorResponse(new AppError("overloaded_error", fault === "echo_auth_stream" ? echoedOverload(req) : "Overloaded"), requestId);
}

/** Runs a handler body with a fresh request id; an AppError it throws becomes the API's error response. */
function endpoint(fn: (req: ApiRequest, requestId: string, fault: Fault | undefined) => Promise<ApiResponse>) {
  return async (req: ApiRequest): Promise<ApiResponse> => {
    const requestId = newRequestId();
    const pre = preflight(req);
    if (pre instanceof AppError) return errorResponse(pre, requestId);
    try {
      return await fn(req, requestId, pre.fault);
    } catch (err) {
      if (err instanceof AppError) return errorResponse(err, requestId);
      throw err;
    }
  };
}

const createMessage = endpoint(async (req, requestId, headerFault) => {
  // Parsed as the gateway parses bodies: a large one on the JSON parser's thread, so the
  // simulator, which serves in the gateway's process, does not hold its event loop.
  // A thread's continuation is read as the whole conversation it continues (threads.ts).
  const body = expandThread((await req.json()).value);
  if (body instanceof AppError) return errorResponse(body, requestId);
  const invalid = validateMessagesRequest(body, req.headers);
  if (invalid) return errorResponse(invalid, requestId);
  const b = body as Record<string, unknown>;
  const prompt = promptText(b.messages as unknown[]);
  const directives = readDirectives(prompt);
  if (directives instanceof AppError) return errorResponse(directives, requestId);
  const fault = headerFault ?? (directives.fault && faultApplies(directives, b.model as string, prompt) ? directives.fault : undefined);

  // Failures that happen before any output: plain HTTP errors, even for a stream (§5.3.1).
  const err = fault ? faultError(fault, req, directives.retryAfterMs) : null;
  if (err) return errorResponse(err, requestId);
  if (fault === "hang") return waitForAbort(req.signal);
  if (fault === "reset") return resetResponse(200, { "content-type": b.stream === true ? "text/event-stream; charset=utf-8" : "application/json", "request-id": requestId });

  const outcome = await simulateMessage(b, modelInfo(b.model as string)!, directives, { cache: mentionsCacheControl(b) });
  holdThread(b, outcome.message);
  if (b.stream === true) return streamMessage(outcome, fault, req, requestId);

  const bodyText = JSON.stringify(outcome.message);
  const faulted = jsonFault(fault, req, requestId, () => bodyText);
  if (faulted) return faulted;
  const profile = latencyProfile(outcome.seed);
  if (profile) {
    // A non-streaming answer arrives when the whole generation is done.
    const text = outcome.message.usage.output_tokens - outcome.thinkingTokens;
    await sleep(profile.ttftMs + (outcome.thinkingTokens / profile.thinkingTokensPerSec + text / profile.textTokensPerSec) * 1000, req.signal);
  }
  return { status: 200, headers: { "content-type": "application/json", "request-id": requestId }, body: bodyText };
});

function streamMessage(outcome: SimOutcome, fault: Fault | undefined, req: ApiRequest, requestId: string): ApiResponse {
  const frames = messageFrames(outcome.message, outcome.thinkingTokens, outcome.seed);
  const broken = fault === "cut" || fault === "midstream_error" || fault === "echo_auth_stream";
  // After the 200, an error can only be an `event: error` frame (§5.3.12).
  let tail: string[] | undefined;
  if (fault === "midstream_error") {
    tail = [sseFrame("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" }, request_id: requestId })];
  } else if (fault === "echo_auth_stream") {
    const error = sseFrame("error", { type: "error", error: { type: "overloaded_error", message: echoedOverload(req) }, request_id: requestId });
    // Split inside the credential: a relay that scrubs what it has of the frame, piece by piece, would let both halves through.
    const value = echoedCredentials(req).values[0] ?? "";
    const i = value ? error.indexOf(value) : -1;
    const at = i >= 0 ? i + Math.floor(value.length / 2) : Math.floor(error.length / 2);
    tail = [error.slice(0, at), error.slice(at)];
  }
  return {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      // Tells nginx-style proxies not to buffer the stream.
      "x-accel-buffering": "no",
      "request-id": requestId,
    },
    stream: paceFrames({ frames, count: broken ? cutIndex(frames) : frames.length, tail, seed: outcome.seed, signal: req.signal }),
  };
}

const countTokens = endpoint(async (req, requestId, fault) => {
  const body = (await req.json()).value;
  const invalid = validateMessagesRequest(body, req.headers, { countTokens: true });
  if (invalid) return errorResponse(invalid, requestId);
  const result = { input_tokens: countRequestTokens(body as Record<string, unknown>) };
  return (await jsonFault(fault, req, requestId, () => JSON.stringify(result))) ?? json(200, result, { "request-id": requestId });
});

const listModels = endpoint(async (req, requestId, fault) => {
  const result = cursorPage(allModels().map(toModelInfo), req.query);
  return (await jsonFault(fault, req, requestId, () => JSON.stringify(result))) ?? json(200, result, { "request-id": requestId });
});

const retrieveModel = endpoint(async (req, requestId, fault) => {
  const id = decodeURIComponent(req.params.id ?? "");
  const entry = modelInfo(id);
  if (!entry) return errorResponse(new AppError("not_found_error", `model: ${id}`), requestId);
  const result = toModelInfo(entry);
  return (await jsonFault(fault, req, requestId, () => JSON.stringify(result))) ?? json(200, result, { "request-id": requestId });
});

export const simulatorRoutes: RouteDef[] = [
  { method: "POST", path: `${SIMULATOR_PREFIX}/v1/messages`, handler: createMessage },
  { method: "POST", path: `${SIMULATOR_PREFIX}/v1/messages/count_tokens`, handler: countTokens },
  { method: "GET", path: `${SIMULATOR_PREFIX}/v1/models`, handler: listModels },
  { method: "GET", path: `${SIMULATOR_PREFIX}/v1/models/:id`, handler: retrieveModel },
  { method: "POST", path: `${SIMULATOR_PREFIX}/v1/messages/batches`, handler: endpoint(batches.createBatch) },
  { method: "GET", path: `${SIMULATOR_PREFIX}/v1/messages/batches`, handler: endpoint(batches.listBatches) },
  { method: "GET", path: `${SIMULATOR_PREFIX}/v1/messages/batches/:id`, handler: endpoint(batches.retrieveBatch) },
  { method: "DELETE", path: `${SIMULATOR_PREFIX}/v1/messages/batches/:id`, handler: endpoint(batches.deleteBatch) },
  { method: "POST", path: `${SIMULATOR_PREFIX}/v1/messages/batches/:id/cancel`, handler: endpoint(batches.cancelBatch) },
  { method: "GET", path: `${SIMULATOR_PREFIX}/v1/messages/batches/:id/results`, handler: endpoint(batches.batchResults) },
  { method: "POST", path: `${SIMULATOR_PREFIX}/v1/files`, handler: endpoint(files.uploadFile) },
  { method: "GET", path: `${SIMULATOR_PREFIX}/v1/files`, handler: endpoint(files.listFiles) },
  { method: "GET", path: `${SIMULATOR_PREFIX}/v1/files/:id`, handler: endpoint(files.retrieveFile) },
  { method: "GET", path: `${SIMULATOR_PREFIX}/v1/files/:id/content`, handler: endpoint(files.fileContent) },
  { method: "DELETE", path: `${SIMULATOR_PREFIX}/v1/files/:id`, handler: endpoint(files.deleteFile) },
];
