/** The editable price table. */
import { db } from "./client";
import type { PriceRow } from "../pricing/seed";

export const pricesRepo = {
  all: () => db().client.price.findMany({ orderBy: [{ model: "asc" }, { effectiveFrom: "asc" }] }),

  /** Adds the seeded rows that are not there yet; never overwrites an edited price. */
  async seed(rows: PriceRow[]): Promise<number> {
    const client = db().client;
    const existing = await client.price.findMany({ select: { model: true, effectiveFrom: true } });
    const have = new Set(existing.map((e) => `${e.model}@${e.effectiveFrom.toISOString()}`));
    const fresh = rows.filter((r) => !have.has(`${r.model}@${r.effectiveFrom.toISOString()}`));
    if (fresh.length) await client.price.createMany({ data: fresh });
    return fresh.length;
  },
};
