/**
 * Settings → Keys in Chromium: a key used by Claude Code shows the client it
 * sees and its client-thinking policy, and an admin switches it to decide
 * through the form; the gateway applies it to the key's next request.
 */
import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { screenshot } from "../support/chromium";
import { api, signedInSuite } from "../support/e2e";

const run = signedInSuite("client-thinking");

describe("client-thinking policy on the Settings page", () => {
  it("shows the client a key sees and its policy, and switches the policy to decide", async () => {
    const created = (await (await api(run.server, "/api/keys", { body: { name: "claude code laptop", role: "gateway" } })).json()) as { id: string; secret: string };
    const cc = new Anthropic({ baseURL: `${run.server.url}/api`, apiKey: created.secret, maxRetries: 0, defaultHeaders: { "user-agent": "claude-cli/2.1.3 (external, cli)" } });
    const explicit = { model: "claude-sonnet-4-6", max_tokens: 4096, thinking: { type: "adaptive" as const }, messages: [{ role: "user" as const, content: "Summarize: the launch moved." }] };
    const before = await cc.messages.create(explicit, { headers: { "thinkgate-task": "summarize" } }).withResponse();
    expect(before.response.headers.get("thinkgate-client-thinking")).toBe("kept");

    const page = run.admin.page;
    await page.goto(`${run.server.url}/settings?tab=keys`);
    const row = page.getByRole("row").filter({ hasText: "claude code laptop" });
    await expect.poll(() => row.textContent()).toContain("Claude Code 2.1.3");
    expect(await row.textContent()).toContain("honour");
    await page.getByRole("button", { name: "Edit client thinking of key claude code laptop" }).click();
    await page.getByLabel("Client thinking", { exact: true }).selectOption("decide");
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect.poll(() => row.textContent()).toContain("decide");
    await screenshot(page, "settings-keys-client-thinking");

    const keys = (await (await api(run.server, "/api/keys")).json()) as { data: { id: string; thinking: { policy: string } }[] };
    expect(keys.data.find((k) => k.id === created.id)!.thinking.policy).toBe("decide");
    // The gateway applies it to the key's next request (the key cache lives 5 s at most; a change clears it).
    const after = await cc.messages.create(explicit, { headers: { "thinkgate-task": "summarize" } }).withResponse();
    expect(after.response.headers.get("thinkgate-client-thinking")).toBe("replaced");
  });
});
