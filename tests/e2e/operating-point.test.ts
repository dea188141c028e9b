/**
 * Settings -> Routing shows the classifier threshold as a cost/quality
 * choice, in headless Chromium against a real thinkgate process: the
 * operating curve of the model in use with the threshold in effect on it, and,
 * when the threshold is moved, the new point and the expected monthly cost
 * change at the team's own traffic (one reasoning and one standard request
 * sent through the official SDK first, so both tiers have a price).
 */
import type Anthropic from "@anthropic-ai/sdk";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { failurePicture, type E2EContext } from "../support/chromium";
import { api, sdk, send, startSignedIn, stopSignedIn } from "../support/e2e";
import { eventually, type TestServer } from "../support/server";

let server: TestServer;
let browser: Browser;
let client: Anthropic;
let admin: E2EContext;

beforeAll(async () => {
  ({ server, browser, admin } = await startSignedIn());
  client = sdk(server);
});

afterAll(async () => {
  await stopSignedIn({ server, browser, admin });
});

afterEach(async ({ task }) => {
  await failurePicture(task, admin.page, "operating-point");
});

describe("operating point in Settings -> Routing", () => {
  it("draws the curve with the threshold in effect and prices a move", async () => {
    // one request forced to each tier, so both have a price in the cost summary
    await client.messages.create(
      { model: "claude-sonnet-4-6", max_tokens: 1024, messages: [{ role: "user", content: "Prove that there are infinitely many primes." }] },
      { headers: { "thinkgate-tier": "reasoning" } },
    );
    const standard = await send(server, client, "Translate 'good morning' to French.");
    expect(standard.id).toBeTruthy();
    await eventually(async () => {
      const s = (await (await api(server, "/api/costs/summary?groupBy=tier&top=0")).json()) as { groups: { key: string; avgCostPerRequest: number | null }[] };
      return ["standard", "reasoning"].every((t) => s.groups.some((g) => g.key === t && g.avgCostPerRequest !== null)) ? true : undefined;
    });
    const settings = (await (await api(server, "/api/settings")).json()) as { classifierThresholdDefault: number; operatingCurve: unknown[] };
    expect(settings.operatingCurve.length).toBe(21);

    const page = admin.page;
    await page.goto("/settings?tab=routing");
    const section = page.getByRole("region", { name: "Operating point" });
    await section.waitFor();
    await section.getByRole("img", { name: /Share sent to reasoning/ }).waitFor();
    // recharts draws one path per line, and the point in effect
    expect(await section.locator(".recharts-line").count()).toBeGreaterThanOrEqual(1);
    expect(await section.locator(".recharts-reference-dot").count()).toBe(1);
    const now = await section.getByTestId("operating-now").textContent();
    expect(now).toContain(`Now (${settings.classifierThresholdDefault.toFixed(2)})`);
    expect(now).toMatch(/\d+% of prompts to reasoning, \d+% of reasoning-worthy prompts caught/);

    // a lower threshold sends more to reasoning: a second point, and a positive monthly cost change
    await page.getByRole("textbox", { name: "Classifier threshold" }).fill("0.2");
    const moved = section.getByTestId("operating-new");
    await moved.waitFor();
    // The estimate needs the last 30 days' costs, read beside the settings: it says so until they come.
    await expect.poll(() => moved.textContent()).toMatch(/^At 0\.20: \d+% of prompts to reasoning.*Expected monthly cost \+\$[\d,.]+ at [\d,]+ requests a month\./);
    expect(await section.locator(".recharts-reference-dot").count()).toBe(2);
    // and a higher one saves
    await page.getByRole("textbox", { name: "Classifier threshold" }).fill("0.95");
    expect(await section.getByTestId("operating-new").textContent()).toMatch(/Expected monthly cost −\$[\d,.]+/);
  });

  it("says the monthly cost is being estimated while the costs are read, not that there is no traffic", async () => {
    const page = admin.page;
    // The costs answer is held until released: a slow cost summary, as on a busy database.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route("**/api/costs/summary**", async (route) => {
      await held;
      await route.continue();
    });
    try {
      await page.goto("/settings?tab=routing");
      const section = page.getByRole("region", { name: "Operating point" });
      await page.getByRole("textbox", { name: "Classifier threshold" }).fill("0.2");
      const moved = section.getByTestId("operating-new");
      await moved.waitFor();
      expect(await moved.textContent()).toMatch(/Reading the last 30 days' costs to estimate the monthly cost/);
      release();
      await expect.poll(() => moved.textContent()).toMatch(/Expected monthly cost \+\$[\d,.]+ at [\d,]+ requests a month\./);
    } finally {
      release();
      await page.unroute("**/api/costs/summary**");
    }
  });

  it("adds the curve on the team's own labels once there are enough", async () => {
    const page = admin.page;
    await page.goto("/settings?tab=routing");
    const section = page.getByRole("region", { name: "Operating point" });
    await section.getByText(/with 20 or more of both kinds/).waitFor();
    for (let i = 0; i < 12; i++) {
      expect((await api(server, "/api/examples", { method: "POST", body: { prompt: `Prove that any ${i + 3} consecutive integers contain a multiple of ${i + 3}.`, label: "reasoning" } })).status).toBe(201);
      expect((await api(server, "/api/examples", { method: "POST", body: { prompt: `Translate "see you at ${i + 1}" into German.`, label: "standard" } })).status).toBe(201);
    }
    await page.reload();
    const team = section.getByTestId("operating-team");
    await team.waitFor();
    expect(await team.textContent()).toMatch(/^On your 24 labelled prompts at \d\.\d\d: \d+% of prompts to reasoning/);
    // its own line in the chart
    await section.locator(".recharts-legend-item", { hasText: "caught, your labels" }).waitFor();
  });
});
