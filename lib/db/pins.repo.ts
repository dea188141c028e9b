/** Conversation pins: the configuration a conversation started with. */
import { db } from "./client";

export interface PinRow {
  key: string;
  routeId: string | null;
  model: string;
  config: string;
}

export const pinsRepo = {
  get: (key: string): Promise<PinRow | null> =>
    db().client.conversationPin.findUnique({ where: { key }, select: { key: true, routeId: true, model: true, config: true } }),

  getMany: (keys: string[]): Promise<PinRow[]> =>
    db().client.conversationPin.findMany({ where: { key: { in: keys } }, select: { key: true, routeId: true, model: true, config: true } }),

  /** First write wins: a conversation keeps the configuration of its first turn. One transaction for the batch. */
  async putMany(rows: PinRow[]): Promise<void> {
    if (!rows.length) return;
    const client = db().client;
    await client.$transaction(
      rows.map((row) =>
        client.conversationPin.upsert({
          where: { key: row.key },
          create: row,
          update: { lastSeenAt: new Date() },
        }),
      ),
    );
  },
};
