/**
 * The record of one gateway request, in two steps. `record()` runs when the
 * response is finishing, before its last byte is sent: it takes the few facts
 * the record is made of (a RecordInput, plain JSON) and hands them to the
 * recorder, which appends them to the spool on disk synchronously. Building
 * the stored row from them (costing, redaction, signal extraction) happens
 * later, off the response path, and again from the spool after a crash.
 */
import path from "node:path";
import { AppError } from "../api/errors";
import { requestsRepo } from "../db/requests.repo";
import { databaseUrl, providerOf, sqlitePath } from "../db/provider";
import { budgetCharge } from "../limits/admission";
import { logger } from "../observability/logger";
import { priceRows } from "../pricing/service";
import { buildRecord, INTERRUPTED, recordable, type Outcome, type RecordContext, type RecordInput, type ToolResult } from "../recorder/build";
import type { MessagesBody } from "../routing/request";
import { Journal } from "../recorder/journal";
import { Recorder } from "../recorder/recorder";
import { inlineStore } from "../recorder/store";
import { threadStore, type ClosableStore } from "../recorder/thread-store";
import type { Attempt } from "./messages";
import { lastSnapshot } from "../routing/config";
import { tracesSnapshot } from "../traces/config";
import { observeRequest } from "../telemetry/observe";
import { requestEnded } from "./shutdown";

export type { Hop, Outcome, RecordInput } from "../recorder/build";

const g = globalThis as unknown as { __thinkgateRecorder?: Recorder<RecordInput>; __thinkgateRecordStore?: ClosableStore };

/** The prices and trace settings in effect in this process. */
export const recordContext = (): RecordContext => ({ prices: priceRows(), traces: tracesSnapshot() });

/**
 * Rows are built and inserted on the record thread (lib/recorder/thread.ts);
 * THINKGATE_RECORD_THREAD=off builds them in the process instead.
 */
function recordStore(): ClosableStore {
  const inline = inlineStore<RecordInput>((input) => buildRecord(input, recordContext()), requestsRepo.insertMany);
  if (process.env.THINKGATE_RECORD_THREAD === "off") return { store: inline.store, builtOn: () => "process", close: async () => {} };
  return threadStore(databaseUrl(), { prices: priceRows, traces: tracesSnapshot }, inline);
}

/** Where this process builds and inserts its records (reported by /api/health). */
export function recordBuilder(): "thread" | "process" {
  recorder();
  return g.__thinkgateRecordStore!.builtOn();
}

/** Ends the record thread after the recorder's last flush (its database connection closes with it). */
export async function closeRecordStore(): Promise<void> {
  const s = g.__thinkgateRecordStore;
  g.__thinkgateRecordStore = undefined;
  await s?.close();
}

/**
 * Where the spool lives: THINKGATE_SPOOL_DIR, "off" for none (records then
 * wait in memory only). By default next to the SQLite file (<file>-spool), or
 * for PostgreSQL under ./data/spool, one directory per database.
 */
export function spoolDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const set = env.THINKGATE_SPOOL_DIR?.trim();
  if (set) return set === "off" ? null : path.resolve(set);
  const url = databaseUrl(env);
  if (providerOf(url) === "sqlite") return path.resolve(`${sqlitePath(url)}-spool`);
  const u = new URL(url);
  const name = `${u.hostname}-${u.port || "5432"}-${u.pathname.slice(1)}`.replace(/[^A-Za-z0-9._-]/g, "_");
  return path.resolve("data", "spool", name);
}

/** The process's recorder; the server creates it at start, so a spool left by an earlier run is replayed at once. */
export function recorder(): Recorder<RecordInput> {
  if (g.__thinkgateRecorder) return g.__thinkgateRecorder;
  const dir = spoolDir();
  const journal = dir
    ? Journal.open({
        dir,
        maxBytes: Number(process.env.THINKGATE_SPOOL_MAX_BYTES ?? 1 << 30),
        fsync: process.env.THINKGATE_SPOOL_FSYNC === "1",
      })
    : null;
  if (!journal) logger.warn("THINKGATE_SPOOL_DIR=off: records wait in memory only and are lost if the process dies");
  const store = (g.__thinkgateRecordStore ??= recordStore());
  return (g.__thinkgateRecorder = new Recorder<RecordInput>(store, journal, {
    batchSize: Number(process.env.THINKGATE_RECORDER_BATCH ?? 200),
    batchChars: Number(process.env.THINKGATE_RECORDER_BATCH_CHARS ?? 2 << 20),
    intervalMs: Number(process.env.THINKGATE_RECORDER_INTERVAL_MS ?? 50),
    maxQueue: Number(process.env.THINKGATE_RECORDER_MAX_QUEUE ?? 100_000),
  }));
}

/** The policy at the spool's bound (README, "No lost records"): new requests wait for the database. */
export function spoolFull(): AppError {
  return new AppError("overloaded_error", "thinkgate cannot store request records right now (its spool is full while the database is unavailable); retry later", {
    status: 503,
    headers: { "retry-after": "5" },
  });
}

/** The facts of a finished request; cheap (no copying of texts, no costing). */
/** Longest tool result kept per block (the trace shows it; the model got it whole). */
const MAX_TOOL_RESULT = 4_000;

/** The tool results the request's last message carries (a tool loop's continuation), text only. */
export function toolResultsOf(body: MessagesBody): ToolResult[] {
  const last = body.messages[body.messages.length - 1];
  if (!last || last.role !== "user" || !Array.isArray(last.content)) return [];
  const out: ToolResult[] = [];
  for (const b of last.content as { type?: string; tool_use_id?: string; content?: unknown; is_error?: boolean }[]) {
    if (!b || b.type !== "tool_result") continue;
    const c = b.content;
    const text =
      typeof c === "string"
        ? c
        : Array.isArray(c)
          ? (c as { type?: string; text?: string }[]).map((x) => (x && x.type === "text" && typeof x.text === "string" ? x.text : x && x.type ? `[${x.type}]` : "")).join("\n")
          : "";
    out.push({ toolUseId: b.tool_use_id ?? "", content: text.slice(0, MAX_TOOL_RESULT), isError: b.is_error === true });
  }
  return out;
}

export function recordInput(a: Attempt, o: Outcome): RecordInput {
  const d = a.decision;
  const snap = lastSnapshot();
  const reasoning = snap?.routes.get(snap.tierRoutes.reasoning);
  const seen = o.observed;
  const charge = budgetCharge(a);
  return {
    requestId: a.requestId,
    via: a.via,
    client: a.routable?.client ?? null,
    createdAt: a.createdAt.getTime(),
    keyId: a.keyId,
    request: a.body
      ? { model: a.body.model, maxTokens: a.body.max_tokens ?? null, messageCount: a.body.messages.length, stream: a.body.stream === true }
      : null,
    routable: a.routable
      ? {
          system: recordable(a.routable.system),
          prompt: recordable(a.routable.prompt),
          app: a.routable.app ?? null,
          task: a.routable.task ?? null,
          hasTools: a.routable.hasTools,
        }
      : null,
    decision: d
      ? {
          stage: d.stage,
          reason: d.reason,
          ruleId: d.ruleId ?? null,
          score: d.score ?? null,
          threshold: d.threshold ?? null,
          tier: d.tier,
          routeId: d.route?.id ?? null,
          routeName: d.route?.name ?? null,
        }
      : null,
    applied: a.applied
      ? {
          model: a.applied.model,
          thinking: a.applied.thinking ?? null,
          effort: a.applied.effort ?? null,
          maxTokens: a.applied.body.max_tokens ?? null,
          adjustments: [
            ...(a.notes ?? []),
            ...a.applied.adjustments,
            ...(a.unreadAnswers ? [`${a.unreadAnswers} upstream answer(s) lost after a success status (the connection broke in the body): billed by the API, their usage and so the request's cost unknown`] : []),
            ...(seen?.outputEstimated ? [`output tokens are a floor (${seen.usage?.output_tokens ?? 0}), estimated from what was relayed: the stream ended before the API's count`] : []),
          ],
        }
      : null,
    hops: a.hops,
    ...(a.unreadAnswers ? { unreadAnswers: a.unreadAnswers } : {}),
    ...(charge !== undefined ? { budgetMicro: charge } : {}),
    ...(a.routable ? { conversation: { key: a.routable.threadKey, toolResults: a.body ? toolResultsOf(a.body) : [] } } : {}),
    reasoning: reasoning ? { model: reasoning.model, budgetTier: reasoning.budgetTier ?? null } : null,
    outcome: {
      ...o,
      observed: seen
        ? { usage: seen.usage, stopReason: seen.stopReason, answer: seen.answer, thinking: seen.thinking, thinkingStatus: seen.thinkingStatus, toolCalls: seen.toolCalls }
        : null,
    },
  };
}

/**
 * What an interrupted request's record says. The client saw its connection
 * drop (before the headers, or mid-stream): 502, as a gateway that failed.
 */
const INTERRUPTED_MESSAGE = "the gateway stopped (killed or crashed) before the response was complete; its usage and cost are unknown";

/**
 * The request is about to make an upstream call: from here on the upstream
 * may bill it, and a process killed before record() would leave no trace of
 * it. Journals its provisional record (one synchronous append): what is known
 * now (key, decision, model, the request's texts as the final record keeps
 * them, redacted the same way when built), and the outcome of a request the
 * gateway stopped in the middle of, with the latency so far (a floor).
 *
 * `classifier`: the router's LLM classifier call (lib/gateway/llm-stage.ts),
 * made before the request is decided: its line has no decision yet, and that
 * call as a hop whose usage is unknown. The answer's first call journals the
 * line again, decided, superseding it (Recorder.provisional); retries,
 * fallbacks and an escalation's second call add nothing. record() supersedes
 * whichever line is the last.
 */
export function recordDispatched(a: Attempt, classifier?: { model: string }): void {
  if (a.dispatched) return;
  if (!classifier) a.dispatched = true;
  const outcome: Outcome = { status: "error", httpStatus: 502, errorType: INTERRUPTED, errorMessage: INTERRUPTED_MESSAGE, latencyMs: Math.round(performance.now() - a.started) };
  const input = recordInput(a, outcome);
  if (classifier) input.hops = [...input.hops, { kind: "classifier", routeId: null, model: classifier.model, usage: null }];
  a.provisional = recorder().provisional(a.requestId, input, a.provisional);
}

/**
 * Records a finished request. Called before the response's last byte goes
 * out (messages.ts: before a JSON body is returned, and in the stream's
 * finally, which runs before the adapter ends the response), so a response
 * the client saw complete always has its record in the spool.
 */
export function record(a: Attempt, o: Omit<Outcome, "latencyMs">): void {
  const outcome = { ...o, latencyMs: Math.round(performance.now() - a.started) };
  recorder().add(recordInput(a, outcome), a.provisional);
  a.provisional = null;
  requestEnded(a);
  // Access log, metrics and spans: on a later turn of the event loop.
  observeRequest(a, outcome);
}
