/**
 * Cursor pagination over a newest-first list, as the API pages its lists
 * (models, message batches): `limit` 1 to 1000 (default 20), `after_id`
 * pages towards older entries, `before_id` towards newer ones.
 */
import { pageLimit } from "../api/http";

export interface Page<T> {
  data: T[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

export function cursorPage<T extends { id: string }>(all: T[], query: URLSearchParams): Page<T> {
  const limit = pageLimit(query);
  const after = query.get("after_id");
  const before = query.get("before_id");
  let data: T[];
  let hasMore: boolean;
  if (before !== null) {
    const end = Math.max(0, all.findIndex((e) => e.id === before));
    data = all.slice(Math.max(0, end - limit), end);
    hasMore = end - limit > 0;
  } else {
    const start = after === null ? 0 : all.findIndex((e) => e.id === after) + 1;
    data = all.slice(start, start + limit);
    hasMore = start + limit < all.length;
  }
  return { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null };
}
