/**
 * "Add to calibration set" in headless Chromium against a real server: an
 * admin adds a stored request from its trace page and a playground run to an
 * evaluation set, and the set (read back through the API) holds the items
 * with the expected answers typed in; an API refusal is shown on the page;
 * a viewer is not offered the control.
 */
import type Anthropic from "@anthropic-ai/sdk";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { failurePicture, openContext, screenshot, signInByApi, WIDE, type E2EContext } from "../support/chromium";
import { api, sdk, send, startSignedIn, stopSignedIn } from "../support/e2e";
import type { TestServer } from "../support/server";

const VIEWER = { email: "vic@example.com", password: "a-long-password-2" };

interface SetItem {
  prompt: string;
  system: string | null;
  expected: string;
  category: string | null;
  source: string;
  requestId: string | null;
}

let server: TestServer;
let browser: Browser;
let client: Anthropic;
let admin: E2EContext;
let setId: string;

async function createSet(name: string): Promise<string> {
  const res = await api(server, "/api/calibration/sets", { body: { name, grader: { kind: "contains" } } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function setItems(id: string): Promise<SetItem[]> {
  const res = await api(server, `/api/calibration/sets/${id}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: SetItem[] }).items;
}

beforeAll(async () => {
  ({ server, browser, admin } = await startSignedIn());
  client = sdk(server);
  setId = await createSet("Support answers");
});

afterAll(async () => {
  await stopSignedIn({ server, browser, admin });
});

afterEach(async ({ task }) => {
  await failurePicture(task, admin.page, "save-to-set");
});

describe("add to calibration set", () => {
  it("adds a stored request from its trace page with the expected answer typed in, and shows the API's refusal", async () => {
    const prompt = "What is the capital of Australia? Answer in one word.";
    const sent = await send(server, client, prompt);
    const trace = (await (await api(server, `/api/traces/${sent.id}`)).json()) as { answer: string | null };
    expect(trace.answer?.length).toBeGreaterThan(0);
    // A second set, deleted behind the page's back: adding to it must show the API's error.
    const doomedId = await createSet("Doomed set");

    const { page } = admin;
    await page.goto(`/traces/${encodeURIComponent(sent.id)}`);
    await page.getByRole("heading", { name: "Add to calibration set" }).waitFor();
    const form = page.getByRole("form", { name: "Add to calibration set" });
    const expected = form.getByLabel("Expected answer");
    // Prefilled with the answer the record holds.
    await expect.poll(() => expected.inputValue()).toBe(trace.answer);

    await form.getByLabel("Evaluation set").selectOption(doomedId);
    expect((await api(server, `/api/calibration/sets/${doomedId}`, { method: "DELETE" })).status).toBe(200);
    await form.getByRole("button", { name: "Add to set" }).click();
    await form.getByRole("alert").filter({ hasText: `evaluation set ${doomedId} does not exist` }).waitFor();

    await form.getByLabel("Evaluation set").selectOption(setId);
    await expected.fill("Canberra");
    await form.getByLabel("Category").fill("geography");
    await form.getByRole("button", { name: "Add to set" }).click();
    await form.getByRole("status").filter({ hasText: "Added to Support answers" }).waitFor();
    await screenshot(page, "save-to-set-trace");

    const items = await setItems(setId);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ prompt, expected: "Canberra", category: "geography", source: "request", requestId: sent.id });
    expect(admin.pageErrors).toEqual([]);
  });

  it("adds a playground run's prompt with the expected answer typed in", async () => {
    const prompt = "A bat and a ball cost $1.10 in total. The bat costs $1.00 more than the ball. How much does the ball cost?";
    const { page } = admin;
    await page.goto("/playground");
    await page.getByRole("heading", { name: "Playground", level: 1 }).waitFor();
    await page.getByLabel("Prompt", { exact: true }).fill(prompt);
    await page.getByRole("button", { name: "Run", exact: true }).click();

    // The control appears once both runs have ended, prefilled with the reasoning answer.
    const form = page.getByRole("form", { name: "Add to calibration set" });
    await form.waitFor({ timeout: 60_000 });
    const reasoningCard = page.locator("section", { has: page.getByRole("region", { name: "Reasoning result" }) });
    const href = (await reasoningCard.getByRole("link", { name: "Open trace →" }).getAttribute("href"))!;
    const runId = decodeURIComponent(href.replace("/traces/", ""));
    const record = (await (await api(server, `/api/traces/${runId}`)).json()) as { answer: string | null; via: string };
    expect(record.answer?.trim().length).toBeGreaterThan(0);
    const expected = form.getByLabel("Expected answer");
    expect((await expected.inputValue()).trim()).toBe(record.answer!.trim());

    await form.getByLabel("Evaluation set").selectOption(setId);
    await expected.fill("$0.05");
    await form.getByLabel("Category").fill("arithmetic");
    await form.getByRole("button", { name: "Add to set" }).click();
    await form.getByRole("status").filter({ hasText: "Added to Support answers" }).waitFor();
    await screenshot(page, "save-to-set-playground");

    const items = await setItems(setId);
    expect(items).toHaveLength(2);
    expect(items[1]).toMatchObject({ prompt, expected: "$0.05", category: "arithmetic", source: "playground", requestId: null });

    // The run's trace says where it came from.
    expect(record).toMatchObject({ via: "playground" });
    await page.goto(href);
    await page.getByText("via playground").waitFor();
    expect(admin.pageErrors).toEqual([]);
  });

  it("does not offer the control to a viewer", async () => {
    expect((await api(server, "/api/users", { body: { ...VIEWER, role: "viewer" } })).status).toBe(201);
    const sent = await send(server, client, "Name three primary colours.");
    const viewer = await openContext(browser, server.url, WIDE);
    try {
      await signInByApi(viewer.context, VIEWER.email, VIEWER.password);
      await viewer.page.goto(`/traces/${encodeURIComponent(sent.id)}`);
      await viewer.page.getByRole("heading", { name: "Did it need reasoning?" }).waitFor();
      expect(await viewer.page.getByRole("heading", { name: "Add to calibration set" }).count()).toBe(0);

      await viewer.page.goto("/playground");
      await viewer.page.getByLabel("Prompt", { exact: true }).fill("Name three primary colours.");
      await viewer.page.getByRole("button", { name: "Run", exact: true }).click();
      await viewer.page.getByRole("heading", { name: "Save as a labelled example" }).waitFor();
      // Both runs have ended (each card shows its trace link instead of "streaming"): an editor would see the control now.
      await expect.poll(() => viewer.page.getByRole("link", { name: "Open trace →" }).count(), { timeout: 60_000 }).toBe(2);
      expect(await viewer.page.getByRole("heading", { name: "Add to calibration set" }).count()).toBe(0);
      expect(viewer.pageErrors).toEqual([]);
    } finally {
      await viewer.context.close().catch(() => {});
    }
  });
});
