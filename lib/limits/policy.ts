/**
 * Limits of a gateway key or an app (the thinkgate-app header): requests per
 * minute and USD per UTC day, shared by every instance. `rpm` always rejects
 * at the cap (serving the request elsewhere would not lower the request
 * count); the daily budget applies `action`: `reject` (429), or `downgrade`
 * (a reasoning request is served by the standard route while that still fits
 * the budget; a standard one is rejected).
 */
import { z } from "zod";

export const LIMIT_ACTIONS = ["reject", "downgrade"] as const;
export type LimitAction = (typeof LIMIT_ACTIONS)[number];

export interface LimitPolicy {
  rpm: number | null;
  usdPerDay: number | null;
  action: LimitAction;
}

export const NO_LIMITS: LimitPolicy = { rpm: null, usdPerDay: null, action: "reject" };

/** The limits as the settings APIs take them (every field optional: omitted = no limit / reject). */
export const limitsSchema = z
  .object({
    rpm: z.number().int("rpm is a whole number of requests").min(1, "rpm is at least 1 (null: no limit)").max(100_000, "rpm is at most 100,000").nullable().default(null),
    usdPerDay: z.number().finite().min(0, "usdPerDay is at least 0 (null: no cap)").max(1_000_000, "usdPerDay is at most 1,000,000").nullable().default(null),
    action: z.enum(LIMIT_ACTIONS, { message: 'action is "reject" or "downgrade"' }).default("reject"),
  })
  .strict();

/** The columns the limits are stored in, on ApiKey and AppPolicy alike. */
export interface LimitColumns {
  rpmLimit: number | null;
  usdPerDay: number | null;
  limitAction: string;
}

export function toColumns(p: LimitPolicy): LimitColumns {
  return { rpmLimit: p.rpm, usdPerDay: p.usdPerDay, limitAction: p.action };
}

export function fromColumns(row: Partial<LimitColumns>): LimitPolicy {
  return {
    rpm: row.rpmLimit ?? null,
    usdPerDay: row.usdPerDay ?? null,
    action: row.limitAction === "downgrade" ? "downgrade" : "reject",
  };
}

/** The limits a request path must check, or null when there are none (the common case costs nothing). */
export function activeLimits(row: Partial<LimitColumns>): LimitPolicy | null {
  const p = fromColumns(row);
  return p.rpm === null && p.usdPerDay === null ? null : p;
}
