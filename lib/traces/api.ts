/**
 * The trace explorer's API (viewer role): the filtered list, one trace with
 * its signal spans, the filter menus' values, and labelling a trace as
 * needing reasoning or not (viewers may label: it is feedback, not config).
 */
import { z } from "zod";
import { badRequest, notFound } from "../api/errors";
import { json, type Handler } from "../api/http";
import { decimal } from "../api/query-number";
import { withApi } from "../api/wrap";
import { examplesRepo } from "../db/examples.repo";
import { tracesRepo } from "../db/traces.repo";
import { recordView } from "../requests/view";
import { failureView, signalsOf, thinkingView } from "./detail";
import { toTraceFilter, traceQuerySchema } from "./filters";
import { buildThread } from "./thread";

/** Calls shown in one thread at most (a runaway loop must not load thousands of rows). */
export const THREAD_LIMIT = 200;

export const listTraces: Handler = withApi({ role: "viewer" }, async ({ req }) => {
  const q = traceQuerySchema.parse(Object.fromEntries(req.query));
  const { rows, nextCursor } = await tracesRepo.list(toTraceFilter(q), q.limit, q.cursor);
  return json(200, { data: rows, nextCursor });
});

export const traceFacets: Handler = withApi({ role: "viewer" }, async () => json(200, await tracesRepo.facets()));

/** The longest a caller may ask GET /api/traces/:id to wait for a record being written (?wait=ms). */
export const TRACE_WAIT_MAX_MS = 10_000;
/** How often a waiting read looks for the record again. */
const TRACE_LOOK_EVERY_MS = 100;

const traceReadQuery = z.object({
  wait: decimal(z.number().int().min(0).max(TRACE_WAIT_MAX_MS)).default(0),
});

/**
 * Records are written off the response path, so a caller that has just had
 * its answer (the playground) may read before its record is stored. With
 * ?wait=ms the read waits up to that long for it, looking again every
 * 100 ms, and answers 404 only if it is still not there: a record on its way
 * is not "not found".
 */
async function traceRow(id: string, waitMs: number, signal: AbortSignal) {
  const until = Date.now() + waitMs;
  for (;;) {
    const row = await tracesRepo.byId(id);
    if (row || Date.now() >= until || signal.aborted) return row;
    await new Promise((r) => setTimeout(r, Math.min(TRACE_LOOK_EVERY_MS, until - Date.now())));
  }
}

export const getTrace: Handler = withApi({ role: "viewer" }, async ({ req }) => {
  const id = req.params.id ?? "";
  const { wait } = traceReadQuery.parse({ wait: req.query.get("wait") ?? undefined });
  // The label is read beside the record, as before the wait: a label hangs on a stored record, so one still on its way has none.
  const [row, label] = await Promise.all([traceRow(id, wait, req.signal), examplesRepo.forRequest(id)]);
  if (!row) throw notFound(`request ${id} not found`);
  const conversationCalls = row.conversationKey ? await tracesRepo.conversationSize(row.conversationKey) : 1;
  // The trace's thinking comes as `thinking`, with its spans, not as the raw column.
  const { thinkingText: _t, failureReasons: _f, failureScore: _s, toolCalls: _c, toolResults: _r, ...view } = recordView(row);
  return json(200, {
    ...view,
    thinking: thinkingView(row),
    failure: failureView(row),
    conversationCalls,
    answerSignals: signalsOf(row.answer),
    label: label ? { label: label.label, source: label.source, createdBy: label.createdBy, updatedAt: label.updatedAt } : null,
  });
});

/** The conversation a request belongs to, as one thread of calls (agent loops). */
export const getTraceThread: Handler = withApi({ role: "viewer" }, async ({ req }) => {
  const id = req.params.id ?? "";
  const row = await tracesRepo.byId(id);
  if (!row) throw notFound(`request ${id} not found`);
  // A loop longer than the limit is shown around the call opened (it was the
  // oldest calls, without the one opened when it came later than them).
  const { calls, earlier, later } = row.conversationKey ? await tracesRepo.conversationAround(row.conversationKey, id, THREAD_LIMIT) : { calls: [row], earlier: 0, later: 0 };
  return json(200, { requestId: id, limit: THREAD_LIMIT, truncated: earlier + later > 0, earlier, later, ...buildThread(row.conversationKey, calls) });
});

const labelBody = z.object({ needsReasoning: z.boolean(), note: z.string().max(2000).optional() }).strict();

export const labelTrace: Handler = withApi({ role: "viewer", body: labelBody }, async ({ req, body, principal }) => {
  const id = req.params.id ?? "";
  const row = await tracesRepo.byId(id);
  if (!row) throw notFound(`request ${id} not found`);
  if (!row.prompt) throw badRequest(`request ${id} has no stored prompt to learn from`);
  const example = await examplesRepo.save({
    prompt: row.prompt,
    system: row.system,
    app: row.app,
    task: row.task,
    label: body.needsReasoning ? "reasoning" : "standard",
    source: "trace",
    requestId: id,
    note: body.note ?? "",
    createdBy: principal.name,
  });
  return json(200, example);
});
