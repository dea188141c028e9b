/**
 * The simulator's Message Batches API: create, retrieve, list, cancel,
 * delete and results, in the API's shapes. Each item is answered by the
 * simulator's normal message generation (simulateMessage), with
 * `usage.service_tier: "batch"`; an item the Messages endpoint would refuse
 * (an unknown model, a bad field, a fault directive that is an HTTP error)
 * is an `errored` result, as the API reports a bad item of an accepted batch.
 * A batch ends BATCH_DELAY_MS after creation, or at once with
 * THINKGATE_SIM_LATENCY=zero. Batches live in memory, the newest
 * MAX_BATCHES of them, holding at most maxStoredBytes() (256 MB, as its
 * files: see storedBytes).
 */
import { randomBytes } from "node:crypto";
import type { Message } from "@anthropic-ai/sdk/resources/messages/messages";
import { AppError } from "../api/errors";
import type { ApiRequest, ApiResponse } from "../api/http";
import { modelInfo } from "../models/catalog";
import { yieldToIo } from "../runtime/turns";
import { cursorPage } from "./paging";
import { mentionsCacheControl } from "./cache";
import { readDirectives } from "./directives";
import { simulatorLatencyMode } from "./latency";
import { Rng } from "./random";
import { promptText, simulateMessage } from "./respond";
import { validateMessagesRequest } from "./validate";

type Result =
  | { type: "succeeded"; message: Message }
  | { type: "errored"; error: { type: "error"; error: { type: string; message: string }; request_id: null } }
  | { type: "canceled" }
  | { type: "expired" };

interface SimBatch {
  id: string;
  createdAt: Date;
  /** When processing ends unless canceled earlier. */
  endsAt: number;
  requests: { custom_id: string; params: Record<string, unknown> }[];
  /** Filled in by processing, by custom_id. */
  results: Map<string, Result>;
  processed: boolean;
  cancelInitiatedAt: Date | null;
  /** Set when a cancel ended it before its time. */
  canceledAt: Date | null;
  /** What it holds, counted in JSON bytes: its request body and each result stored. */
  bytes: number;
}

const BATCH_DELAY_MS = 2_000;
const MAX_BATCHES = 1_000;
const DAY_MS = 24 * 3600 * 1000;
const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

const batches = new Map<string, SimBatch>();
/**
 * The bytes all batches hold. Unbounded, a few batches of 100,000 items
 * (their requests and every answer) ended the simulator's thread, and every
 * batch with it. Bounded like the files: the oldest ended batches go first;
 * when the batches still processing fill it, a new batch is the API's 529
 * overloaded_error and an item answered past it is an errored result of
 * that type (a few hundred bytes, counted too, in place of its answer), so
 * the thread's memory stays bounded whatever is sent.
 */
let storedBytes = 0;

/** THINKGATE_SIM_BATCH_MAX_BYTES lowers the bound (tests); 256 MB otherwise, the API's limit for one batch. */
function maxStoredBytes(): number {
  const v = Number(process.env.THINKGATE_SIM_BATCH_MAX_BYTES);
  return Number.isInteger(v) && v > 0 ? v : 256 * 1024 * 1024;
}

function forget(b: SimBatch): void {
  if (batches.delete(b.id)) storedBytes -= b.bytes;
}

/** Forgets the oldest ended batches (never `keep`) until `more` bytes fit; whether they do. */
function makeRoom(more: number, keep?: SimBatch): boolean {
  const max = maxStoredBytes();
  for (const b of batches.values()) {
    if (storedBytes + more <= max) break;
    if (b !== keep && ended(b)) forget(b);
  }
  return storedBytes + more <= max;
}

const megabytes = (n: number) => `${Math.ceil(n / (1024 * 1024))} MB`;
const ids = new Rng(randomBytes(6).readUIntBE(0, 6));

const bad = (message: string) => new AppError("invalid_request_error", message);
const notFound = (id: string) => new AppError("not_found_error", `message_batch_id: no message batch with id "${id.slice(0, 128)}"`);

function ended(b: SimBatch): boolean {
  return b.canceledAt !== null || (b.processed && Date.now() >= b.endsAt);
}

function view(b: SimBatch, base: string): Record<string, unknown> {
  const done = ended(b);
  const counts = { processing: done ? 0 : b.requests.length, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
  if (done) for (const r of b.requests) counts[resultOf(b, r.custom_id).type]++;
  const endedAt = done ? (b.canceledAt ?? new Date(b.endsAt)) : null;
  return {
    id: b.id,
    type: "message_batch",
    processing_status: done ? "ended" : b.cancelInitiatedAt ? "canceling" : "in_progress",
    request_counts: counts,
    ended_at: endedAt?.toISOString() ?? null,
    created_at: b.createdAt.toISOString(),
    expires_at: new Date(b.createdAt.getTime() + DAY_MS).toISOString(),
    archived_at: null,
    cancel_initiated_at: b.cancelInitiatedAt?.toISOString() ?? null,
    results_url: done ? `${base}/v1/messages/batches/${b.id}/results` : null,
  };
}

/** An item's result once the batch has ended: what processing gave it, or canceled when a cancel came first. */
function resultOf(b: SimBatch, customId: string): Result {
  if (b.canceledAt) return { type: "canceled" };
  return b.results.get(customId) ?? { type: "expired" };
}

/** The simulator's own base URL, as the client reached it: results_url points back at it. */
function baseOf(req: ApiRequest): string {
  const host = req.headers.host ?? "127.0.0.1";
  const at = req.path.indexOf("/v1/messages/batches");
  return `http://${host}${at > 0 ? req.path.slice(0, at) : ""}`;
}

function errored(type: string, message: string): Result {
  return { type: "errored", error: { type: "error", error: { type, message }, request_id: null } };
}

async function answer(params: Record<string, unknown>, headers: ApiRequest["headers"]): Promise<Result> {
  const invalid = validateMessagesRequest(params, headers);
  if (invalid) return errored(invalid.type, invalid.message);
  const directives = readDirectives(promptText(params.messages as unknown[]));
  if (directives instanceof AppError) return errored(directives.type, directives.message);
  if (directives.fault === "500") return errored("api_error", "Internal server error");
  if (directives.fault === "529") return errored("overloaded_error", "Overloaded");
  const outcome = await simulateMessage(params, modelInfo(params.model as string)!, directives, { cache: mentionsCacheControl(params) });
  return { type: "succeeded", message: { ...outcome.message, usage: { ...outcome.message.usage, service_tier: "batch" } } };
}

async function processBatch(b: SimBatch, headers: ApiRequest["headers"]): Promise<void> {
  for (let i = 0; i < b.requests.length; i++) {
    if (b.canceledAt || !batches.has(b.id)) return;
    const r = b.requests[i]!;
    let result = await answer(r.params, headers);
    let size = JSON.stringify(result).length;
    if (!makeRoom(size, b)) {
      result = errored("overloaded_error", `Overloaded: the simulator holds ${megabytes(storedBytes)} of message batches, its bound of ${megabytes(maxStoredBytes())}; this request was not answered`);
      size = JSON.stringify(result).length;
    }
    b.results.set(r.custom_id, result);
    b.bytes += size;
    storedBytes += size;
    if (i % 64 === 63) await yieldToIo();
  }
  b.processed = true;
}

function checkRequests(body: unknown): SimBatch["requests"] {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw bad("Input should be a valid dictionary");
  const requests = (body as { requests?: unknown }).requests;
  if (!Array.isArray(requests)) throw bad("requests: Field required");
  if (requests.length < 1 || requests.length > 100_000) throw bad("requests: must hold 1 to 100,000 requests");
  const seen = new Set<string>();
  return requests.map((r, i) => {
    const { custom_id: id, params } = (r ?? {}) as { custom_id?: unknown; params?: unknown };
    if (typeof id !== "string" || !CUSTOM_ID.test(id)) throw bad(`requests.${i}.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`);
    if (seen.has(id)) throw bad(`requests.${i}.custom_id: custom_id must be unique within a batch; "${id}" is repeated`);
    seen.add(id);
    if (typeof params !== "object" || params === null || Array.isArray(params)) throw bad(`requests.${i}.params: Input should be a valid dictionary`);
    if ((params as { stream?: unknown }).stream === true) throw bad(`requests.${i}.params.stream: batch requests cannot be streamed`);
    return { custom_id: id, params: params as Record<string, unknown> };
  });
}

const json = (value: unknown, requestId: string): ApiResponse => ({ status: 200, headers: { "content-type": "application/json", "request-id": requestId }, body: JSON.stringify(value) });

function find(req: ApiRequest): SimBatch {
  const id = req.params.id ?? "";
  const b = batches.get(id);
  if (!b) throw notFound(id);
  return b;
}

export async function createBatch(req: ApiRequest, requestId: string): Promise<ApiResponse> {
  const { value, size } = await req.json();
  const requests = checkRequests(value);
  const max = maxStoredBytes();
  if (size > max) throw new AppError("request_too_large", `Request too large: a message batch of ${megabytes(size)} is over the simulator's bound of ${megabytes(max)} for batches`);
  if (!makeRoom(size)) {
    throw new AppError("overloaded_error", `Overloaded: the simulator holds ${megabytes(storedBytes)} of message batches still processing, its bound is ${megabytes(max)}; retry once some have ended, or cancel them`);
  }
  const now = new Date();
  const b: SimBatch = {
    id: `msgbatch_01${ids.base62(22)}`,
    createdAt: now,
    endsAt: now.getTime() + (simulatorLatencyMode() === "zero" ? 0 : BATCH_DELAY_MS),
    requests,
    results: new Map(),
    processed: false,
    cancelInitiatedAt: null,
    canceledAt: null,
    bytes: size,
  };
  batches.set(b.id, b);
  storedBytes += size;
  // The oldest go first when too many are kept (a Map iterates in insertion order).
  for (const old of batches.values()) {
    if (batches.size <= MAX_BATCHES) break;
    forget(old);
  }
  const headers = { ...req.headers };
  void processBatch(b, headers).catch(() => {
    b.canceledAt ??= new Date();
  });
  return json(view(b, baseOf(req)), requestId);
}

export async function retrieveBatch(req: ApiRequest, requestId: string): Promise<ApiResponse> {
  return json(view(find(req), baseOf(req)), requestId);
}

export async function cancelBatch(req: ApiRequest, requestId: string): Promise<ApiResponse> {
  const b = find(req);
  // Canceling a batch that has ended changes nothing; one still processing ends now, its requests canceled.
  if (!ended(b)) {
    const now = new Date();
    b.cancelInitiatedAt = now;
    b.canceledAt = now;
  }
  return json(view(b, baseOf(req)), requestId);
}

export async function deleteBatch(req: ApiRequest, requestId: string): Promise<ApiResponse> {
  const b = find(req);
  if (!ended(b)) throw bad(`message batch ${b.id} is still processing; cancel it before deleting it`);
  forget(b);
  return json({ id: b.id, type: "message_batch_deleted" }, requestId);
}

export async function listBatches(req: ApiRequest, requestId: string): Promise<ApiResponse> {
  const page = cursorPage([...batches.values()].reverse(), req.query);
  const base = baseOf(req);
  return json({ ...page, data: page.data.map((b) => view(b, base)) }, requestId);
}

/** The results as JSONL, in request order, a few hundred lines per chunk. */
export async function batchResults(req: ApiRequest, requestId: string): Promise<ApiResponse> {
  const b = find(req);
  if (!ended(b)) throw bad(`message batch ${b.id} is still processing; its results are available once it has ended`);
  async function* lines(): AsyncGenerator<string> {
    let out = "";
    for (let i = 0; i < b.requests.length; i++) {
      const id = b.requests[i]!.custom_id;
      out += `${JSON.stringify({ custom_id: id, result: resultOf(b, id) })}\n`;
      if (i % 256 === 255) {
        yield out;
        out = "";
      }
    }
    if (out) yield out;
  }
  return { status: 200, headers: { "content-type": "application/binary", "request-id": requestId }, stream: lines() };
}
