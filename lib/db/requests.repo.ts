/** Request records: written in batches by the recorder, read by the UI and the API. */
import { db } from "./client";
import { recordWriter } from "./record-writer";
import type { RequestRecordRow } from "../recorder/record";

export interface RequestSummary {
  id: string;
  createdAt: Date;
  app: string | null;
  task: string | null;
  stage: string;
  tier: string;
  routeName: string | null;
  requestedModel: string;
  servedModel: string;
  status: string;
  httpStatus: number;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  thinkingTokens: number;
  costTotal: number | null;
  pricingStatus: string;
  escalated: boolean;
  prompt: string | null;
}

const summarySelect = {
  id: true,
  createdAt: true,
  app: true,
  task: true,
  stage: true,
  tier: true,
  routeName: true,
  requestedModel: true,
  servedModel: true,
  status: true,
  httpStatus: true,
  latencyMs: true,
  inputTokens: true,
  outputTokens: true,
  thinkingTokens: true,
  costTotal: true,
  pricingStatus: true,
  escalated: true,
  prompt: true,
} as const;

export const requestsRepo = {
  /** Inserts a batch; ids already present are skipped, so a replayed batch is written once. */
  insertMany: (rows: RequestRecordRow[]): Promise<number> => recordWriter().insert(rows as unknown as Record<string, unknown>[]),

  byId: (id: string) => db().client.requestRecord.findUnique({ where: { id } }),

  count: () => db().client.requestRecord.count(),

  /** Newest first. Request ids sort by time, so the cursor is the last id seen. */
  async list(limit: number, cursor?: string): Promise<{ rows: RequestSummary[]; nextCursor: string | null }> {
    const rows = await db().client.requestRecord.findMany({
      where: cursor ? { id: { lt: cursor } } : undefined,
      orderBy: { id: "desc" },
      take: limit + 1,
      select: summarySelect,
    });
    const page = rows.slice(0, limit);
    return { rows: page, nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
  },
};
