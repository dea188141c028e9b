/**
 * The record thread: builds request rows from journal lines and inserts them,
 * on a worker thread of the server process (started by thread-store.ts).
 *
 * Building a row is text work (redaction, signal extraction over the thinking
 * and the answer, costing per hop) and inserting is synchronous for SQLite;
 * profiled under load, both together were about a tenth of the main thread's
 * time per request, plus the garbage they left. Here they run on another core.
 *
 * Messages: { id, lines, context? } → { id, result } or { id, error };
 * { id, close: true } closes the database connection and ends the thread.
 * `context` (prices and trace settings) comes with the first batch and again
 * whenever the main thread's copy changed.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createRecordWriter } from "../db/record-writer";
import { createRedactor } from "../traces/redaction";
import { buildRecord, type RecordContext, type RecordInput } from "./build";
import { storeLines } from "./store";
import type { ThreadContext, ThreadReply, ThreadRequest } from "./thread-store";
import { lowerThreadPriority } from "../runtime/thread-priority";

// No client waits on a record as it is built: the serving thread goes first.
lowerThreadPriority();

const port = parentPort!;
const writer = createRecordWriter((workerData as { databaseUrl: string }).databaseUrl);
let context: RecordContext | null = null;

function contextOf(c: ThreadContext): RecordContext {
  return { prices: c.prices, traces: { sampling: c.traces.sampling, redact: createRedactor(c.traces.redaction) } };
}

port.on("message", (m: ThreadRequest) => {
  void handle(m).then((reply) => {
    port.postMessage(reply);
    if ("close" in m) port.close();
  });
});

async function handle(m: ThreadRequest): Promise<ThreadReply> {
  try {
    if ("close" in m) {
      await writer.close();
      return { id: m.id, result: { written: 0, skipped: 0 } };
    }
    if (m.context) context = contextOf(m.context);
    if (!context) throw new Error("record thread: a batch came before the prices and trace settings");
    const ctx = context;
    return { id: m.id, result: await storeLines<RecordInput>(m.lines, (input) => buildRecord(input, ctx), (rows) => writer.insert(rows as unknown as Record<string, unknown>[])) };
  } catch (err) {
    const e = err as Error & { code?: string };
    return { id: m.id, error: e.message ?? String(err), code: e.code };
  }
}
