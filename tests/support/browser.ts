/**
 * A minimal browser for integration tests: keeps the cookies the server sets
 * (as a browser would for one site) and, like lib/ui/api-client.ts, copies
 * the CSRF cookie into x-csrf-token on state-changing requests unless told not to.
 */
export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export class Browser {
  readonly cookies = new Map<string, string>();
  /** Raw Set-Cookie values of the last response, for asserting cookie attributes. */
  lastSetCookie: string[] = [];

  /** Headers sent with every request (x-forwarded-proto: https, as a TLS-terminating proxy adds). */
  constructor(readonly baseUrl: string, readonly extraHeaders: Record<string, string> = {}) {}

  get csrf(): string | undefined {
    return this.cookies.get("__Host-thinkgate_csrf") ?? this.cookies.get("thinkgate_csrf");
  }

  async request<T = any>(
    method: string,
    path: string,
    opts: { body?: unknown; csrf?: boolean; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<JsonResponse<T>> {
    const headers: Record<string, string> = { accept: "application/json", ...this.extraHeaders, ...opts.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    const stateChanging = method !== "GET" && method !== "HEAD";
    if (stateChanging && opts.csrf !== false && this.csrf) headers["x-csrf-token"] = this.csrf;
    const res = await fetch(this.baseUrl + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), signal: opts.signal });
    this.lastSetCookie = res.headers.getSetCookie();
    for (const c of this.lastSetCookie) {
      const [pair, ...attrs] = c.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (attrs.some((a) => a.trim().toLowerCase() === "max-age=0") || !value) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
  }

  get<T = any>(path: string) {
    return this.request<T>("GET", path);
  }
  post<T = any>(path: string, body?: unknown, opts: { csrf?: boolean } = {}) {
    return this.request<T>("POST", path, { body: body ?? {}, ...opts });
  }

  /** Another browser holding copies of this one's cookies (a stolen or replayed session), on this server or another instance. */
  copy(baseUrl = this.baseUrl): Browser {
    const b = new Browser(baseUrl, this.extraHeaders);
    for (const [k, v] of this.cookies) b.cookies.set(k, v);
    return b;
  }

  async login(email: string, password: string): Promise<JsonResponse> {
    const res = await this.post("/api/auth/login", { email, password });
    if (res.status !== 200) throw new Error(`login as ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }
}

/** Creates a user through the admin API (as the given admin browser) and returns a browser signed in as them. */
export async function userBrowser(admin: Browser, email: string, role: "viewer" | "editor" | "admin", password = "a-long-password-1"): Promise<Browser> {
  const created = await admin.post("/api/users", { email, password, role });
  if (created.status !== 201) throw new Error(`could not create ${email}: ${created.status} ${JSON.stringify(created.body)}`);
  const b = new Browser(admin.baseUrl);
  await b.login(email, password);
  return b;
}
