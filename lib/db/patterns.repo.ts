/**
 * Reads for the patterns and failures APIs (lib/traces/patterns-api.ts): the
 * signal columns of recent records, never their texts. Portable Prisma
 * queries (no SQL dialect), bounded by `limit`: callers analyse at most that
 * many of the most recent records in a window.
 */
import { db } from "./client";
import type { TraceRow } from "../traces/patterns";

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

export const patternsRepo = {
  /** Records with thinking text in the window, newest first. */
  traces(f: WindowFilter): Promise<TraceRow[]> {
    return db().client.requestRecord.findMany({
      where: {
        createdAt: { gte: f.from, lt: f.to },
        hedgeDensity: { not: null },
        ...(f.routeId !== undefined ? { routeId: f.routeId } : {}),
        ...(f.app !== undefined ? { app: f.app } : {}),
      },
      orderBy: { id: "desc" },
      take: f.limit,
      select: { id: true, createdAt: true, routeId: true, routeName: true, app: true, hedgeDensity: true, assumptionDensity: true, assumptionKeys: true, failureScore: true },
    });
  },

  /** Errors, partial answers and escalations in the window, newest first. */
  failures(f: WindowFilter): Promise<FailureRow[]> {
    return db().client.requestRecord.findMany({
      where: {
        createdAt: { gte: f.from, lt: f.to },
        OR: [{ status: { in: ["error", "partial"] } }, { escalated: true }],
        ...(f.routeId !== undefined ? { routeId: f.routeId } : {}),
        ...(f.app !== undefined ? { app: f.app } : {}),
      },
      orderBy: { id: "desc" },
      take: f.limit,
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
    });
  },
};
