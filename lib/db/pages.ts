/** Reading many records without holding the thread that serves requests. */
import { yieldToIo } from "../runtime/turns";

/**
 * Up to `limit` rows newest first, `pageSize` per read (each page starts
 * below the last id read), with other requests served between pages: on
 * SQLite every read runs on the thread serving requests, and thousands of
 * rows in one statement held it for hundreds of milliseconds.
 */
export async function newestInPages<R extends { id: string }>(
  limit: number,
  pageSize: number,
  read: (before: string | undefined, take: number) => Promise<R[]>,
): Promise<R[]> {
  const rows: R[] = [];
  let before: string | undefined;
  while (rows.length < limit) {
    const take = Math.min(pageSize, limit - rows.length);
    const page = await read(before, take);
    rows.push(...page);
    if (page.length < take) break;
    before = page[page.length - 1]!.id;
    await yieldToIo();
  }
  return rows;
}
