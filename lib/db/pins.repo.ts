/** Conversation pins: the configuration a conversation started with. */
import { yieldToIo } from "../runtime/turns";
import { db } from "./client";

/**
 * Rows one delete of the retention sweep takes. A single DELETE of millions of
 * rows would hold SQLite's write lock for seconds: every other writer (the
 * record thread, the pins' batches, another process) waits up to its busy
 * timeout and then fails, and better-sqlite3 runs the statement on the main
 * thread, so requests wait too. Batches of a few hundred rows take a few
 * milliseconds each and give the lock and the event loop back in between
 * (on PostgreSQL they keep each transaction, and its WAL, small as well).
 * Measured on SQLite, 180,000 expired rows of 2 KB among 200,000: one delete
 * took 0.8 s and another process's write waited 630 ms for the lock; in
 * batches the sweep took 9 s and that write waited at most 21 ms.
 */
const DELETE_BATCH = 500;

export interface PinRow {
  key: string;
  routeId: string | null;
  model: string;
  config: string;
  /** Replace a stored pin's configuration (a turn decided anew) instead of keeping the first. */
  replace?: boolean;
}

export const pinsRepo = {
  get: (key: string): Promise<PinRow | null> =>
    db().client.conversationPin.findUnique({ where: { key }, select: { key: true, routeId: true, model: true, config: true } }),

  getMany: (keys: string[]): Promise<PinRow[]> =>
    db().client.conversationPin.findMany({ where: { key: { in: keys } }, select: { key: true, routeId: true, model: true, config: true } }),

  /** First write wins unless the row says to replace: a conversation keeps the configuration of its first turn. One transaction for the batch. */
  async putMany(rows: PinRow[]): Promise<void> {
    if (!rows.length) return;
    const client = db().client;
    await client.$transaction(
      rows.map((row) =>
        client.conversationPin.upsert({
          where: { key: row.key },
          create: { key: row.key, routeId: row.routeId, model: row.model, config: row.config },
          update: row.replace ? { routeId: row.routeId, model: row.model, config: row.config, lastSeenAt: new Date() } : { lastSeenAt: new Date() },
        }),
      ),
    );
  },

  /**
   * Deletes the rows last written before `cutoff`, in batches of DELETE_BATCH
   * (see above); returns how many went. A row written again between a batch's
   * read and its delete is kept: the delete checks lastSeenAt again. An aborted
   * `signal` (shutdown) stops it between batches.
   */
  async deleteSeenBefore(cutoff: Date, signal?: AbortSignal): Promise<number> {
    const client = db().client;
    let deleted = 0;
    while (!signal?.aborted) {
      const rows = await client.conversationPin.findMany({ where: { lastSeenAt: { lt: cutoff } }, select: { key: true }, take: DELETE_BATCH });
      if (!rows.length) return deleted;
      const { count } = await client.conversationPin.deleteMany({ where: { key: { in: rows.map((r) => r.key) }, lastSeenAt: { lt: cutoff } } });
      deleted += count;
      if (rows.length < DELETE_BATCH) return deleted;
      await yieldToIo();
    }
    return deleted;
  },
};
