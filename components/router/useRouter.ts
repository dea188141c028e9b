"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/ui/api-client";
import type { RouterOverview, VersionView } from "@/lib/ui/router";

export const routerKeys = { overview: ["router"] as const };

export function useRouterOverview() {
  return useQuery({ queryKey: routerKeys.overview, queryFn: ({ signal }) => apiFetch<RouterOverview>("/api/router", { signal }) });
}

/** Trains a candidate (a few seconds on the server's training thread); the overview then lists it. */
export function useRetrain() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<VersionView>("/api/router/retrain", { method: "POST" }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: routerKeys.overview }),
  });
}

/** Apply a candidate, or roll back to a version that was in use (or "base"): the answer is the new overview. */
export function useSwitchVersion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { version: number | "base"; action: "apply" | "rollback" }) =>
      apiFetch<RouterOverview>(`/api/router/versions/${v.version}/${v.action}`, { method: "POST" }),
    onSuccess: (overview) => qc.setQueryData(routerKeys.overview, overview),
  });
}
