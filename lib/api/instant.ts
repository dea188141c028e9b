/**
 * An instant a client names in a body or a query: an ISO 8601 date-time with
 * its offset, or a date (midnight UTC). Four-digit years only, as both
 * databases store them: a coerced Date would take "+010000-01-01", 8.64e15 or
 * `true`, and the first two make the database refuse the write with a 500.
 */
import { z } from "zod";

/** Milliseconds since the epoch. */
export const isoInstant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: "an ISO 8601 date-time with its offset, or a date (YYYY-MM-DD)" })
  .transform((v) => Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v));

/** The same, as a Date. */
export const isoDate = isoInstant.transform((ms) => new Date(ms));
