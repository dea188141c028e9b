/**
 * Roles and what each may change. Pure, so a page's client components can ask
 * the same question the API answers (lib/api/wrap.ts checks every call).
 */
import type { Role } from "../db/keys.repo";

export type { Role };

const ROLE_RANK: Record<Role, number> = { gateway: 0, viewer: 1, editor: 2, admin: 3 };
export const ROLES = Object.keys(ROLE_RANK) as Role[];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && value in ROLE_RANK;
}

/** True when `role` may do what `required` allows. Every role may call the gateway. */
export function hasRole(role: Role, required: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[required];
}

/**
 * The least role that may change a route's settings (model, thinking, budget,
 * effort, fallbacks), by whichever path: the routes API, or a calibration
 * result applied to the route. One check, so a second path cannot grant what
 * the first refuses.
 */
export const ROUTE_EDITOR: Role = "admin";
