/**
 * Bidi controls in text others wrote, in Chromium: a key's name, a rule's
 * name, a prompt and a calibration set's name holding a right-to-left
 * override (U+202E) are shown with it as a visible escape (‹U+202E›),
 * isolated from what is around them, so
 * what the admin reads is what was sent; shown as they were, the override
 * turned "invoice<RLO>fdp.exe" into "invoiceexe.pdf" and reordered the text
 * after it. What is stored is unchanged.
 */
import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";

import { api, sdk, send, signedInSuite } from "../support/e2e";

const RLO = "\u202E";

const run = signedInSuite("bidi");

/** The text shown is the escaped one, isolated, and the page's rendered text holds no override at all. */
async function expectShownEscaped(shown: Locator, escaped: string): Promise<void> {
  await shown.waitFor();
  expect(await shown.textContent()).toBe(escaped);
  expect(await shown.evaluate((el) => getComputedStyle(el).unicodeBidi)).toBe("isolate");
  expect(await run.admin.page.locator("body").innerText()).not.toContain(RLO);
}

describe("text holding a right-to-left override", () => {
  it("shows a key's name with the override as ‹U+202E› in Settings → Keys, as stored", async () => {
    const name = `invoice${RLO}fdp.exe`;
    const created = await api(run.server, "/api/keys", { body: { name, role: "gateway" } });
    expect(created.status).toBe(201);
    const page = run.admin.page;
    await page.goto("/settings?tab=keys");
    const row = page.getByRole("row").filter({ hasText: "invoice‹U+202E›fdp.exe" });
    await expectShownEscaped(row.locator("bdi").first(), "invoice‹U+202E›fdp.exe");
    // Stored as sent: only the display changed.
    const keys = (await (await api(run.server, "/api/keys")).json()) as { data: { name: string }[] };
    expect(keys.data.map((k) => k.name)).toContain(name);
  });

  it("shows a rule's name with the override as ‹U+202E› in its card's heading", async () => {
    const current = (await (await api(run.server, "/api/rules")).json()) as { version: number; rules: { name: string }[] };
    const rules = current.rules.map((r, i) => (i === 0 ? { ...r, name: `Reasoning ${RLO}sksat` } : r));
    const saved = await api(run.server, "/api/rules", { body: { rules, note: "a name with an override", baseVersion: current.version } });
    expect(saved.status).toBe(201);
    const page = run.admin.page;
    await page.goto("/rules");
    const heading = page.getByRole("heading", { level: 3, name: "Reasoning ‹U+202E›sksat" });
    await expectShownEscaped(heading.locator("bdi"), "Reasoning ‹U+202E›sksat");
  });

  it("shows a prompt's override as ‹U+202E› in the traces list", async () => {
    await send(run.server, sdk(run.server), `Summarise the file ${RLO}fdp.exe please`);
    const page = run.admin.page;
    await page.goto("/traces");
    const row = page.getByRole("row").filter({ hasText: "Summarise the file ‹U+202E›fdp.exe please" });
    await expectShownEscaped(row.locator("bdi", { hasText: "Summarise" }).first(), "Summarise the file ‹U+202E›fdp.exe please");
  });

  it("shows a calibration set's name with the override as ‹U+202E› on /calibration, in its list and in the experiment form's choice", async () => {
    const created = await api(run.server, "/api/calibration/sets", { body: { name: `Q3 ${RLO}stset`, grader: { kind: "contains" } } });
    expect(created.status).toBe(201);
    const page = run.admin.page;
    await page.goto("/calibration");
    await expectShownEscaped(page.locator("bdi", { hasText: "Q3 ‹U+202E›stset" }).first(), "Q3 ‹U+202E›stset");
    // An <option> holds text only: the escape without the isolation.
    expect(await page.locator("option", { hasText: "Q3 ‹U+202E›stset" }).count()).toBeGreaterThan(0);
  });
});
