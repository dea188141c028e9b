"use client";

import { useInfiniteQuery, useQuery, type InfiniteData, type UseInfiniteQueryResult } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { useNow } from "@/components/hooks/useNow";
import { Button, buttonClasses } from "@/components/ui/Button";
import { Card } from "@/components/ui/Card";
import { EmptyState } from "@/components/ui/EmptyState";
import { ErrorState } from "@/components/ui/ErrorState";
import { Spinner } from "@/components/ui/Spinner";
import { apiFetch, isApiError } from "@/lib/ui/api-client";
import { prepareRequestRow } from "@/lib/ui/requests";
import type { Page } from "@/lib/ui/types";
import { filtersToApiQuery, filtersToSearch, readFilters, type Filters } from "@/lib/traces/url";
import type { TraceFacets, TraceListItem } from "@/lib/traces/wire";
import { failureOf, hedgingOf, TraceCards, TraceTable, type TraceRowView } from "./TraceList";
import { TraceFilters } from "./TraceFilters";

export const PAGE_SIZE = 50;

/** /traces: every request through the gateway, filtered by the URL's query string, newest first, a page at a time. */
export function TracesExplorer() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = useMemo(() => readFilters(new URLSearchParams(params.toString())), [params]);
  const setFilters = useCallback((next: Filters) => router.replace(`${pathname}${filtersToSearch(next)}`, { scroll: false }), [router, pathname]);
  // A preset ("last 24 hours") is fixed to a moment when the filters change,
  // so every page of one list asks for the same range.
  const apiQuery = useMemo(() => filtersToApiQuery(filters, Date.now()), [filters]);
  const now = useNow();

  const facets = useQuery({
    queryKey: ["traces", "facets"],
    queryFn: ({ signal }) => apiFetch<TraceFacets>("/api/traces/facets", { signal }),
    staleTime: 60_000,
  });
  const list = useInfiniteQuery({
    queryKey: ["traces", "list", apiQuery],
    queryFn: ({ pageParam, signal }) =>
      apiFetch<Page<TraceListItem>>("/api/traces", { query: { ...apiQuery, limit: PAGE_SIZE, cursor: pageParam }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

  const rows: TraceRowView[] | null = useMemo(
    () => list.data?.pages.flatMap((p) => p.data.map((r) => ({ ...prepareRequestRow(r, now), hedging: hedgingOf(r.hedgeCount), failure: failureOf(r.failureScore) }))) ?? null,
    [list.data, now],
  );
  const filtered = Object.keys(filters).length > 0;

  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-gray-900">Traces</h1>
        <p className="mt-1 max-w-3xl text-sm text-gray-600">
          Every request through the gateway: the router&apos;s decision, what it cost, and where the model hedged. Filters live in the
          address bar, so a view can be shared.
        </p>
      </div>
      <Card className="p-4">
        <TraceFilters filters={filters} facets={facets.data} onChange={setFilters} />
      </Card>
      <Card>
        <Body list={list} rows={rows} filtered={filtered} onClear={() => setFilters({})} />
      </Card>
    </div>
  );
}

function Body({
  list,
  rows,
  filtered,
  onClear,
}: {
  list: UseInfiniteQueryResult<InfiniteData<Page<TraceListItem>, unknown>, Error>;
  rows: TraceRowView[] | null;
  filtered: boolean;
  onClear: () => void;
}) {
  if (list.error && !rows) {
    const err = list.error;
    const status = isApiError(err) ? err.status : null;
    return (
      <ErrorState
        title={status === 401 ? "Sign in or save a gateway key to read traces" : status === 403 ? "This key cannot read traces" : status === 400 ? "These filters cannot be applied" : "Could not load traces"}
        error={err}
        onRetry={() => void list.refetch()}
      >
        {isApiError(err) && err.isAuthError ? (
          <Link href="/#gateway-key" className="text-accent-700 underline underline-offset-2">Save a gateway key</Link>
        ) : filtered ? (
          <Link href="/traces" className="text-accent-700 underline underline-offset-2">Clear filters</Link>
        ) : null}
      </ErrorState>
    );
  }
  if (!rows) {
    return (
      <div className="flex items-center justify-center gap-2 py-12 text-sm text-gray-500">
        <Spinner label="Loading traces" /> Loading traces…
      </div>
    );
  }
  if (rows.length === 0) {
    return filtered ? (
      <EmptyState title="No requests match these filters" action={<Button size="sm" onClick={onClear}>Clear filters</Button>}>
        Widen the time range or remove a filter.
      </EmptyState>
    ) : (
      <EmptyState
        title={<>No requests yet — run <code className="rounded bg-gray-100 px-1 py-0.5 text-xs text-gray-800">npm run demo</code></>}
        action={<Link href="/" className={buttonClasses("secondary", "sm")}>Connect an app</Link>}
      >
        Requests appear here as soon as they pass through the gateway.
      </EmptyState>
    );
  }
  return (
    <>
      <div className="hidden md:block">
        <TraceTable rows={rows} />
      </div>
      <div className="md:hidden">
        <TraceCards rows={rows} />
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2 border-t border-gray-100 px-4 py-3 text-xs text-gray-500">
        <span aria-live="polite">
          {rows.length.toLocaleString("en-US")} request{rows.length === 1 ? "" : "s"} shown{list.hasNextPage ? "" : " — that is all"}
        </span>
        {list.hasNextPage ? (
          <Button size="sm" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {list.isFetchingNextPage ? <Spinner label="Loading more" /> : null}
            Load more
          </Button>
        ) : null}
        {list.error && rows ? <span className="text-red-700">Could not load more: {list.error.message}</span> : null}
      </div>
    </>
  );
}
