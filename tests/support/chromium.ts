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

/**
 * After a failed case: a picture of where the page stopped, and what it said
 * printed to the log, since CI keeps the log and not the picture.
 */
export async function failurePicture(task: { name: string; result?: { state?: string } }, page: Page, prefix: string): Promise<void> {
  if (task.result?.state !== "fail") return;
  const name = `failed-${prefix}-${task.name.replace(/\W+/g, "-").slice(0, 50)}`;
  await screenshot(page, name).catch(() => {});
  const text = await page.evaluate(() => document.body.innerText).catch(() => "(page text unavailable)");
  console.error(`[${name}] ${page.url()}\n${text.slice(0, 4000)}`);
}

/** How wide the document is: wider than the viewport means the page scrolls sideways. */
export async function documentWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

/** The elements that stick out past the right edge of the viewport, described for a failure message. */
/**
 * Form controls too narrow to be read: a select whose chosen option, or an
 * input whose placeholder or value, cannot show even its first word. A grid
 * of filters once left every select at 1280 px showing "An" for "Any". A long
 * option cut short on a phone ("Reasoning — reasoning, claude-opus-…") still
 * reads, and is not counted. Chromium draws a select's arrow inside the
 * content box, so 20 px is kept for it unless the select draws its own
 * (appearance: none).
 */
export async function clippedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const measure = document.createElement("canvas").getContext("2d")!;
    const out: string[] = [];
    const controls = document.querySelectorAll<HTMLSelectElement | HTMLInputElement>("select, input:not([type=checkbox]):not([type=radio]):not([type=range]):not([type=hidden]):not([type=file])");
    for (const el of Array.from(controls)) {
      if (el.getBoundingClientRect().width === 0) continue;
      const cs = getComputedStyle(el);
      measure.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const isSelect = el instanceof HTMLSelectElement;
      const text = (isSelect ? (el.selectedOptions[0]?.text ?? "") : el.value || el.placeholder).trim();
      const firstWord = text.split(/\s+/)[0] ?? "";
      const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - (isSelect && cs.appearance !== "none" ? 20 : 0);
      const need = measure.measureText(firstWord).width;
      if (need > room + 1) out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} "${text.slice(0, 40)}" needs ${Math.round(need)} px, has ${Math.round(room)}`);
    }
    return out;
  });
}

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
