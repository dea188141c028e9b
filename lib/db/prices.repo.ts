/** The editable price table. */
import { AppError } from "../api/errors";
import { db } from "./client";
import type { PriceRow } from "../pricing/seed";

export const pricesRepo = {
  all: () => db().client.price.findMany({ orderBy: [{ model: "asc" }, { effectiveFrom: "asc" }] }),

  /** A new price from a date on; a row for the same model and date is a conflict. */
  async add(row: PriceRow) {
    const exists = await db().client.price.findUnique({ where: { model_effectiveFrom: { model: row.model, effectiveFrom: row.effectiveFrom } } });
    if (exists) throw new AppError("conflict_error", `a price for ${row.model} from ${row.effectiveFrom.toISOString()} exists already; add one with a later effectiveFrom`);
    return db().client.price.create({ data: row });
  },

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
