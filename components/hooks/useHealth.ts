"use client";

import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/ui/api-client";
import type { HealthResponse } from "@/lib/ui/types";

export const healthQueryKey = ["health"] as const;

/**
 * GET /api/health, shared by the nav's simulator banner and the status card
 * (one request for both: same query key). Public, so it sends no key.
 */
export function useHealth() {
  return useQuery({
    queryKey: healthQueryKey,
    queryFn: ({ signal }) => apiFetch<HealthResponse>("/api/health", { key: null, signal }),
    // The mode and database change only on a restart; poll slowly so the page
    // notices a gateway that stopped or came back.
    refetchInterval: 30_000,
    staleTime: 10_000,
  });
}
