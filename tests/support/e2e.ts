/**
 * What every e2e file shares: a real server with the built pages (Next in
 * production mode) and a signed-in admin from the env, the official SDK
 * pointed at it, and a way to wait for a request's record.
 */
import Anthropic from "@anthropic-ai/sdk";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { failurePicture, launchChromium, openContext, signInByApi, WIDE, type E2EContext } from "./chromium";
import { eventually, startServer, type TestServer } from "./server";

export const ADMIN = { email: "admin@example.com", password: "correct-horse-battery" };

/**
 * One server per e2e file: SQLite, simulator at zero latency, pages on, and
 * the admin above (or, with `admin: false`, no user yet: the first-run setup).
 */
export async function startE2EServer(opts: { admin?: boolean; env?: Record<string, string>; spoolDir?: string } = {}): Promise<TestServer> {
  return startServer({
    ...(opts.spoolDir ? { spoolDir: opts.spoolDir } : {}),
    env: {
      THINKGATE_NEXT: "on",
      NEXT_TELEMETRY_DISABLED: "1",
      ...(opts.admin === false ? {} : { THINKGATE_ADMIN_EMAIL: ADMIN.email, THINKGATE_ADMIN_PASSWORD: ADMIN.password }),
      ...opts.env,
    },
  });
}

export function sdk(server: TestServer): Anthropic {
  return new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
}

export interface Sent {
  id: string;
  tier: string | null;
  stage: string | null;
  route: string | null;
}

/** One request through the official SDK; resolves once its record is stored (records are written off the response path). */
export async function send(server: TestServer, client: Anthropic, prompt: string, task?: string): Promise<Sent> {
  const { response } = await client.messages
    .create(
      { model: "claude-sonnet-4-6", max_tokens: 1024, messages: [{ role: "user", content: prompt }] },
      task ? { headers: { "thinkgate-task": task } } : undefined,
    )
    .withResponse();
  const id = response.headers.get("thinkgate-request-id");
  if (!id) throw new Error("no thinkgate-request-id header on the response");
  await eventually(async () => {
    const res = await api(server, `/api/requests/${id}`);
    return res.status === 200 ? true : undefined;
  });
  return {
    id,
    tier: response.headers.get("thinkgate-tier"),
    stage: response.headers.get("thinkgate-stage"),
    route: response.headers.get("thinkgate-route"),
  };
}

/** A call to thinkgate's own API with the admin key. */
export async function api(server: TestServer, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  return fetch(server.url + path, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { "x-api-key": server.adminKey, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

/** An e2e file's server, its Chromium and the admin signed in (through the API) in a wide context. */
export interface SignedIn {
  server: TestServer;
  browser: Browser;
  admin: E2EContext;
}

/** The usual start of an e2e file: server and Chromium side by side, then the admin's session. */
export async function startSignedIn(opts: Parameters<typeof startE2EServer>[0] = {}): Promise<SignedIn> {
  const [server, browser] = await Promise.all([startE2EServer(opts), launchChromium()]);
  const admin = await openContext(browser, server.url, WIDE);
  await signInByApi(admin.context, ADMIN.email, ADMIN.password);
  return { server, browser, admin };
}

/** Its end: whatever of it started (a failed start leaves some of it undefined). */
export async function stopSignedIn(run: Partial<SignedIn>): Promise<void> {
  await run.admin?.context.close().catch(() => {});
  await run.browser?.close();
  await run.server?.stop();
}

/**
 * The usual e2e file in one call: a signed-in run started before its tests
 * (then `setUp`, e.g. a route the tests need) and stopped after them, with a
 * picture of the admin's page when a test fails (named by `name`). The
 * returned object's members are there once its tests run.
 */
export function signedInSuite(name: string, opts: Parameters<typeof startE2EServer>[0] = {}, setUp?: (run: SignedIn) => Promise<void>): SignedIn {
  const run = {} as SignedIn;
  beforeAll(async () => {
    Object.assign(run, await startSignedIn(opts));
    await setUp?.(run);
  }, 120_000);
  afterAll(async () => {
    await stopSignedIn(run);
  });
  afterEach(async ({ task }) => {
    if (run.admin) await failurePicture(task, run.admin.page, name);
  });
  return run;
}
