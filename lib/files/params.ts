/** The Files API's list parameters, read the same way by thinkgate's relay (api.ts) and the simulator. */
import { AppError } from "../api/errors";
import { pageLimit } from "../api/http";

/** The most ids one list may name (the API's bound, and the SDK's FileListParams.ids). */
const MAX_IDS = 100;

/**
 * `ids` as the SDK sends an array (ids[]=a&ids[]=b), or repeated, or
 * comma-separated. More than MAX_IDS is the API's 400, for every caller:
 * a list that kept only some of them would answer a question not asked.
 */
export function idsParam(q: URLSearchParams): string[] | null {
  const all = [...q.getAll("ids[]"), ...q.getAll("ids")].flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
  if (!all.length) return null;
  const ids = [...new Set(all)];
  if (ids.length > MAX_IDS) throw new AppError("invalid_request_error", `ids: at most ${MAX_IDS} entries`);
  return ids;
}

/** `limit` (1 to 1000, 20 when absent) and the `page` cursor. */
export function cursorParams(q: URLSearchParams): { limit: number; page: string | null } {
  return { limit: pageLimit(q), page: q.get("page") };
}

/** Where a page of a newest-first list of files starts: its first file's creation time and id (the list's sort key). */
export interface ListPosition {
  createdAt: Date;
  id: string;
}

const CURSOR_PREFIX = "page_";

/**
 * The `next_page` of thinkgate's own list of a key's files: the position of
 * the next page's first file, written into the cursor itself, not that
 * file's id to be looked up again. A file deleted between two pages (a
 * client deleting as it lists does exactly that) then leaves the cursor
 * where it was; an id-only cursor named a row that was gone, and the next
 * page was a 400. The API documents next_page as opaque, and the SDK passes
 * it back as it came.
 */
export function pageCursor(p: ListPosition): string {
  return CURSOR_PREFIX + Buffer.from(JSON.stringify([p.createdAt.getTime(), p.id])).toString("base64url");
}

/** The position a `page` cursor of pageCursor names; a 400 for anything else. */
export function readPageCursor(page: string): ListPosition {
  const notOurs = new AppError("invalid_request_error", "page: not a cursor this list returned");
  if (!page.startsWith(CURSOR_PREFIX)) throw notOurs;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(page.slice(CURSOR_PREFIX.length), "base64url").toString("utf8"));
  } catch {
    throw notOurs;
  }
  if (!Array.isArray(v) || v.length !== 2 || !Number.isSafeInteger(v[0]) || typeof v[1] !== "string" || v[1].length > 128) throw notOurs;
  return { createdAt: new Date(v[0] as number), id: v[1] };
}
