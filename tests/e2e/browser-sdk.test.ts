/**
 * The official Anthropic SDK run in a browser (`dangerouslyAllowBrowser`),
 * on a page of another origin, pointed at thinkgate: Chromium's own CORS
 * checks decide what the page may send and read. The SDK is bundled for the
 * browser by esbuild from node_modules, as an app's bundler would.
 */
import esbuild from "esbuild";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, openContext, type E2EContext } from "../support/chromium";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let browser: Browser;
let site: http.Server;
let siteURL: string;
let ctx: E2EContext;

beforeAll(async () => {
  const bundle = await esbuild.build({
    stdin: { contents: 'export { default as Anthropic } from "@anthropic-ai/sdk";', resolveDir: process.cwd() },
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
  });
  const sdkJs = bundle.outputFiles[0]!.text;
  // The team's web app: another origin (another port) than thinkgate's.
  site = http.createServer((req, res) => {
    if (req.url === "/sdk.js") res.writeHead(200, { "content-type": "text/javascript" }).end(sdkJs);
    // The page loads the SDK as an app would, and hands it to the test.
    else res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><title>team app</title><script type="module">import { Anthropic } from "/sdk.js"; window.Anthropic = Anthropic;</script>');
  });
  await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
  siteURL = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  ctx = await openContext(browser, siteURL);
  await ctx.page.goto(siteURL);
  await ctx.page.waitForFunction(() => "Anthropic" in window);
}, 120_000);

afterAll(async () => {
  await ctx?.context.close();
  await browser?.close();
  await server?.stop();
  await new Promise((r) => site?.close(r));
});

describe("the Anthropic SDK in a browser, on another origin", () => {
  it("creates and streams a message, and reads thinkgate's headers and the request id", async () => {
    const out = await ctx.page.evaluate(
      async ({ baseURL, apiKey }) => {
        const { Anthropic } = window as unknown as { Anthropic: typeof import("@anthropic-ai/sdk").default };
        const client = new Anthropic({ baseURL, apiKey, dangerouslyAllowBrowser: true, maxRetries: 0 });
        const params = { model: "claude-sonnet-4-6", max_tokens: 128, messages: [{ role: "user" as const, content: "Say hello to the team." }] };
        const { data, response, request_id } = await client.messages.create(params).withResponse();
        const stream = client.messages.stream(params);
        let streamed = "";
        stream.on("text", (t: string) => (streamed += t));
        const final = await stream.finalMessage();
        const textOf = (blocks: readonly { type: string; text?: string }[]) => blocks.map((b) => (b.type === "text" ? (b.text ?? "") : "")).join("");
        const finalText = textOf(final.content);
        return { type: data.type, text: textOf(data.content), tier: response.headers.get("thinkgate-tier"), requestId: request_id, streamed, finalText };
      },
      { baseURL: server.baseURL, apiKey: server.adminKey },
    );
    expect(out.type).toBe("message");
    expect(out.text.length).toBeGreaterThan(0);
    expect(out.tier).toMatch(/^(standard|reasoning)$/);
    expect(out.requestId).toMatch(/^req_/);
    expect(out.streamed.length).toBeGreaterThan(0);
    expect(out.streamed).toBe(out.finalText);
  });

  it("reads an error as the SDK's class with its status (a wrong key is a 401, not a CORS failure)", async () => {
    const out = await ctx.page.evaluate(async ({ baseURL }) => {
      const { Anthropic } = window as unknown as { Anthropic: typeof import("@anthropic-ai/sdk").default };
      const client = new Anthropic({ baseURL, apiKey: "tg_not_a_key", dangerouslyAllowBrowser: true, maxRetries: 0 });
      try {
        await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 16, messages: [{ role: "user", content: "hi" }] });
        return { authError: false, status: 0 };
      } catch (e) {
        return { authError: e instanceof Anthropic.AuthenticationError, status: (e as { status?: number }).status ?? 0 };
      }
    }, { baseURL: server.baseURL });
    expect(out).toEqual({ authError: true, status: 401 });
  });

  it("keeps the web app's own API same-origin: another site cannot read it, even with a key", async () => {
    const out = await ctx.page.evaluate(async ({ url, apiKey }) => {
      try {
        const res = await fetch(`${url}/api/requests`, { headers: { "x-api-key": apiKey } });
        return `read ${res.status}`;
      } catch (e) {
        return `blocked: ${(e as Error).name}`;
      }
    }, { url: server.url, apiKey: server.adminKey });
    expect(out).toBe("blocked: TypeError");
  });
});
