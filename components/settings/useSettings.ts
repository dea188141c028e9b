"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/ui/api-client";
import type { CostSummary } from "@/lib/costs/types";
import type { RouteView, RoutesResponse } from "@/lib/ui/rules";
import type { fromDraft } from "@/lib/ui/limits";
import type { AppPolicyView, KeyView, PriceView, RoutingSettingsView, UserView, ThinkingPolicyView } from "@/lib/ui/settings";

export const settingsKeys = {
  routes: ["routes"] as const,
  apps: ["apps"] as const,
  prices: ["prices"] as const,
  keys: ["keys"] as const,
  users: ["users"] as const,
  settings: ["settings"] as const,
};

export const useRoutesList = () =>
  useQuery({ queryKey: settingsKeys.routes, queryFn: ({ signal }) => apiFetch<RoutesResponse>("/api/routes", { signal }) });
export const useApps = () =>
  useQuery({ queryKey: settingsKeys.apps, queryFn: ({ signal }) => apiFetch<{ data: AppPolicyView[] }>("/api/apps", { signal }) });
export const usePrices = () =>
  useQuery({ queryKey: settingsKeys.prices, queryFn: ({ signal }) => apiFetch<{ data: PriceView[] }>("/api/prices", { signal }) });
export const useKeys = () =>
  useQuery({ queryKey: settingsKeys.keys, queryFn: ({ signal }) => apiFetch<{ data: KeyView[] }>("/api/keys", { signal }) });
export const useUsers = () =>
  useQuery({ queryKey: settingsKeys.users, queryFn: ({ signal }) => apiFetch<{ data: UserView[] }>("/api/users", { signal }) });
export const useRoutingSettings = () =>
  useQuery({ queryKey: settingsKeys.settings, queryFn: ({ signal }) => apiFetch<RoutingSettingsView>("/api/settings", { signal }) });

/** A mutation that refreshes the given lists when it succeeds. */
export function useChange<V, R = unknown>(fn: (v: V) => Promise<R>, refresh: readonly (readonly string[])[]) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      for (const key of refresh) void qc.invalidateQueries({ queryKey: key });
    },
  });
}

export type RouteInput = Omit<RouteView, "id" | "usedByRules">;

export const putRoute = (v: { id: string; route: RouteInput }) =>
  apiFetch<RouteView>(`/api/routes/${encodeURIComponent(v.id)}`, { method: "PUT", body: v.route });
export const putApp = (v: Omit<AppPolicyView, "limits" | "client"> & { limits: ReturnType<typeof fromDraft> }) =>
  apiFetch<AppPolicyView>(`/api/apps/${encodeURIComponent(v.name)}`, { method: "PUT", body: { tier: v.tier, routeId: v.routeId, description: v.description, limits: v.limits, thinking: v.thinking } });
export const deleteApp = (name: string) => apiFetch(`/api/apps/${encodeURIComponent(name)}`, { method: "DELETE" });
export const addPrice = (v: Record<string, unknown>) => apiFetch<PriceView>("/api/prices", { body: v });
export const createKey = (v: { name: string; role: string; apps: string[] | null }) => apiFetch<KeyView & { secret: string }>("/api/keys", { body: v });
export const setKeyLimits = (v: { id: string; limits: ReturnType<typeof fromDraft> }) =>
  apiFetch<KeyView>(`/api/keys/${encodeURIComponent(v.id)}`, { method: "PATCH", body: { limits: v.limits } });
export const setKeyThinking = (v: { id: string; thinking: ThinkingPolicyView }) =>
  apiFetch<KeyView>(`/api/keys/${encodeURIComponent(v.id)}`, { method: "PATCH", body: { thinking: v.thinking } });
export const setKeyApps = (v: { id: string; apps: string[] | null }) =>
  apiFetch<KeyView>(`/api/keys/${encodeURIComponent(v.id)}`, { method: "PATCH", body: { apps: v.apps } });
export const revokeKey = (id: string) => apiFetch<KeyView>(`/api/keys/${encodeURIComponent(id)}`, { method: "DELETE" });
export const createUser = (v: { email: string; password: string; role: string }) => apiFetch<UserView>("/api/users", { body: v });
export const patchUser = (v: { id: string; role?: string; disabled?: boolean }) =>
  apiFetch<UserView>(`/api/users/${encodeURIComponent(v.id)}`, { method: "PATCH", body: { role: v.role, disabled: v.disabled } });
export const endUserSessions = (id: string) => apiFetch<{ ended: number }>(`/api/users/${encodeURIComponent(id)}/sessions`, { method: "DELETE" });
export const putSettings = (v: Partial<RoutingSettingsView>) => apiFetch<RoutingSettingsView>("/api/settings", { method: "PUT", body: v });

/** The team's traffic per tier over the last 30 days (the cost summary), for pricing a threshold change. */
export const useTierCosts = () =>
  useQuery({
    queryKey: ["costs", "tier-30d"] as const,
    queryFn: ({ signal }) =>
      apiFetch<CostSummary>("/api/costs/summary", { query: { groupBy: "tier", from: new Date(Date.now() - 30 * 86_400_000).toISOString(), top: 0 }, signal }),
    staleTime: 60_000,
  });
