/** Matches a method and path against the route table: exact paths by map lookup, :param paths by segments. */
import { AppError } from "./errors";
import type { Handler, RouteDef } from "./http";

export interface Match {
  handler: Handler;
  params: Record<string, string>;
}

export class ApiRouter {
  private exact = new Map<string, Handler>();
  private patterns: { method: string; parts: string[]; handler: Handler }[] = [];
  private paths = new Set<string>();

  constructor(routes: RouteDef[]) {
    for (const r of routes) {
      if (r.path.includes("/:")) this.patterns.push({ method: r.method, parts: r.path.split("/"), handler: r.handler });
      else this.exact.set(`${r.method} ${r.path}`, r.handler);
      this.paths.add(r.path);
    }
  }

  match(method: string, path: string): Match | "method_not_allowed" | null {
    const h = this.exact.get(`${method} ${path}`);
    if (h) return { handler: h, params: {} };
    const parts = path.split("/");
    let pathKnown = false;
    for (const p of this.patterns) {
      if (p.parts.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const want = p.parts[i]!;
        if (want.startsWith(":")) {
          if (!parts[i]) ok = false;
          else {
            const value = decodeURIComponent(parts[i]!);
            // No id, name or version holds a NUL, and PostgreSQL's text cannot: looking one up was a 500 there.
            if (value.includes("\u0000")) throw new AppError("invalid_request_error", "the path holds a NUL character (%00)");
            params[want.slice(1)] = value;
          }
        } else if (want !== parts[i]) ok = false;
        if (!ok) break;
      }
      if (!ok) continue;
      if (p.method === method) return { handler: p.handler, params };
      pathKnown = true;
    }
    if (pathKnown) return "method_not_allowed";
    for (const key of this.exact.keys()) if (key.slice(key.indexOf(" ") + 1) === path) return "method_not_allowed";
    return null;
  }
}
