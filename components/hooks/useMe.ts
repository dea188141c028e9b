"use client";

import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/ui/api-client";

export interface SessionUser {
  id: string;
  email: string;
  role: "viewer" | "editor" | "admin";
  createdAt: string;
  disabledAt: string | null;
  lastLoginAt: string | null;
}

export interface MeResponse {
  user: SessionUser | null;
  csrfToken: string | null;
  /** True while no user exists: /setup creates the first admin. */
  setupRequired: boolean;
}

export const meQueryKey = ["auth", "me"] as const;

/** Who is signed in to this browser (GET /api/auth/me; public, so it sends no key). */
export function useMe() {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => apiFetch<MeResponse>("/api/auth/me", { key: null, signal }),
    staleTime: 30_000,
  });
}
