/** Message Batches created through thinkgate (lib/batches): who created each, and what each item's record needs. */
import { db } from "./client";
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
  recordedAt: Date | null;
}

/** Rows per insert: a batch may hold 100,000 items, and PostgreSQL binds at most 65,535 parameters per statement. */
const INSERT_CHUNK = 1_000;

export const batchesRepo = {
  /** The batch and all its items, in one transaction: a batch is known whole or not at all. */
  async create(batch: Omit<BatchRow, "createdAt">, items: Omit<BatchItemRow, "recordedAt">[]): Promise<void> {
    const client = db().client;
    const chunks: (typeof items)[] = [];
    for (let i = 0; i < items.length; i += INSERT_CHUNK) chunks.push(items.slice(i, i + INSERT_CHUNK));
    await client.$transaction([
      client.messageBatch.create({ data: batch }),
      ...chunks.map((c) => client.messageBatchItem.createMany({ data: c.map((item) => ({ ...item, batchId: batch.id })) })),
    ]);
  },

  get: (id: string): Promise<BatchRow | null> => db().client.messageBatch.findUnique({ where: { id } }),

  /**
   * One page of a scope's batches, newest first, as the API pages its list:
   * after_id pages towards older batches, before_id towards newer ones.
   * Returns one row more than asked for when there are more.
   */
  async page(scope: string, o: { limit: number; afterId?: string; beforeId?: string }): Promise<BatchRow[]> {
    const client = db().client;
    const cursorId = o.afterId ?? o.beforeId;
    const cursor = cursorId ? await client.messageBatch.findFirst({ where: { id: cursorId, scope } }) : null;
    if (cursorId && !cursor) return [];
    const at = (c: BatchRow, older: boolean) =>
      older
        ? { OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }] }
        : { OR: [{ createdAt: { gt: c.createdAt } }, { createdAt: c.createdAt, id: { gt: c.id } }] };
    if (o.beforeId && cursor) {
      const rows = await client.messageBatch.findMany({ where: { scope, ...at(cursor, false) }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: o.limit + 1 });
      return rows.reverse();
    }
    return client.messageBatch.findMany({
      where: { scope, ...(cursor ? at(cursor, true) : {}) },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: o.limit + 1,
    });
  },

  /** The items of a batch with these custom ids (one query for a chunk of result lines). */
  items: (batchId: string, customIds: string[]): Promise<BatchItemRow[]> =>
    db().client.messageBatchItem.findMany({
      where: { batchId, customId: { in: customIds } },
      select: { customId: true, requestId: true, skeleton: true, recordedAt: true },
    }),

  async markRecorded(batchId: string, customIds: string[]): Promise<void> {
    if (!customIds.length) return;
    await db().client.messageBatchItem.updateMany({ where: { batchId, customId: { in: customIds }, recordedAt: null }, data: { recordedAt: new Date() } });
  },

  /**
   * Deletes batches created before `cutoff` with their items, in batches
   * sized by retention-batch.ts (items first, so a batch of 100,000 items is
   * never one statement); returns how many items and batches went. The items'
   * records stay.
   */
  async deleteCreatedBefore(cutoff: Date, signal?: AbortSignal): Promise<number> {
    const client = db().client;
    const items = await inTimedBatches(async (limit) => {
      const rows = await client.messageBatchItem.findMany({ where: { batch: { createdAt: { lt: cutoff } } }, select: { requestId: true }, take: limit });
      if (!rows.length) return { found: 0, changed: 0 };
      const { count } = await client.messageBatchItem.deleteMany({ where: { requestId: { in: rows.map((r) => r.requestId) } } });
      return { found: rows.length, changed: count };
    }, signal);
    if (signal?.aborted) return items;
    const { count } = await client.messageBatch.deleteMany({ where: { createdAt: { lt: cutoff }, items: { none: {} } } });
    return items + count;
  },

  /** Forgets a batch the upstream deleted. */
  async delete(id: string): Promise<void> {
    const client = db().client;
    await client.$transaction([client.messageBatchItem.deleteMany({ where: { batchId: id } }), client.messageBatch.deleteMany({ where: { id } })]);
  },
};
