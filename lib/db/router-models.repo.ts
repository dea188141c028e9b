/** Router model versions: classifiers retrained through the app, and which one is in use (lib/router-versions). */
import { db } from "./client";

export interface RouterVersionInput {
  weights: string;
  threshold: number;
  basedOn: number | null;
  evaluation: string;
  labels: number;
  trainMs: number;
  createdBy: string;
}

export interface RouterVersionRow extends RouterVersionInput {
  version: number;
  createdAt: Date;
  appliedAt: Date | null;
}

/** A version without its weights (~600 KB each): what lists need. */
export type RouterVersionSummary = Omit<RouterVersionRow, "weights">;

const summary = { version: true, threshold: true, basedOn: true, evaluation: true, labels: true, trainMs: true, createdBy: true, createdAt: true, appliedAt: true } as const;

export const routerModelsRepo = {
  create: (input: RouterVersionInput): Promise<RouterVersionSummary> => db().client.routerModelVersion.create({ data: input, select: summary }),

  get: (version: number): Promise<RouterVersionRow | null> => db().client.routerModelVersion.findUnique({ where: { version } }),

  summary: (version: number): Promise<RouterVersionSummary | null> => db().client.routerModelVersion.findUnique({ where: { version }, select: summary }),

  /** Newest first. */
  list: (limit: number): Promise<RouterVersionSummary[]> =>
    db().client.routerModelVersion.findMany({ orderBy: { version: "desc" }, take: limit, select: summary }),

  markApplied: async (version: number, at: Date): Promise<void> => {
    await db().client.routerModelVersion.update({ where: { version }, data: { appliedAt: at } });
  },
};
