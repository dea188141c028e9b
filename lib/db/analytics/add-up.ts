/**
 * Grouped sums read in pieces (the slices of an id range, the days of a
 * range), added up into one row per group. Pure: no SQL here.
 */
import type { DayGroupRow, ReasoningSampleRow, StandardCellRow } from "./types";

/**
 * Rows of the same group added up: the sums of `fields`, and the greatest
 * value of the other fields that are not the key (a label, as max() picks it).
 */
export function addUp<R extends object>(rows: readonly R[], keyOf: (r: R) => string, fields: readonly (keyof R)[]): R[] {
  const byKey = new Map<string, R>();
  for (const r of rows) {
    const k = keyOf(r);
    const acc = byKey.get(k);
    if (!acc) {
      byKey.set(k, { ...r });
      continue;
    }
    for (const f of Object.keys(r) as (keyof R)[]) {
      if (fields.includes(f)) (acc[f] as number) += r[f] as number;
      else if (r[f] > acc[f]) acc[f] = r[f];
    }
  }
  return [...byKey.values()];
}

export const addUpStandardCells = (rows: readonly StandardCellRow[]) =>
  addUp(rows, (r) => JSON.stringify([r.band, r.task, r.app, r.model]), ["n", "input", "cacheWrite5m", "cacheWrite1h", "cacheRead", "output", "cost", "before"]);
export const addUpReasoningSamples = (rows: readonly ReasoningSampleRow[]) => addUp(rows, (r) => JSON.stringify([r.band, r.task, r.app]), ["n", "output", "thinking", "generatedSq"]);
export const addUpDayGroups = (rows: readonly DayGroupRow[]) => addUp(rows, (r) => JSON.stringify([r.day, r.key, r.via]), ["requests", "priced", "unpriced", "cost"]);
