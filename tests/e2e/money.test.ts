/**
 * The cost dashboard in headless Chromium over fixture records with known
 * tokens (tests/integration/money-fixtures.ts): the page shows the same
 * spend, savings (with its interval and method) and monthly projection as the
 * integration tests check in the API, each with the explanation of what it
 * counts and leaves out; the projection does not move with the range; a model
 * id never served is not a row; and a signed-in admin sees the recent
 * requests on the first-run page without pasting a key.
 */
import fs from "node:fs";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { toCents } from "../../lib/costs/prepare";
import { formatUsd } from "../../lib/ui/format";
import { writeMoneySpool, type MoneyExpected } from "../integration/money-fixtures";
import { failurePicture, screenshot, type E2EContext } from "../support/chromium";
import { startSignedIn, stopSignedIn } from "../support/e2e";
import { eventually, type TestServer } from "../support/server";

let server: TestServer;
let browser: Browser;
let admin: E2EContext;
let expected: MoneyExpected;
let spoolDir: string;

const usd = (v: number) => formatUsd(toCents(v));

beforeAll(async () => {
  ({ dir: spoolDir, expected } = writeMoneySpool());
  ({ server, browser, admin } = await startSignedIn({ spoolDir }));
  await eventually(async () => {
    const res = await fetch(`${server.url}/api/requests?limit=200`, { headers: { "x-api-key": server.adminKey } });
    const body = (await res.json()) as { data: unknown[] };
    return body.data.length === expected.requests + 15 ? true : undefined;
  }, 30_000);
}, 120_000);

afterAll(async () => {
  await stopSignedIn({ server, browser, admin });
  fs.rmSync(spoolDir, { recursive: true, force: true });
});

afterEach(async ({ task }) => {
  await failurePicture(task, admin.page, "money");
});

/** A headline card: its section, named by its label. */
const card = (page: Page, label: string): Locator => page.getByRole("region", { name: label });
const value = (page: Page, label: string): Locator => card(page, label).locator("p").nth(1);

describe("the cost dashboard's money in Chromium", () => {
  it("shows the spend, the savings with its interval and method, and the projection, each explained", async () => {
    const { page } = admin;
    await page.goto("/costs");
    await page.getByRole("heading", { name: "Costs", level: 1 }).waitFor();
    await value(page, "Spend").getByText(usd(expected.spend), { exact: true }).waitFor();

    const spend = card(page, "Spend");
    await spend.getByText(`${expected.priced} priced requests`).waitFor();
    await spend.getByText("+ 1 unpriced request (cost unknown)").waitFor();
    await spend.getByText("+ 2 failed requests: $0, not billed").waitFor();
    await spend.getByText(/Leaves out unpriced requests/).waitFor();

    const saved = card(page, "Saved vs always reasoning");
    expect(await value(page, "Saved vs always reasoning").textContent()).toBe(usd(expected.measured.savings));
    await saved.getByText(`95% interval ${usd(expected.measured.low)} to ${usd(expected.measured.high)}`).waitFor();
    await saved.getByText(/40 requests estimated from 20 measured reasoning requests \(mean 4,000 thinking \+ 300 output tokens\)/).waitFor();
    await saved.getByText(/Leaves out requests that reasoned/).waitFor();

    const month = card(page, "Per month at recent traffic");
    expect(await value(page, "Per month at recent traffic").textContent()).toBe(usd(expected.monthly));
    await month.getByText(/from 2 days with traffic in the last 7 days/).waitFor();
    await month.getByText(/Leaves out 10 calibration or playground requests/).waitFor();
    await page.getByRole("columnheader", { name: "Reasoning would cost" }).waitFor();
    await page.getByText("actual (reasoned)").first().waitFor();
    await page.getByText(/Reasoning would cost: for a request that reasoned, what it cost/).waitFor();
    await screenshot(page, "costs-money-30d");
    expect(admin.pageErrors).toEqual([]);
  }, 60_000);

  it("keeps the monthly projection when the range changes, and includes one-off traffic only when asked", async () => {
    const { page } = admin;
    const total = page.getByTestId("projection-total");
    for (const range of ["24h", "7d", "30d"]) {
      await page.goto(`/costs?range=${range}`);
      await page.getByRole("heading", { name: "Monthly projection" }).waitFor();
      await total.getByText(usd(expected.monthly), { exact: true }).waitFor();
    }
    // The switch lives in the URL: it shows checked once the page has moved to it.
    await page.getByLabel("Include calibration and playground traffic").click();
    await page.waitForURL(/oneOff=1/);
    await total.getByText(usd(expected.monthlyWithOneOff), { exact: true }).waitFor();
    await card(page, "Per month at recent traffic").getByText(/Includes 10 calibration or playground requests/).waitFor();
    expect(admin.pageErrors).toEqual([]);
  }, 60_000);

  it("follows the Model group-by in every table and leaves never-served model ids out of the rows", async () => {
    const { page } = admin;
    await page.goto("/costs?range=30d&groupBy=model");
    await page.getByRole("heading", { name: "Average cost per request, by model" }).waitFor();
    await page.getByText(/Not listed: 2 requests for model ids never served \(claude-nonexistent-9\)/).waitFor();
    await expect(page.getByRole("cell", { name: "claude-nonexistent-9" }).count()).resolves.toBe(0);
    await expect(page.getByRole("cell", { name: "claude-haiku-4-5", exact: true }).count()).resolves.toBeGreaterThanOrEqual(3);
    await screenshot(page, "costs-money-by-model");
    expect(admin.pageErrors).toEqual([]);
  }, 60_000);

  it("labels each dollar axis tick with the value of its grid line, so a bar reads as what it cost", async () => {
    const { page } = admin;
    await page.goto("/costs?range=30d");
    for (const name of ["Spend per day, stacked by cost bucket", "Spend per day, stacked by route"]) {
      const chart = page.getByRole("img", { name, exact: true });
      await chart.getByText("$0", { exact: true }).waitFor();
      // The y axis' ticks: the x axis' are dates.
      const all = await chart.locator("text").evaluateAll((els) => els.map((el) => ({ label: el.textContent ?? "", y: el.getBoundingClientRect().y })));
      const read = all.filter((t) => t.label.startsWith("$"));
      const points = read.map((t) => ({ ...t, value: Number(t.label.replace(/[$,]/g, "")) })).sort((a, b) => b.y - a.y);
      expect(points.length, name).toBeGreaterThanOrEqual(3);
      expect(points[0]!.label).toBe("$0");
      // The grid lines are evenly spaced, so the values they stand for are too: the top one above $1 here.
      expect(points.at(-1)!.value, name).toBeGreaterThan(1);
      const perPixel = points.at(-1)!.value / (points[0]!.y - points.at(-1)!.y);
      for (const p of points) expect(p.value, `${name}: ${read.map((t) => t.label).join(", ")}`).toBeCloseTo((points[0]!.y - p.y) * perPixel, 2);
    }
    expect(admin.pageErrors).toEqual([]);
  }, 60_000);

  it("shows when the admin key was last used in Settings, so unused keys can be found", async () => {
    const { page } = admin;
    // The key was used by the calls above; its time is written in the next batch (every 5 s).
    await eventually(async () => {
      const res = await fetch(`${server.url}/api/keys`, { headers: { "x-api-key": server.adminKey } });
      const body = (await res.json()) as { data: { lastUsedAt: string | null }[] };
      return body.data.some((k) => k.lastUsedAt) ? true : undefined;
    }, 20_000);
    await page.goto("/settings?tab=keys");
    const row = page.getByRole("row").filter({ hasText: "active" }).first();
    await row.waitFor();
    await expect(row.getByRole("cell", { name: "never", exact: true }).count()).resolves.toBe(0);
    await row.getByRole("cell", { name: /ago|just now|now/ }).nth(1).waitFor();
    expect(admin.pageErrors).toEqual([]);
  }, 60_000);

  it("shows a signed-in admin the recent requests on the first-run page, without a key", async () => {
    const { page } = admin;
    await page.goto("/");
    await page.getByRole("heading", { name: "Recent requests" }).waitFor();
    await page.getByText("$0 · not billed").first().waitFor();
    await expect(page.getByText("Paste your gateway key to see recent requests").count()).resolves.toBe(0);
    expect(admin.pageErrors).toEqual([]);
  }, 60_000);
});
