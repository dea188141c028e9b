/**
 * The calibration lab's pages in headless Chromium against a real server
 * (simulator at zero latency, the built pages): an admin uploads the example
 * set, picks a grid on the page, watches the experiment finish, reads the
 * recommendation and the chart, and applies it to a route that names the
 * model by its alias (claude-haiku-4-5) while the experiment ran on the dated
 * id (claude-haiku-4-5-20251001): the same model.
 */
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { failurePicture, type E2EContext } from "../support/chromium";
import { api, startSignedIn, stopSignedIn } from "../support/e2e";
import type { TestServer } from "../support/server";

const SET_FILE = path.resolve(__dirname, "../../lib/calibration/examples/arith.jsonl");
const HAIKU = "claude-haiku-4-5-20251001";
const HAIKU_ALIAS = "claude-haiku-4-5";

let server: TestServer;
let browser: Browser;
let admin: E2EContext;

beforeAll(async () => {
  ({ server, browser, admin } = await startSignedIn());
  const route = await api(server, "/api/routes/haiku-think", { method: "PUT", body: { name: "Haiku thinking", tier: "reasoning", model: HAIKU_ALIAS, thinking: "on", budgetTokens: 16384 } });
  expect(route.status).toBe(200);
});

afterAll(async () => {
  await stopSignedIn({ server, browser, admin });
});

afterEach(async ({ task }) => {
  await failurePicture(task, admin.page, "calibration");
});

describe("calibration lab pages", () => {
  it("uploads a set, runs a grid picked on the page, shows the knee and applies it to a route named by the model's alias", async () => {
    const { page } = admin;
    await page.goto("/calibration");
    await page.getByRole("heading", { name: "Calibration lab" }).waitFor();

    await page.getByLabel("Name", { exact: true }).fill("Arithmetic");
    await page.getByLabel("Items (JSONL)").setInputFiles(SET_FILE);
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await page.getByText("Uploaded 30 items.").waitFor();

    await page.getByLabel("Model", { exact: true }).selectOption(HAIKU);
    const grid = page.getByRole("group", { name: "Configurations of this model" });
    for (const name of ["thinking off", "2,048", "8,192"]) await grid.getByLabel(name, { exact: true }).check();
    await page.getByText(`Grid: ${HAIKU}:off, ${HAIKU}:2048, ${HAIKU}:8192`).waitFor();
    await page.getByRole("button", { name: "Run experiment" }).click();

    await page.waitForURL(/\/calibration\/experiments\/[a-z0-9]+$/);
    await page.getByText("90 of 90 calls finished").waitFor({ timeout: 90_000 });
    await page.getByText(`Recommended: ${HAIKU} · budget 8,192`).waitFor();
    await page.getByRole("img", { name: "Accuracy against mean cost per request" }).waitFor();
    const row = page.getByRole("row").filter({ hasText: `${HAIKU} · budget 2,048` });
    await expect(row.getByRole("cell").nth(2).textContent()).resolves.toBe("40.0 %");
    await page.getByRole("heading", { name: "Accuracy by category" }).waitFor();

    await expect(page.getByText(`No route serves ${HAIKU}`).count()).resolves.toBe(0);
    await page.getByLabel(`Route serving ${HAIKU}`).selectOption("haiku-think");
    await page.getByRole("button", { name: `Apply ${HAIKU} · budget 8,192` }).click();
    await page.getByText(/Applied .* to route haiku-think/).waitFor();
    await page.getByText("days before and after the apply").waitFor();

    const routes = (await (await api(server, "/api/routes")).json()) as { data: { id: string; budgetTokens: number | null }[] };
    expect(routes.data.find((r) => r.id === "haiku-think")?.budgetTokens).toBe(8192);
    expect(admin.pageErrors).toEqual([]);
  }, 180_000);

  it("keeps an experiment address's id to its own endpoint: a link to ..%2F..%2Fkeys reads no other API", async () => {
    const { page } = admin;
    const called: string[] = [];
    const seen = (r: { url(): string }) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith("/api/")) called.push(u.pathname);
    };
    page.on("request", seen);
    try {
      await page.goto("/calibration/experiments/..%2F..%2Fkeys");
      await page.waitForLoadState("networkidle");
    } finally {
      page.off("request", seen);
    }
    expect(called.filter((p) => p.startsWith("/api/keys"))).toEqual([]);
    expect(called).toContain("/api/calibration/experiments/..%2F..%2Fkeys");
    await page.getByText("Could not load the experiment").waitFor();
  });
});
