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
