/**
 * Reads for the patterns and failures APIs (lib/traces/patterns-api.ts): the
 * signal columns of recent records, never their texts. Portable Prisma
 * queries (no SQL dialect), bounded by `limit`: callers analyse at most that
 * many of the most recent records in a window.
 */
import { db } from "./client";
import type { TraceRow } from "../traces/patterns";
import { idBoundAt } from "../traces/filters";
import { newestInPages } from "./pages";

export interface WindowFilter {
  from: Date;
  to: Date;
  routeId?: string;
  app?: string;
  limit: number;
}

export interface FailureRow {
  id: string;
  createdAt: Date;
  routeId: string | null;
  routeName: string | null;
  app: string | null;
  status: string;
  httpStatus: number;
  errorType: string | null;
  errorMessage: string | null;
  escalated: boolean;
  thinkingStatus: string;
  thinkingSampledOut: boolean;
  thinkingTokens: number;
  hedgeDensity: number | null;
  answerHedgeDensity: number | null;
  signalProfile: string | null;
  failureScore: number | null;
}

/**
 * The window as a range of ids, which start with their request's time
 * (idBoundAt): newest first then walks the primary key from the window's end
 * and stops at `limit`. A range on createdAt led SQLite to read and sort every
 * record of the window in one statement, on the thread serving requests
 * (2 s at 300,000 records in a week).
 */
const windowIds = (f: WindowFilter, before?: string) => ({ gte: idBoundAt(f.from.getTime()), lt: before ?? idBoundAt(f.to.getTime()) });

/** Records read per statement (newestInPages): the 5,000 of a window come in slices with turns between them. */
const PAGE = 500;

export const patternsRepo = {
  /** Records with thinking text in the window, newest first. */
  traces(f: WindowFilter): Promise<TraceRow[]> {
    return newestInPages(f.limit, PAGE, (before, take) =>
      db().client.requestRecord.findMany({
        where: {
          id: windowIds(f, before),
          hedgeDensity: { not: null },
          ...(f.routeId !== undefined ? { routeId: f.routeId } : {}),
          ...(f.app !== undefined ? { app: f.app } : {}),
        },
        orderBy: { id: "desc" },
        take,
        select: { id: true, createdAt: true, routeId: true, routeName: true, app: true, hedgeDensity: true, assumptionDensity: true, assumptionKeys: true, failureScore: true },
      }),
    );
  },

  /** Errors, partial answers and escalations in the window, newest first. */
  failures(f: WindowFilter): Promise<FailureRow[]> {
    return newestInPages(f.limit, PAGE, (before, take) =>
      db().client.requestRecord.findMany({
        where: {
          id: windowIds(f, before),
          OR: [{ status: { in: ["error", "partial"] } }, { escalated: true }],
          ...(f.routeId !== undefined ? { routeId: f.routeId } : {}),
          ...(f.app !== undefined ? { app: f.app } : {}),
        },
        orderBy: { id: "desc" },
        take,
        select: {
          id: true,
          createdAt: true,
          routeId: true,
          routeName: true,
          app: true,
          status: true,
          httpStatus: true,
          errorType: true,
          errorMessage: true,
          escalated: true,
          thinkingStatus: true,
          thinkingSampledOut: true,
          thinkingTokens: true,
          hedgeDensity: true,
          answerHedgeDensity: true,
          signalProfile: true,
          failureScore: true,
        },
      }),
    );
  },
};
