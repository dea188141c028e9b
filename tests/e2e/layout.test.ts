/**
 * Every page at 1280 px and at 390 px wide, with data in it: a full-page
 * screenshot of each into tests/.artifacts/screenshots/ (git-ignored), and
 * no page may scroll sideways (the document is no wider than the viewport;
 * tables and the nav scroll inside their own boxes), and no select or input
 * may be too narrow for the text it shows. Uncaught errors in the
 * page (a failed hydration, a crashing effect) fail the page too.
 */
import type Anthropic from "@anthropic-ai/sdk";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clippedControls, documentWidth, launchChromium, NARROW, openContext, overflowingElements, screenshot, signInByApi, WIDE, type E2EContext } from "../support/chromium";
import { ADMIN, sdk, send, startE2EServer, type Sent } from "../support/e2e";
import type { TestServer } from "../support/server";

let server: TestServer;
let browser: Browser;
let client: Anthropic;
let reasoning: Sent;

interface PageCase {
  name: string;
  path: () => string;
  /** Signed out (the sign-in page); signed in as the admin otherwise. */
  signedOut?: boolean;
  /** Waits until the page shows its content, not a loading state. */
  ready: (page: Page) => Promise<void>;
}

const h1 = (name: string) => async (page: Page) => {
  await page.getByRole("heading", { name, level: 1, exact: true }).waitFor();
};

const settingsTab = (tab: string, heading: string): PageCase => ({
  name: `settings-${tab}`,
  path: () => `/settings?tab=${tab}`,
  ready: async (page) => {
    await h1("Settings")(page);
    await page.getByRole("heading", { name: heading, level: 2, exact: true }).waitFor();
  },
});

const PAGES: PageCase[] = [
  { name: "login", path: () => "/login", signedOut: true, ready: h1("Sign in to thinkgate") },
  {
    name: "home",
    path: () => "/",
    ready: async (page) => {
      await h1("Get started")(page);
      await page.getByText("running", { exact: true }).waitFor();
    },
  },
  { name: "connect", path: () => "/connect", ready: h1("Claude Code and the Agent SDK") },
  {
    name: "traces",
    path: () => "/traces",
    ready: async (page) => {
      await h1("Traces")(page);
      await page.getByText(/requests? shown/).waitFor();
    },
  },
  {
    name: "trace-detail",
    path: () => `/traces/${reasoning.id}`,
    ready: async (page) => {
      await h1("Trace")(page);
      await page.locator("mark[data-kind]").first().waitFor();
      await page.getByRole("heading", { name: "Tokens and cost" }).waitFor();
    },
  },
  {
    name: "patterns",
    path: () => "/patterns",
    ready: async (page) => {
      await h1("Patterns")(page);
      await page.getByRole("heading", { name: "Per route and app" }).waitFor();
    },
  },
  {
    name: "costs",
    path: () => "/costs",
    ready: async (page) => {
      await h1("Costs")(page);
      await page.getByRole("heading", { name: "Monthly projection" }).waitFor();
    },
  },
  {
    name: "rules",
    path: () => "/rules",
    ready: async (page) => {
      await h1("Routing rules")(page);
      await page.getByRole("list", { name: "Rules, in order" }).waitFor();
      // The first rule open, so its form is in the picture too.
      await page.getByRole("button", { name: "Edit Reasoning tasks" }).click();
      await page.getByLabel("Then route to", { exact: true }).waitFor();
    },
  },
  {
    name: "rules-history",
    path: () => "/rules",
    ready: async (page) => {
      await h1("Routing rules")(page);
      await page.getByRole("tab", { name: "History" }).click();
      await page.getByRole("heading", { name: "Version 1", exact: true }).waitFor();
    },
  },
  {
    name: "playground",
    path: () => "/playground",
    ready: async (page) => {
      await h1("Playground")(page);
      await page.getByLabel("Prompt", { exact: true }).fill("Is there a bug in this retry loop? for (let i = 0; i <= retries; i++) { try { return await call(); } catch {} }");
      await page.getByRole("button", { name: "Run", exact: true }).click();
      await page.getByText("by stage", { exact: true }).waitFor();
      // Both sides finished (an answer or an error each): the busiest state of the page.
      for (const title of ["Standard", "Reasoning"]) {
        const result = page.getByRole("region", { name: `${title} result` });
        await result.getByRole("region", { name: `${title} answer`, exact: true }).or(result.getByText(/run failed/)).first().waitFor();
      }
    },
  },
  settingsTab("routes", "Routes"),
  settingsTab("apps", "App policies"),
  settingsTab("prices", "Prices"),
  settingsTab("keys", "Gateway keys"),
  settingsTab("users", "Users"),
  settingsTab("routing", "Routing and tracing"),
];

beforeAll(async () => {
  [server, browser] = await Promise.all([startE2EServer(), launchChromium()]);
  client = sdk(server);
  // Some traffic, so the lists, charts and tables have rows to lay out.
  reasoning = await send(server, client, "Review this function for race conditions: let n = 0; async function inc() { const v = n; await tick(); n = v + 1; }", "code-review");
  await send(server, client, "Summarize: the release meeting moved to Tuesday afternoon.", "summarize");
  await send(server, client, "Translate 'good morning' to French.");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

for (const viewport of [WIDE, NARROW]) {
  describe(`every page at ${viewport.width} px`, () => {
    let signedIn: E2EContext;
    let signedOut: E2EContext;

    beforeAll(async () => {
      signedIn = await openContext(browser, server.url, viewport);
      await signInByApi(signedIn.context, ADMIN.email, ADMIN.password);
      signedOut = await openContext(browser, server.url, viewport);
    });

    afterAll(async () => {
      await signedIn?.context.close();
      await signedOut?.context.close();
    });

    it.each(PAGES.map((p) => [p.name, p] as const))("%s", async (_name, pc) => {
      const ctx = pc.signedOut ? signedOut : signedIn;
      const { page } = ctx;
      ctx.pageErrors.length = 0;
      await page.goto(pc.path());
      await pc.ready(page);
      // Nothing still loading in the main column.
      await expect.poll(() => page.locator("main [role=status]").filter({ hasText: /Loading|Checking|Reading|Asking/ }).count()).toBe(0);
      await screenshot(page, `${pc.name}-${viewport.width}`);

      const width = await documentWidth(page);
      const offenders = width > viewport.width + 1 ? await overflowingElements(page) : [];
      expect(width, `${pc.name} at ${viewport.width} px scrolls sideways; wider than the viewport:\n${offenders.join("\n")}`).toBeLessThanOrEqual(viewport.width + 1);
      expect(await clippedControls(page), `${pc.name} at ${viewport.width} px has form controls too narrow for their text`).toEqual([]);
      expect(ctx.pageErrors).toEqual([]);
    });
  });
}
