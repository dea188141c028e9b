/**
 * The trace explorer's filter bar and list in Chromium at 1280 px, with
 * simulator traffic: a search of punctuation only is refused in the bar, not
 * run as no search; the line under the bar counts filters only when there
 * are some; an address the API refuses (400) offers a way out instead of a
 * retry that cannot work; the table fits its card, last column included,
 * at 1280 px and at 1024 px with a 60-character app name.
 */
import type Anthropic from "@anthropic-ai/sdk";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SEARCH_NO_WORDS } from "@/lib/traces/search";
import { documentWidth, failurePicture, openContext, overflowingElements, screenshot, signInByApi, WIDE, type E2EContext } from "../support/chromium";
import { ADMIN, api, sdk, send, startSignedIn, stopSignedIn } from "../support/e2e";
import { eventually, type TestServer } from "../support/server";

let server: TestServer;
let browser: Browser;
let admin: E2EContext;
let client: Anthropic;

const PROMPTS = [
  "Review this function for race conditions: let n = 0; async function inc() { const v = n; await tick(); n = v + 1; }",
  "Summarize: the release meeting moved to Tuesday afternoon.",
  "Prove that the square root of two is irrational, step by step, and check each step for a gap.",
  "Translate 'good morning' to French.",
];

beforeAll(async () => {
  ({ server, browser, admin } = await startSignedIn());
  client = sdk(server);
  // Names as long as an instance's own: routes named for what they do.
  const { data: routes } = (await (await api(server, "/api/routes")).json()) as { data: ({ id: string; name: string } & Record<string, unknown>)[] };
  for (const r of routes) {
    const { id, createdAt: _c, updatedAt: _u, usedByRules: _r, ...rest } = r;
    const put = await api(server, `/api/routes/${id}`, { method: "PUT", body: { ...rest, name: `${r.name} — production traffic, extended thinking where asked` } });
    if (put.status !== 200) throw new Error(`PUT route ${id}: ${put.status} ${await put.text()}`);
  }
  for (const [i, p] of PROMPTS.entries()) await send(server, client, p, i % 2 ? "summaries-and-translations" : "code-review-and-proofs");
}, 120_000);

afterAll(async () => {
  await stopSignedIn({ server, browser, admin });
});

afterEach(async ({ task }) => {
  await failurePicture(task, admin.page, "traces-explorer");
});

const rows = (page: Page) => page.getByRole("table").getByRole("row");
const search = (page: Page) => page.getByRole("search", { name: "Filter traces" });

async function listed(page: Page): Promise<void> {
  await expect.poll(() => rows(page).count()).toBe(PROMPTS.length + 1);
}

describe("the trace explorer", () => {
  it("refuses a search of punctuation only in the bar, saying it has no words, rather than listing every request as its result", async () => {
    const page = admin.page;
    await page.goto("/traces");
    await listed(page);
    const box = search(page).getByLabel("Search", { exact: true });
    await box.fill("!!!");
    await box.press("Enter");
    const said = search(page).getByRole("alert");
    await said.waitFor();
    expect(await said.textContent()).toBe(`${SEARCH_NO_WORDS.charAt(0).toUpperCase()}${SEARCH_NO_WORDS.slice(1)}.`);
    expect(await box.getAttribute("aria-invalid")).toBe("true");
    // Nothing was searched: the address and the line under the bar claim no search.
    expect(new URL(page.url()).search).toBe("");
    expect(await search(page).getByText(/a search for/i).count()).toBe(0);
    // Words make it a search again.
    await box.fill("!!! irrational");
    await box.press("Enter");
    await page.waitForURL((u) => u.searchParams.get("q") === "!!! irrational");
    await page.getByRole("cell", { name: /irrational/ }).or(page.getByText("No requests match these filters")).first().waitFor();
    expect(await rows(page).count()).toBeLessThan(PROMPTS.length + 1);
    expect(await search(page).getByRole("alert").count()).toBe(0);
  });

  it("says “A search for …” under the bar for a search alone, not “0 filters”", async () => {
    const page = admin.page;
    await page.goto("/traces?q=zzzz");
    await page.getByText("No requests match these filters").waitFor();
    const line = search(page).getByText(/search for “zzzz”/);
    await line.waitFor();
    expect(await line.textContent()).toBe("A search for “zzzz”");
    expect(await search(page).getByText(/\b0 filters/).count()).toBe(0);
    await page.goto("/traces?q=zzzz&tier=reasoning");
    await search(page).getByText("1 filter and a search for “zzzz”", { exact: true }).waitFor();
  });

  for (const [name, query, message] of [
    ["cost bounds the wrong way round", "?costMin=1&costMax=0.5", /costMin must not be above costMax/],
    ["an unknown tier", "?tier=bogus", /tier/],
    ["a search of punctuation only", `?q=${encodeURIComponent("!!!")}`, new RegExp(SEARCH_NO_WORDS.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))],
  ] as const) {
    it(`shows the API's refusal of ${name} without a retry, and clears the filters from it`, async () => {
      const page = admin.page;
      await page.goto(`/traces${query}`);
      const alert = page.getByRole("alert").filter({ hasText: "invalid_request_error" });
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(message);
      expect(await alert.getByRole("button", { name: "Try again" }).count()).toBe(0);
      await alert.getByRole("link", { name: "Clear filters" }).click();
      await page.waitForURL((u) => u.pathname === "/traces" && u.search === "");
      await listed(page);
    });
  }

  it("fits the table in its card at 1280 px: the last column's header is inside the card's visible box, with no sideways scroll", async () => {
    const page = admin.page;
    expect(page.viewportSize()).toEqual(WIDE);
    await page.goto("/traces");
    await listed(page);
    const table = page.getByRole("table");
    const last = table.getByRole("columnheader").last();
    expect((await last.textContent())!.trim()).toMatch(/wrong/i);
    const geometry = await table.evaluate((t) => {
      // The table's own scroller, and the card (a section) around it.
      const scroller = t.parentElement!;
      const card = t.closest("section")!;
      const th = t.querySelector("thead tr")!.lastElementChild!.getBoundingClientRect();
      const box = card.getBoundingClientRect();
      return { thRight: th.right, thLeft: th.left, cardRight: box.right, cardLeft: box.left, scrollWidth: scroller.scrollWidth, clientWidth: scroller.clientWidth };
    });
    await screenshot(page, "traces-explorer-1280");
    expect(geometry.thLeft).toBeGreaterThanOrEqual(geometry.cardLeft);
    expect(geometry.thRight).toBeLessThanOrEqual(geometry.cardRight);
    expect(geometry.scrollWidth).toBeLessThanOrEqual(geometry.clientWidth);
  });

  // Last: it adds a row the cases above do not count.
  it("fits at 1024 px with a 60-character app name: the long names truncate, their whole text in a title, and nothing scrolls sideways", async () => {
    const app = "customer-support-escalations-for-enterprise-accounts-emea-01";
    expect(app).toHaveLength(60);
    const { response } = await client.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 1024, messages: [{ role: "user", content: PROMPTS[0]! }] }, { headers: { "thinkgate-task": "code-review-and-proofs", "thinkgate-app": app } })
      .withResponse();
    const id = response.headers.get("thinkgate-request-id")!;
    await eventually(async () => ((await api(server, `/api/requests/${id}`)).status === 200 ? true : undefined));

    const viewport = { width: 1024, height: 800 };
    const ctx = await openContext(browser, server.url, viewport);
    try {
      await signInByApi(ctx.context, ADMIN.email, ADMIN.password);
      const page = ctx.page;
      await page.goto("/traces");
      await expect.poll(() => rows(page).count()).toBe(PROMPTS.length + 2);
      await screenshot(page, "traces-explorer-1024-long-app");

      const width = await documentWidth(page);
      const offenders = width > viewport.width + 1 ? await overflowingElements(page) : [];
      expect(width, `/traces at 1024 px scrolls sideways; wider than the viewport:\n${offenders.join("\n")}`).toBeLessThanOrEqual(viewport.width + 1);
      const table = page.getByRole("table");
      const scroll = await table.evaluate((t) => ({ scrollWidth: t.parentElement!.scrollWidth, clientWidth: t.parentElement!.clientWidth }));
      expect(scroll.scrollWidth, "the table scrolls sideways in its card").toBeLessThanOrEqual(scroll.clientWidth);
      // The route, and the app with its task, are cut short in the row, each with its whole text as a title.
      const context = `${app} · code-review-and-proofs`;
      const row = rows(page).filter({ has: page.getByTitle(context, { exact: true }) });
      await row.waitFor();
      for (const name of [context, (await row.getByTitle(/production traffic/).first().getAttribute("title"))!]) {
        const cut = await row.getByTitle(name, { exact: true }).filter({ visible: true }).evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, text: el.textContent }));
        expect(cut.text).toBe(name);
        expect(cut.scrollWidth, name).toBeGreaterThan(cut.clientWidth);
      }
      expect(ctx.pageErrors).toEqual([]);
    } finally {
      await ctx.context.close();
    }
  });
});
