/**
 * Large request bodies are decoded and parsed on a thread of their own
 * (json-thread.ts), not on the main thread.
 *
 * On these machines decoding 16 MB of JSON and parsing it are two pieces of
 * work of 40–70 ms each, in which no other request is served (a first write
 * to 16 MB of fresh memory alone costs ~40 ms here). Handed to the thread, the
 * main thread's share is taking the value back (structured clone, about as
 * long as one of the two; a value of many small parts comes back in slices
 * with turns between them, json-parts.ts), and the body's bytes go over
 * without a copy.
 *
 * One thread, started on first use and kept (unref'd); large bodies are rare,
 * so they take turns on it. Where its entry cannot be found (a Next
 * development server bundles this module elsewhere) or it cannot start, the
 * body is parsed in the process, as for small ones.
 */
import type { Worker } from "node:worker_threads";
import { logger } from "../observability/logger";
import { startThread, threadEntry } from "../runtime/threads";
import { AppError } from "./errors";
import { turnBudget } from "../runtime/turns";
import { parseJsonBytes } from "./json-body";
import { fromParts } from "./json-parts";
import type { JsonThreadReply, JsonThreadRequest } from "./json-thread";

/**
 * The thread's heap, bounded: a body that would parse to more than this ends
 * the thread, not the process (MAX_JSON_VALUES keeps ordinary bodies far below it).
 */
const THREAD_LIMITS = { maxOldGenerationSizeMb: 512 };

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

let worker: Worker | null = null;
/** No thread to be had (no entry, or one that never answered): parsed in the process from then on. */
let broken = false;
let answered = false;
let nextId = 1;
const pending = new Map<number, Pending>();

function start(): Worker | null {
  const entry = threadEntry(__dirname, "json-thread.cjs", "json-thread.ts");
  if (!entry) {
    broken = true;
    return null;
  }
  const w = startThread(entry, { resourceLimits: THREAD_LIMITS });
  w.unref();
  w.on("message", (m: JsonThreadReply) => {
    const p = pending.get(m.id);
    if (!p) return;
    answered = true;
    pending.delete(m.id);
    if (!pending.size) w.unref();
    if ("error" in m) p.reject(new AppError(m.error.type, m.error.message));
    else fromParts(m.parts, turnBudget()).then(p.resolve, p.reject);
  });
  const fail = (err: Error & { code?: string }) => {
    if (worker !== w) return;
    worker = null;
    // A thread that never answered will not start next time either; one that did, or one a body
    // ran out of memory (the body's fault, not the thread's), is started again on next use.
    const outOfMemory = err.code === "ERR_WORKER_OUT_OF_MEMORY";
    if (!answered && !outOfMemory) broken = true;
    if (outOfMemory) {
      for (const p of pending.values()) p.reject(new AppError("invalid_request_error", "request body could not be parsed within the memory a request may use"));
      pending.clear();
      return;
    }
    logger.error({ err: err.message }, broken ? "JSON parser thread could not start: large bodies are parsed in the process from now on" : "JSON parser thread failed");
    for (const p of pending.values()) p.reject(new AppError("api_error", "the request body could not be parsed: the parser thread failed"));
    pending.clear();
  };
  w.on("error", fail);
  w.on("exit", (code) => fail(new Error(`JSON parser thread exited (${code})`)));
  return w;
}

/**
 * The body as JSON, with the checks of every body (json-body.ts: a 400 for
 * text that is not UTF-8 or JSON, too deep, or with a "__proto__" key).
 * `bytes` is handed over: its memory is moved to the thread when it owns
 * all of it, and must not be read afterwards.
 */
export function parseLargeJson(bytes: Uint8Array): Promise<unknown> {
  const w = broken ? null : (worker ?? (worker = start()));
  if (!w) return Promise.resolve().then(() => parseJsonBytes(bytes));
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    // Keeps the process alive while a parse is under way.
    w.ref();
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && !(bytes.buffer instanceof SharedArrayBuffer);
    const msg: JsonThreadRequest = { id, bytes };
    w.postMessage(msg, whole ? [bytes.buffer as ArrayBuffer] : []);
  });
}
