/**
 * Prices in effect, held in memory for the request path and reloaded when the
 * table changes. Costing a request never reads the database.
 */
import { pricesRepo } from "../db/prices.repo";
import { computeCost, pickPrice, type CostBreakdown } from "./cost";
import type { PriceRow } from "./seed";
import { normalizeUsage, usageModifiers, type AnthropicUsage, type PriceModifiers, type TokenBuckets } from "./usage";

const g = globalThis as unknown as { __thinkgatePrices?: { rows: PriceRow[]; loading: Promise<PriceRow[]> | null } };
const s = (g.__thinkgatePrices ??= { rows: [], loading: null });

export async function loadPrices(): Promise<PriceRow[]> {
  s.loading ??= pricesRepo.all().then((rows) => {
    s.rows = rows as PriceRow[];
    return s.rows;
  });
  return s.loading;
}

/** Reloads the table; resolves once requests are costed with the new prices. */
export function invalidatePrices(): Promise<PriceRow[]> {
  s.loading = null;
  return loadPrices();
}

/** Prices as last loaded (the server loads them at start). */
export function priceRows(): PriceRow[] {
  return s.rows;
}

export function priceFor(model: string, at: Date): PriceRow | null {
  return pickPrice(s.rows, model, at);
}

export interface Costed {
  buckets: TokenBuckets;
  modifiers: PriceModifiers;
  cost: CostBreakdown;
}

export function costOf(model: string, usage: AnthropicUsage, at: Date): Costed {
  const buckets = normalizeUsage(usage);
  const modifiers = usageModifiers(usage);
  return { buckets, modifiers, cost: computeCost(buckets, modifiers, priceFor(model, at)) };
}
