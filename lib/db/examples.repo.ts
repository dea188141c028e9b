/** Labelled examples: prompts marked as needing reasoning or not, the router's training data. */
import { db } from "./client";

export interface ExampleInput {
  prompt: string;
  system: string | null;
  app: string | null;
  task: string | null;
  label: "reasoning" | "standard";
  /** trace / playground: a person's label; escalation: the standard answer failed its checks and reasoning answered. */
  source: "trace" | "playground" | "escalation";
  requestId: string | null;
  note: string;
  createdBy: string;
}

export interface ExampleRow extends ExampleInput {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The most examples all() returns in one call. */
export const MAX_ALL = 200_000;

export const examplesRepo = {
  /**
   * One label per request and source: labelling a request again changes its
   * label (the last word wins) rather than adding a contradicting example.
   */
  async save(input: ExampleInput): Promise<ExampleRow> {
    const client = db().client;
    if (input.requestId) {
      const { requestId, source, ...rest } = input;
      return (await client.labelledExample.upsert({
        where: { requestId_source: { requestId, source } },
        create: input,
        update: rest,
      })) as ExampleRow;
    }
    return (await client.labelledExample.create({ data: input })) as ExampleRow;
  },

  async forRequest(requestId: string): Promise<ExampleRow | null> {
    return (await db().client.labelledExample.findFirst({ where: { requestId }, orderBy: { updatedAt: "desc" } })) as ExampleRow | null;
  },

  /**
   * Up to `limit` examples, the most recently updated first: the training
   * command's read (bounded, so a huge table cannot exhaust memory; the caller
   * tells whether it got them all by comparing the count with the limit).
   */
  async all(limit: number): Promise<ExampleRow[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ALL) throw new RangeError(`limit must be an integer in 1..${MAX_ALL}, got ${limit}`);
    return (await db().client.labelledExample.findMany({
      orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
      take: limit,
    })) as ExampleRow[];
  },

  /** How many examples there are, by label (the router page shows them). */
  async counts(): Promise<{ reasoning: number; standard: number }> {
    const groups = await db().client.labelledExample.groupBy({ by: ["label"], _count: { _all: true } });
    const of = (label: string) => groups.find((g) => g.label === label)?._count._all ?? 0;
    return { reasoning: of("reasoning"), standard: of("standard") };
  },

  /** Newest first; the cursor is the id of the previous page's last example (Prisma's cursor pagination). */
  async list(limit: number, cursor?: string): Promise<{ rows: ExampleRow[]; nextCursor: string | null }> {
    const rows = (await db().client.labelledExample.findMany({
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit + 1,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    })) as ExampleRow[];
    const page = rows.slice(0, limit);
    return { rows: page, nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
  },
};
