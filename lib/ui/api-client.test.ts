import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, apiFetch, readCsrfToken, retryCanHelp } from "./api-client";

function fakeFetch(status: number, body: string, headers: Record<string, string> = {}) {
  return vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => new Response(body, { status, headers }));
}

afterEach(() => vi.unstubAllGlobals());

describe("apiFetch", () => {
  it("sends the given key as x-api-key and returns the JSON body", async () => {
    const f = fakeFetch(200, JSON.stringify({ data: [], nextCursor: null }));
    const result = await apiFetch("/api/requests", { key: "tg_k", query: { limit: 20, cursor: null }, fetch: f });
    expect(result).toEqual({ data: [], nextCursor: null });
    const [url, init] = f.mock.calls[0]!;
    expect(url).toBe("/api/requests?limit=20");
    expect((init!.headers as Record<string, string>)["x-api-key"]).toBe("tg_k");
    expect(init!.method).toBe("GET");
  });

  it("falls back to the key saved in this browser", async () => {
    vi.stubGlobal("window", { localStorage: { getItem: () => "tg_saved" } });
    const f = fakeFetch(200, "{}");
    await apiFetch("/api/requests", { fetch: f });
    expect((f.mock.calls[0]![1]!.headers as Record<string, string>)["x-api-key"]).toBe("tg_saved");
  });

  it("sends no key when told not to", async () => {
    vi.stubGlobal("window", { localStorage: { getItem: () => "tg_saved" } });
    const f = fakeFetch(200, "{}");
    await apiFetch("/api/health", { key: null, fetch: f });
    expect((f.mock.calls[0]![1]!.headers as Record<string, string>)["x-api-key"]).toBeUndefined();
  });

  it("posts a JSON body", async () => {
    const f = fakeFetch(200, "{}");
    await apiFetch("/api/rules", { key: "k", body: { a: 1 }, fetch: f });
    const init = f.mock.calls[0]![1]!;
    expect(init.method).toBe("POST");
    expect(init.body).toBe('{"a":1}');
    expect((init.headers as Record<string, string>)["content-type"]).toBe("application/json");
  });

  it("throws an ApiError carrying the Anthropic-shaped error body", async () => {
    const body = { type: "error", error: { type: "permission_error", message: "This key cannot read requests." }, request_id: "req_x" };
    const f = fakeFetch(403, JSON.stringify(body));
    const err = await apiFetch("/api/requests", { key: "k", fetch: f }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(403);
    expect(e.type).toBe("permission_error");
    expect(e.message).toBe("This key cannot read requests.");
    expect(e.body).toEqual(body);
    expect(e.requestId).toBe("req_x");
    expect(e.isAuthError).toBe(true);
  });

  it("synthesises an error body when the server did not send JSON", async () => {
    const f = fakeFetch(502, "<html>Bad gateway</html>", { "request-id": "req_h" });
    const e = (await apiFetch("/api/requests", { key: "k", fetch: f }).catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(502);
    expect(e.type).toBe("api_error");
    expect(e.message).toContain("502");
    expect(e.requestId).toBe("req_h");
    expect(e.isAuthError).toBe(false);
  });

  it("turns a network failure into an ApiError with status 0", async () => {
    const f = vi.fn(async () => {
      throw new TypeError("fetch failed");
    });
    const e = (await apiFetch("/api/health", { key: null, fetch: f }).catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(0);
    expect(e.type).toBe("network_error");
  });

  it("lets an abort through untouched", async () => {
    const f = vi.fn(async () => {
      throw new DOMException("aborted", "AbortError");
    });
    await expect(apiFetch("/api/health", { key: null, fetch: f })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("rejects a 200 that is not JSON", async () => {
    const f = fakeFetch(200, "<html></html>");
    const e = (await apiFetch("/api/health", { key: null, fetch: f }).catch((x: unknown) => x)) as ApiError;
    expect(e.type).toBe("invalid_response");
  });
});

describe("apiFetch when signed in", () => {
  it("sends no saved key and adds the CSRF header on state changes only", async () => {
    vi.stubGlobal("window", { localStorage: { getItem: () => "tg_saved" } });
    vi.stubGlobal("document", { cookie: "other=1; thinkgate_csrf=tok%2Dabc" });
    const f = fakeFetch(200, "{}");
    await apiFetch("/api/rules", { fetch: f });
    const get = f.mock.calls[0]![1]!;
    expect((get.headers as Record<string, string>)["x-api-key"]).toBeUndefined();
    expect((get.headers as Record<string, string>)["x-csrf-token"]).toBeUndefined();
    expect(get.credentials).toBe("same-origin");
    await apiFetch("/api/rules", { body: { rules: [] }, fetch: f });
    expect((f.mock.calls[1]![1]!.headers as Record<string, string>)["x-csrf-token"]).toBe("tok-abc");
    await apiFetch("/api/keys/k1", { method: "DELETE", fetch: f });
    expect((f.mock.calls[2]![1]!.headers as Record<string, string>)["x-csrf-token"]).toBe("tok-abc");
  });

  it("still sends a key passed explicitly, without the CSRF header", async () => {
    vi.stubGlobal("document", { cookie: "thinkgate_csrf=tok" });
    const f = fakeFetch(200, "{}");
    await apiFetch("/api/rules", { key: "tg_explicit", body: {}, fetch: f });
    const h = f.mock.calls[0]![1]!.headers as Record<string, string>;
    expect(h["x-api-key"]).toBe("tg_explicit");
    expect(h["x-csrf-token"]).toBeUndefined();
  });

  it("reads the CSRF cookie", () => {
    expect(readCsrfToken("a=1; thinkgate_csrf=xyz")).toBe("xyz");
    // Over HTTPS the session's token is in the __Host- cookie, whatever plain-named one sits next to it.
    expect(readCsrfToken("thinkgate_csrf=planted; __Host-thinkgate_csrf=real")).toBe("real");
    expect(readCsrfToken("__Host-thinkgate_csrf=real; thinkgate_csrf=planted")).toBe("real");
    expect(readCsrfToken("a=1")).toBeNull();
    expect(readCsrfToken("")).toBeNull();
  });
});

describe("retryCanHelp", () => {
  const failure = (status: number, type: string) => new ApiError(status, { type: "error", error: { type, message: "m" } });
  it("is false for a request the server refused as it stands, true for what may pass on a second try", () => {
    for (const [status, type] of [[400, "invalid_request_error"], [413, "request_too_large"], [422, "invalid_request_error"]] as const) {
      expect(retryCanHelp(failure(status, type))).toBe(false);
    }
    for (const [status, type] of [[0, "network_error"], [401, "authentication_error"], [429, "rate_limit_error"], [500, "api_error"], [502, "api_error"], [529, "overloaded_error"]] as const) {
      expect(retryCanHelp(failure(status, type))).toBe(true);
    }
    expect(retryCanHelp(new Error("render failed"))).toBe(true);
    expect(retryCanHelp(undefined)).toBe(true);
  });
});
