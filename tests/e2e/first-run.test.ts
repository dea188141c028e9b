/**
 * A fresh thinkgate with no user yet, in Chromium: the first-run page points
 * to setup, the first visitor creates the admin account and lands signed in,
 * and setup closes behind them. The setup page and the empty first-run page
 * are screenshotted at 1280 px and 390 px and must not scroll sideways.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentWidth, launchChromium, NARROW, openContext, overflowingElements, screenshot, WIDE, type E2EContext } from "../support/chromium";
import { startE2EServer } from "../support/e2e";
import type { TestServer } from "../support/server";

let server: TestServer;
let browser: Browser;
const contexts: E2EContext[] = [];

const FIRST = { email: "first@example.com", password: "a-long-password-1" };

beforeAll(async () => {
  [server, browser] = await Promise.all([startE2EServer({ admin: false }), launchChromium()]);
});

afterAll(async () => {
  for (const c of contexts) await c.context.close().catch(() => {});
  await browser?.close();
  await server?.stop();
});

async function open(viewport: { width: number; height: number }): Promise<E2EContext> {
  const c = await openContext(browser, server.url, viewport);
  contexts.push(c);
  return c;
}

async function expectNoSidewaysScroll(page: Page, width: number, what: string): Promise<void> {
  const w = await documentWidth(page);
  const offenders = w > width + 1 ? await overflowingElements(page) : [];
  expect(w, `${what} at ${width} px scrolls sideways:\n${offenders.join("\n")}`).toBeLessThanOrEqual(width + 1);
}

describe("first run in Chromium", () => {
  it.each([WIDE, NARROW].map((v) => [v.width, v] as const))("shows the first-run page and the setup form at %i px", async (width, viewport) => {
    const { page, pageErrors } = await open(viewport);
    const res = await page.goto("/");
    // Security headers on every page: never framed by another origin, no sniffing, no full URLs in the Referer,
    // no <base> or plugin an injected tag could bring, forms post only here, no handle to this window from another site's.
    expect(res?.headers()["content-security-policy"]).toBe("frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'");
    expect(res?.headers()["cross-origin-opener-policy"]).toBe("same-origin");
    expect(res?.headers()["x-frame-options"]).toBe("DENY");
    expect(res?.headers()["x-content-type-options"]).toBe("nosniff");
    expect(res?.headers()["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    await page.getByRole("heading", { name: "Get started", level: 1 }).waitFor();
    await page.getByText("running", { exact: true }).waitFor();
    await screenshot(page, `first-run-home-${width}`);
    await expectNoSidewaysScroll(page, width, "the first-run page");

    // Nobody can sign in yet: the sign-in page sends the visitor to setup.
    await page.goto("/login");
    await page.waitForURL((u) => u.pathname === "/setup");
    await page.getByRole("heading", { name: "Create the admin account" }).waitFor();
    await screenshot(page, `setup-${width}`);
    await expectNoSidewaysScroll(page, width, "the setup page");
    expect(pageErrors).toEqual([]);
  });

  it("creates the admin account from the header's Set up link and lands signed in; setup then closes", async () => {
    const { page, pageErrors } = await open(WIDE);
    await page.goto("/");
    await page.getByRole("banner").getByRole("link", { name: "Set up" }).click();
    await page.waitForURL((u) => u.pathname === "/setup");

    await page.getByLabel("Email", { exact: true }).fill(FIRST.email);
    await page.getByLabel("Password", { exact: true }).fill("short");
    await page.getByText("Use at least 10 characters.").waitFor();
    const create = page.getByRole("button", { name: "Create admin account" });
    expect(await create.isDisabled()).toBe(true);

    await page.getByLabel("Password", { exact: true }).fill(FIRST.password);
    await page.getByLabel("Confirm password", { exact: true }).fill(`${FIRST.password}x`);
    await page.getByText("The passwords differ.").waitFor();
    await page.getByLabel("Confirm password", { exact: true }).fill(FIRST.password);
    await create.click();

    await page.waitForURL((u) => u.pathname === "/settings");
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
    await page.getByRole("banner").getByText(FIRST.email).waitFor();
    await screenshot(page, "first-run-signed-in");
    expect(pageErrors).toEqual([]);

    // Setup is closed for everyone else.
    const other = await open(WIDE);
    await other.page.goto("/setup");
    await other.page.waitForURL((u) => u.pathname === "/login");
    await other.page.getByRole("heading", { name: "Sign in to thinkgate" }).waitFor();
  });
});
