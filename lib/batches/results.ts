/**
 * A batch's results, relayed as the upstream sends them (JSONL, chunk by
 * chunk, never the whole file in memory), and each item's record completed
 * as its line passes: the skeleton kept when the batch was created
 * (items.ts) and the line's result as its outcome. The record's id was fixed
 * at creation, so results read twice are recorded once: the item is marked
 * recorded, and the recorder's insert skips an id it has.
 */
import { MANAGEMENT_DB_MS, unlessSilent } from "../api/db-bound";
import { stringifyDeep } from "../api/json-text";
import { silentFor } from "../db/probe";
import { batchesRepo, type BatchItemRow } from "../db/batches.repo";
import { recorder } from "../gateway/record";
import { ResponseObserver } from "../gateway/stream-observer";
import type { Outcome, RecordInput } from "../recorder/build";
import { logger } from "../observability/logger";
import { turnBudget } from "../runtime/turns";
import { withoutThinking } from "../gateway/hidden-thinking";
import type { StoredSkeleton } from "./items";

interface ResultLine {
  custom_id?: unknown;
  result?: { type?: unknown; message?: unknown; error?: { error?: { type?: unknown; message?: unknown } } };
}

/** HTTP statuses the API gives its error types (lib/api/errors.ts), for an errored item's record. */
const STATUS_OF: Partial<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/**
 * The outcome of one result line. An item that was canceled or expired was
 * never answered: it is recorded as an error of that type, with 499 (ended
 * by its client, as for a client that left) or 504 (not done in time).
 */
export function outcomeOf(line: ResultLine): Omit<Outcome, "latencyMs"> | null {
  const r = line.result;
  switch (r?.type) {
    case "succeeded": {
      const observer = new ResponseObserver();
      observer.message(r.message as Parameters<ResponseObserver["message"]>[0]);
      const id = (r.message as { id?: unknown } | undefined)?.id;
      return { status: "ok", httpStatus: 200, errorType: null, errorMessage: null, observed: observer.result(), upstreamRequestId: typeof id === "string" ? id : null };
    }
    case "errored": {
      const type = typeof r.error?.error?.type === "string" ? r.error.error.type : "api_error";
      const message = typeof r.error?.error?.message === "string" ? r.error.error.message : "the batch request errored";
      return { status: "error", httpStatus: STATUS_OF[type] ?? 500, errorType: type, errorMessage: message };
    }
    case "canceled":
      return { status: "error", httpStatus: 499, errorType: "canceled", errorMessage: "the batch was canceled before this request was processed" };
    case "expired":
      return { status: "error", httpStatus: 504, errorType: "expired", errorMessage: "the batch expired before this request was processed" };
    default:
      return null;
  }
}

/** The item's full record: its skeleton and the result's outcome. */
export function itemRecord(stored: StoredSkeleton, outcome: Omit<Outcome, "latencyMs">): RecordInput {
  const { hidesThinking: _shown, ...skeleton } = stored;
  const seen = outcome.observed;
  return {
    ...skeleton,
    outcome: {
      ...outcome,
      // A batch item's latency is the batch's, which the line does not say.
      latencyMs: 0,
      observed: seen
        ? { usage: seen.usage, stopReason: seen.stopReason, answer: seen.answer, thinking: seen.thinking, thinkingStatus: seen.thinkingStatus, toolCalls: seen.toolCalls }
        : null,
    },
  };
}

/**
 * Relays the upstream's result bytes, line by line, recording each complete
 * line's item before the line goes on (one database read per chunk of lines).
 * A line that is not JSON, or names no item of the batch, is relayed and
 * not recorded. The answer of an item whose thinking thinkgate added goes
 * out without it, as a Messages answer would (hidden-thinking.ts), kept for
 * the creator (`scope`) to continue the conversation. `batchId` is
 * thinkgate's id for the batch (BatchRow.id), which its items hang on, not
 * the upstream's.
 */
export async function* relayResults(batchId: string, scope: string, body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  // The line begun and not ended yet, in the pieces it came in: only each new
  // piece is searched for a line end. Searched again whole at every chunk, a
  // line of 32 MB (a large answer, an upstream gone wrong) took 36 s of the
  // serving thread, the square of its length.
  let rest: string[] = [];
  for await (const chunk of body) {
    const text = decoder.decode(chunk, { stream: true });
    const end = text.lastIndexOf("\n");
    if (end < 0) {
      if (text) rest.push(text);
      continue;
    }
    rest.push(text.slice(0, end + 1));
    const lines = rest.join("");
    rest = end + 1 < text.length ? [text.slice(end + 1)] : [];
    const started = performance.now();
    const shown = await recordLines(batchId, scope, lines);
    yield shown;
    await paced(performance.now() - started);
  }
  const last = rest.join("") + decoder.decode();
  if (last) yield await recordLines(batchId, scope, last);
}

/**
 * After a chunk whose recording took `ms`, as long again for everything else.
 * Results arrive as fast as the upstream sends them (tens of megabytes for a
 * large batch), and making each item's record (parsing it, journaling it)
 * is main-thread work: unpaced, it held every other request for 170-300 ms at
 * a time while a batch of 20,000 was read on this 2-core machine
 * (tests/alone/event-loop.test.ts). Paced, the gateway spends at most about
 * half of its time on a results download.
 */
function paced(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50)));
}

/** Records the items of `text`'s lines; returns the text to relay (the same text unless an answer's thinking was held back). */
async function recordLines(batchId: string, scope: string, text: string): Promise<string> {
  // A chunk of results may hold thousands of lines: parsed and recorded a turn at a time.
  const turn = turnBudget();
  const lines = text.split("\n");
  const parsed = new Map<string, { line: ResultLine; at: number }>();
  for (let at = 0; at < lines.length; at++) {
    await turn();
    if (!lines[at]!.trim()) continue;
    try {
      const l = JSON.parse(lines[at]!) as ResultLine;
      if (typeof l.custom_id === "string") parsed.set(l.custom_id, { line: l, at });
    } catch {
      /* not JSON: relayed, not recorded */
    }
  }
  if (!parsed.size) return text;
  let items: BatchItemRow[];
  try {
    // The answer's head is sent: a database that stops answering now would hold the rest of the download with it.
    const known = silentFor(false);
    const read = known ? { why: known } : await unlessSilent(batchesRepo.items(batchId, [...parsed.keys()]), { waitMs: MANAGEMENT_DB_MS, silent: silentFor });
    if ("why" in read) throw new Error(`the database is not answering (${read.why})`);
    items = read.value;
  } catch (err) {
    // The client still gets its results; the records can be made by reading them again.
    logger.warn({ err: (err as Error).message, batchId }, "could not read a batch's items to record its results");
    return text;
  }
  // Each item's record has an id fixed when the batch was created, and the
  // recorder's insert skips ids it has: results read twice are recorded once.
  // Nothing is marked here: a write from this (the main) thread would wait on
  // SQLite's lock while the record thread inserts these very records.
  let changed = false;
  for (const item of items) {
    await turn();
    const { line, at } = parsed.get(item.customId)!;
    const outcome = outcomeOf(line);
    if (!outcome) continue;
    const skeleton = JSON.parse(item.skeleton) as StoredSkeleton;
    recorder().add(itemRecord(skeleton, outcome));
    const message = line.result?.message as { content?: unknown } | undefined;
    if (!skeleton.hidesThinking || line.result?.type !== "succeeded" || !message || !skeleton.applied) continue;
    const shown = withoutThinking(message, scope, skeleton.applied.model);
    if (shown === message) continue;
    // The answer may nest deeper than JSON.stringify goes (a tool input 50,000 levels deep): it threw, and the download broke off.
    lines[at] = stringifyDeep({ ...line, result: { ...line.result, message: shown } });
    changed = true;
  }
  return changed ? lines.join("\n") : text;
}
