/**
 * Export and import of the routing configuration on /rules, in headless
 * Chromium against a real thinkgate (SQLite, the built pages): the admin
 * downloads the YAML, a changed file is checked (its diff shown) and applied,
 * the new rule is in the editor and routes the next request; a broken file
 * shows each problem with its path and changes nothing.
 */
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { screenshot } from "../support/chromium";
import { ADMIN, api, sdk, send, signedInSuite } from "../support/e2e";

const run = signedInSuite("config-io");

type Doc = { rules: Record<string, unknown>[]; routes: Record<string, unknown>[] };

describe("configuration export and import on /rules", () => {
  let exported = "";

  it("downloads the configuration as YAML", async () => {
    const { page } = run.admin;
    await page.goto("/rules");
    await page.getByRole("heading", { name: "Routing rules" }).waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export", exact: true }).click()]);
    expect(download.suggestedFilename()).toBe("thinkgate-config.yaml");
    exported = fs.readFileSync((await download.path())!, "utf8");
    expect(exported).toBe(await (await api(run.server, "/api/config/export")).text());
  });

  it("checks a changed file, shows what it changes, applies it, and the next request follows it", async () => {
    const { page } = run.admin;
    const doc = YAML.parse(exported) as Doc;
    doc.rules.unshift({ id: "postmortems", name: "Postmortems reason", when: { tasks: ["postmortem"] }, then: { routeId: "reasoning-deep" } });
    const routeName = (doc.routes.find((r) => r.id === "standard") as { description: string }).description;
    (doc.routes.find((r) => r.id === "standard") as { description: string }).description = `${routeName} (reviewed)`;

    await page.getByLabel("Configuration file to import").setInputFiles({ name: "team.yaml", mimeType: "application/yaml", buffer: Buffer.from(YAML.stringify(doc)) });
    const panel = page.locator("#config-import");
    await panel.getByRole("heading", { name: "Import team.yaml" }).waitFor();
    await panel.getByText("+ 1 added: postmortems").waitFor();
    await panel.getByText("~ 1 changed: standard").waitFor();
    await screenshot(page, "config-01-import-diff");
    // Checking wrote nothing.
    expect(await (await api(run.server, "/api/config/export")).text()).toBe(exported);

    await panel.getByRole("button", { name: "Apply import" }).click();
    await panel.getByText(/Imported as rules version \d+/).waitFor();
    await page.getByRole("list", { name: "Rules, in order" }).getByText("Postmortems reason").waitFor();
    await screenshot(page, "config-02-imported");

    const sent = await send(run.server, sdk(run.server), "Write the postmortem for yesterday's outage.", "postmortem");
    expect(sent.route).toBe("reasoning-deep");
    const rules = (await (await api(run.server, "/api/rules")).json()) as { note: string; createdBy: string };
    expect(rules.note).toBe("imported from team.yaml");
    expect(rules.createdBy).toBe(ADMIN.email);
  });

  it("lists each problem of a broken file with its path, and changes nothing", async () => {
    const { page } = run.admin;
    const before = await (await api(run.server, "/api/config/export")).text();
    const doc = YAML.parse(before) as Doc;
    doc.rules[0] = { ...doc.rules[0], then: { routeId: "no-such-route" } };
    await page.getByLabel("Configuration file to import").setInputFiles({ name: "broken.yaml", mimeType: "application/yaml", buffer: Buffer.from(YAML.stringify(doc)) });
    const alert = page.locator("#config-import").getByRole("alert");
    await alert.getByText("The file has 1 problem; nothing was changed.").waitFor();
    await alert.getByText("rules[0].then.routeId").waitFor();
    await screenshot(page, "config-03-invalid");
    expect(await (await api(run.server, "/api/config/export")).text()).toBe(before);
    expect(run.admin.pageErrors).toEqual([]);
  });
});
