"use client";

import { useQuery } from "@tanstack/react-query";
import { apiFetch, isApiError } from "@/lib/ui/api-client";
import type { Page, RequestSummary } from "@/lib/ui/types";

export const RECENT_LIMIT = 20;
export const RECENT_REFETCH_MS = 5_000;

/**
 * The newest requests, polled every 5 s while the browser is signed in (the
 * session cookie authenticates: `session` true) or a key is saved. The key is
 * part of the query key so that changing it never shows another key's answer
 * (React Query keeps keys in memory only).
 */
export function useRecentRequests(key: string | null, session = false) {
  return useQuery({
    queryKey: ["requests", "recent", { limit: RECENT_LIMIT }, session ? "session" : key],
    queryFn: ({ signal }) =>
      // Signed in: no key argument, so apiFetch sends the session cookie and not a key pasted earlier.
      apiFetch<Page<RequestSummary>>("/api/requests", { ...(session ? {} : { key }), query: { limit: RECENT_LIMIT }, signal }),
    enabled: session || !!key,
    // A rejected key stays rejected: stop polling until the user changes it.
    refetchInterval: (query) => (isApiError(query.state.error) && query.state.error.isAuthError ? false : RECENT_REFETCH_MS),
  });
}
