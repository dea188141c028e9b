/**
 * Agent clients through thinkgate, unchanged: the real Claude Code binary
 * (npm @anthropic-ai/claude-code-linux-x64, run directly: npm 11 skips the
 * wrapper package's postinstall) and the Claude Agent SDK, pointed at a
 * thinkgate process whose upstream is the simulator. Nothing leaves the
 * machine: the clients' telemetry, auto-update and other non-essential
 * traffic are off, and their home and config directories are fresh.
 *
 * What is asserted comes from thinkgate's own records: every call of a tool
 * loop is served by one model with one thinking configuration, and the
 * prompt stored for the turn is what the user typed (not Claude Code's
 * system reminders).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { query } from "@anthropic-ai/claude-agent-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../support/server";

const ROOT = path.resolve(__dirname, "../..");
const CLAUDE = path.join(ROOT, "node_modules/@anthropic-ai/claude-code-linux-x64/claude");
const SUPPORTED = process.platform === "linux" && process.arch === "x64";

let server: TestServer;
let work: string;
let home: string;
/** The agents' key: a key of their own with the client-thinking policy the README recommends for Claude Code. */
let agentKey: string;

/**
 * The issue's figures, from the real clients' records: calls of a tool loop
 * served by another model or thinking configuration than the loop's first
 * call, and background calls (no tools) sent to reasoning. Printed at the end.
 */
const tally = { loops: 0, loopCalls: 0, offConfiguration: 0, background: 0, backgroundToReasoning: 0 };

interface StoredRecord {
  id: string;
  stage: string;
  tier: string;
  requestedModel: string;
  servedModel: string;
  thinkingConfig: { thinking?: { type: string; budget_tokens?: number } } | null;
  maxTokensSent: number | null;
  prompt: string | null;
  messageCount: number;
  hasTools: boolean;
  status: string;
  stopReason: string | null;
  errorMessage: string | null;
  conversationKey: string | null;
}

async function api<T>(p: string): Promise<T> {
  const res = await fetch(`${server.url}${p}`, { headers: { "x-api-key": server.adminKey } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

const recordIds = async () => (await api<{ data: { id: string }[] }>("/api/requests?limit=200")).data.map((r) => r.id);

/** Runs `fn` and returns the records of the requests it made, oldest first (records are written asynchronously). */
async function recordsOf(fn: () => Promise<unknown>): Promise<StoredRecord[]> {
  const before = new Set(await recordIds());
  await fn();
  // The recorder writes within milliseconds; wait until the count is stable.
  let ids: string[] = [];
  for (let i = 0, stable = 0; i < 100 && stable < 3; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = (await recordIds()).filter((id) => !before.has(id));
    stable = now.length === ids.length && now.length > 0 ? stable + 1 : 0;
    ids = now;
  }
  const records = await Promise.all(ids.map((id) => api<StoredRecord>(`/api/requests/${id}`)));
  return records.reverse();
}

/** The environment a team sets for Claude Code (README: "Claude Code and the Agent SDK through thinkgate"), and nothing else. */
function clientEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    CLAUDE_CONFIG_DIR: path.join(home, ".claude"),
    ANTHROPIC_BASE_URL: server.baseURL,
    ANTHROPIC_API_KEY: agentKey,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    ...extra,
  };
}

interface ClaudeResult {
  type: string;
  subtype: string;
  is_error: boolean;
  result: string;
  num_turns: number;
  session_id: string;
  modelUsage: Record<string, unknown>;
}

/** `claude -p PROMPT --output-format json` in the work directory. */
function claude(args: string[], env: Record<string, string> = {}): Promise<ClaudeResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(CLAUDE, [...args, "--output-format", "json", "--allowedTools", "Read"], { cwd: work, env: clientEnv(env) as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => proc.kill("SIGKILL"), 90_000);
    proc.on("close", (code) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out) as ClaudeResult);
      } catch {
        reject(new Error(`claude exited ${code}; stdout: ${out.slice(0, 2000)}; stderr: ${err.slice(0, 2000)}`));
      }
    });
  });
}

/** Every call of a tool loop has the model and thinking configuration of its first call (counted for the figures, then asserted). */
function assertOneConfiguration(loop: StoredRecord[]) {
  const first = JSON.stringify([loop[0]!.servedModel, loop[0]!.thinkingConfig]);
  tally.loops++;
  tally.loopCalls += loop.length;
  tally.offConfiguration += loop.filter((r) => JSON.stringify([r.servedModel, r.thinkingConfig]) !== first).length;
  const configs = new Set(loop.map((r) => JSON.stringify([r.servedModel, r.thinkingConfig])));
  expect([...configs], "every call of the loop is served by one model with one thinking configuration").toHaveLength(1);
}

/** Background calls (titles, summaries: no tools) go standard. */
function assertBackgroundStandard(records: StoredRecord[]) {
  const background = records.filter((r) => !r.hasTools);
  tally.background += background.length;
  tally.backgroundToReasoning += background.filter((r) => r.tier === "reasoning").length;
  for (const r of background) expect(r.tier, `background call ${r.id}`).toBe("standard");
}

beforeAll(async () => {
  if (SUPPORTED) expect(fs.existsSync(CLAUDE), `${CLAUDE} is missing: npm ci installs @anthropic-ai/claude-code-linux-x64`).toBe(true);
  server = await startServer();
  const created = await fetch(`${server.url}/api/keys`, {
    method: "POST",
    headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
    body: JSON.stringify({ name: "claude code", role: "gateway", thinking: { policy: "decide" } }),
  });
  expect(created.status).toBe(201);
  agentKey = ((await created.json()) as { secret: string }).secret;
  work = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-agent-work-"));
  home = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-agent-home-"));
  fs.writeFileSync(path.join(work, "notes.txt"), "The deploy is on Friday at 10:00, after the schema migration.\n");
  fs.writeFileSync(path.join(work, "owners.txt"), "Payments is owned by Ana; search by Tomás.\n");
});

afterAll(async () => {
  if (tally.loops) {
    console.log(
      `real agent clients: ${tally.loops} tool loops, ${tally.loopCalls} calls; calls served by another model or thinking configuration than their loop's first: ${tally.offConfiguration}; background calls: ${tally.background}, sent to reasoning: ${tally.backgroundToReasoning}`,
    );
  }
  await server?.stop();
  for (const dir of [work, home]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!SUPPORTED)("the real Claude Code binary through thinkgate", () => {
  it("-p with JSON output answers a plain prompt; the stored prompt is the user's text, not Claude Code's reminders", async () => {
    let result: ClaudeResult | undefined;
    const records = await recordsOf(async () => (result = await claude(["-p", "Explain in two sentences what a database index is for."])));
    expect(result).toMatchObject({ type: "result", subtype: "success", is_error: false, num_turns: 1 });
    expect(result!.result.length).toBeGreaterThan(20);
    assertBackgroundStandard(records);
    const turn = records.filter((r) => r.hasTools);
    expect(turn).toHaveLength(1);
    expect(turn[0]).toMatchObject({ status: "ok", prompt: "Explain in two sentences what a database index is for.", stopReason: "end_turn" });
  });

  it("--permission-mode plan: the safeguards Claude Code sends with it are accepted, with no failed first call", async () => {
    const prompt = "Plan how to add an index to the orders table.";
    let result: ClaudeResult | undefined;
    const records = await recordsOf(async () => (result = await claude(["-p", prompt, "--permission-mode", "plan"])));
    expect(result).toMatchObject({ subtype: "success", is_error: false });
    // Each call of the session answered: the first one was a 400 ("safeguards: Extra inputs are not permitted"), which Claude Code retried without them.
    expect(records.map((r) => [r.status, r.errorMessage])).toEqual(records.map(() => ["ok", null]));
    expect(records.filter((r) => r.hasTools)).toHaveLength(1);
  });

  it("a Read tool loop: Claude Code reads the file, and every call of the loop has one model and one thinking configuration", async () => {
    const prompt = `Read ${path.join(work, "notes.txt")} and tell me when the deploy is.`;
    let result: ClaudeResult | undefined;
    const records = await recordsOf(async () => (result = await claude(["-p", prompt])));
    expect(result).toMatchObject({ subtype: "success", is_error: false, num_turns: 2 });
    // The answer is built on what the Read tool returned from disk.
    expect(result!.result).toContain("Friday at 10:00");
    assertBackgroundStandard(records);
    const loop = records.filter((r) => r.hasTools);
    expect(loop.map((r) => r.stopReason)).toEqual(["tool_use", "end_turn"]);
    for (const r of loop) expect(r).toMatchObject({ status: "ok", prompt });
    expect(loop[1]!.stage).toBe("pinned");
    assertOneConfiguration(loop);
  });

  it("MAX_THINKING_TOKENS: a budget-thinking model gets a budget under max_tokens, and the loop keeps one configuration", async () => {
    const prompt = `Read ${path.join(work, "owners.txt")} and tell me who owns payments.`;
    let result: ClaudeResult | undefined;
    // Larger than Claude Code's max_tokens: it must clamp, and thinkgate must not turn that into a 400 (budget ≥ max_tokens).
    const records = await recordsOf(async () => (result = await claude(["-p", prompt, "--model", "claude-sonnet-4-5"], { MAX_THINKING_TOKENS: "40000" })));
    expect(result).toMatchObject({ subtype: "success", is_error: false, num_turns: 2 });
    expect(result!.result).toContain("Ana");
    assertBackgroundStandard(records);
    const loop = records.filter((r) => r.hasTools);
    expect(loop).toHaveLength(2);
    for (const r of loop) {
      expect(r).toMatchObject({ status: "ok", requestedModel: "claude-sonnet-4-5", prompt });
      const budget = r.thinkingConfig?.thinking?.type === "enabled" ? r.thinkingConfig.thinking.budget_tokens! : 0;
      expect(budget).toBeLessThan(r.maxTokensSent!);
    }
    assertOneConfiguration(loop);
  });

  it("--continue goes on with the last session: its thinking blocks are accepted back, and the new turn's prompt is stored", async () => {
    const first = await claude(["-p", `Read ${path.join(work, "notes.txt")} and summarise it for the release notes.`]);
    expect(first).toMatchObject({ subtype: "success", is_error: false });
    let next: ClaudeResult | undefined;
    const records = await recordsOf(async () => (next = await claude(["--continue", "-p", "Now say it in one line."])));
    expect(next).toMatchObject({ subtype: "success", is_error: false, session_id: first.session_id });
    assertBackgroundStandard(records);
    const turn = records.filter((r) => r.hasTools);
    expect(turn).toHaveLength(1);
    // The whole first session (question, tool call, tool result, answer) came along.
    expect(turn[0]).toMatchObject({ status: "ok", prompt: "Now say it in one line." });
    expect(turn[0]!.messageCount).toBeGreaterThanOrEqual(5);
  });

  it("--model between turns: each turn is served on the model it asked for, and the thread view shows the session as one conversation", async () => {
    const first = await recordsOf(() => claude(["-p", `Read ${path.join(work, "notes.txt")} and tell me when the deploy is.`, "--model", "claude-sonnet-4-6"]));
    const loop = first.filter((r) => r.hasTools);
    expect(loop).toHaveLength(2);
    const next = await recordsOf(() => claude(["--continue", "-p", "Who should I tell?", "--model", "claude-haiku-4-5"]));
    const turn = next.filter((r) => r.hasTools);
    expect(turn).toHaveLength(1);
    expect(turn[0]).toMatchObject({ status: "ok", requestedModel: "claude-haiku-4-5", servedModel: "claude-haiku-4-5", prompt: "Who should I tell?" });
    const thread = await api<{ calls: number; models: string[]; turns: { calls: { id: string }[] }[] }>(`/api/traces/${turn[0]!.id}/thread`);
    // It was a thread of one call: the requested model was part of the key records are grouped by.
    expect(thread.turns.map((t) => t.calls.map((c) => c.id))).toEqual([loop.map((r) => r.id), [turn[0]!.id]]);
    expect(thread.models).toEqual(["claude-sonnet-4-6", "claude-haiku-4-5"]);
  });

  it("two sessions that open with the same words are two threads, each with its own calls", async () => {
    const prompt = `Read ${path.join(work, "owners.txt")} and tell me who owns payments and search.`;
    const sessions: StoredRecord[][] = [];
    for (let i = 0; i < 2; i++) sessions.push((await recordsOf(() => claude(["-p", prompt, "--model", "claude-sonnet-4-6"]))).filter((r) => r.hasTools));
    for (const calls of sessions) {
      expect(calls).toHaveLength(2);
      const thread = await api<{ turns: { calls: { id: string }[] }[] }>(`/api/traces/${calls[1]!.id}/thread`);
      // It was one thread of both sessions' four calls, in two turns (by message count, then time), the sessions' calls mixed.
      expect(thread.turns.map((t) => t.calls.map((c) => c.id))).toEqual([calls.map((r) => r.id)]);
    }
  });

  it("on a preserved-thinking model, a session's next turn keeps its own first configuration, not that of another session that opened with the same words", async () => {
    // Sonnet 5.5 binds thinking blocks to the conversation: a conversation keeps its first configuration on every turn.
    const prompt = `Read ${path.join(work, "notes.txt")} and tell me what comes before the deploy.`;
    const model = ["--model", "claude-sonnet-5-5"];
    const other = (await recordsOf(() => claude(["-p", prompt, ...model], { ANTHROPIC_CUSTOM_HEADERS: "thinkgate-tier: standard" }))).filter((r) => r.hasTools);
    const mine = (await recordsOf(() => claude(["-p", prompt, ...model], { ANTHROPIC_CUSTOM_HEADERS: "thinkgate-tier: reasoning" }))).filter((r) => r.hasTools);
    expect(other[0]).toMatchObject({ status: "ok", tier: "standard" });
    expect(mine[0]).toMatchObject({ status: "ok", tier: "reasoning" });
    const next = (await recordsOf(() => claude(["--continue", "-p", "Thanks. And after it?", ...model]))).filter((r) => r.hasTools);
    expect(next).toHaveLength(1);
    // It was served on the other session's configuration (thinking between tools only), the first written under their shared key.
    expect(next[0]).toMatchObject({ status: "ok", stage: "pinned", tier: "reasoning", thinkingConfig: mine[0]!.thinkingConfig, prompt: "Thanks. And after it?" });
  });

  it("a session that loaded tools with ToolSearch goes on as one conversation: its thinking blocks stay valid, and the next turn is in its thread, on its configuration", async () => {
    // Claude Code adds the tools ToolSearch loads (defer_loading) to the tools of its next requests; Sonnet 5.5 binds thinking blocks to their prefix.
    const model = ["--model", "claude-sonnet-5-5"];
    const prompt = "Use ToolSearch with select:WebFetch, then tell me what it does.";
    const loop = (await recordsOf(() => claude(["-p", prompt, ...model], { ANTHROPIC_CUSTOM_HEADERS: "thinkgate-tier: reasoning" }))).filter((r) => r.hasTools);
    // The continuation was refused ("The block is bound to a different conversation") and retried without its thinking, refused again.
    expect(loop.map((r) => [r.status, r.stopReason, r.tier])).toEqual([["ok", "tool_use", "reasoning"], ["ok", "end_turn", "reasoning"]]);
    assertOneConfiguration(loop);
    const next = (await recordsOf(() => claude(["--continue", "-p", "Thanks. Which one should I use?", ...model]))).filter((r) => r.hasTools);
    expect(next).toHaveLength(1);
    // It was a new conversation, in a thread of its own.
    expect(next[0]).toMatchObject({ status: "ok", stage: "pinned", tier: "reasoning", thinkingConfig: loop[0]!.thinkingConfig, conversationKey: loop[0]!.conversationKey, prompt: "Thanks. Which one should I use?" });
  });

  it("/compact: the compaction is a background call (standard, no classifier) in the session's conversation, and the next prompt is the user's words", async () => {
    // A session on a model whose earlier thinking the API strips (a new turn may be routed anew): a tool loop, then a turn of plain text.
    const session = await recordsOf(() => claude(["-p", `Read ${path.join(work, "owners.txt")} and tell me who owns search.`, "--model", "claude-sonnet-4-6"]));
    const loop = session.filter((r) => r.hasTools);
    expect(loop.length).toBeGreaterThanOrEqual(2);
    expect(await claude(["--continue", "-p", "Who owns payments?", "--model", "claude-sonnet-4-6"])).toMatchObject({ subtype: "success", is_error: false });

    let result: ClaudeResult | undefined;
    const compacting = await recordsOf(async () => (result = await claude(["--continue", "-p", "/compact", "--model", "claude-sonnet-4-6"])));
    expect(result).toMatchObject({ subtype: "success", is_error: false });
    // Claude Code keeps the session's tools on its compaction call (for its prompt cache) and asks for the summary in a user message of its own.
    const compaction = compacting.filter((r) => r.hasTools && /detailed summary of the conversation so far/.test(r.prompt ?? ""));
    expect(compaction.length).toBeGreaterThanOrEqual(1);
    // Its long, structured instruction scored as reasoning at the maximum budget tier: the most expensive configuration, for a summary.
    for (const r of compaction) expect(r, `compaction call ${r.id}`).toMatchObject({ status: "ok", stage: "background", tier: "standard", conversationKey: loop[0]!.conversationKey });
    assertBackgroundStandard(compacting);

    // The next prompt comes after the command's caveat, name and output; those were routed as if the user had typed them (reasoning, for this short prompt).
    const next = await recordsOf(() => claude(["--continue", "-p", "Now say it in one line.", "--model", "claude-sonnet-4-6"]));
    const turn = next.filter((r) => r.hasTools);
    expect(turn).toHaveLength(1);
    expect(turn[0]).toMatchObject({ status: "ok", prompt: "Now say it in one line.", tier: "standard", stage: "classifier" });
    // The session goes on in its thread: the conversation now opens with the summary, not the session's first message, and was a thread of its own.
    expect(turn[0]!.conversationKey).toBe(loop[0]!.conversationKey);
    const thread = await api<{ turns: { calls: { id: string }[] }[] }>(`/api/traces/${turn[0]!.id}/thread`);
    const threadCalls = thread.turns.flatMap((t) => t.calls.map((c) => c.id));
    for (const r of compaction) expect(threadCalls, `compaction call ${r.id}`).toContain(r.id);
    // In the order they were made, though the conversation after the compaction has fewer messages.
    expect(threadCalls.slice(0, loop.length)).toEqual(loop.map((r) => r.id));
    expect(threadCalls.at(-1)).toBe(turn[0]!.id);
  });
});

describe.skipIf(!SUPPORTED)("the Claude Agent SDK through thinkgate", () => {
  async function run(prompt: string, env: Record<string, string | undefined> = clientEnv()) {
    const messages: Record<string, unknown>[] = [];
    const records = await recordsOf(async () => {
      for await (const m of query({ prompt, options: { cwd: work, env, allowedTools: ["Read"], maxTurns: 4 } })) messages.push(m as Record<string, unknown>);
    });
    const result = messages.find((m) => m.type === "result") as { subtype: string; is_error: boolean; result: string; num_turns: number } | undefined;
    return { result, records, messages };
  }

  it("answers a plain query with the key in ANTHROPIC_AUTH_TOKEN (sent as Bearer); the stored prompt is the user's text", async () => {
    const prompt = "In one sentence, what does a load balancer do?";
    const { result, records } = await run(prompt, { ...clientEnv(), ANTHROPIC_API_KEY: undefined, ANTHROPIC_AUTH_TOKEN: agentKey });
    expect(result).toMatchObject({ subtype: "success", is_error: false, num_turns: 1 });
    expect(result!.result.length).toBeGreaterThan(20);
    assertBackgroundStandard(records);
    const turn = records.filter((r) => r.hasTools);
    expect(turn).toHaveLength(1);
    expect(turn[0]).toMatchObject({ status: "ok", prompt });
  });

  it("runs a Read tool loop on one model and one thinking configuration", async () => {
    const prompt = `Read ${path.join(work, "owners.txt")} and tell me who owns search.`;
    const { result, records, messages } = await run(prompt);
    expect(result).toMatchObject({ subtype: "success", is_error: false, num_turns: 2 });
    expect(result!.result).toContain("Tomás");
    // The SDK saw the tool call and its result.
    const toolUse = messages.flatMap((m) => ((m.message as { content?: { type: string; name?: string }[] } | undefined)?.content ?? [])).find((b) => b.type === "tool_use");
    expect(toolUse?.name).toBe("Read");
    assertBackgroundStandard(records);
    const loop = records.filter((r) => r.hasTools);
    expect(loop.map((r) => r.stopReason)).toEqual(["tool_use", "end_turn"]);
    for (const r of loop) expect(r).toMatchObject({ status: "ok", prompt });
    assertOneConfiguration(loop);
  });
});
