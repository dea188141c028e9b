/** Request records: written in batches by the recorder, read by the UI and the API. */
import { db } from "./client";
import { recordWriter } from "./record-writer";
import type { RequestRecordRow } from "../recorder/record";

export const requestsRepo = {
  /** Inserts a batch; ids already present are skipped, so a replayed batch is written once. */
  insertMany: (rows: RequestRecordRow[]): Promise<number> => recordWriter().insert(rows as unknown as Record<string, unknown>[]),

  byId: (id: string) => db().client.requestRecord.findUnique({ where: { id } }),

  count: () => db().client.requestRecord.count(),
};
