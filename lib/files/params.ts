/** The Files API's list parameters, read the same way by thinkgate's relay (api.ts) and the simulator. */
import { pageLimit } from "../api/http";

/** `ids` as the SDK sends an array (ids[]=a&ids[]=b), or repeated, or comma-separated. */
export function idsParam(q: URLSearchParams): string[] | null {
  const all = [...q.getAll("ids[]"), ...q.getAll("ids")].flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
  return all.length ? [...new Set(all)] : null;
}

/** `limit` (1 to 1000, 20 when absent) and the `page` cursor. */
export function cursorParams(q: URLSearchParams): { limit: number; page: string | null } {
  return { limit: pageLimit(q), page: q.get("page") };
}
