"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/ui/api-client";
import type { HistoryEntry, ReplayView, RoutesResponse, Rule, RuleSetView, RuleTestResult } from "@/lib/ui/rules";

export const rulesKeys = {
  active: ["rules", "active"] as const,
  history: ["rules", "history"] as const,
  version: (v: number) => ["rules", "version", v] as const,
  routes: ["routes"] as const,
};

export function useActiveRules() {
  return useQuery({ queryKey: rulesKeys.active, queryFn: ({ signal }) => apiFetch<RuleSetView>("/api/rules", { signal }) });
}

export function useRoutes() {
  return useQuery({ queryKey: rulesKeys.routes, queryFn: ({ signal }) => apiFetch<RoutesResponse>("/api/routes", { signal }) });
}

export function useRuleHistory() {
  return useQuery({
    queryKey: rulesKeys.history,
    queryFn: ({ signal }) => apiFetch<{ data: HistoryEntry[] }>("/api/rules/history", { query: { limit: 200 }, signal }),
  });
}

/** A stored version; version 0 (none before the first) is never fetched. */
export function useRuleVersion(version: number | null) {
  return useQuery({
    queryKey: rulesKeys.version(version ?? 0),
    queryFn: ({ signal }) => apiFetch<RuleSetView>(`/api/rules/versions/${version}`, { signal }),
    enabled: version !== null && version > 0,
    // Versions never change once written.
    staleTime: Infinity,
  });
}

/** After a save or a rollback: the active set and the history changed. */
function useRefreshRules() {
  const qc = useQueryClient();
  return (saved: RuleSetView) => {
    qc.setQueryData(rulesKeys.active, saved);
    qc.setQueryData(rulesKeys.version(saved.version), saved);
    void qc.invalidateQueries({ queryKey: rulesKeys.history });
    void qc.invalidateQueries({ queryKey: rulesKeys.routes }); // "used by rules" counts
  };
}

export function useSaveRules() {
  const refresh = useRefreshRules();
  return useMutation({
    mutationFn: (v: { rules: Rule[]; note: string; baseVersion: number }) => apiFetch<RuleSetView>("/api/rules", { body: v }),
    onSuccess: refresh,
  });
}

export function useRollback() {
  const refresh = useRefreshRules();
  return useMutation({
    mutationFn: (version: number) => apiFetch<RuleSetView>("/api/rules/rollback", { body: { version } }),
    onSuccess: refresh,
  });
}

export interface TestInput {
  rules: Rule[];
  prompt: string;
  task?: string;
  app?: string;
  model?: string;
  hasTools: boolean;
}

export function useRuleTest() {
  return useMutation({ mutationFn: (v: TestInput) => apiFetch<RuleTestResult>("/api/rules/test", { body: v }) });
}

export function useReplay() {
  return useMutation({ mutationFn: (v: { rules: Rule[]; limit: number }) => apiFetch<ReplayView>("/api/rules/replay", { body: v }) });
}
