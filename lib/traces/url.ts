/**
 * The trace explorer's filters in the page URL (so a filtered view can be
 * shared and reloaded) and their translation into an /api/traces query. Pure.
 */

export const RANGE_PRESETS = [
  { value: "1h", label: "Last hour", ms: 3_600_000 },
  { value: "24h", label: "Last 24 hours", ms: 86_400_000 },
  { value: "7d", label: "Last 7 days", ms: 7 * 86_400_000 },
  { value: "30d", label: "Last 30 days", ms: 30 * 86_400_000 },
] as const;

/** The filter names, shared by the page URL and the API (range is the page's own shorthand for from). */
export const FILTER_KEYS = ["q", "range", "from", "to", "route", "tier", "stage", "model", "app", "task", "status", "costMin", "costMax", "escalated", "hedging", "thinking", "failureMin", "sort"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string>>;

export function readFilters(params: URLSearchParams): Filters {
  const f: Filters = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v !== null && v.trim() !== "") f[k] = v.trim();
  }
  return f;
}

/** The URL query for a set of filters, in a stable order (so equal filters give equal URLs). */
export function filtersToSearch(f: Filters): string {
  const p = new URLSearchParams();
  for (const k of FILTER_KEYS) if (f[k] !== undefined && f[k] !== "") p.set(k, f[k]!);
  const s = p.toString();
  return s ? `?${s}` : "";
}

/** The API query: a range preset becomes `from`, relative to `now`. */
export function filtersToApiQuery(f: Filters, now: number): Record<string, string> {
  const q: Record<string, string> = {};
  for (const k of FILTER_KEYS) {
    if (k === "range" || f[k] === undefined) continue;
    q[k] = f[k]!;
  }
  const preset = RANGE_PRESETS.find((p) => p.value === f.range);
  if (preset) {
    q.from = new Date(now - preset.ms).toISOString();
    delete q.to;
  }
  return q;
}

export function activeFilterCount(f: Filters): number {
  // The sort order is not a filter.
  return FILTER_KEYS.filter((k) => f[k] !== undefined && k !== "q" && k !== "sort").length;
}

/**
 * The line under the filter bar saying what the list is narrowed by, or null
 * when nothing is: "2 filters and a search for “retry”", "1 filter", "A search
 * for “retry”" (never "0 filters").
 */
export function filterSummary(f: Filters): string | null {
  const count = activeFilterCount(f);
  const filters = count ? `${count} filter${count === 1 ? "" : "s"}` : null;
  const search = f.q ? `a search for “${f.q}”` : null;
  if (filters && search) return `${filters} and ${search}`;
  if (search) return search.charAt(0).toUpperCase() + search.slice(1);
  return filters;
}
