/**
 * A minimal node:http adapter for tests: serves RouteDefs so the real SDK can
 * talk to them over a socket. Not the production adapter (the lead owns that);
 * it maps just enough of node's req/res onto ApiRequest/ApiResponse.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { errorBody, AppError } from "../api/errors";
import { isStream, jsonOfText, type ApiRequest, type RouteDef } from "../api/http";

export interface TestServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function match(routes: RouteDef[], method: string, path: string): { route: RouteDef; params: Record<string, string> } | null {
  const parts = path.split("/");
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split("/");
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    if (pattern.every((p, i) => (p.startsWith(":") ? ((params[p.slice(1)] = parts[i]!), true) : p === parts[i]))) return { route, params };
  }
  return null;
}

function toApiRequest(req: IncomingMessage, res: ServerResponse, params: Record<string, string>): ApiRequest {
  const url = new URL(req.url ?? "/", "http://localhost");
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(", ") : v;
  const controller = new AbortController();
  // The client went away before the response finished.
  res.on("close", () => {
    if (!res.writableFinished) controller.abort(new Error("client disconnected"));
  });
  let body: Promise<string> | undefined;
  const text = () =>
    (body ??= new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      req.on("error", reject);
    }));
  return {
    method: req.method ?? "GET",
    path: url.pathname,
    query: url.searchParams,
    headers,
    params,
    signal: controller.signal,
    text,
    json: jsonOfText(text),
  };
}

async function handle(routes: RouteDef[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  const found = match(routes, req.method ?? "GET", path);
  if (!found) {
    res.writeHead(404, { "content-type": "application/json" }).end(errorBody("not_found_error", `no route for ${req.method} ${path}`));
    return;
  }
  const apiReq = toApiRequest(req, res, found.params);
  let out;
  try {
    out = await found.route.handler(apiReq);
  } catch (err) {
    if (apiReq.signal.aborted) return;
    const e = err instanceof AppError ? err : new AppError("api_error", "Internal server error");
    res.writeHead(e.status, { "content-type": "application/json", ...e.headers }).end(errorBody(e.type, e.message));
    return;
  }
  res.writeHead(out.status, out.headers);
  if (!isStream(out)) {
    res.end(out.body);
    return;
  }
  res.flushHeaders();
  try {
    for await (const chunk of out.stream) {
      if (apiReq.signal.aborted) break;
      res.write(chunk);
    }
    res.end();
  } catch {
    // A stream that throws stands for a dropped connection.
    res.destroy();
  }
}

export async function startTestServer(routes: RouteDef[]): Promise<TestServer> {
  const server = createServer((req, res) => void handle(routes, req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
