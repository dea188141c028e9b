/** The database's own health: whether it answers at all (lib/db/probe.ts). */
import { db } from "./client";

export const healthRepo = {
  /** The cheapest round trip there is: no table, no lock. */
  async ping(): Promise<void> {
    await db().client.$queryRaw`SELECT 1`;
  },
};
