/**
 * Each page's main flow in headless Chromium, against a real thinkgate
 * process (SQLite, simulator at zero latency, the built pages), at 1280 px:
 * sign in; an SDK request found in the explorer with its highlighted
 * thinking; filters and search in the URL; the cost page's total; a rule
 * created, replayed, saved, routing the next request, and rolled back; a
 * playground run; a viewer refused the rule editor, then signed out by an
 * admin; a signed-out session's cookies refused; a password changed on
 * /account. The tests run in order
 * and share the server's data: each one says what it adds.
 */
import type Anthropic from "@anthropic-ai/sdk";
import type { Browser, BrowserContext, ConsoleMessage, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SIGNAL_STYLES, type SignalKind } from "@/lib/traces/present";
import { formatUsd } from "@/lib/ui/format";
import { csrfHeader, failurePicture, launchChromium, openContext, screenshot, signInByApi, WIDE, type E2EContext } from "../support/chromium";
import { ADMIN, api, sdk, send, startE2EServer, type Sent } from "../support/e2e";
import type { TestServer } from "../support/server";

let server: TestServer;
let browser: Browser;
let client: Anthropic;
/** The admin, signed in through the API: for the flows whose subject is not the sign-in form. */
let admin: E2EContext;
const contexts: BrowserContext[] = [];

/** A word no other prompt has, to search for. */
const WORD = "quokka";
const REVIEW = `Review this function for race conditions (${WORD} service): let n = 0; async function inc() { const v = n; await tick(); n = v + 1; }`;
const SUMMARY = "Summarize: the release meeting moved to Tuesday afternoon.";
const TRANSLATE = "Translate 'good morning' to French.";
const VIEWER = { email: "vera@example.com", password: "a-long-password-1" };

beforeAll(async () => {
  [server, browser] = await Promise.all([startE2EServer(), launchChromium()]);
  client = sdk(server);
  admin = await openContext(browser, server.url, WIDE);
  contexts.push(admin.context);
  await signInByApi(admin.context, ADMIN.email, ADMIN.password);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.stop();
});

// A failed flow leaves a picture of where it stopped.
afterEach(async ({ task }) => {
  for (const [i, c] of contexts.entries()) {
    for (const p of c.pages()) await failurePicture(task, p, `flow-${i}`);
  }
});

async function newContext(): Promise<E2EContext> {
  const c = await openContext(browser, server.url, WIDE);
  contexts.push(c.context);
  return c;
}

function pathOf(page: Page): string {
  const u = new URL(page.url());
  return u.pathname + u.search;
}

/** The row of the explorer's table (wide layout) whose text contains `text`. */
function traceRow(page: Page, text: string): Locator {
  return page.getByRole("row").filter({ hasText: text });
}

async function signInThroughForm(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

describe("the web app's main flows in Chromium", () => {
  let review: Sent;
  let summary: Sent;

  it("signs in at /login and lands, signed in, on the page it was sent from", async () => {
    const { page, pageErrors } = await newContext();
    // Signed out, every page of the app sends the visitor to sign in first.
    for (const path of ["/traces", "/costs", "/playground", "/settings"]) {
      await page.goto(path);
      await page.waitForURL((u) => u.pathname === "/login" && (u.searchParams.get("next") ?? "").split("?")[0] === path);
    }
    await page.goto("/rules");
    await page.waitForURL((u) => u.pathname === "/login" && u.searchParams.get("next") === "/rules");
    await page.getByRole("heading", { name: "Sign in to thinkgate" }).waitFor();

    await signInThroughForm(page, ADMIN.email, "not-the-password");
    await page.getByRole("alert").filter({ hasText: "the email or password is not right" }).waitFor();
    expect(pathOf(page)).toBe("/login?next=%2Frules");

    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/rules");
    await page.getByRole("heading", { name: "Routing rules" }).waitFor();
    const header = page.getByRole("banner");
    await header.getByText(ADMIN.email).waitFor();
    expect(await header.getByRole("button", { name: "Sign out" }).isVisible()).toBe(true);
    await screenshot(page, "flow-01-signed-in");
    expect(pageErrors).toEqual([]);
  });

  it("signs out on the server: a browser given the old cookies is sent to sign in", async () => {
    const { context, page } = await newContext();
    await signInByApi(context, ADMIN.email, ADMIN.password);
    const before = await context.cookies();
    await page.goto("/rules");
    await page.getByRole("heading", { name: "Routing rules" }).waitFor();
    await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((u) => u.pathname === "/login");

    const replay = await newContext();
    await replay.context.addCookies(before);
    await replay.page.goto("/rules");
    await replay.page.waitForURL((u) => u.pathname === "/login" && u.searchParams.get("next") === "/rules");
    expect((await replay.context.request.get("/api/rules")).status()).toBe(401);
  });

  it("finds a request sent through the SDK in the explorer and opens its thinking with highlighted spans", async () => {
    review = await send(server, client, REVIEW, "code-review");
    summary = await send(server, client, SUMMARY, "summarize");
    expect(review.tier).toBe("reasoning");
    expect(summary.tier).toBe("standard");

    const { page } = admin;
    await page.goto("/traces");
    await page.getByRole("heading", { name: "Traces", level: 1 }).waitFor();
    const row = traceRow(page, WORD);
    await row.waitFor();
    expect(await row.getByText("reasoning", { exact: true }).isVisible()).toBe(true);
    await row.getByRole("link").click();
    await page.waitForURL(`**/traces/${review.id}`);

    await page.getByRole("heading", { name: "Trace", level: 1 }).waitFor();
    await page.getByText(review.id, { exact: true }).waitFor();
    await page.getByText(REVIEW, { exact: true }).waitFor();

    const thinking = page.getByRole("region", { name: "Thinking", exact: true });
    const marks = thinking.locator("mark[data-kind]");
    await marks.first().waitFor();
    const kind = (await marks.first().getAttribute("data-kind")) as SignalKind;
    const style = SIGNAL_STYLES[kind];
    expect(style, `a known signal kind, not ${kind}`).toBeDefined();
    expect((await marks.first().textContent())!.trim()).not.toBe("");

    // The legend names every kind with its count; the highlighted kind's count is not zero.
    const legend = page.getByRole("group", { name: "Thinking: highlighted signals" });
    for (const k of Object.values(SIGNAL_STYLES)) await legend.getByRole("button", { name: new RegExp(`^${k.label}\\b`) }).waitFor();
    const toggle = legend.getByRole("button", { name: new RegExp(`^${style.label}\\b`) });
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    expect(Number((await toggle.textContent())!.replace(/\D+/g, ""))).toBeGreaterThan(0);
    const ofKind = thinking.locator(`mark[data-kind="${kind}"]`);
    expect(await ofKind.count()).toBeGreaterThan(0);

    // Switching the kind off in the legend removes its highlights, and back on restores them.
    await toggle.click();
    await expect.poll(() => toggle.getAttribute("aria-pressed")).toBe("false");
    await expect.poll(() => ofKind.count()).toBe(0);
    await toggle.click();
    await expect.poll(() => ofKind.count()).toBeGreaterThan(0);

    // Stepping to the first highlighted span.
    await page.getByRole("button", { name: "Next span in thinking" }).click();
    await page.getByText(/^1 \/ \d+$/).waitFor();
    await screenshot(page, "flow-02-trace-detail");
  });

  it("filters the explorer by tier and searches a word of the prompt; the URL carries both", async () => {
    const { page } = admin;
    await page.goto("/traces");
    await traceRow(page, WORD).waitFor();
    await traceRow(page, SUMMARY).waitFor();

    await page.getByLabel("Tier", { exact: true }).selectOption("reasoning");
    await page.waitForURL((u) => u.searchParams.get("tier") === "reasoning");
    await expect.poll(() => traceRow(page, SUMMARY).count()).toBe(0);
    await traceRow(page, WORD).waitFor();

    await page.getByLabel("Search", { exact: true }).fill(WORD);
    await page.getByLabel("Search", { exact: true }).press("Enter");
    await page.waitForURL((u) => u.searchParams.get("q") === WORD && u.searchParams.get("tier") === "reasoning");
    await page.getByText("1 request shown", { exact: false }).waitFor();
    expect(await page.locator("tbody tr").count()).toBe(1);
    await traceRow(page, WORD).waitFor();

    // The URL alone restores the view: reload it.
    const url = page.url();
    await page.reload();
    expect(page.url()).toBe(url);
    await traceRow(page, WORD).waitFor();
    expect(await page.getByLabel("Tier", { exact: true }).inputValue()).toBe("reasoning");
    expect(await page.getByLabel("Search", { exact: true }).inputValue()).toBe(WORD);
    expect(await page.locator("tbody tr").count()).toBe(1);
    await page.getByText(`1 filter and a search for “${WORD}”`).waitFor();

    // A search no prompt matches empties the list.
    await page.getByLabel("Search", { exact: true }).fill("xylophonist");
    await page.getByLabel("Search", { exact: true }).press("Enter");
    await page.getByText("No requests match these filters").waitFor();
    await screenshot(page, "flow-03-traces-filtered");
  });

  it("shows the requests on /costs with a total equal to the sum of their recorded costs, to the cent", async () => {
    const res = await api(server, "/api/requests?limit=200");
    expect(res.status).toBe(200);
    const records = ((await res.json()) as { data: { costTotal: number | null }[] }).data;
    expect(records.length).toBeGreaterThanOrEqual(2);
    const sum = records.reduce((a, r) => a + (r.costTotal ?? 0), 0);
    expect(sum).toBeGreaterThan(0.01);

    const { page } = admin;
    await page.goto("/costs");
    await page.getByRole("heading", { name: "Costs", level: 1 }).waitFor();
    const spend = statValue(page, "Spend");
    await spend.waitFor();
    const shown = (await spend.textContent())!;
    expect(shown).toMatch(/^\$[\d,]+\.\d{2}$/);
    expect(Math.round(Number(shown.replace(/[$,]/g, "")) * 100)).toBe(Math.round(sum * 100));
    expect(await statValue(page, "Requests").textContent()).toBe(String(records.length));

    // Grouping by tier keeps the total and splits it into the two tiers.
    await page.getByRole("radio", { name: "Tier" }).click();
    await page.waitForURL((u) => u.searchParams.get("groupBy") === "tier");
    await page.getByRole("heading", { name: "By tier", exact: true }).waitFor();
    expect(await statValue(page, "Spend").textContent()).toBe(shown);
    await screenshot(page, "flow-04-costs");
  });

  it("adds a rule, replays it over stored traffic, saves it, routes the next request by it, and rolls it back", async () => {
    // Before the rule: the task is unknown to the rules, and this prompt is standard work.
    const before = await send(server, client, TRANSLATE, "e2e-task");
    expect(before.tier).toBe("standard");
    expect(before.stage).not.toBe("rule");

    const { page } = admin;
    await page.goto("/rules");
    await page.getByRole("heading", { name: "Routing rules" }).waitFor();
    await page.getByText("version 1", { exact: true }).waitFor();

    await page.getByRole("button", { name: "Add rule" }).click();
    await page.getByLabel("Name", { exact: true }).fill("E2E task reasons");
    expect(await page.getByLabel("Rule id", { exact: true }).inputValue()).toBe("e2e-task-reasons");
    const tasks = page.getByLabel("Tasks", { exact: true });
    await tasks.fill("e2e-task");
    await tasks.press("Enter");
    await page.getByRole("button", { name: "Remove task e2e-task" }).waitFor();
    await page.getByLabel("Then route to", { exact: true }).selectOption("reasoning");
    const card = page.getByRole("listitem", { name: "Rule 3: E2E task reasons" });
    await card.getByText("task is e2e-task").waitFor();
    await page.getByText("unsaved changes").waitFor();

    // What-if: the earlier e2e-task request would now reason; nothing else changes.
    const records = ((await (await api(server, "/api/requests?limit=200")).json()) as { data: unknown[] }).data.length;
    await page.getByRole("button", { name: "Run replay" }).click();
    const summaryLine = page.getByText(/requests would be routed\s+differently/);
    await summaryLine.waitFor();
    const [, changed, replayed] = /([\d,]+) of ([\d,]+) requests/.exec((await summaryLine.textContent())!)!;
    expect(Number(changed)).toBe(1);
    expect(Number(replayed)).toBe(records);
    expect(await statValue(page, "→ reasoning").textContent()).toBe("1");
    expect(await statValue(page, "→ standard").textContent()).toBe("0");
    const changes = page.getByRole("list", { name: "Changed requests" });
    await changes.getByText(TRANSLATE).waitFor();
    await changes.getByText("by rule e2e-task-reasons", { exact: false }).waitFor();
    // The cost is over the window replayed, which is named; a day's worth only when asked, and labelled an extrapolation.
    await page.getByText(/^Cost over the [\d.]+ (h|days) replayed$/).waitFor();
    await page.getByText(`Window: the last ${records} stored requests`, { exact: false }).waitFor();
    await expect(page.getByText(/per day, extrapolated from/).count()).resolves.toBe(0);
    await page.getByLabel("Extrapolate to a day").check();
    await page.getByText(/per day, extrapolated from [\d.]+ (h|days) of traffic/).waitFor();
    await screenshot(page, "flow-05-rules-replay");

    await page.getByLabel("Note", { exact: true }).fill("e2e: the e2e task needs reasoning");
    await page.getByRole("button", { name: "Save as version 2" }).click();
    await page.getByText("Saved as version 2.").waitFor();
    await page.getByText("version 2", { exact: true }).waitFor();

    const routed = await send(server, client, TRANSLATE, "e2e-task");
    expect(routed.route).toBe("reasoning");
    expect(routed.stage).toBe("rule");
    expect(routed.tier).toBe("reasoning");
    const rec = (await (await api(server, `/api/requests/${routed.id}`)).json()) as { ruleId: string | null };
    expect(rec.ruleId).toBe("e2e-task-reasons");

    // History: version 2 added the rule; roll back to version 1.
    await page.getByRole("tab", { name: "History" }).click();
    const versions = page.getByRole("list", { name: "Rule set versions" });
    await versions.getByRole("button", { name: /^Version 2\b/ }).waitFor();
    await page.getByText("“e2e: the e2e task needs reasoning”").first().waitFor();
    await page.getByRole("list", { name: "Changes" }).getByText("E2E task reasons").waitFor();
    await versions.getByRole("button", { name: /^Version 1\b/ }).click();
    await page.getByRole("button", { name: "Roll back to this version" }).click();
    await page.getByRole("button", { name: "Confirm rollback to 1" }).click();
    await page.getByText("Rolled back: version 3 now has the rules of version 1.").waitFor();
    await versions.getByRole("button", { name: /^Version 3\b/ }).waitFor();
    await screenshot(page, "flow-06-rules-rolled-back");

    const after = await send(server, client, TRANSLATE, "e2e-task");
    expect(after.stage).not.toBe("rule");
    expect(after.tier).toBe("standard");
    expect(after.route).toBe(before.route);
  });

  it("runs a prompt in the playground, signed in: the router's decision, then the standard and the reasoning answers with their costs", async () => {
    await runInPlayground(admin.page, "flow-07-playground");
  });

  it("refuses a viewer the rule editor: read-only on the page, 403 from the API", async () => {
    const created = await api(server, "/api/users", { body: { ...VIEWER, role: "viewer" } });
    expect(created.status).toBe(201);

    const { context, page } = await newContext();
    await page.goto("/login?next=%2Frules");
    await signInThroughForm(page, VIEWER.email, VIEWER.password);
    await page.waitForURL((u) => u.pathname === "/rules");
    await page.getByRole("heading", { name: "Routing rules" }).waitFor();
    await page.getByText("read-only: your role is viewer").waitFor();

    // Rules can be read, not changed.
    await page.getByRole("list", { name: "Rules, in order" }).waitFor();
    expect(await page.getByRole("button", { name: "Add rule" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: /^Save as version/ }).count()).toBe(0);
    expect(await page.getByRole("button", { name: /^Delete / }).count()).toBe(0);
    expect(await page.getByRole("button", { name: /^Edit / }).count()).toBe(0);
    await page.getByRole("button", { name: "View Reasoning tasks" }).click();
    expect(await page.getByLabel("Name", { exact: true }).isDisabled()).toBe(true);
    expect(await page.getByRole("switch", { name: "Enable Reasoning tasks" }).isDisabled()).toBe(true);

    // History shows the versions without a rollback.
    await page.getByRole("tab", { name: "History" }).click();
    const versions = page.getByRole("list", { name: "Rule set versions" });
    await versions.getByRole("button", { name: /^Version 1\b/ }).click();
    await page.getByRole("heading", { name: "Version 1", exact: true }).waitFor();
    expect(await page.getByRole("button", { name: "Roll back to this version" }).count()).toBe(0);
    await screenshot(page, "flow-08-viewer-rules");

    // The API refuses the viewer's session too, even with a valid CSRF token.
    const save = await context.request.post("/api/rules", { data: { rules: [], note: "viewer tries" }, headers: await csrfHeader(context) });
    expect(save.status()).toBe(403);
    expect(((await save.json()) as { error: { type: string } }).error.type).toBe("permission_error");
    const rollback = await context.request.post("/api/rules/rollback", { data: { version: 2 }, headers: await csrfHeader(context) });
    expect(rollback.status()).toBe(403);

    // An admin ends the viewer's sessions on the users page: the viewer's next page load asks them to sign in.
    await admin.page.goto("/settings?tab=users");
    const end = admin.page.getByRole("button", { name: `End sessions of ${VIEWER.email}` });
    await expect.poll(() => end.isEnabled()).toBe(true);
    await end.click();
    await expect.poll(() => end.isDisabled()).toBe(true);
    await screenshot(admin.page, "flow-09-sessions-ended");
    await page.goto("/rules");
    await page.waitForURL((u) => u.pathname === "/login" && u.searchParams.get("next") === "/rules");
  });

  it("changes your own password on /account: a wrong current password is refused, then the other browser is signed out and this one stays in", async () => {
    const user = { email: "owen@example.com", password: "a-long-password-1" };
    expect((await api(server, "/api/users", { body: { ...user, role: "editor" } })).status).toBe(201);
    const other = await newContext();
    await signInByApi(other.context, user.email, user.password);
    const { page, pageErrors } = await newContext();
    await page.goto("/login?next=%2Frules");
    await signInThroughForm(page, user.email, user.password);
    await page.waitForURL((u) => u.pathname === "/rules");
    await page.getByRole("banner").getByRole("link", { name: user.email }).click();
    await page.waitForURL((u) => u.pathname === "/account");
    await page.getByRole("heading", { name: "Your account" }).waitFor();

    await page.getByLabel("Current password", { exact: true }).fill("not-my-password");
    await page.getByLabel("New password", { exact: true }).fill("a-new-password-55");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByRole("alert").filter({ hasText: "the current password is not right" }).waitFor();

    await page.getByLabel("Current password", { exact: true }).fill(user.password);
    await page.getByLabel("New password", { exact: true }).fill("a-new-password-55");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByRole("status").filter({ hasText: "Password changed" }).waitFor();
    await screenshot(page, "flow-10-password-changed");
    // This browser carries on (its session was re-issued); the other one is sent to sign in.
    await page.goto("/rules");
    await page.getByRole("heading", { name: "Routing rules" }).waitFor();
    await other.page.goto("/rules");
    await other.page.waitForURL((u) => u.pathname === "/login");
    expect(pageErrors).toEqual([]);
  });
});

/** The value under a stat's label: the dashboard's cards (label, then value) and the replay's counts (dt, then dd). */
function statValue(page: Page, label: string): Locator {
  return page
    .getByText(label, { exact: true })
    .first()
    .locator("xpath=following-sibling::*[1]");
}

/** Runs one prompt on /playground and checks the decision card and both sides, each with an answer and the cost the gateway recorded. */
async function runInPlayground(page: Page, shot: string): Promise<void> {
  // The run logs nothing to the console: no failed fetch (a 404 while its record is on its way), no error.
  const consoleErrors: string[] = [];
  const onConsole = (m: ConsoleMessage) => {
    if (m.type() === "error") consoleErrors.push(`${m.text()} (${m.location().url})`);
  };
  page.on("console", onConsole);
  try {
    await runAndCheck(page, shot);
  } finally {
    page.off("console", onConsole);
  }
  expect(consoleErrors).toEqual([]);
}

async function runAndCheck(page: Page, shot: string): Promise<void> {
  await page.goto("/playground");
  await page.getByRole("heading", { name: "Playground", level: 1 }).waitFor();
  await page.getByLabel("Prompt", { exact: true }).fill("Plan a three-city trip under $2,000 with no flight before 9am and at least two nights per city.");
  await page.getByRole("button", { name: "Run", exact: true }).click();

  await page.getByRole("heading", { name: "The router's decision" }).waitFor();
  await page.getByText("by stage", { exact: true }).waitFor();

  for (const title of ["Standard", "Reasoning"] as const) {
    const result = page.getByRole("region", { name: `${title} result` });
    const answer = result.getByRole("region", { name: `${title} answer`, exact: true });
    const failed = result.getByText(`The ${title.toLowerCase()} run failed`);
    await answer.or(failed).first().waitFor();
    if (await failed.isVisible()) {
      await screenshot(page, `${shot}-failed`);
      expect.fail(`the ${title.toLowerCase()} run failed in the page: ${(await failed.locator("xpath=..").innerText()).replace(/\s+/g, " ").trim()}`);
    }
    expect((await answer.textContent())!.trim().length).toBeGreaterThan(20);
    // The cost comes from the gateway's record of the run: the same number the trace shows.
    const cost = result.locator("xpath=following-sibling::dl[1]/div[1]/dd");
    await expect.poll(() => cost.textContent(), { timeout: 15_000 }).toMatch(/^\$/);
    const card = page.locator("section", { has: result });
    const href = (await card.getByRole("link", { name: "Open trace →" }).getAttribute("href"))!;
    const id = decodeURIComponent(href.replace("/traces/", ""));
    const rec = (await (await api(server, `/api/requests/${id}`)).json()) as { costTotal: number | null; tier: string };
    expect(rec.tier).toBe(title.toLowerCase());
    expect(await cost.textContent()).toBe(formatUsd(rec.costTotal));
  }
  const thinking = page.getByRole("region", { name: "Reasoning thinking", exact: true });
  expect((await thinking.textContent())!.trim().length).toBeGreaterThan(50);
  await page.getByRole("region", { name: "Standard result" }).getByText("No thinking: this route answers directly.").waitFor();
  await screenshot(page, shot);
}
