/**
 * From journal lines to stored rows: each line is parsed and built into a
 * row (lib/recorder/build.ts), then the batch is inserted in one statement.
 * The same function runs on the record thread (thread.ts) and, where there is
 * no thread, in the process (inlineStore).
 */
import { logger } from "../observability/logger";
import type { RecordStore } from "./recorder";
import type { RequestRecordRow } from "./record";

export async function storeLines<I>(
  lines: string[],
  build: (input: I) => RequestRecordRow,
  insert: (rows: RequestRecordRow[]) => Promise<number>,
): Promise<{ written: number; skipped: number }> {
  const rows: RequestRecordRow[] = [];
  let skipped = 0;
  for (const line of lines) {
    let input: I;
    try {
      input = JSON.parse(line) as I;
    } catch {
      skipped++;
      logger.error({ line: line.slice(0, 200) }, "recorder: unreadable line in the spool; skipped");
      continue;
    }
    try {
      rows.push(build(input));
    } catch (err) {
      // A record that cannot be built never will be: skipped rather than blocking every later one.
      skipped++;
      logger.error({ err }, "recorder: could not build a record; skipped");
    }
  }
  if (rows.length) await insert(rows);
  return { written: rows.length, skipped };
}

/** A store that builds and inserts in this process (tests, scripts, and the server when the record thread is off). */
export function inlineStore<I>(build: (input: I) => RequestRecordRow, insert: (rows: RequestRecordRow[]) => Promise<number>): RecordStore {
  return { store: (lines) => storeLines(lines, build, insert) };
}
