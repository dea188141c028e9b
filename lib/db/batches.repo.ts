/**
 * Message Batches created through thinkgate (lib/batches): who created each,
 * and what each item's record needs. A batch is written before its create
 * goes upstream (pending), then completed with the upstream's id, or adopted
 * or failed by the reconcile (lib/batches/pending.ts).
 */
import { db } from "./client";
import { slicesOf } from "./slices";
import { Prisma } from "./generated/sqlite/client.ts";
import { inTimedBatches } from "./retention-batch";

export interface BatchRow {
  /** thinkgate's id (tgbatch_...): what the items hang on. */
  id: string;
  /** The upstream's id, by which clients name it; null while its create is pending or once it failed. */
  upstreamId: string | null;
  status: BatchStatus;
  keyId: string | null;
  scope: string;
  itemCount: number;
  createdAt: Date;
}

/** See MessageBatch.status in prisma/schema.base.prisma. */
export type BatchStatus = "pending" | "created" | "failed";

export interface BatchItemRow {
  customId: string;
  requestId: string;
  /** JSON of the item's RecordInput skeleton. */
  skeleton: string;
}


export const batchesRepo = {
  /**
   * A create about to be sent upstream, written ahead of the upstream call
   * (lib/batches/pending.ts): the batch as "pending", with no upstream id
   * yet, then its items in inserts sized by time (retention-batch.ts), other
   * requests served in between. A batch may hold 100,000 items of a few
   * kilobytes each: one transaction of them all held SQLite's write lock, and
   * the event loop with it (better-sqlite3 runs on the main thread), for 4.3 s
   * with 20,000 items (tests/alone/event-loop.test.ts). Not one transaction
   * then: if an insert fails, the batch and the items stored so far are
   * deleted and the error goes to the caller, which has not called the
   * upstream yet. A pending batch is never listed nor found by an upstream
   * id; after a crash in the middle, the reconcile fails it (no upstream
   * batch matches it).
   */
  async begin(batch: { id: string; keyId: string | null; scope: string; itemCount: number }, items: BatchItemRow[]): Promise<void> {
    const client = db().client;
    await client.messageBatch.create({ data: { ...batch, status: "pending" } });
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

  /**
   * The upstream's answer to a pending create: its id, stored on the one
   * batch row (the items hang on thinkgate's id and do not change). Not
   * conditional on the row still being pending: this process's answer is
   * the truth, even if another instance's reconcile adopted a batch for it
   * meanwhile.
   */
  async complete(id: string, upstreamId: string): Promise<void> {
    await db().client.messageBatch.update({ where: { id }, data: { upstreamId, status: "created" } });
  },

  /**
   * A pending create matched to an upstream batch by the reconcile; false
   * when it is no longer pending (completed or adopted elsewhere) or the
   * upstream batch already belongs to another row (upstreamId is unique).
   */
  async adopt(id: string, upstreamId: string): Promise<boolean> {
    try {
      const { count } = await db().client.messageBatch.updateMany({ where: { id, status: "pending" }, data: { upstreamId, status: "created" } });
      return count > 0;
    } catch (err) {
      if ((err as { code?: string }).code === "P2002") return false;
      throw err;
    }
  },

  /**
   * A pending create given up (no upstream batch for it): marked failed, the
   * row kept as its trace until the retention sweep, its items deleted (no
   * results will ever name them). False when it was no longer pending.
   */
  async fail(id: string): Promise<boolean> {
    const { count } = await db().client.messageBatch.updateMany({ where: { id, status: "pending" }, data: { status: "failed" } });
    if (count) await deleteItems({ batchId: id });
    return count > 0;
  },

  /** The creates still pending, oldest first. */
  pending: (): Promise<BatchRow[]> =>
    db().client.messageBatch.findMany({ where: { status: "pending" }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }) as Promise<BatchRow[]>,

  /** Which of these upstream ids a batch row holds (deleted ones too). */
  async knownUpstreamIds(upstreamIds: string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (const some of slicesOf(upstreamIds)) {
      const rows = await db().client.messageBatch.findMany({ where: { upstreamId: { in: some } }, select: { upstreamId: true } });
      for (const r of rows) if (r.upstreamId) known.add(r.upstreamId);
    }
    return known;
  },

  /** A batch thinkgate knows by its upstream id and that has not been deleted. */
  get: (upstreamId: string): Promise<BatchRow | null> =>
    db().client.messageBatch.findFirst({ where: { upstreamId, deletedAt: null } }) as Promise<BatchRow | null>,

  /**
   * Up to `take` of a scope's batches next to the batch `from` (not
   * included), in the list's order (newest first): towards older ones, or
   * with `newer` towards newer ones, nearest first. None from a cursor the
   * scope never had. A deleted batch is never listed but still a cursor: its
   * row stays until the retention sweep (deletedAt), so a client deleting
   * each batch as it lists them finds the next page where it was. Once the
   * sweep has removed the row, every older batch went with it. `from` is an
   * upstream id (the client's cursor); a pending or failed create, which has
   * none, is never listed.
   */
  async walk(scope: string, o: { take: number; from?: string; newer?: boolean }): Promise<(BatchRow & { upstreamId: string })[]> {
    const client = db().client;
    const cursor = o.from ? await client.messageBatch.findFirst({ where: { upstreamId: o.from, scope } }) : null;
    if (o.from && !cursor) return [];
    const side = o.newer ? "gt" : "lt";
    const beyond = cursor ? { OR: [{ createdAt: { [side]: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { [side]: cursor.id } }] } : {};
    const order = o.newer ? "asc" : "desc";
    return client.messageBatch.findMany({
      where: { scope, deletedAt: null, upstreamId: { not: null }, ...beyond },
      orderBy: [{ createdAt: order }, { id: order }],
      take: o.take,
    }) as Promise<(BatchRow & { upstreamId: string })[]>;
  },

  /**
   * Marks batches (named by upstream id) deleted (upstream, through thinkgate or not), keeping their
   * rows and items until the retention sweep (see deletedAt and walk).
   */
  async markDeleted(upstreamIds: string[]): Promise<void> {
    const at = new Date();
    for (const some of slicesOf(upstreamIds)) await db().client.messageBatch.updateMany({ where: { upstreamId: { in: some }, deletedAt: null }, data: { deletedAt: at } });
  },

  /** The items of a batch (thinkgate's id, BatchRow.id) with these custom ids (a chunk of result lines, of any length: read in slices). */
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

  /** Forgets a batch (thinkgate's id) that could not be stored whole, or whose create the upstream refused. Items first, then the batch. */
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
