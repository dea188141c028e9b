/**
 * The server's record store: batches of journal lines go to the record
 * thread (thread.ts), which builds and inserts the rows; the main thread only
 * hands over strings. The prices and trace settings the rows are built with
 * go along with the first batch and again whenever they changed here (they
 * are reloaded on this thread when saved, and on notice from other
 * instances), so a row is built with what was in effect when it was written,
 * as before.
 *
 * The thread runs the bundle's record-thread.cjs next to the server bundle,
 * or the TypeScript source through tsx's require hook when the server runs
 * from source (npm run dev, unit tests). Where neither can be found (a Next
 * development server bundles this file elsewhere), or the thread cannot
 * start, records are built and inserted in the process instead: slower under
 * load, the same rows.
 */
import type { Worker } from "node:worker_threads";
import { logger } from "../observability/logger";
import type { PriceRow } from "../pricing/seed";
import type { RedactionConfig, Redactor } from "../traces/redaction";
import type { SamplingConfig } from "../traces/sampling";
import { startThread, threadEntry } from "../runtime/threads";
import type { RecordStore, Stored } from "./recorder";

/** Prices and trace settings as the thread receives them (plain data: the redactor is rebuilt there). */
export interface ThreadContext {
  prices: PriceRow[];
  traces: { sampling: SamplingConfig; redaction: RedactionConfig };
}

export type ThreadRequest = { id: number; lines: string[]; context?: ThreadContext } | { id: number; close: true };
export type ThreadReply = { id: number; result: Stored } | { id: number; error: string; code?: string };

/** What the main thread holds: the objects are replaced (never mutated) when the settings change. */
export interface ContextSource {
  prices(): PriceRow[];
  traces(): { sampling: SamplingConfig; redaction: RedactionConfig; redact: Redactor };
}

export interface ClosableStore extends RecordStore {
  /** Where rows are built and inserted now: the record thread, or this thread (no thread, or it could not start). */
  builtOn(): "thread" | "process";
  close(): Promise<void>;
}

/**
 * The thread's young generation, kept small: by default it reserves as much
 * as the main thread's (32 MiB of new space), which a thread building 200
 * rows at a time does not need; measured under load, the thread's heap went
 * from ~51 to ~30 MiB with it. Its old generation keeps the default, since a
 * batch of long prompts and traces can be large.
 */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 8 };

export function threadStore(databaseUrl: string, source: ContextSource, fallback: RecordStore): ClosableStore {
  const entry = threadEntry(__dirname, "record-thread.cjs", "thread.ts");
  if (!entry) {
    logger.warn("record thread not found beside this module: records are built in the process");
    return { store: (lines) => fallback.store(lines), builtOn: () => "process", close: async () => {} };
  }
  let worker: Worker | null = null;
  let broken = false;
  let answered = false;
  let nextId = 1;
  let sent: { prices: unknown; traces: unknown } | null = null;
  const pending = new Map<number, { resolve: (r: Stored) => void; reject: (e: Error) => void }>();

  const start = (): Worker => {
    // A new thread has no prices or trace settings yet: the next batch carries them.
    sent = null;
    const w = startThread(entry, { workerData: { databaseUrl }, resourceLimits: THREAD_LIMITS });
    w.unref();
    w.on("message", (m: ThreadReply) => {
      const p = pending.get(m.id);
      if (!p) return;
      answered = true;
      pending.delete(m.id);
      if (!pending.size) w.unref();
      if ("error" in m) p.reject(Object.assign(new Error(m.error), { code: m.code }));
      else p.resolve(m.result);
    });
    const fail = (err: Error) => {
      if (worker !== w) return;
      worker = null;
      // A thread that never answered will not start next time either.
      if (!answered) {
        broken = true;
        logger.error({ err: err.message }, "record thread could not start: records are built in the process from now on");
      }
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
    w.on("error", fail);
    w.on("exit", (code) => fail(new Error(`record thread exited (${code})`)));
    return w;
  };

  const send = (w: Worker, msg: Omit<ThreadRequest, "id"> & Record<string, unknown>): Promise<Stored> => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      // Keeps the process alive until the batch is written.
      w.ref();
      w.postMessage({ ...msg, id });
    });
  };

  return {
    builtOn: () => (broken ? "process" : "thread"),
    store(lines) {
      if (broken) return fallback.store(lines);
      const w = (worker ??= start());
      const prices = source.prices();
      const traces = source.traces();
      let context: ThreadContext | undefined;
      if (!sent || sent.prices !== prices || sent.traces !== traces) {
        context = { prices, traces: { sampling: traces.sampling, redaction: traces.redaction } };
        sent = { prices, traces };
      }
      return send(w, { lines, context }).catch((err: Error) => {
        // The thread may not have taken the context (it failed before applying it): sent again with the next batch.
        sent = null;
        throw err;
      });
    },
    async close() {
      const w = worker;
      if (!w) return;
      const exited = new Promise<void>((r) => w.once("exit", () => r()));
      // Bounded: a connection stuck on an unreachable database must not hold the exit (the spool keeps what is unconfirmed).
      const closed = await Promise.race([send(w, { close: true }).then(() => true, () => true), new Promise<false>((r) => setTimeout(() => r(false), 5_000).unref())]);
      if (!closed) await w.terminate();
      worker = null;
      await exited;
    },
  };
}
