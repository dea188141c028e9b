/** Browser sessions, by the SHA-256 of their id (lib/auth/sessions.ts). */
import { db } from "./client";

export interface SessionRow {
  hash: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

export const sessionsRepo = {
  async create(data: { hash: string; userId: string; expiresAt: Date; userAgent: string | null; ip: string | null }): Promise<void> {
    await db().client.session.create({ data });
  },

  byHash: async (hash: string): Promise<SessionRow | null> => db().client.session.findUnique({ where: { hash } }),

  /** updateMany: a session ended meanwhile is simply not there to touch. */
  async touch(hash: string, at: Date): Promise<void> {
    await db().client.session.updateMany({ where: { hash }, data: { lastSeenAt: at } });
  },

  async delete(hash: string): Promise<number> {
    return (await db().client.session.deleteMany({ where: { hash } })).count;
  },

  async deleteForUser(userId: string): Promise<number> {
    return (await db().client.session.deleteMany({ where: { userId } })).count;
  },

  async deleteExpired(now: Date): Promise<number> {
    return (await db().client.session.deleteMany({ where: { expiresAt: { lte: now } } })).count;
  },

  /** Sessions not yet expired, per user. */
  async activeCounts(now: Date): Promise<Map<string, number>> {
    const rows = await db().client.session.groupBy({ by: ["userId"], where: { expiresAt: { gt: now } }, _count: { _all: true } });
    return new Map(rows.map((r) => [r.userId, r._count._all]));
  },
};
