/**
 * fetch() with thinkgate's credentials, for the two responses apiFetch cannot
 * parse as JSON: a playground stream (SSE) and the cost CSV. Authenticates the
 * way apiFetch does: a signed-in browser sends its session cookie (plus the
 * CSRF token on a POST), otherwise the gateway key saved in this browser.
 */
import { ApiError, CSRF_HEADER, isApiErrorBody, readCsrfToken } from "./api-client";
import { readGatewayKey } from "./gateway-key";

export async function rawFetch(path: string, init: { method?: "GET" | "POST"; body?: unknown; accept: string; signal?: AbortSignal }): Promise<Response> {
  const method = init.method ?? (init.body === undefined ? "GET" : "POST");
  const headers: Record<string, string> = { accept: init.accept };
  const csrf = readCsrfToken();
  const key = csrf ? null : readGatewayKey();
  if (key) headers["x-api-key"] = key;
  if (csrf && method !== "GET") headers[CSRF_HEADER] = csrf;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, { type: "error", error: { type: "network_error", message: "Could not reach the thinkgate server. Is it running?" } });
  }
  if (!res.ok) {
    const text = await res.text().catch(() => "");
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON: described below */
    }
    throw new ApiError(
      res.status,
      isApiErrorBody(body) ? body : { type: "error", error: { type: "api_error", message: `${path} answered HTTP ${res.status}.` } },
      res.headers.get("request-id"),
    );
  }
  return res;
}

/** Downloads a response as a file named by its content-disposition (or `fallbackName`). */
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
  const res = await rawFetch(path, { accept: "text/csv" });
  const blob = await res.blob();
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
