/**
 * From journal lines to stored rows: each line is parsed and built into a
 * row (lib/recorder/build.ts), then the batch is inserted in one statement.
 * The same function runs on the record thread (thread.ts) and, where there is
 * no thread, in the process (inlineStore).
 */
import { refusedByData } from "../db/record-writer";
import { logger } from "../observability/logger";
import type { RecordStore, SetAside, Stored } from "./recorder";
import type { RequestRecordRow } from "./record";

/**
 * Inserts the rows; when the database refuses the batch for a row's data,
 * halves it until the refused rows are alone, writes all the others, and
 * returns the refused ones. Retried as a whole, such a batch failed forever
 * and held every later record up behind it, until the spool filled and the
 * gateway refused every request. An error of the database itself (down,
 * locked, timed out) is thrown as it came: the batch is retried later.
 * Inserts skip ids already stored, so a half written before is not written twice.
 */
async function insertIsolating(built: { row: RequestRecordRow; line: string }[], insert: (rows: RequestRecordRow[]) => Promise<number>): Promise<SetAside[]> {
  try {
    await insert(built.map((b) => b.row));
    return [];
  } catch (err) {
    if (!refusedByData(err)) throw err;
    if (built.length === 1) return [{ line: built[0]!.line, error: (err as Error).message }];
    const mid = built.length >> 1;
    return [...(await insertIsolating(built.slice(0, mid), insert)), ...(await insertIsolating(built.slice(mid), insert))];
  }
}

export async function storeLines<I>(
  lines: string[],
  build: (input: I) => RequestRecordRow,
  insert: (rows: RequestRecordRow[]) => Promise<number>,
): Promise<Stored> {
  const built: { row: RequestRecordRow; line: string }[] = [];
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
      built.push({ row: build(input), line });
    } catch (err) {
      // A record that cannot be built never will be: skipped rather than blocking every later one.
      skipped++;
      logger.error({ err }, "recorder: could not build a record; skipped");
    }
  }
  const setAside = built.length ? await insertIsolating(built, insert) : [];
  for (const r of setAside) logger.error({ err: r.error }, "recorder: the database refused a record's data; set aside");
  return { written: built.length - setAside.length, skipped, setAside };
}

/** A store that builds and inserts in this process (tests, scripts, and the server when the record thread is off). */
export function inlineStore<I>(build: (input: I) => RequestRecordRow, insert: (rows: RequestRecordRow[]) => Promise<number>): RecordStore {
  return { store: (lines) => storeLines(lines, build, insert) };
}
