/**
 * Settings forms in Chromium: a form opened by its button ("Create key",
 * "Add user", "Add route") takes the focus into its first field, so typing
 * goes on where the user asked to write.
 */
import { describe, expect, it } from "vitest";

import { signedInSuite } from "../support/e2e";

const run = signedInSuite("settings-forms");

/** The label of the focused element (its <label>, else its aria-label), or what it is when it has none. */
async function focusedLabel(): Promise<string> {
  return run.admin.page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return "(nothing)";
    const labels = (el as HTMLInputElement).labels;
    return labels?.[0]?.textContent?.trim() || el.getAttribute("aria-label") || `${el.tagName.toLowerCase()} “${el.textContent?.trim()}”`;
  });
}

describe("opening a form in Settings", () => {
  for (const [tab, button, field] of [
    ["keys", "Create key", "Key name"],
    ["users", "Add user", "Email"],
    ["routes", "Add route", null],
  ] as const) {
    it(`moves the focus to the first field when “${button}” opens its form`, async () => {
      const page = run.admin.page;
      await page.goto(`/settings?tab=${tab}`);
      await page.getByRole("button", { name: button, exact: true }).click();
      const first = page.locator("form").last().locator("input:not([type=hidden]):not(:disabled), select:not(:disabled), textarea:not(:disabled)").first();
      await first.waitFor();
      await expect.poll(() => first.evaluate((el) => el === document.activeElement)).toBe(true);
      if (field) expect(await focusedLabel()).toBe(field);
      // Typing goes into it.
      await page.keyboard.type("abc");
      expect(await first.inputValue()).toMatch(/abc$/);
    });
  }
});
