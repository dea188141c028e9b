/**
 * Headless Chromium for the e2e tests: Debian's package driven by
 * playwright-core (no browser download: `npx playwright install` is not used).
 * Each launch gets a fresh profile (Playwright makes a new temporary
 * user-data-dir per launch and removes it on close), so no cookie, cache or
 * local storage leaks from one file or run to the next.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.THINKGATE_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = path.resolve(__dirname, "../.artifacts/screenshots");

/** The two widths the layout must work at: a laptop and a phone. */
export const WIDE = { width: 1280, height: 800 } as const;
export const NARROW = { width: 390, height: 844 } as const;

export function assertChromium(): void {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Install Debian's package: \`apt-get install -y chromium\` ` +
        "(or set THINKGATE_CHROMIUM to another Chromium binary). The e2e tests do not download browsers.",
    );
  }
}

export async function launchChromium(): Promise<Browser> {
  assertChromium();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface E2EContext {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors thrown in the page (hydration failures, crashes in effects). */
  pageErrors: string[];
}

/** A new browser context (its own cookies) on the server, with one page at the given viewport. */
export async function openContext(browser: Browser, baseURL: string, viewport: { width: number; height: number } = WIDE): Promise<E2EContext> {
  const context = await browser.newContext({ baseURL, viewport, locale: "en-US", timezoneId: "UTC", reducedMotion: "reduce" });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(`${page.url()}: ${err.message}`));
  return { context, page, pageErrors };
}

/** Signs the context in through the API (the cookies land in the context's jar): for tests whose subject is not the sign-in form. */
export async function signInByApi(context: BrowserContext, email: string, password: string): Promise<void> {
  const res = await context.request.post("/api/auth/login", { data: { email, password } });
  if (res.status() !== 200) throw new Error(`sign-in as ${email} failed: ${res.status()} ${await res.text()}`);
}

/** The x-csrf-token header a signed-in page would send, read from the context's CSRF cookie. */
export async function csrfHeader(context: BrowserContext): Promise<Record<string, string>> {
  const cookie = (await context.cookies()).find((c) => c.name === "thinkgate_csrf");
  return cookie ? { "x-csrf-token": decodeURIComponent(cookie.value) } : {};
}

/** Saves a full-page screenshot as tests/.artifacts/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: "disabled" });
  return file;
}

/** How wide the document is: wider than the viewport means the page scrolls sideways. */
export async function documentWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

/** The elements that stick out past the right edge of the viewport, described for a failure message. */
export async function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>("*"))) {
      const r = el.getBoundingClientRect();
      if (r.right <= width + 1 || r.width === 0) continue;
      // Report the outermost offender only, not every descendant of it.
      if (el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1) continue;
      const cls = typeof el.className === "string" ? el.className.split(/\s+/).slice(0, 6).join(".") : "";
      out.push(`${el.tagName.toLowerCase()}${cls ? `.${cls}` : ""} (right edge ${Math.round(r.right)} px): ${(el.textContent ?? "").trim().slice(0, 60)}`);
      if (out.length >= 8) break;
    }
    return out;
  });
}
