/**
 * Settings → Prices in Chromium: a price added through the form keeps every
 * field the price API takes. A new price for a long-context model starts from
 * the row in effect and keeps its long-context rates; a price typed in with a
 * threshold, long-context rates and a fast multiplier reads back with them
 * through the API; long-context rates without a threshold are refused in the
 * form, next to the field, and nothing is saved.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { PriceView } from "../../lib/ui/settings";
import { screenshot } from "../support/chromium";
import { api, signedInSuite } from "../support/e2e";

const run = signedInSuite("prices");

async function prices(model: string): Promise<PriceView[]> {
  const { data } = (await (await api(run.server, "/api/prices")).json()) as { data: PriceView[] };
  return data.filter((p) => p.model === model).sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
}

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
const form = (page: Page) => page.locator("form").filter({ has: page.getByLabel("Effective from (UTC)") });

describe("adding a price on the Settings page", () => {
  it("keeps a long-context model's long rates when a new price starts from the row in effect", async () => {
    const page = run.admin.page;
    const before = await prices("claude-haiku-5-5");
    const current = before.at(-1)!;
    expect(current.longContextThreshold).toBe(100_000);
    await page.goto("/settings?tab=prices");
    await page.getByRole("button", { name: "Add a new price for claude-haiku-5-5" }).click();
    const f = form(page);
    // The form holds the row's long-context part; only the date and the input rate change.
    expect(await f.getByLabel("Threshold (prompt tokens)").inputValue()).toBe("100000");
    await f.getByLabel("Effective from (UTC)").fill(tomorrow());
    await f.getByLabel("Input $/MTok", { exact: true }).fill("0.12");
    await f.getByRole("button", { name: "Add price", exact: true }).click();
    await f.waitFor({ state: "detached" });

    const after = await prices("claude-haiku-5-5");
    expect(after).toHaveLength(before.length + 1);
    const added = after.at(-1)!;
    expect(added.effectiveFrom).toBe(`${tomorrow()}T00:00:00.000Z`);
    const own = (p: PriceView) => {
      const { id: _i, effectiveFrom: _e, source: _s, createdAt: _c, input: _in, ...rates } = p as PriceView & { createdAt?: string };
      return rates;
    };
    const input = added.input;
    const rest = own(added);
    const was = own(current);
    expect(input).toBe(0.12);
    expect(rest).toEqual(was);
    expect(rest).toMatchObject({ longContextThreshold: 100_000, longInput: current.longInput, longOutput: current.longOutput });
    expect(rest.longOutput).not.toBeNull();
  });

  it("sends a typed-in threshold, long-context rates and fast multiplier, and refuses long rates without a threshold in the form", async () => {
    const page = run.admin.page;
    const model = "claude-e2e-long-context";
    await page.goto("/settings?tab=prices");
    await page.getByLabel("Filter by model").fill(model);
    await page.getByRole("button", { name: "Add price", exact: true }).click();
    const f = form(page);
    expect(await f.getByLabel("Model").inputValue()).toBe(model);
    await f.getByLabel("Input $/MTok", { exact: true }).fill("3");
    await f.getByLabel("Output $/MTok", { exact: true }).fill("15");
    await f.getByRole("button", { name: "Fill cache rates from input" }).click();
    await f.getByLabel("Long input $/MTok").fill("6");
    await f.getByLabel("Long output $/MTok").fill("22.5");
    await f.getByLabel("Fast mode multiplier (optional)").fill("2");

    // No threshold: the long rates would never apply. Said next to the field; nothing is sent.
    await f.getByRole("button", { name: "Add price", exact: true }).click();
    await f.getByText("set the prompt size (tokens) past which the long-context rates apply").waitFor();
    expect(await f.getByLabel("Threshold (prompt tokens)").getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "settings-prices-long-context-invalid");
    expect(await prices(model)).toEqual([]);

    await f.getByLabel("Threshold (prompt tokens)").fill("200000");
    await f.getByRole("button", { name: "Add price", exact: true }).click();
    await f.waitFor({ state: "detached" });
    const rows = await prices(model);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      input: 3, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3,
      longContextThreshold: 200_000, longInput: 6, longOutput: 22.5, longCacheWrite5m: null, longCacheWrite1h: null, longCacheRead: null,
      fastMultiplier: 2, webSearchFee: null, webFetchFee: null,
    });
    // And the table shows it.
    const row = page.getByRole("row").filter({ hasText: model });
    await expect.poll(() => row.textContent()).toContain("> 200,000 tok: $6 / $22.5");
    expect(await row.textContent()).toContain("×2");
    await screenshot(page, "settings-prices-long-context-added");
    expect(run.admin.pageErrors).toEqual([]);
  });
});
