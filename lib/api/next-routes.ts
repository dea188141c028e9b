/** The Next route file for a path serves the handler the route table names for it. */
import { toNextHandler } from "./next-adapter";
import type { RouteDef } from "./http";
import { apiRoutes } from "./routes";

export function nextRoute(method: RouteDef["method"], path: string) {
  const def = apiRoutes.find((r) => r.method === method && r.path === path);
  if (!def) throw new Error(`no API route ${method} ${path} in lib/api/routes.ts`);
  return toNextHandler(def.handler);
}
