/**
 * Routes and a routing snapshot for unit tests of the routing pipeline and
 * what calls it: a standard route that keeps the requested model and a
 * reasoning route on Opus with the complex budget tier. Not used at run time.
 */
import type { RoutingSnapshot } from "./pipeline";
import type { RouteConfig } from "./types";

export const testRoute = (id: string, tier: "standard" | "reasoning", model: string): RouteConfig => ({
  id,
  name: id,
  tier,
  model,
  thinking: tier === "reasoning" ? "on" : "off",
  budgetTier: tier === "reasoning" ? "complex" : null,
  budgetTokens: null,
  effort: null,
  display: "summarized",
  minMaxTokens: null,
});

/** The two routes, no rules and no apps, unless `over` says otherwise. */
export function testSnapshot(over: Partial<RoutingSnapshot> = {}): RoutingSnapshot {
  return {
    routes: new Map([
      ["standard", testRoute("standard", "standard", "*")],
      ["reasoning", testRoute("reasoning", "reasoning", "claude-opus-4-7")],
    ]),
    rules: [],
    apps: new Map(),
    tierRoutes: { standard: "standard", reasoning: "reasoning" },
    defaultRouteId: "standard",
    ...over,
  };
}
