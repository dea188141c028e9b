/**
 * Finding and starting a worker thread's entry, the same way for every thread
 * the server runs (the record thread, the JSON parser): the bundle's
 * `<name>.cjs` next to the server bundle (scripts/build-server.mjs), or the
 * TypeScript source through tsx's require hook when the server runs from
 * source (npm run dev, unit tests). Null where neither can be found (a Next
 * development server bundles these modules elsewhere): the caller then does
 * the work in the process.
 */
import fs from "node:fs";
import path from "node:path";
import { Worker, type WorkerOptions } from "node:worker_threads";

export interface ThreadEntry {
  file: string;
  /** The entry is TypeScript source, started through tsx. */
  fromSource: boolean;
}

/** `bundled` (e.g. "record-thread.cjs") or `source` (e.g. "thread.ts") in `dir`, the caller's __dirname. */
export function threadEntry(dir: string, bundled: string, source: string): ThreadEntry | null {
  // turbopackIgnore: Next bundles the callers too (its route handlers import the
  // gateway); a path built from __dirname would make it trace the whole project.
  const b = path.join(/* turbopackIgnore: true */ dir, bundled);
  if (fs.existsSync(/* turbopackIgnore: true */ b)) return { file: b, fromSource: false };
  const s = path.join(/* turbopackIgnore: true */ dir, source);
  if (fs.existsSync(/* turbopackIgnore: true */ s)) return { file: s, fromSource: true };
  return null;
}

const FROM_SOURCE = `require("tsx/cjs/api").register(); require(require("node:worker_threads").workerData.entry);`;

/** Starts the entry; its workerData carries `entry` (the file) besides what the caller passes. */
export function startThread(entry: ThreadEntry, options: WorkerOptions & { workerData?: Record<string, unknown> } = {}): Worker {
  const workerData = { ...options.workerData, entry: entry.file };
  return entry.fromSource
    ? new Worker(FROM_SOURCE, { ...options, workerData, eval: true })
    : new Worker(/* turbopackIgnore: true */ entry.file, { ...options, workerData });
}
