/**
 * The trace explorer's reads: the filtered, newest-first list with keyset
 * pagination, and the values the filter menus offer. Raw SQL because the
 * search condition differs per database (lib/db/analytics); everything else
 * is the same statement on both.
 */
import { db } from "./client";
import { Prisma } from "./generated/sqlite/client.ts";
import { analytics } from "./analytics";
import { num, type TraceOrder } from "./analytics/common";
import type { TraceCondition } from "./analytics/types";
import { billingStatus } from "../pricing/billing";

export interface TraceFilter {
  /** Request ids sort by time: a time range arrives here as an id range, [fromId, toId). */
  fromId?: string;
  toId?: string;
  routeId?: string;
  tier?: string;
  stage?: string;
  model?: string;
  /** An app; "" for records that named none. */
  app?: string;
  task?: string;
  status?: string;
  costMin?: number;
  costMax?: number;
  escalated?: boolean;
  hedging?: boolean;
  /** Records whose thinking text was read (its signal columns are set), or those without. */
  thinking?: boolean;
  /** Records whose failure score (probability the answer is wrong) is at least this. */
  failureMin?: number;
  /** newest first (default) or most likely wrong first */
  order?: TraceOrder;
  /** Search words, letters and digits only; every one must match. */
  search?: SearchToken[];
}

/** A search word (letters and digits only); `prefix` also matches longer words that start with it. */
export interface SearchToken {
  word: string;
  prefix: boolean;
}

export interface TraceRow {
  id: string;
  createdAt: Date;
  app: string | null;
  task: string | null;
  stage: string;
  tier: string;
  routeId: string | null;
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
  hedgeCount: number | null;
  failureScore: number | null;
  thinkingStatus: string;
  promptPreview: string;
}

const PREVIEW_CHARS = 160;

const LIST_COLUMNS = Prisma.sql`
  r."id", r."createdAt", r."app", r."task", r."stage", r."tier", r."routeId", r."routeName",
  r."requestedModel", r."servedModel", r."status", r."httpStatus", r."latencyMs",
  r."inputTokens", r."outputTokens", r."thinkingTokens", r."costTotal", r."pricingStatus",
  r."escalated", r."hedgeCount", r."failureScore", r."thinkingStatus",
  substr(coalesce(r."prompt", ''), 1, ${PREVIEW_CHARS}) AS "promptPreview"`;

/** The filter conditions on alias `r`, without the search and the cursor (the dialect places those), each with what keeps a scan at one row per step. */
function conditions(f: TraceFilter): TraceCondition[] {
  const w: TraceCondition[] = [];
  const indexed = (sql: Prisma.Sql) => w.push({ sql, scan: "indexed" });
  if (f.fromId) w.push({ sql: Prisma.sql`r."id" >= ${f.fromId}`, scan: "id" });
  if (f.toId) w.push({ sql: Prisma.sql`r."id" < ${f.toId}`, scan: "id" });
  if (f.routeId !== undefined) indexed(f.routeId === "" ? Prisma.sql`r."routeId" IS NULL` : Prisma.sql`r."routeId" = ${f.routeId}`);
  if (f.tier) indexed(Prisma.sql`r."tier" = ${f.tier}`);
  if (f.stage) indexed(Prisma.sql`r."stage" = ${f.stage}`);
  if (f.model) indexed(Prisma.sql`r."servedModel" = ${f.model}`);
  if (f.app !== undefined) indexed(f.app === "" ? Prisma.sql`r."app" IS NULL` : Prisma.sql`r."app" = ${f.app}`);
  if (f.task) indexed(Prisma.sql`r."task" = ${f.task}`);
  if (f.status) indexed(Prisma.sql`r."status" = ${f.status}`);
  if (f.costMin !== undefined) w.push({ sql: Prisma.sql`r."costTotal" >= ${f.costMin}` });
  if (f.costMax !== undefined) w.push({ sql: Prisma.sql`r."costTotal" <= ${f.costMax}` });
  if (f.escalated !== undefined) indexed(Prisma.sql`r."escalated" = ${f.escalated}`);
  // A literal, not a parameter: the partial index "RequestRecord_hedged_id_idx"
  // is used only when the query's condition visibly implies its own.
  if (f.hedging === true) indexed(Prisma.sql`r."hedgeCount" > 0`);
  if (f.hedging === false) w.push({ sql: Prisma.sql`(r."hedgeCount" IS NULL OR r."hedgeCount" = 0)` });
  // hedgeDensity is set exactly when there was thinking text to read (lib/traces/record-signals.ts), as the patterns page counts.
  if (f.thinking === true) w.push({ sql: Prisma.sql`r."hedgeDensity" IS NOT NULL` });
  if (f.thinking === false) w.push({ sql: Prisma.sql`r."hedgeDensity" IS NULL` });
  if (f.failureMin !== undefined) w.push({ sql: Prisma.sql`r."failureScore" >= ${f.failureMin}`, scan: "failure" });
  return w;
}

function toRow(r: Record<string, unknown>): TraceRow {
  return {
    id: String(r.id),
    createdAt: r.createdAt instanceof Date ? r.createdAt : new Date(String(r.createdAt)),
    app: (r.app as string | null) ?? null,
    task: (r.task as string | null) ?? null,
    stage: String(r.stage),
    tier: String(r.tier),
    routeId: (r.routeId as string | null) ?? null,
    routeName: (r.routeName as string | null) ?? null,
    requestedModel: String(r.requestedModel),
    servedModel: String(r.servedModel),
    status: String(r.status),
    httpStatus: num(r.httpStatus),
    latencyMs: num(r.latencyMs),
    inputTokens: num(r.inputTokens),
    outputTokens: num(r.outputTokens),
    thinkingTokens: num(r.thinkingTokens),
    costTotal: r.costTotal === null || r.costTotal === undefined ? null : num(r.costTotal),
    pricingStatus: billingStatus({
      pricingStatus: String(r.pricingStatus), status: String(r.status), costTotal: r.costTotal === null || r.costTotal === undefined ? null : num(r.costTotal),
      inputTokens: num(r.inputTokens), outputTokens: num(r.outputTokens), thinkingTokens: num(r.thinkingTokens),
    }),
    // SQLite hands booleans back as 0/1.
    escalated: r.escalated === true || r.escalated === 1 || r.escalated === 1n,
    hedgeCount: r.hedgeCount === null || r.hedgeCount === undefined ? null : num(r.hedgeCount),
    failureScore: r.failureScore === null || r.failureScore === undefined ? null : num(r.failureScore),
    thinkingStatus: String(r.thinkingStatus),
    promptPreview: String(r.promptPreview ?? ""),
  };
}

export const tracesRepo = {
  /**
   * Newest first; the cursor is the last id of the previous page. With a
   * search, SQLite lists in the order records were written, which can differ
   * from request start by a request's duration (see lib/db/analytics/sqlite.ts).
   */
  async list(filter: TraceFilter, limit: number, cursor?: string): Promise<{ rows: TraceRow[]; nextCursor: string | null }> {
    const raw = await analytics().listTraces(LIST_COLUMNS, conditions(filter), filter.search ?? [], cursor, limit + 1, filter.order ?? "newest");
    const rows = raw.slice(0, limit).map(toRow);
    return { rows, nextCursor: raw.length > limit ? rows[rows.length - 1]!.id : null };
  },

  byId: (id: string) => db().client.requestRecord.findUnique({ where: { id } }),

  conversationSize: (key: string) => db().client.requestRecord.count({ where: { conversationKey: key } }),

  /**
   * Up to `limit` calls of one conversation (agent loop) around the call `id`,
   * oldest first: as many before it as after it, the rest of the window on
   * the side that has more when the other runs out. Ids order the calls in
   * time (lib/api/ids.ts). A loop longer than the window shows the calls near
   * the one opened, wherever it is in the loop, and says how many it leaves
   * out on each side.
   */
  async conversationAround(key: string, id: string, limit: number) {
    const client = db().client;
    const others = limit - 1;
    // Ids only, to place the window; the calls' text is read for the window alone.
    const [before, after] = await Promise.all([
      client.requestRecord.findMany({ where: { conversationKey: key, id: { lt: id } }, orderBy: { id: "desc" }, take: others + 1, select: { id: true } }),
      client.requestRecord.findMany({ where: { conversationKey: key, id: { gt: id } }, orderBy: { id: "asc" }, take: others + 1, select: { id: true } }),
    ]);
    const half = Math.floor(others / 2);
    const nBefore = Math.min(before.length, Math.max(half, others - after.length));
    const nAfter = Math.min(after.length, others - nBefore);
    const from = nBefore ? before[nBefore - 1]!.id : id;
    const to = nAfter ? after[nAfter - 1]!.id : id;
    const [calls, earlier, later] = await Promise.all([
      client.requestRecord.findMany({
        where: { conversationKey: key, id: { gte: from, lte: to } },
        orderBy: { id: "asc" },
        take: limit,
        select: {
          id: true,
          createdAt: true,
          stage: true,
          tier: true,
          servedModel: true,
          status: true,
          textClearedAt: true,
          messageCount: true,
          prompt: true,
          answer: true,
          thinkingText: true,
          thinkingStatus: true,
          thinkingTokens: true,
          toolCalls: true,
          toolResults: true,
          failureScore: true,
        },
      }),
      before.length > nBefore ? client.requestRecord.count({ where: { conversationKey: key, id: { lt: from } } }) : 0,
      after.length > nAfter ? client.requestRecord.count({ where: { conversationKey: key, id: { gt: to } } }) : 0,
    ]);
    return { calls, earlier, later };
  },

  /** What the filter menus offer: routes (with names), models, apps and tasks seen in the records. */
  async facets(limit = 200): Promise<{ routes: { id: string; name: string }[]; models: string[]; apps: string[]; tasks: string[] }> {
    const a = analytics();
    const [routeIds, models, apps, tasks, configured] = await Promise.all([
      a.distinct("routeId", limit),
      a.distinct("servedModel", limit),
      a.distinct("app", limit),
      a.distinct("task", limit),
      db().client.route.findMany({ select: { id: true, name: true } }),
    ]);
    const names = new Map(configured.map((r) => [r.id, r.name]));
    return { routes: routeIds.map((id) => ({ id, name: names.get(id) ?? id })), models, apps, tasks };
  },
};
