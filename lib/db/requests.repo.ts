/** Request records: written in batches by the recorder, read by the UI and the API. */
import { db } from "./client";
import { recordWriter } from "./record-writer";
import type { RequestRecordRow } from "../recorder/record";

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
};
