/** Message Batches created through thinkgate (lib/batches): who created each, and what each item's record needs. */
import { db } from "./client";
import { slicesOf } from "./slices";
import { Prisma } from "./generated/sqlite/client.ts";
import { inTimedBatches } from "./retention-batch";

export interface BatchRow {
  id: string;
  keyId: string | null;
  scope: string;
  itemCount: number;
  createdAt: Date;
}

export interface BatchItemRow {
  customId: string;
  requestId: string;
  /** JSON of the item's RecordInput skeleton. */
  skeleton: string;
}


export const batchesRepo = {
  /**
   * The batch, then its items in inserts sized by time (retention-batch.ts),
   * other requests served in between. A batch may hold 100,000 items of a few
   * kilobytes each: one transaction of them all held SQLite's write lock, and
   * the event loop with it (better-sqlite3 runs on the main thread), for 4.3 s
   * with 20,000 items (tests/alone/event-loop.test.ts). Not one transaction
   * then: if an insert fails, the batch and the items stored so far are
   * deleted and the error goes to the caller (which cancels the batch
   * upstream). The client learns the batch's id only once every item is
   * stored, so nothing reads a batch half stored; after a crash in between,
   * the items not yet stored get no record.
   */
  async create(batch: Omit<BatchRow, "createdAt">, items: BatchItemRow[]): Promise<void> {
    const client = db().client;
    await client.messageBatch.create({ data: batch });
    let next = 0;
    try {
      await inTimedBatches(async (limit) => {
        const chunk = items.slice(next, next + limit);
        next += chunk.length;
        if (chunk.length) await insertItems(batch.id, chunk);
        return { found: chunk.length, changed: chunk.length };
      });
    } catch (err) {
      await batchesRepo.delete(batch.id).catch(() => undefined);
      throw err;
    }
  },

  /** A batch thinkgate knows and that has not been deleted. */
  get: (id: string): Promise<BatchRow | null> => db().client.messageBatch.findFirst({ where: { id, deletedAt: null } }),

  /**
   * Up to `take` of a scope's batches next to the batch `from` (not
   * included), in the list's order (newest first): towards older ones, or
   * with `newer` towards newer ones, nearest first. None from a cursor the
   * scope never had. A deleted batch is never listed but still a cursor: its
   * row stays until the retention sweep (deletedAt), so a client deleting
   * each batch as it lists them finds the next page where it was. Once the
   * sweep has removed the row, every older batch went with it.
   */
  async walk(scope: string, o: { take: number; from?: string; newer?: boolean }): Promise<BatchRow[]> {
    const client = db().client;
    const cursor = o.from ? await client.messageBatch.findFirst({ where: { id: o.from, scope } }) : null;
    if (o.from && !cursor) return [];
    const side = o.newer ? "gt" : "lt";
    const beyond = cursor ? { OR: [{ createdAt: { [side]: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { [side]: cursor.id } }] } : {};
    const order = o.newer ? "asc" : "desc";
    return client.messageBatch.findMany({
      where: { scope, deletedAt: null, ...beyond },
      orderBy: [{ createdAt: order }, { id: order }],
      take: o.take,
    });
  },

  /**
   * Marks batches deleted (upstream, through thinkgate or not), keeping their
   * rows and items until the retention sweep (see deletedAt and walk).
   */
  async markDeleted(ids: string[]): Promise<void> {
    const at = new Date();
    for (const some of slicesOf(ids)) await db().client.messageBatch.updateMany({ where: { id: { in: some }, deletedAt: null }, data: { deletedAt: at } });
  },

  /** The items of a batch with these custom ids (a chunk of result lines, of any length: read in slices). */
  async items(batchId: string, customIds: string[]): Promise<BatchItemRow[]> {
    const found: BatchItemRow[] = [];
    for (const some of slicesOf(customIds)) {
      found.push(...(await db().client.messageBatchItem.findMany({ where: { batchId, customId: { in: some } }, select: { customId: true, requestId: true, skeleton: true } })));
    }
    return found;
  },

  /**
   * Deletes batches created before `cutoff` with their items, in batches
   * sized by retention-batch.ts (items first, so a batch of 100,000 items is
   * never one statement); returns how many items and batches went. The items'
   * records stay.
   */
  async deleteCreatedBefore(cutoff: Date, signal?: AbortSignal): Promise<number> {
    const items = await deleteItems({ batch: { createdAt: { lt: cutoff } } }, signal);
    if (signal?.aborted) return items;
    const { count } = await db().client.messageBatch.deleteMany({ where: { createdAt: { lt: cutoff }, items: { none: {} } } });
    return items + count;
  },

  /** Forgets a batch that could not be stored whole. Items first, then the batch. */
  async delete(id: string): Promise<void> {
    await deleteItems({ batchId: id });
    await db().client.messageBatch.deleteMany({ where: { id } });
  },
};

/**
 * One INSERT of a chunk of items. Not createMany: Prisma compiles a
 * createMany afresh for each chunk on the main thread, about 0.2 ms per row
 * until warm (100 rows took 16–35 ms inside the server, the event-loop test's
 * worst piece of work); the same rows as one statement with bound values
 * take about 3 ms.
 */
function insertItems(batchId: string, items: BatchItemRow[]): Promise<number> {
  const rows = items.map((i) => Prisma.sql`(${batchId}, ${i.customId}, ${i.requestId}, ${i.skeleton})`);
  return db().client.$executeRaw`INSERT INTO "MessageBatchItem" ("batchId", "customId", "requestId", "skeleton") VALUES ${Prisma.join(rows)}`;
}

/** Deletes the items matching `where` in batches sized by time (a batch may hold 100,000 items); returns how many went. */
function deleteItems(where: Prisma.MessageBatchItemWhereInput, signal?: AbortSignal): Promise<number> {
  const client = db().client;
  return inTimedBatches(async (limit) => {
    const rows = await client.messageBatchItem.findMany({ where, select: { requestId: true }, take: limit });
    if (!rows.length) return { found: 0, changed: 0 };
    const { count } = await client.messageBatchItem.deleteMany({ where: { requestId: { in: rows.map((r) => r.requestId) } } });
    return { found: rows.length, changed: count };
  }, signal);
}
