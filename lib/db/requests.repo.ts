/** Request records: written in batches by the recorder, read by the UI and the API. */
import { db } from "./client";
import { recordWriter } from "./record-writer";
import { inTimedBatches } from "./retention-batch";
import type { RequestRecordRow } from "../recorder/record";
import { hopsWithoutAnswers } from "../traces/hops";

/**
 * What clearing a record's text sets: every column that holds what the
 * caller or the model wrote. Decision, tokens, cost, signal counts and the
 * failure score (whose reasons are described in words, not quoted) stay.
 */
const CLEARED_TEXT = {
  system: null,
  prompt: null,
  answer: null,
  thinkingText: null,
  toolCalls: null,
  toolResults: null,
  assumptionKeys: null,
} as const;

export const requestsRepo = {
  /** Inserts a batch; ids already present are skipped, so a replayed batch is written once. */
  insertMany: (rows: RequestRecordRow[]): Promise<number> => recordWriter().insert(rows as unknown as Record<string, unknown>[]),

  byId: (id: string) => db().client.requestRecord.findUnique({ where: { id } }),

  /** The user-agent of a key's or an app's latest request that had one, and when (one walk of the (keyId, id) or (app, id) index). */
  async lastClient(where: { keyId: string } | { app: string }): Promise<{ userAgent: string; at: Date } | null> {
    const row = await db().client.requestRecord.findFirst({ where: { ...where, client: { not: null } }, orderBy: { id: "desc" }, select: { client: true, createdAt: true } });
    return row?.client ? { userAgent: row.client, at: row.createdAt } : null;
  },

  count: () => db().client.requestRecord.count(),

  /**
   * What the records created in [from, before) counted against budgets
   * (budgetUsd), summed per key and per app as the records name them (one
   * walk of the createdAt index each).
   */
  async budgetSpend(from: Date, before: Date): Promise<{ keys: { keyId: string; usd: number }[]; apps: { app: string; usd: number }[] }> {
    const where = { createdAt: { gte: from, lt: before }, budgetUsd: { not: null } };
    const [keys, apps] = await Promise.all([
      db().client.requestRecord.groupBy({ by: ["keyId"], where: { ...where, keyId: { not: null } }, _sum: { budgetUsd: true } }),
      db().client.requestRecord.groupBy({ by: ["app"], where: { ...where, app: { not: null } }, _sum: { budgetUsd: true } }),
    ]);
    return {
      keys: keys.map((r) => ({ keyId: r.keyId!, usd: r._sum.budgetUsd ?? 0 })),
      apps: apps.map((r) => ({ app: r.app!, usd: r._sum.budgetUsd ?? 0 })),
    };
  },

  /**
   * What the records created in [from, before) of one key, or of one app
   * whatever case its header was sent in, counted against budgets
   * (budgetUsd), leaving out the records `exceptIds`.
   */
  async budgetSpendOf(scope: { keyId: string } | { app: string }, from: Date, before: Date, exceptIds: string[]): Promise<number> {
    const where = { createdAt: { gte: from, lt: before }, budgetUsd: { not: null }, ...(exceptIds.length ? { id: { notIn: exceptIds } } : {}) };
    if ("keyId" in scope) {
      const r = await db().client.requestRecord.aggregate({ where: { ...where, keyId: scope.keyId }, _sum: { budgetUsd: true } });
      return r._sum.budgetUsd ?? 0;
    }
    const apps = await db().client.requestRecord.groupBy({ by: ["app"], where: { ...where, app: { not: null } }, _sum: { budgetUsd: true } });
    return apps.filter((r) => r.app!.toLowerCase() === scope.app).reduce((sum, r) => sum + (r._sum.budgetUsd ?? 0), 0);
  },

  /**
   * Clears the text of the records `ids` that still have it (clearRows);
   * returns how many it cleared.
   */
  async clearText(ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    return clearRows(await db().client.requestRecord.findMany({ where: { id: { in: ids }, textClearedAt: null }, select: { id: true, hops: true } }));
  },

  /**
   * Clears the text of records created before `cutoff` (clearRows), walking
   * the (textClearedAt, createdAt) index in batches sized by
   * retention-batch.ts; returns how many. An aborted `signal` (shutdown)
   * stops it between batches.
   */
  clearTextBefore(cutoff: Date, signal?: AbortSignal): Promise<number> {
    return inTimedBatches(async (limit) => {
      const rows = await db().client.requestRecord.findMany({ where: { textClearedAt: null, createdAt: { lt: cutoff } }, select: { id: true, hops: true }, take: limit });
      return { found: rows.length, changed: await clearRows(rows) };
    }, signal);
  },

  /**
   * Deletes the records created before `cutoff`, on the createdAt index in
   * batches sized by retention-batch.ts; returns how many went. The cost
   * rollup subtracts them through its trigger, so the dashboard and the
   * records keep agreeing: cost history is as long as record retention.
   */
  deleteBefore(cutoff: Date, signal?: AbortSignal): Promise<number> {
    const client = db().client;
    return inTimedBatches(async (limit) => {
      const rows = await client.requestRecord.findMany({ where: { createdAt: { lt: cutoff } }, select: { id: true }, take: limit });
      if (!rows.length) return { found: 0, changed: 0 };
      const { count } = await client.requestRecord.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
      return { found: rows.length, changed: count };
    }, signal);
  },
};

/**
 * Clears these records' text (CLEARED_TEXT and the rejected answers in their
 * hops) and marks them cleared, in one transaction; a record cleared
 * meanwhile is left as it is. Returns how many it cleared. The search index
 * follows through its triggers; the cost rollup is unchanged (no cost column
 * moves).
 */
async function clearRows(rows: { id: string; hops: string }[]): Promise<number> {
  if (!rows.length) return 0;
  const client = db().client;
  const hops = rows.flatMap((r) => {
    const without = hopsWithoutAnswers(r.hops);
    return without === null ? [] : [{ id: r.id, hops: without }];
  });
  const [{ count }] = await client.$transaction([
    client.requestRecord.updateMany({ where: { id: { in: rows.map((r) => r.id) }, textClearedAt: null }, data: { ...CLEARED_TEXT, textClearedAt: new Date() } }),
    ...hops.map((h) => client.requestRecord.update({ where: { id: h.id }, data: { hops: h.hops } })),
  ]);
  return count;
}
