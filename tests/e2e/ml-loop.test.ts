/**
 * The ML engineer's loop in headless Chromium against a real server, with
 * requests sent through the official SDK: the patterns page shows a recurring
 * assumption with its prompt suggestion and the traces behind it; a tool loop
 * reads as one thread (turns, tool calls and results, thinking, pinned
 * calls); an escalated request shows the rejected standard answer and why,
 * and the flag on a served answer that still failed its validator; a trace
 * past the text retention says its text was cleared, and Settings shows the
 * retention; the largest thinking the gateway stores, with a span every few
 * words, reads on its trace page with every span reachable.
 */
import type Anthropic from "@anthropic-ai/sdk";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { failurePicture, type E2EContext } from "../support/chromium";
import { api, sdk, startSignedIn, stopSignedIn } from "../support/e2e";
import { backdate, copyRecord, withDb } from "../support/db";
import { longConversation } from "../support/long-loop";
import { longThinking } from "../support/long-thinking";
import { eventually, type TestServer } from "../support/server";

let server: TestServer;
let browser: Browser;
let client: Anthropic;
let admin: E2EContext;

async function storedId(response: Response): Promise<string> {
  const id = response.headers.get("thinkgate-request-id")!;
  await eventually(async () => ((await api(server, `/api/requests/${id}`)).status === 200 ? true : undefined));
  return id;
}

beforeAll(async () => {
  // Text retention of 7 days, swept often: a record backdated past it shows its text as cleared.
  ({ server, browser, admin } = await startSignedIn({ env: { THINKGATE_TEXT_RETENTION_DAYS: "7", THINKGATE_RETENTION_SWEEP_MS: "300" } }));
  client = sdk(server);
  const rules = await api(server, "/api/rules", {
    method: "POST",
    body: {
      note: "JSON extraction on standard, escalated when the JSON is bad",
      rules: [
        {
          id: "extract-json",
          name: "Extract as JSON",
          when: { tasks: ["extract-json"] },
          then: { routeId: "standard" },
          escalate: { jsonSchema: { type: "object", required: ["answer"], properties: { answer: { type: "string" } } } },
        },
      ],
    },
  });
  expect(rules.status).toBe(201);
});

afterAll(async () => {
  await stopSignedIn({ server, browser, admin });
});

afterEach(async ({ task }) => {
  await failurePicture(task, admin.page, "ml-loop");
  expect(admin.pageErrors).toEqual([]);
});

describe("the ML engineer's loop", () => {
  it("patterns page: a recurring assumption with its suggestion, failure score and the traces behind it", async () => {
    // The simulator reasons the same way about the same prompt, so these traces share their assumptions.
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { response } = await client.messages
        .create(
          { model: "claude-sonnet-4-6", max_tokens: 4096, messages: [{ role: "user", content: "Review this cache: entries never expire and the map grows with every user id." }] },
          { headers: { "thinkgate-tier": "reasoning", "thinkgate-app": "review-bot" } },
        )
        .withResponse();
      ids.push(await storedId(response));
    }
    const { page } = admin;
    await page.goto("/patterns");
    await page.getByRole("heading", { name: "Patterns", level: 1 }).waitFor();
    const scopes = page.getByRole("table");
    await scopes.getByRole("cell", { name: "review-bot" }).waitFor();
    const recurring = page.getByTestId("recurring-assumptions");
    const item = recurring.getByRole("listitem").first();
    await item.waitFor();
    await expect.poll(() => item.textContent()).toMatch(/% of traces on route reasoning.* assume '.+' — state it in the prompt/);
    await expect.poll(() => item.textContent()).toMatch(/likely wrong \d+%/);
    // The traces behind it are links to their trace pages.
    const example = item.getByRole("link").first();
    const exampleId = (await example.textContent())!.trim();
    expect(ids).toContain(exampleId);
    await example.click();
    await page.waitForURL(`**/traces/${exampleId}`);
    await page.getByRole("heading", { name: "Trace", level: 1 }).waitFor();
    // The trace page shows the failure score with its reasons.
    await page.getByTestId("failure-score").getByText(/^\d+%$/).waitFor();
    // Filtering the patterns by app keeps the route's row; another app has none.
    await page.goto("/patterns");
    await page.getByLabel("App").selectOption("review-bot");
    await scopes.getByRole("cell", { name: "review-bot" }).waitFor();
  });

  it("patterns page: a route-and-app row opens its own traces in the window, the row of requests that named no app too", async () => {
    for (let i = 0; i < 2; i++) {
      const { response } = await client.messages
        .create(
          { model: "claude-sonnet-4-6", max_tokens: 4096, messages: [{ role: "user", content: "Review this queue: consumers ack before they process, and a crash loses the message." }] },
          { headers: { "thinkgate-tier": "reasoning" } },
        )
        .withResponse();
      await storedId(response);
    }
    const { page } = admin;
    await page.goto("/patterns");
    const scopes = page.getByRole("table");
    await scopes.getByRole("cell", { name: "review-bot" }).waitFor();
    for (const app of ["review-bot", null]) {
      await page.goto("/patterns");
      const row = scopes
        .getByRole("row")
        .filter({ has: page.getByRole("cell", { name: /^reasoning \(/ }) })
        .filter({ has: app ? page.getByRole("cell", { name: app, exact: true }) : page.getByRole("cell", { name: "—", exact: true }) });
      await row.waitFor();
      const count = Number(await row.getByRole("cell").nth(2).textContent());
      expect(count).toBeGreaterThan(0);
      await row.getByRole("link", { name: "Likely wrong first →" }).click();
      await page.waitForURL(/\/traces\?/);
      const url = new URL(page.url());
      expect(url.searchParams.get("app")).toBe(app ?? "-");
      expect(url.searchParams.get("from")).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      // The list holds the row's traces and no other app's (every reasoning request here thought).
      await page.getByText(`${count} request${count === 1 ? "" : "s"} shown — that is all`).waitFor();
      const apps = await page.locator("table tbody tr").evaluateAll((rows) => rows.map((r) => r.textContent ?? ""));
      expect(apps.every((text) => (app ? text.includes(app) : !text.includes("review-bot")))).toBe(true);
    }
  });

  it("a request refused before routing: its trace says no upstream call was made, not that the route answered", async () => {
    const res = await fetch(`${server.baseURL}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": server.adminKey, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [] }),
    });
    expect(res.status).toBe(400);
    const id = await storedId(res);
    const { page } = admin;
    await page.goto(`/traces/${id}`);
    await page.getByRole("heading", { name: "Trace", level: 1 }).waitFor();
    await page.getByText("None: the gateway refused the request before routing it.").waitFor();
    await page.getByText("No thinking: the request failed before any answer.").waitFor();
    await page.getByText("This request failed before any upstream call answered with usage: nothing was billed.").waitFor();
    expect(await page.getByText("One hop: answered by the chosen route.").count()).toBe(0);
    expect(await page.getByText(/Served by the .* route/).count()).toBe(0);
  });

  it("thread view: a tool loop as one conversation with tool calls, results, thinking and the pinned call", async () => {
    const tools: Anthropic.Tool[] = [
      { name: "get_weather", description: "Current weather for a city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
    ];
    const first: Anthropic.MessageParam = { role: "user", content: "Use get_weather: what is the weather in Paris right now?" };
    const one = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 2048, tools, messages: [first] }, { headers: { "thinkgate-tier": "reasoning" } }).withResponse();
    const toolUse = one.data.content.find((b): b is Anthropic.ToolUseBlock => b.type === "tool_use")!;
    const two = await client.messages
      .create({
        model: "claude-sonnet-4-6",
        max_tokens: 2048,
        tools,
        messages: [first, { role: "assistant", content: one.data.content }, { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "Paris: 18°C, light rain" }] }],
      })
      .withResponse();
    await storedId(one.response);
    const secondId = await storedId(two.response);

    const { page } = admin;
    await page.goto(`/traces/${secondId}`);
    await page.getByRole("link", { name: /Part of a conversation of 2 calls/ }).click();
    await page.waitForURL(`**/traces/${secondId}/thread`);
    await page.getByRole("heading", { name: "Conversation", level: 1 }).waitFor();
    const turns = page.getByTestId("thread-turn");
    await expect.poll(() => turns.count()).toBe(1);
    const calls = page.getByTestId("thread-call");
    await expect.poll(() => calls.count()).toBe(2);
    const call1 = calls.nth(0);
    const call2 = calls.nth(1);
    await call1.getByText("weather in Paris", { exact: false }).first().waitFor();
    await call1.getByText(/Tool call · get_weather/).waitFor();
    await call1.getByText(/Thinking \([\d,]+ characters\)/).waitFor();
    await call2.getByText("pinned", { exact: true }).waitFor();
    await call2.getByText(new RegExp(`Tool result · ${toolUse.id}`)).waitFor();
    await call2.getByText("Paris: 18°C, light rain", { exact: true }).waitFor();
    // The answer of the continuation, which read the tool result.
    await call2.getByText(/Based on the get_weather result/).waitFor();
    expect(await call1.getByText("pinned", { exact: true }).count()).toBe(0);
  });

  it("thread view of a loop longer than the limit: the calls around the one opened, and how many are left out", async () => {
    const ids = await longConversation(async (messages) => {
      const { response } = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 64, messages }).withResponse();
      return response.headers.get("thinkgate-request-id")!;
    });
    const opened = ids[204]!;
    await eventually(async () => {
      const r = await api(server, `/api/traces/${opened}`);
      return r.status === 200 && ((await r.json()) as { conversationCalls: number }).conversationCalls === 210 ? true : undefined;
    });

    const { page } = admin;
    await page.goto(`/traces/${opened}/thread`);
    await page.getByText("A long loop: the 200 calls around the one you opened, of 210; 10 earlier and 0 later calls are not shown.").waitFor();
    await expect.poll(() => page.getByTestId("thread-call").count()).toBe(200);
    await page.getByRole("article", { name: `Call ${opened}` }).and(page.locator('[aria-current="true"]')).waitFor();
    expect(await page.getByRole("article", { name: `Call ${ids[9]}` }).count()).toBe(0);
    expect(admin.pageErrors).toEqual([]);
  });

  it("rejected-answer view: the standard answer set aside, why, and the flag on a served answer that still failed its validator", async () => {
    const { response } = await client.messages
      .create(
        { model: "claude-sonnet-4-6", max_tokens: 600, messages: [{ role: "user", content: 'Extract the total as JSON: "Invoice total EUR 40" [[sim:answer=invalid_json]]' }] },
        { headers: { "thinkgate-task": "extract-json" } },
      )
      .withResponse();
    expect(response.headers.get("thinkgate-stage")).toBe("escalation");
    const id = await storedId(response);
    const hops = ((await (await api(server, `/api/requests/${id}`)).json()) as { hops: { escalated?: boolean; answer?: string }[] }).hops;
    const rejectedText = hops.find((h) => h.escalated)!.answer!;

    const { page } = admin;
    await page.goto(`/traces/${id}`);
    await page.getByRole("heading", { name: "Trace", level: 1 }).waitFor();
    const rejected = page.getByTestId("rejected-answer");
    await rejected.getByRole("heading", { name: "Rejected answer" }).waitFor();
    await rejected.getByText(/claude-sonnet-4-6/).first().waitFor();
    await rejected.getByText(/not valid JSON/).waitFor();
    await expect.poll(() => rejected.locator("pre").textContent()).toBe(rejectedText);
    // The reasoning answer is invalid JSON too (same simulator directive): flagged above everything.
    const flag = page.getByTestId("validator-failed");
    await flag.waitFor();
    await expect.poll(() => flag.textContent()).toMatch(/still failed its validator.*not valid JSON/);

    // A request that was not escalated shows neither.
    const plain = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user", content: "Name a prime." }] }).withResponse();
    const plainId = await storedId(plain.response);
    await page.goto(`/traces/${plainId}`);
    await page.getByRole("heading", { name: "Tokens and cost" }).waitFor();
    expect(await page.getByTestId("rejected-answer").count()).toBe(0);
    expect(await page.getByTestId("validator-failed").count()).toBe(0);
  });

  it("settings: the LLM classifier, escalation (with the failure-score trigger) and redaction are set from the page", async () => {
    const { page } = admin;
    await page.goto("/settings?tab=routing");
    const esc = page.getByRole("form", { name: "LLM classifier and escalation" });
    await esc.waitFor();
    await esc.getByRole("switch", { name: "LLM classifier for close calls" }).click();
    await esc.getByLabel("Maximum failure score").fill("0.4");
    await esc.getByLabel("Maximum hedges per 1,000 words").fill("30");
    await esc.getByRole("button", { name: "Save classifier and escalation" }).click();
    await esc.getByText("Saved.").waitFor();
    const settings = (await (await api(server, "/api/settings")).json()) as { llmClassifier: { enabled: boolean }; escalation: { policy: { maxFailureScore?: number; maxHedgeDensity: number } } };
    expect(settings.llmClassifier.enabled).toBe(true);
    expect(settings.escalation.policy.maxFailureScore).toBe(0.4);
    expect(settings.escalation.policy.maxHedgeDensity).toBe(30);
    // An out-of-range value is refused with the API's message, and nothing changes.
    await esc.getByLabel("Maximum failure score").fill("3");
    await esc.getByRole("button", { name: "Save classifier and escalation" }).click();
    await esc.getByText(/maxFailureScore/).waitFor();
    const after = (await (await api(server, "/api/settings")).json()) as typeof settings;
    expect(after.escalation.policy.maxFailureScore).toBe(0.4);

    const red = page.getByRole("form", { name: "Redaction" });
    await red.getByLabel("Your own patterns").fill("employee: EMP-######");
    await red.getByRole("switch", { name: "E-mail addresses" }).click();
    await red.getByRole("button", { name: "Save redaction" }).click();
    await red.getByText("Saved.").waitFor();
    const traces = (await (await api(server, "/api/settings/traces")).json()) as { redaction: { builtins: { emails: boolean }; patterns: { label: string; match: string }[] } };
    expect(traces.redaction.patterns).toHaveLength(1);
    expect(traces.redaction.patterns[0]).toMatchObject({ label: "employee", match: "EMP-######" });
    expect(traces.redaction.builtins.emails).toBe(false);
  });

  it("settings: a field clicked into right after a save keeps the cursor, and what is typed, when the saved settings are read back", async () => {
    const { page } = admin;
    await page.goto("/settings?tab=routing");
    const esc = page.getByRole("form", { name: "LLM classifier and escalation" });
    await esc.waitFor();
    // The read that follows the save is held until the cursor is in the field: a slow answer, or a quick person.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let saved = false;
    await page.route("**/api/settings", async (route) => {
      if (saved && route.request().method() === "GET") await held;
      await route.continue();
    });
    try {
      const field = esc.getByLabel("Maximum hedges per 1,000 words");
      await field.fill("31");
      saved = true;
      await esc.getByRole("button", { name: "Save classifier and escalation" }).click();
      await esc.getByText("Saved.").waitFor();
      await field.click();
      await page.keyboard.press("End");
      const readBack = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/settings" && r.request().method() === "GET");
      release();
      await readBack;
      // Two frames: the answer is in the page's cache and drawn.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
      await page.keyboard.type("5");
      expect(await field.inputValue()).toBe("315");
    } finally {
      release();
      await page.unroute("**/api/settings");
    }
  });

  it("settings: what is typed in one form survives the refetch after another form's save, and is what its Save sends", async () => {
    const { page } = admin;
    await page.goto("/settings?tab=routing");
    const esc = page.getByRole("form", { name: "LLM classifier and escalation" });
    await esc.waitFor();
    const sampling = page.getByLabel("Trace sampling rate", { exact: true });
    const before = (await (await api(server, "/api/settings")).json()) as { sampleRate: number; escalation: { policy: { maxHedgeDensity: number } } };
    const typed = before.sampleRate === 0.37 ? "0.38" : "0.37";
    // Typed in the routing form, not saved yet.
    await sampling.fill(typed);
    // The escalation form's save refreshes the settings both forms show, with a changed value.
    const refetched = page.waitForResponse((r) => r.url().endsWith("/api/settings") && r.request().method() === "GET");
    await esc.getByLabel("Maximum hedges per 1,000 words").fill(String(before.escalation.policy.maxHedgeDensity + 1));
    await esc.getByRole("button", { name: "Save classifier and escalation" }).click();
    await esc.getByText("Saved.").waitFor();
    await refetched;
    // The refetched settings render; a form keyed on them alone would have remounted with the stored rate.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await sampling.inputValue()).toBe(typed);
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(async () => ((await (await api(server, "/api/settings")).json()) as typeof before).sampleRate).toBe(Number(typed));
    // Once saved, the form shows the server's values again: the stored rate, as the API reads it.
    expect(await sampling.inputValue()).toBe(typed);
  });

  it("a trace past the text retention says its text was cleared, and Settings shows the retention", async () => {
    const { page } = admin;
    const { response } = await client.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 512, messages: [{ role: "user", content: "Why might our nightly wombatsync job time out? Think it through." }] }, { headers: { "thinkgate-tier": "reasoning" } })
      .withResponse();
    const id = await storedId(response);
    await backdate(server, "RequestRecord", "createdAt", "id", [id], 8 * 86_400_000);
    await eventually(async () => (((await (await api(server, `/api/requests/${id}`)).json()) as { textClearedAt: string | null }).textClearedAt ? true : undefined));

    await page.goto(`/traces/${id}`);
    await page.getByText(/Cleared on \d{4}-\d\d-\d\d: the record passed its text retention/).first().waitFor();
    expect(await page.getByText("wombatsync").count()).toBe(0);
    // Its cost and tokens are still there.
    await page.getByText(/thinking tokens/).first().waitFor();

    await page.goto("/settings?tab=routing");
    const table = page.getByTestId("retention");
    await table.waitFor();
    const rows = await table.locator("tbody tr").allInnerTexts();
    expect(rows[0]).toMatch(/Text of request records[\s\S]*7 days[\s\S]*THINKGATE_TEXT_RETENTION_DAYS/);
    expect(rows[1]).toMatch(/Request records[\s\S]*forever/);
    // Pins hold thinking text too: kept no longer than the text (7 days, not their own 30).
    expect(rows[2]).toMatch(/Conversation pins[\s\S]*7 days/);
  });

  it("an admin clears a trace's text from its page, after confirming", async () => {
    const { page } = admin;
    const { response } = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user", content: "Our numbatkey leaked in this prompt, what now?" }] }).withResponse();
    const id = await storedId(response);
    await page.goto(`/traces/${id}`);
    await page.getByText("Our numbatkey leaked").first().waitFor();
    await page.getByRole("button", { name: "Clear text…" }).click();
    // Nothing happens before the second click.
    expect((((await (await api(server, `/api/requests/${id}`)).json()) as { prompt: string | null }).prompt)).toMatch(/numbatkey/);
    await page.getByRole("button", { name: "Clear the text for good" }).click();
    await page.getByText(/Cleared on \d{4}-\d\d-\d\d/).first().waitFor();
    expect(await page.getByText("numbatkey").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Clear text…" }).count()).toBe(0);
    expect((((await (await api(server, `/api/requests/${id}`)).json()) as { prompt: string | null }).prompt)).toBeNull();
  });

  it("a request the gateway stopped in the middle of: its trace says why its cost is unknown, not that its model has no price", async () => {
    const plain = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user", content: "Name an odd prime." }] }).withResponse();
    const source = await storedId(plain.response);
    const id = "e2e-interrupted";
    // The columns a replayed provisional line is stored with (lib/gateway/record.ts, recordDispatched).
    await copyRecord(server, source, 1, 60_000, { status: "error", errorType: "interrupted", httpStatus: 502, pricingStatus: "unknown", costInput: null, costCacheWrite: null, costCacheRead: null, costOutput: null, costThinking: null, costTotal: null, counterfactualCost: null });
    await withDb(server, (q) => q(`UPDATE "RequestRecord" SET "id" = ? WHERE "id" = 'copy-0'`, [id]));
    const { page } = admin;
    await page.goto(`/traces/${id}`);
    await page.getByText(/The gateway stopped before this answer was complete, so its usage and cost are unknown \(not \$0\)/).waitFor();
    expect(await page.getByText(/No price is set for/).count()).toBe(0);
  });

  it("a 1 MB thinking trace with a span every few words: the text, every span counted, Prev/Next to the last and first, the legend, copy", async () => {
    // The largest thinking the gateway stores (THINKGATE_MAX_STORED_CHARS), ~61,000 spans: the page once built a
    // highlighted element for every one of them up front.
    const thinking = longThinking(1_000_000, "dense");
    const plain = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user", content: "Name an even prime." }] }).withResponse();
    const source = await storedId(plain.response);
    const id = "e2e-long-thinking";
    await copyRecord(server, source, 1, 60_000, { thinkingText: thinking, thinkingStatus: "text" });
    await withDb(server, (q) => q(`UPDATE "RequestRecord" SET "id" = ? WHERE "id" = 'copy-0'`, [id]));
    const trace = (await (await api(server, `/api/traces/${id}`)).json()) as {
      thinking: { text: string; signals: { spans: { start: number; end: number; kind: string; text: string }[]; stats: { counts: Record<string, number> } } };
    };
    expect(trace.thinking.text).toBe(thinking);
    const spans = trace.thinking.signals.spans;
    expect(spans.length).toBeGreaterThan(40_000);
    const total = String(spans.length);

    const { page } = admin;
    await page.goto(`/traces/${id}`);
    const box = page.getByRole("region", { name: "Thinking", exact: true });
    await box.locator("mark[data-kind]").first().waitFor();
    expect((await box.locator("mark[data-kind]").first().textContent())!.trim()).toBe(spans[0]!.text.trim());
    await page.getByText(`${total} spans`, { exact: true }).waitFor();

    /** Whether the mark of shown span `i` is in the page and inside the box's visible part. */
    const inView = (i: number) =>
      page.evaluate((n) => {
        const region = document.querySelector('[role="region"][aria-label="Thinking"]')!;
        const mark = region.querySelectorAll("mark[data-kind]");
        const el = Array.from(mark).find((m) => m.id.endsWith(`-span-${n}`));
        if (!el) return null;
        const r = el.getBoundingClientRect();
        const b = region.getBoundingClientRect();
        return { text: el.textContent, visible: r.top >= b.top && r.bottom <= b.bottom, focused: document.activeElement === el };
      }, i);

    // Previous from the start wraps to the last span, at the end of the text.
    await page.getByRole("button", { name: "Previous span in thinking" }).click();
    await page.getByText(`${total} / ${total}`, { exact: true }).waitFor();
    expect(await inView(spans.length - 1)).toEqual({ text: spans.at(-1)!.text, visible: true, focused: true });
    await page.getByRole("button", { name: "Previous span in thinking" }).click();
    await page.getByText(`${spans.length - 1} / ${total}`, { exact: true }).waitFor();
    expect((await inView(spans.length - 2))?.visible).toBe(true);
    // Next twice: past the last span, back to the first, at the top.
    await page.getByRole("button", { name: "Next span in thinking" }).click();
    await page.getByRole("button", { name: "Next span in thinking" }).click();
    await page.getByText(`1 / ${total}`, { exact: true }).waitFor();
    expect(await inView(0)).toEqual({ text: spans[0]!.text, visible: true, focused: true });

    // Switching hedges off counts and steps through the other kinds only.
    const hedges = trace.thinking.signals.stats.counts.hedge!;
    expect(hedges).toBeGreaterThan(0);
    const legend = page.getByRole("group", { name: "Thinking: highlighted signals" });
    await legend.getByRole("button", { name: /^Hedge\b/ }).click();
    const rest = (spans.length - hedges).toString();
    await page.getByText(`${rest} spans`, { exact: true }).waitFor();
    expect(await box.locator('mark[data-kind="hedge"]').count()).toBe(0);
    await page.getByRole("button", { name: "Previous span in thinking" }).click();
    await page.getByText(`${rest} / ${rest}`, { exact: true }).waitFor();
    const lastOther = spans.filter((s) => s.kind !== "hedge").at(-1)!;
    expect((await inView(Number(rest) - 1))?.text).toBe(lastOther.text);
    await legend.getByRole("button", { name: /^Hedge\b/ }).click();
    await page.getByText(`${total} spans`, { exact: true }).waitFor();

    // Selecting the box's whole text gives the thinking as stored, line breaks included.
    const selected = await page.evaluate(() => {
      const region = document.querySelector('[role="region"][aria-label="Thinking"]')!;
      const range = document.createRange();
      range.selectNodeContents(region);
      const sel = window.getSelection()!;
      sel.removeAllRanges();
      sel.addRange(range);
      const out = sel.toString();
      sel.removeAllRanges();
      return out;
    });
    expect(selected.length).toBe(thinking.length);
    expect(selected === thinking).toBe(true);

    // Read straight through, the spans away from the screen are plain text: the list names every one, a page at a
    // time, and a pick steps to it in the text; what a screen reader hears says the kind and the words.
    const labels: Record<string, string> = { hedge: "Hedge", assumption: "Assumption", self_correction: "Self-correction", alternative: "Alternative", stuck: "Stuck" };
    expect(await box.locator("mark[data-kind]").count()).toBeLessThan(spans.length / 10);
    await page.getByText(`List all ${total} spans`, { exact: true }).click();
    const list = page.getByRole("list", { name: "Thinking: spans" });
    await list.getByRole("listitem").first().waitFor();
    expect(await list.getByRole("listitem").count()).toBe(200);
    await page.getByRole("button", { name: `Show 200 more of ${spans.length - 200}` }).click();
    await list.getByRole("listitem").nth(399).waitFor();
    expect(await list.getByRole("listitem").count()).toBe(400);
    const pick = 349;
    const row = list.getByRole("listitem").nth(pick);
    const rowText = (await row.textContent())!;
    expect(rowText).toContain(labels[spans[pick]!.kind]!);
    expect(rowText).toContain(spans[pick]!.text.replace(/\s+/g, " "));
    expect(rowText.startsWith(String(pick + 1))).toBe(true);
    await row.getByRole("button").click();
    await page.getByText(`${pick + 1} / ${total}`, { exact: true }).waitFor();
    expect(await inView(pick)).toEqual({ text: spans[pick]!.text, visible: true, focused: true });
    const announced = await page.locator('[aria-live="polite"].sr-only').first().textContent();
    expect(announced).toBe(`Span ${pick + 1} of ${total}, ${labels[spans[pick]!.kind]}: ${spans[pick]!.text.replace(/\s+/g, " ")}`);
  }, 120_000);
});
