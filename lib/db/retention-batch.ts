/**
 * How the retention sweeps (conversation pins, request records) size their
 * statements. A single DELETE or UPDATE of millions of rows would hold
 * SQLite's write lock for seconds: every other writer (the record thread, the
 * pins' batches, another process) waits up to its busy timeout and then
 * fails, and better-sqlite3 runs the statement on the main thread, so requests
 * wait too. Small batches give the lock and the event loop back in between
 * (on PostgreSQL they keep each transaction, and its WAL, small as well).
 *
 * A fixed row count is not small enough for request records: clearing or
 * deleting one makes the full-text index re-read its text, so the time per
 * row grows with the text. Measured on SQLite (this machine, 2 cores): 500
 * records took 37 ms with 2 KB of thinking each and 366 ms with 100 KB; 100
 * of the latter 70 ms. So each batch is sized from how long the previous one
 * took, aiming at a few milliseconds, never more than MAX_BATCH rows.
 *
 * "How long it took" is the time the event loop was busy during the batch
 * (its utilisation), not the wall time. A SQLite statement runs on this
 * thread and counts in full; a PostgreSQL query is a wait on a socket and
 * does not, so only its own JavaScript does (building the query, reading the
 * rows). Sized by wall time, a round trip counted as if it held the loop: a
 * batch of 20 that waited 30 ms on the database asked for 5 rows next, not
 * 40, and a busy PostgreSQL kept the batches small for no gain.
 */
import { performance } from "node:perf_hooks";
import { TURN_BUDGET_MS, yieldToIo } from "../runtime/turns";

/** Rows of the first batch: small enough that even records of 100 KB of text take ~15 ms. */
const FIRST_BATCH = 20;
/** Conversation pins, with no text index, take a few milliseconds for this many. */
const MAX_BATCH = 500;

/** What one batch did: rows it found (a batch that found fewer than it asked for was the last) and rows it changed. */
export interface BatchResult {
  found: number;
  changed: number;
}

/**
 * Runs `batch(limit)` until a batch finds fewer rows than its limit, or
 * `signal` aborts (shutdown: between batches); returns the rows changed. Each
 * limit is the last one scaled by how far its batch was from TURN_BUDGET_MS,
 * at most doubling, so one large row slows it at once and small rows speed it
 * up over a few batches.
 */
export async function inTimedBatches(batch: (limit: number) => Promise<BatchResult>, signal?: AbortSignal): Promise<number> {
  let limit = FIRST_BATCH;
  let changed = 0;
  while (!signal?.aborted) {
    const start = performance.eventLoopUtilization();
    const done = await batch(limit);
    changed += done.changed;
    if (done.found < limit) break;
    const ms = Math.max(performance.eventLoopUtilization(start).active, 0.1);
    limit = Math.max(1, Math.min(MAX_BATCH, limit * 2, Math.floor((limit * TURN_BUDGET_MS) / ms)));
    await yieldToIo();
  }
  return changed;
}
