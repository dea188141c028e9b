/**
 * The measured savings and the projection read records, not the hourly
 * rollup (they need prompt size, task, app and endpoint, which the rollup does
 * not keep). Reading 30 days of records on every dashboard load would cost
 * seconds at a million records, so their sums are kept per UTC day (a
 * "segment") in memory and reused while the day has not changed.
 *
 * "Not changed" is checked against the rollup, which the database keeps in
 * step with the records by triggers: a segment's entry carries the rollup's
 * request count, cost and token sums over its hours when it was read, and is
 * read again when they differ (a new record, a late one replayed from the
 * spool, a re-priced one). So the answer is always the records' own, every
 * instance sharing a database included; only today's segment, which changes,
 * is read on most loads.
 */
import { LRUCache } from "lru-cache";
import { analytics } from "../db/analytics";
import { idBoundAt } from "../traces/filters";
import { HOUR_MS } from "./range";

const DAY_HOURS = 24;

export interface Segment {
  fromHour: number;
  toHour: number;
}

/** [fromHour, toHour) cut at UTC midnights. */
export function daySegments(fromHour: number, toHour: number): Segment[] {
  const out: Segment[] = [];
  for (let h = fromHour; h < toHour; ) {
    const end = Math.min(toHour, (Math.floor(h / DAY_HOURS) + 1) * DAY_HOURS);
    out.push({ fromHour: h, toHour: end });
    h = end;
  }
  return out;
}

const cache = new LRUCache<string, { signature: string; rows: unknown[] }>({ max: 4_000 });

/** Per-hour rollup sums over [fromHour, toHour), for signatures. */
export type HourSums = Map<number, string>;

export async function hourSums(fromHour: number, toHour: number): Promise<HourSums> {
  const rows = await analytics().hourTotals({ fromHour, toHour });
  return new Map(rows.map((r) => [r.hour, `${r.requests}/${Math.round(r.costTotal * 1e9)}/${r.tokens}`]));
}

function signature(sums: HourSums, s: Segment): string {
  const parts: string[] = [];
  for (let h = s.fromHour; h < s.toHour; h++) {
    const v = sums.get(h);
    if (v) parts.push(`${h}:${v}`);
  }
  return parts.join(",");
}

/**
 * `load` over each day segment of [fromHour, toHour), from memory where the
 * rollup says the segment is unchanged. Returns each segment with its rows.
 */
export async function perDay<T>(kind: string, fromHour: number, toHour: number, sums: HourSums, load: (fromId: string, toId: string) => Promise<T[]>): Promise<{ segment: Segment; rows: T[] }[]> {
  const out: { segment: Segment; rows: T[] }[] = [];
  for (const segment of daySegments(fromHour, toHour)) {
    const sig = signature(sums, segment);
    if (!sig) {
      out.push({ segment, rows: [] }); // no record in these hours
      continue;
    }
    const key = `${kind}|${segment.fromHour}|${segment.toHour}`;
    const hit = cache.get(key);
    if (hit && hit.signature === sig) {
      out.push({ segment, rows: hit.rows as T[] });
      continue;
    }
    const rows = await load(idBoundAt(segment.fromHour * HOUR_MS), idBoundAt(segment.toHour * HOUR_MS));
    cache.set(key, { signature: sig, rows });
    out.push({ segment, rows });
  }
  return out;
}
