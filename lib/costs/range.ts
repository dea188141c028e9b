/** The cost dashboard's time range: whole UTC hours, the rollup's unit. */
import { z } from "zod";
import { decimal } from "../api/query-number";
import { isoInstant as instant } from "../api/instant";
import type { Granularity } from "./types";

export const HOUR_MS = 3_600_000;
const DAY_HOURS = 24;
export const DEFAULT_DAYS = 30;
/** More buckets than this would draw bars thinner than a pixel; ask for a coarser granularity. */
export const MAX_BUCKETS = 1_000;
export const MAX_DAYS = 800;

export const costQuerySchema = z.object({
  from: instant.optional(),
  to: instant.optional(),
  /** "auto": hourly while there are less than two days of records, daily after. */
  granularity: z.enum(["hour", "day", "week", "auto"]).default("day"),
  groupBy: z.enum(["route", "model", "tier"]).default("route"),
  top: decimal(z.number().int().min(0).max(100)).default(10),
  /** Include one-off traffic (calibration, playground) in the monthly projection. */
  oneOff: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
});

export type CostQuery = z.infer<typeof costQuerySchema>;

export interface HourSpan {
  fromHour: number;
  toHour: number;
}

/**
 * [from, to) widened to whole hours: `from` rounds down, `to` rounds up, so
 * the range never cuts a rollup hour in two. Defaults: the last 30 days up to
 * the end of the current hour.
 */
export function hourSpan(q: { from?: number; to?: number }, now = Date.now()): HourSpan {
  const toHour = q.to !== undefined ? Math.ceil(q.to / HOUR_MS) : Math.floor(now / HOUR_MS) + 1;
  const fromHour = q.from !== undefined ? Math.floor(q.from / HOUR_MS) : toHour - DEFAULT_DAYS * DAY_HOURS;
  return { fromHour, toHour };
}

/** The first hour of the bucket holding `hour`; weeks start on Monday (day 0 of the epoch was a Thursday). */
export function bucketStart(hour: number, granularity: Granularity): number {
  if (granularity === "hour") return hour;
  const day = Math.floor(hour / DAY_HOURS);
  if (granularity === "day") return day * DAY_HOURS;
  return (Math.floor((day + 3) / 7) * 7 - 3) * DAY_HOURS;
}

export function bucketStep(granularity: Granularity): number {
  return granularity === "hour" ? 1 : granularity === "day" ? DAY_HOURS : 7 * DAY_HOURS;
}

/** Every bucket start overlapping [fromHour, toHour). */
export function bucketStarts(span: HourSpan, granularity: Granularity): number[] {
  const out: number[] = [];
  const step = bucketStep(granularity);
  for (let h = bucketStart(span.fromHour, granularity); h < span.toHour; h += step) out.push(h);
  return out;
}

export function bucketCount(span: HourSpan, granularity: Granularity): number {
  const step = bucketStep(granularity);
  return Math.ceil((span.toHour - bucketStart(span.fromHour, granularity)) / step);
}

export const hourToIso = (hour: number) => new Date(hour * HOUR_MS).toISOString();

/** With less data than this, the automatic granularity is hourly. */
export const HOURLY_BELOW_MS = 2 * DAY_HOURS * HOUR_MS;

/**
 * "auto" is hourly while the deployment has less than two days of records,
 * and then the range starts at the first record's hour (a first day is not
 * drawn as one bar among 29 empty ones); daily otherwise. `firstMs`: when the
 * oldest record was made, null without records.
 */
export function resolveGranularity(asked: CostQuery["granularity"], firstMs: number | null, now: number): { granularity: Granularity; firstHour: number | null } {
  if (asked !== "auto") return { granularity: asked, firstHour: null };
  const young = firstMs !== null && Number.isFinite(firstMs) && now - firstMs < HOURLY_BELOW_MS;
  return young ? { granularity: "hour", firstHour: Math.floor(firstMs / HOUR_MS) } : { granularity: "day", firstHour: null };
}
