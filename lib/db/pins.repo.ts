/** Conversation pins: the configuration a conversation started with. */
import { db } from "./client";

export interface PinRow {
  key: string;
  routeId: string | null;
  model: string;
  config: string;
  /** Replace a stored pin's configuration (a turn decided anew) instead of keeping the first. */
  replace?: boolean;
}

export const pinsRepo = {
  get: (key: string): Promise<PinRow | null> =>
    db().client.conversationPin.findUnique({ where: { key }, select: { key: true, routeId: true, model: true, config: true } }),

  getMany: (keys: string[]): Promise<PinRow[]> =>
    db().client.conversationPin.findMany({ where: { key: { in: keys } }, select: { key: true, routeId: true, model: true, config: true } }),

  /** First write wins unless the row says to replace: a conversation keeps the configuration of its first turn. One transaction for the batch. */
  async putMany(rows: PinRow[]): Promise<void> {
    if (!rows.length) return;
    const client = db().client;
    await client.$transaction(
      rows.map((row) =>
        client.conversationPin.upsert({
          where: { key: row.key },
          create: { key: row.key, routeId: row.routeId, model: row.model, config: row.config },
          update: row.replace ? { routeId: row.routeId, model: row.model, config: row.config, lastSeenAt: new Date() } : { lastSeenAt: new Date() },
        }),
      ),
    );
  },
};
