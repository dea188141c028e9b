/** Conversation pins: the configuration a conversation started with. */
import { storableText } from "../api/json-body";
import { db } from "./client";
import { inTimedBatches } from "./retention-batch";
import { slicesOf } from "./slices";
import { yieldToIo } from "../runtime/turns";

/**
 * Pins written in one transaction. Prisma compiles a transaction's statements
 * on the thread that serves requests, ~0.5 ms an upsert here: the held
 * thinking of a 10,000-item batch's results, written as one transaction, held
 * it ~50-100 ms, and 50 upserts a transaction still ~40 ms.
 */
const PINS_PER_TRANSACTION = 10;

export interface PinRow {
  key: string;
  routeId: string | null;
  model: string;
  config: string;
  /** Replace a stored pin's configuration (a turn decided anew) instead of keeping the first. */
  replace?: boolean;
}

/**
 * Whether a key can be a row's: a key holds ids a request names (a tool_use
 * id it answers, a thread's message), and one with a NUL (which PostgreSQL's
 * text refuses) or a lone surrogate (which the query's encoding refuses) made
 * the lookup fail, and the request with it, with a 500. No such row can
 * exist: it is looked up as missing, and never written.
 */
const storable = storableText;

export const pinsRepo = {
  get: async (key: string): Promise<PinRow | null> =>
    storable(key) ? db().client.conversationPin.findUnique({ where: { key }, select: { key: true, routeId: true, model: true, config: true } }) : null,

  /** With when each was last written: what is cached from a row is served no longer than the row is kept (pins.ts). */
  getMany: async (keys: string[]): Promise<(PinRow & { lastSeenAt: Date })[]> =>
    db().client.conversationPin.findMany({
      where: { key: { in: keys.filter(storable) } },
      select: { key: true, routeId: true, model: true, config: true, lastSeenAt: true },
    }),

  /**
   * First write wins unless the row says to replace: a conversation keeps the
   * configuration of its first turn. A transaction per PINS_PER_TRANSACTION
   * rows, other requests served between them. When a later one fails, the
   * caller writes the whole batch again: an upsert written twice leaves the
   * same row.
   */
  async putMany(all: PinRow[]): Promise<void> {
    const rows = all.filter((row) => storable(row.key));
    const client = db().client;
    for (const slice of slicesOf(rows, PINS_PER_TRANSACTION)) {
      await client.$transaction(
        slice.map((row) =>
          client.conversationPin.upsert({
            where: { key: row.key },
            create: { key: row.key, routeId: row.routeId, model: row.model, config: row.config },
            update: row.replace ? { routeId: row.routeId, model: row.model, config: row.config, lastSeenAt: new Date() } : { lastSeenAt: new Date() },
          }),
        ),
      );
      if (slice.length === PINS_PER_TRANSACTION) await yieldToIo();
    }
  },

  /**
   * Deletes the rows last written before `cutoff`, in batches sized by
   * retention-batch.ts; returns how many went. A row written again between a
   * batch's read and its delete is kept: the delete checks lastSeenAt again.
   * An aborted `signal` (shutdown) stops it between batches.
   */
  deleteSeenBefore(cutoff: Date, signal?: AbortSignal): Promise<number> {
    const client = db().client;
    return inTimedBatches(async (limit) => {
      const rows = await client.conversationPin.findMany({ where: { lastSeenAt: { lt: cutoff } }, select: { key: true }, take: limit });
      if (!rows.length) return { found: 0, changed: 0 };
      const { count } = await client.conversationPin.deleteMany({ where: { key: { in: rows.map((r) => r.key) }, lastSeenAt: { lt: cutoff } } });
      return { found: rows.length, changed: count };
    }, signal);
  },
};
