import { describe, expect, it } from "vitest";
import { decide, threadPinKey, toolUsePinKey, turnPinKey, type RoutingSnapshot } from "./pipeline";
import { toRoutable, type MessagesBody } from "./request";
import { compileRule, ruleSetSchema, type Rule } from "./rules";
import { testSnapshot } from "./test-snapshot";
import type { PinnedConfig } from "./types";

const rules: Rule[] = ruleSetSchema.parse([
  { id: "r-task", name: "reasoning tasks", when: { tasks: ["code-review", "math"] }, then: { routeId: "reasoning" } },
  { id: "r-off", name: "disabled", enabled: false, when: {}, then: { routeId: "reasoning" } },
  { id: "r-words", name: "security words", when: { promptContains: ["threat model", "CVE"] }, then: { routeId: "reasoning" } },
  { id: "r-long", name: "long prompts", when: { minPromptChars: 5000 }, then: { routeId: "reasoning" } },
  { id: "r-tools", name: "tool users", when: { hasTools: true, models: ["claude-haiku-4-5"] }, then: { routeId: "standard" } },
]);

function snapshot(extra: Partial<RoutingSnapshot> = {}): RoutingSnapshot {
  return testSnapshot({
    rules: rules.map(compileRule),
    apps: new Map([
      ["legal-review", { name: "legal-review", tier: "reasoning", routeId: null }],
      ["faq-bot", { name: "faq-bot", tier: "standard", routeId: null }],
      ["mixed", { name: "mixed", tier: "auto", routeId: null }],
    ]),
    ...extra,
  });
}

const body = (content: string, extra: Partial<MessagesBody> = {}): MessagesBody => ({
  model: "claude-sonnet-4-6",
  max_tokens: 1000,
  messages: [{ role: "user", content }],
  ...extra,
});

const noPins = { get: () => undefined };

async function run(b: MessagesBody, headers: Record<string, string> = {}, snap = snapshot(), pins: { get(k: string): PinnedConfig | undefined } = noPins) {
  return decide(await toRoutable(b, headers), snap, pins);
}

describe("routing pipeline", () => {
  it("override wins over everything else", async () => {
    const d = await run(body("hi"), { "thinkgate-tier": "reasoning", "thinkgate-task": "summarize", "thinkgate-app": "faq-bot" });
    expect(d).toMatchObject({ stage: "override", tier: "reasoning", route: { id: "reasoning" } });
    const s = await run(body("prove it"), { "thinkgate-tier": "standard", "thinkgate-task": "math" });
    expect(s).toMatchObject({ stage: "override", tier: "standard" });
  });

  it("a prompt-cache pre-warm (max_tokens 0) goes as sent, whatever would route it: a forced tier, a rule, an app", async () => {
    const cases: Record<string, string>[] = [{ "thinkgate-tier": "reasoning" }, { "thinkgate-task": "math" }, { "thinkgate-app": "legal-review" }, {}];
    for (const headers of cases) {
      const d = await run(body("Prove that the square root of 2 is irrational, step by step.", { max_tokens: 0 }), headers);
      expect(d, JSON.stringify(headers)).toMatchObject({ stage: "client", tier: "standard", route: null });
      expect(d.reason).toMatch(/pre-warm/);
    }
    expect((await run(body("x", { max_tokens: 1 }), { "thinkgate-task": "math" })).stage).toBe("rule");
  });

  it("auto override falls through to the other stages", async () => {
    const d = await run(body("x"), { "thinkgate-tier": "auto", "thinkgate-task": "math" });
    expect(d.stage).toBe("rule");
  });

  it("context: an app that always reasons, one that never does, and one that lets rules decide", async () => {
    expect(await run(body("x"), { "thinkgate-app": "legal-review" })).toMatchObject({ stage: "context", tier: "reasoning" });
    expect(await run(body("x"), { "thinkgate-app": "FAQ-BOT", "thinkgate-task": "math" })).toMatchObject({ stage: "context", tier: "standard" });
    expect(await run(body("x"), { "thinkgate-app": "mixed", "thinkgate-task": "math" })).toMatchObject({ stage: "rule" });
  });

  it("rules: first enabled match wins, with the rule id and a readable reason", async () => {
    const d = await run(body("x"), { "thinkgate-task": "code-review" });
    expect(d).toMatchObject({ stage: "rule", ruleId: "r-task", tier: "reasoning" });
    expect(d.reason).toContain("code-review");
    expect(await run(body("Please write a threat model for our login flow"))).toMatchObject({ ruleId: "r-words" });
    expect(await run(body("a".repeat(5000)))).toMatchObject({ ruleId: "r-long" });
    expect(await run(body("x", { model: "claude-haiku-4-5", tools: [{ name: "t", input_schema: {} }] }))).toMatchObject({ ruleId: "r-tools" });
  });

  it("keywords match whole words only", async () => {
    expect((await run(body("the CVEs list"))).stage).toBe("default");
    expect((await run(body("see cve, then patch"))).ruleId).toBe("r-words");
  });

  it("falls back to the default route", async () => {
    expect(await run(body("hello there"))).toMatchObject({ stage: "default", tier: "standard", route: { id: "standard" } });
  });

  it("uses the classifier for prompts no rule covers, before the default", async () => {
    const snap = snapshot({ classify: () => ({ tier: "reasoning", score: 0.91, threshold: 0.5, reason: "scored 0.91" }) });
    expect(await run(body("hello"), {}, snap)).toMatchObject({ stage: "classifier", tier: "reasoning", score: 0.91, threshold: 0.5 });
    expect(await run(body("x"), { "thinkgate-task": "math" }, snap)).toMatchObject({ stage: "rule" });
  });

  it("escalates an ambiguous standard decision to the escalation policy's own route when it names one, else to the reasoning tier's", async () => {
    const { DEFAULT_POLICY } = await import("./escalation");
    const { testRoute } = await import("./test-snapshot");
    const classify = () => ({ tier: "standard" as const, score: 0.55, threshold: 0.6, reason: "scored 0.55", ambiguous: true });
    const routes = new Map(testSnapshot().routes).set("reasoning-deep", testRoute("reasoning-deep", "reasoning", "claude-opus-4-7"));
    const named = snapshot({ classify, routes, escalation: { enabled: true, policy: { ...DEFAULT_POLICY, toRouteId: "reasoning-deep" } } });
    expect((await run(body("hello"), {}, named)).escalation?.toRouteId).toBe("reasoning-deep");
    const unnamed = snapshot({ classify, routes, escalation: { enabled: true, policy: DEFAULT_POLICY } });
    expect((await run(body("hello"), {}, unnamed)).escalation?.toRouteId).toBe("reasoning");
  });

  describe("conversation pinning", () => {
    const withThinking = body("", {
      messages: [
        { role: "user", content: "first" },
        { role: "assistant", content: [{ type: "thinking", thinking: "hmm", signature: "sig" }, { type: "text", text: "answer" }] },
        { role: "user", content: "and now summarize" },
      ],
    });
    const toolLoop = body("", {
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "w", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "sunny" }] },
      ],
    });
    const pin: PinnedConfig = { routeId: "reasoning", model: "claude-opus-4-7", thinking: { type: "adaptive", display: "summarized" }, effort: "high" };

    it("decides a new user turn anew on a model whose earlier thinking the API strips", async () => {
      const pins = { get: () => pin };
      expect(await run(withThinking, { "thinkgate-task": "math" }, snapshot(), pins)).toMatchObject({ stage: "rule", tier: "reasoning" });
      expect(await run(withThinking, { "thinkgate-tier": "standard" }, snapshot(), pins)).toMatchObject({ stage: "override" });
    });

    it("keeps a conversation on a model that binds its thinking blocks (preserved thinking), even against a rule or an override", async () => {
      const bound: PinnedConfig = { routeId: "reasoning", model: "claude-fable-5-2", thinking: { type: "adaptive", display: "summarized" }, effort: "high" };
      const pins = { get: (k: string) => (k.startsWith("c:") ? bound : undefined) };
      expect(await run(withThinking, { "thinkgate-task": "summarize" }, snapshot(), pins)).toMatchObject({ stage: "pinned", tier: "reasoning", pinned: bound });
      expect(await run(withThinking, { "thinkgate-tier": "standard" }, snapshot(), pins)).toMatchObject({ stage: "pinned" });
      // Unknown to thinkgate, on such a model: forwarded as the client sent it.
      expect(await run({ ...withThinking, model: "claude-fable-5-2" }, { "thinkgate-task": "math" })).toMatchObject({ stage: "pinned", route: null });
    });

    it("decides anew a forced tool call the bound model refuses with its thinking on; keeps one it takes", async () => {
      const forced = { ...withThinking, tools: [{ name: "w", input_schema: { type: "object" } }], tool_choice: { type: "tool", name: "w" } } as MessagesBody;
      for (const model of ["claude-opus-5-5", "claude-fable-5-1", "claude-sonnet-5-5"]) {
        const bound: PinnedConfig = { routeId: "reasoning", model, thinking: { type: "adaptive", display: "summarized" }, effort: "high" };
        const pins = { get: (k: string) => (k.startsWith("c:") ? bound : undefined) };
        expect(await run(forced, { "thinkgate-task": "math" }, snapshot(), pins)).toMatchObject({ stage: "rule", tier: "reasoning" });
        expect(await run({ ...forced, tool_choice: { type: "auto" } }, { "thinkgate-task": "math" }, snapshot(), pins)).toMatchObject({ stage: "pinned", pinned: bound });
      }
      // Fable 5.2 takes a forced tool_choice with adaptive thinking (it skips thinking for the call): kept.
      const fable52: PinnedConfig = { routeId: "reasoning", model: "claude-fable-5-2", thinking: { type: "adaptive", display: "summarized" }, effort: "high" };
      expect(await run(forced, { "thinkgate-task": "math" }, snapshot(), { get: (k: string) => (k.startsWith("c:") ? fable52 : undefined) })).toMatchObject({ stage: "pinned" });
    });

    it("keeps a pending tool_result on its turn's configuration, even against an override", async () => {
      // The turn as the API needs it with thinking on: opening with its thinking block (echoed, or put back by thinkgate).
      const echoed = { ...toolLoop, messages: toolLoop.messages.map((m) => (m.role === "assistant" ? { ...m, content: [{ type: "thinking", thinking: "hmm", signature: "sig" }, ...(m.content as object[])] } : m)) } as MessagesBody;
      const key = turnPinKey((await toRoutable(echoed, {})).turnKey);
      const pins = { get: (k: string) => (k === key ? pin : undefined) };
      expect(await run(echoed, { "thinkgate-task": "math" }, snapshot(), pins)).toMatchObject({ stage: "pinned", pinned: pin });
      expect(await run(echoed, { "thinkgate-tier": "standard" }, snapshot(), pins)).toMatchObject({ stage: "pinned", pinned: pin });
      // Found by its tool call's own pin (thinkgate answered that call): kept, whatever the turn carries.
      const callPins = { get: (k: string) => (k === toolUsePinKey("", "t1") ? pin : undefined) };
      expect(await run(toolLoop, { "thinkgate-tier": "standard" }, snapshot(), callPins)).toMatchObject({ stage: "pinned", pinned: pin });
    });

    it("forwards as sent a tool loop whose calls thinkgate did not answer, with no thinking block, when the turn's pin thinks (it was the API's certain 400)", async () => {
      const key = turnPinKey((await toRoutable(toolLoop, {})).turnKey);
      const pins = { get: (k: string) => (k === key ? pin : undefined) };
      const d = await run(toolLoop, { "thinkgate-task": "math" }, snapshot(), pins);
      expect(d).toMatchObject({ stage: "pinned", route: null, tier: "standard" });
      expect(d.pinned).toBeUndefined();
      // A turn pin without thinking is kept: nothing in the turn conflicts with it.
      const plain: PinnedConfig = { routeId: "standard", model: "claude-sonnet-4-6" };
      expect(await run(toolLoop, {}, snapshot(), { get: (k: string) => (k === key ? plain : undefined) })).toMatchObject({ stage: "pinned", pinned: plain });
    });

    it("keeps a server-held thread's continuation on the configuration of the answer it resumes, found by that answer's id", async () => {
      const continuation = { ...toolLoop, messages: toolLoop.messages.slice(-1), thread: { type: "continue", previous_message_id: "msg_01first" } } as MessagesBody;
      const pins = { get: (k: string) => (k === threadPinKey("msg_01first") ? pin : undefined) };
      expect(await run(continuation, { "thinkgate-tier": "standard" }, snapshot(), pins)).toMatchObject({ stage: "pinned", pinned: pin });
      // A thread thinkgate did not start: forwarded as sent, never routed anew onto another model.
      expect(await run(continuation, { "thinkgate-task": "math" })).toMatchObject({ stage: "pinned", route: null });
      // Starting a thread is routed as any request.
      expect(await run({ ...toolLoop, messages: toolLoop.messages.slice(0, 1), thread: { type: "create" } } as MessagesBody, { "thinkgate-task": "math" })).toMatchObject({ stage: "rule" });
    });

    it("forwards an unknown conversation as sent", async () => {
      const d = await run(toolLoop, { "thinkgate-task": "math" });
      expect(d).toMatchObject({ stage: "pinned", route: null, tier: "standard" });
    });

    it("identifies a conversation by its fixed prefix", async () => {
      const a = await toRoutable(withThinking, {});
      const b = await toRoutable({ ...withThinking, messages: withThinking.messages.slice(0, 1) }, {});
      const c = await toRoutable({ ...withThinking, system: "other" }, {});
      expect(a.conversationKey).toBe(b.conversationKey);
      expect(a.conversationKey).not.toBe(c.conversationKey);
    });
  });

  it("sends background calls of agent clients to standard without asking the classifier", async () => {
    let asked = 0;
    const snap = snapshot({ classify: () => (asked++, { tier: "reasoning", score: 0.9, threshold: 0.5, reason: "scored" }) });
    const cc = { "user-agent": "claude-cli/2.1.3 (external, cli)" };
    const title = body("<system-reminder>ctx</system-reminder>Please write a 5-10 word title for the following conversation: design a cache", { max_tokens: 512 });
    expect(await run(title, cc, snap)).toMatchObject({ stage: "background", tier: "standard" });
    expect(asked).toBe(0);
    // The same client's main loop (tools) is routed as usual, on the user's words only.
    const main = body("", { tools: [{ name: "Read", input_schema: { type: "object" } }], messages: [{ role: "user", content: [{ type: "text", text: "<system-reminder>threat model CVE</system-reminder>" }, { type: "text", text: "hello" }] }] });
    const r = await toRoutable(main, cc);
    expect(r.prompt).toBe("hello");
    expect(await run(main, cc, snap)).toMatchObject({ stage: "classifier" });
    expect(asked).toBe(1);
    // A plain SDK client without tools is not a background call.
    expect(await run(body("hello"), {}, snap)).toMatchObject({ stage: "classifier" });
    // Claude Code's compaction keeps the session's tools, and is a summary all the same; a plain client's identical request is not.
    const compact = body("", {
      tools: [{ name: "Read", input_schema: { type: "object" } }],
      messages: [
        { role: "user", content: "design a cache" },
        { role: "assistant", content: "Here is a design." },
        { role: "user", content: "CRITICAL: Respond with TEXT ONLY. Do NOT call any tools.\n\nYour task is to create a detailed summary of the conversation so far, paying close attention to the user's explicit requests and your previous actions." },
      ],
    });
    expect(await run(compact, cc, snap)).toMatchObject({ stage: "background", tier: "standard" });
    expect(asked).toBe(2);
    expect(await run(compact, {}, snap)).toMatchObject({ stage: "classifier" });
  });

  it("a rule naming a missing route is a configuration error, not a silent default", async () => {
    const snap = snapshot({ rules: [compileRule(ruleSetSchema.parse([{ id: "x", name: "x", when: {}, then: { routeId: "nope" } }])[0]!)] });
    await expect(run(body("x"), {}, snap)).rejects.toThrow(/route "nope" does not exist/);
  });
});

describe("rule validation", () => {
  it("rejects duplicate ids, bad ids, unknown fields and inverted bounds with clear messages", () => {
    const r = ruleSetSchema.safeParse([
      { id: "a", name: "a", when: {}, then: { routeId: "s" } },
      { id: "a", name: "b", when: { minPromptChars: 10, maxPromptChars: 5 }, then: { routeId: "s" } },
      { id: "bad id", name: "c", when: { colour: "red" }, then: { routeId: "s" } },
    ]);
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => i.message).join(" | ");
    expect(messages).toMatch(/duplicate rule id "a"/);
    expect(messages).toMatch(/minPromptChars is greater than maxPromptChars/);
    expect(messages).toMatch(/letters, digits/);
    expect(r.error!.issues.some((i) => i.code === "unrecognized_keys")).toBe(true);
  });
});
