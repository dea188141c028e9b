/**
 * Builds the simulator's answer to a validated Messages request: the final
 * `Message` (content blocks and usage), from which both the JSON response and
 * the SSE stream are rendered, so the two always agree.
 */
import type { ContentBlock, Message, RefusalStopDetails, StopReason, Usage } from "@anthropic-ai/sdk/resources/messages/messages";
import type { CatalogEntry, Effort } from "../models/catalog";
import { simulateCache } from "./cache";
import { calibrationAnswer } from "./calibration";
import type { Directives } from "./directives";
import {
  analyzePrompt,
  answerText,
  hedgingAnswer,
  invalidJsonAnswer,
  jsonAnswer,
  progressUpdate,
  refusalText,
  sampleInput,
  thinkingText,
  toolPreface,
  toolResultAnswer,
  type PromptFacts,
} from "./generate";
import { randomBytes } from "node:crypto";
import { hash53, hash53InTurns, Rng } from "./random";
import { yieldToIo } from "../runtime/turns";
import { signThinking } from "./signatures";
import { CHARS_PER_TOKEN, countRequestTokens, estimateTokens } from "./tokens";
import { effectiveThinking } from "./validate";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** The thinking budget an adaptive effort behaves like (the tiers of the architecture doc, and beyond for max). */
const EFFORT_EQUIVALENT: Record<Effort, number> = { low: 2_048, medium: 6_144, high: 12_288, xhigh: 24_576, max: 40_000 };
/** Effort applies to all output, text included (§1.5): answers get shorter or longer with it. */
const EFFORT_LENGTH: Record<Effort, number> = { low: 0.6, medium: 0.8, high: 1, xhigh: 1.15, max: 1.3 };
/** Raw thinking levels off here however large the budget ("beyond 32,000 returns diminish"). */
const THINKING_PLATEAU = 11_000;

export interface SimOutcome {
  message: Message;
  /** Raw thinking tokens billed (≥ the visible summary), for pacing the stream. */
  thinkingTokens: number;
  seed: number;
}

export interface SimOptions {
  /** True when the request mentions cache_control (the route checks the raw text, which is cheaper than a walk). */
  cache: boolean;
}

/** Raw reasoning tokens for a budget: grows with it and plateaus; shorter for simple, short prompts. */
function rawThinkingTokens(budget: number, facts: PromptFacts, jitter: number): number {
  const base = THINKING_PLATEAU * (1 - Math.exp(-budget / 15_000));
  const complexity = (facts.topic === "general" ? 0.75 : 1) * (facts.text.length < 60 ? 0.8 : 1);
  return Math.max(64, Math.round(base * complexity * (0.85 + 0.3 * jitter)));
}

/** Summarized thinking is shorter than the raw reasoning, increasingly so as it grows. */
function summaryTokens(raw: number): number {
  return Math.round(raw <= 600 ? raw * 0.9 : 540 + (raw - 600) * 0.18);
}

interface LastTurn {
  text: string;
  toolResults: Obj[];
}

function blocksOf(m: Obj): Obj[] {
  return Array.isArray(m.content) ? (m.content as unknown[]).filter(isObj) : [];
}

/** Text agent clients inject into the user's turn (Claude Code's reminders, context, tool lists): not the user's words. */
const INJECTED = /<system-reminder>[\s\S]*?<\/system-reminder>/g;

function userText(m: Obj): string {
  const text = typeof m.content === "string" ? m.content : blocksOf(m).filter((b) => b.type === "text").map((b) => String(b.text)).join("\n");
  return text.replace(INJECTED, "").trim();
}

/**
 * The last user turn: its text (what the answer is about) and its tool results.
 * A turn that only carries tool results takes its text from the latest user
 * turn that has some: the original question of the tool loop.
 */
function lastUserTurn(messages: Obj[]): LastTurn {
  let toolResults: Obj[] | undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== "user") continue;
    toolResults ??= blocksOf(m).filter((b) => b.type === "tool_result");
    const text = userText(m);
    if (text) return { text, toolResults };
  }
  return { text: "", toolResults: toolResults ?? [] };
}

function toolUseName(messages: Obj[], id: string): string {
  for (const m of messages) {
    if (m.role !== "assistant" || !Array.isArray(m.content)) continue;
    for (const b of m.content as unknown[]) if (isObj(b) && b.type === "tool_use" && b.id === id) return String(b.name);
  }
  return "the tool";
}

function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return (content as unknown[]).filter(isObj).filter((b) => b.type === "text").map((b) => String(b.text)).join(" ");
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Where the user's words first name a tool ("get_weather" or "get weather", as a whole word), or -1. */
function mentionAt(prompt: string, name: string): number {
  const n = name.toLowerCase();
  let at = -1;
  for (const form of new Set([n, n.replace(/[_-]+/g, " ")])) {
    const i = prompt.search(new RegExp(`(?<![a-z0-9_-])${escapeRegExp(form)}(?![a-z0-9_-])`));
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at;
}

/**
 * The tool the answer calls, if any: forced by tool_choice, or the one the
 * user's words name first (an agent client sends 20+ tools, and "read" in
 * "Read notes.txt" must pick Read, not a tool named in a reminder).
 */
function chooseTool(body: Obj, prompt: string): Obj | undefined {
  const tools = clientTools(body);
  if (tools.length === 0) return undefined;
  const tc = isObj(body.tool_choice) ? body.tool_choice : undefined;
  if (tc?.type === "none") return undefined;
  if (tc?.type === "tool") return tools.find((t) => t.name === tc.name);
  const lower = prompt.toLowerCase();
  let named: Obj | undefined;
  let namedAt = -1;
  for (const t of tools) {
    const at = mentionAt(lower, String(t.name));
    if (at >= 0 && (namedAt < 0 || at < namedAt)) [named, namedAt] = [t, at];
  }
  if (named) return named;
  return tc?.type === "any" ? tools[0] : undefined;
}

/** The tools the simulator can call: toolsets have no name of their own, and server tools run upstream (serverTools). */
function clientTools(body: Obj): Obj[] {
  return Array.isArray(body.tools) ? (body.tools as unknown[]).filter((t): t is Obj => isObj(t) && typeof t.name === "string" && serverToolOf(t) === null) : [];
}

/**
 * The tools one turn calls: the chosen one, and with \`[[sim:parallel=N]]\`
 * N in all (the request's other client tools in turn, repeating when there
 * are fewer), unless tool_choice names one tool or disables parallel use.
 */
function parallelCalls(body: Obj, chosen: Obj, n: number | undefined): Obj[] {
  const tc = isObj(body.tool_choice) ? body.tool_choice : undefined;
  if (!n || tc?.type === "tool" || tc?.disable_parallel_tool_use === true) return [chosen];
  const tools = clientTools(body);
  const from = tools.indexOf(chosen);
  return Array.from({ length: n }, (_, i) => tools[(from + i) % tools.length]!);
}

/** The server tool a tool definition declares (web_search_20250305, web_fetch_20250910, …), or null for a client tool. */
function serverToolOf(t: Obj): "web_search" | "web_fetch" | null {
  const type = typeof t.type === "string" ? t.type : "";
  return type.startsWith("web_search_") ? "web_search" : type.startsWith("web_fetch_") ? "web_fetch" : null;
}

/**
 * The server tools the answer uses: each web search and web fetch tool the
 * request declares is used once, before the answer's text, as the API runs
 * them upstream (a server_tool_use block and its result), and counted in
 * usage.server_tool_use, which the API bills per use.
 */
function serverTools(body: Obj, query: string, ids: () => string): { blocks: ContentBlock[]; search: number; fetch: number } {
  const kinds = Array.isArray(body.tools) ? (body.tools as unknown[]).filter(isObj).map(serverToolOf) : [];
  const blocks: ContentBlock[] = [];
  const caller = { type: "direct" } as const;
  const q = query.slice(0, 200) || "query";
  const search = kinds.includes("web_search") ? 1 : 0;
  const fetch = kinds.includes("web_fetch") ? 1 : 0;
  // The fetched document says whether citations are on, as the tool definition asked ({enabled: true} in the API's
  // documented example). Never null: the Vercel AI SDK's schema takes the field as optional but not nullable.
  const fetchTool = Array.isArray(body.tools) ? (body.tools as unknown[]).filter(isObj).find((t) => serverToolOf(t) === "web_fetch") : undefined;
  const citations = { enabled: isObj(fetchTool?.citations) && fetchTool.citations.enabled === true };
  if (search) {
    const id = `srvtoolu_01${ids()}`;
    blocks.push({ type: "server_tool_use", id, name: "web_search", input: { query: q }, caller } as ContentBlock);
    blocks.push({
      type: "web_search_tool_result",
      tool_use_id: id,
      caller,
      content: [{ type: "web_search_result", url: "https://example.com/simulated", title: "Simulated result", encrypted_content: "c2ltdWxhdGVk", page_age: null }],
    } as ContentBlock);
  }
  if (fetch) {
    const id = `srvtoolu_01${ids()}`;
    blocks.push({ type: "server_tool_use", id, name: "web_fetch", input: { url: "https://example.com/simulated" }, caller } as ContentBlock);
    blocks.push({
      type: "web_fetch_tool_result",
      tool_use_id: id,
      caller,
      content: {
        type: "web_fetch_result",
        url: "https://example.com/simulated",
        retrieved_at: null,
        content: { type: "document", source: { type: "text", media_type: "text/plain", data: "Simulated page." }, title: "Simulated page", citations },
      },
    } as ContentBlock);
  }
  return { blocks, search, fetch };
}

/** The schema of `output_config.format` (structured outputs), when the request asks for one. */
function outputSchema(body: Obj): Obj | undefined {
  const format = isObj(body.output_config) ? body.output_config.format : undefined;
  return isObj(format) && format.type === "json_schema" && isObj(format.schema) ? format.schema : undefined;
}

/** Cuts text to at most `tokens` estimated tokens. */
function cutToTokens(text: string, tokens: number): string {
  return text.slice(0, Math.max(0, tokens * CHARS_PER_TOKEN));
}

/** The text a request is about (where directives are read too): the latest user text, past tool-result-only turns. */
export function promptText(messages: unknown[]): string {
  return lastUserTurn(messages.filter(isObj)).text;
}

/**
 * Message and tool_use ids are unique per answer, as the API's are (clients
 * key tool loops and transcripts on them); the answer itself stays a function
 * of the request. Process-seeded, like the routes' request ids.
 */
const uniqueIds = new Rng(randomBytes(6).readUIntBE(0, 6));

/** The system prompt of the router's LLM classifier (lib/routing/llm-classifier.ts) starts so. */
const ROUTER_CLASSIFIER_PREFIX = "You are a router.";

/**
 * A text block as the API sends it without citations: no `citations` field at
 * all. A `"citations": null` breaks clients whose schema takes the field as
 * optional but not nullable (the Vercel AI SDK's generateText).
 */
const textBlock = (text: string) => ({ type: "text", text }) as ContentBlock;

export async function simulateMessage(body: Obj, entry: CatalogEntry, directives: Directives, opts: SimOptions): Promise<SimOutcome> {
  const messages = (body.messages as unknown[]).filter(isObj);
  const maxTokens = body.max_tokens as number;
  const thinking = effectiveThinking(body, entry);
  // Same model, prompt and thinking configuration → same answer, ids and usage.
  // Hashed in turns: the simulator serves in the gateway's process, and prompts run to 16 MB.
  const promptHash = await hash53InTurns(JSON.stringify([body.model, body.system ?? null, messages]), 0, yieldToIo);
  const seed = hash53(JSON.stringify([body.thinking ?? null, thinking.effort]), promptHash % 4294967296);
  const rng = new Rng(seed);
  const ids = new Rng(seed + 1);
  // Jitter from the prompt alone, so thinking length is monotonic in the budget for a given prompt.
  const jitter = new Rng(promptHash).next();
  const messageId = `msg_01${uniqueIds.base62(22)}`;

  const total = countRequestTokens(body);
  const cache = opts.cache ? simulateCache(body, entry.id, total) : { input: total, write5m: 0, write1h: 0, read: 0 };

  const turn = lastUserTurn(messages);
  const facts = analyzePrompt(turn.text);
  const effort: Effort = thinking.effort ?? "high";
  const answerOpts = { lengthFactor: EFFORT_LENGTH[effort], lowConfidence: directives.confidence === "low" };

  const content: ContentBlock[] = [];
  let stopReason: StopReason = "end_turn";
  let stopSequence: string | null = null;
  let stopDetails: RefusalStopDetails | null = null;
  let thinkingTokens = 0;
  let outputTokens = 0;

  const thinkingDisplay = isObj(body.thinking) && typeof body.thinking.display === "string" ? body.thinking.display : entry.displayDefault;
  const addThinking = (text: string, raw: number) => {
    const shown = thinkingDisplay === "summarized" ? text : "";
    content.push({ type: "thinking", thinking: shown, signature: signThinking(body, entry.id, shown, raw, ids) });
    thinkingTokens = raw;
  };

  let used: ReturnType<typeof serverTools> = { blocks: [], search: 0, fetch: 0 };
  if (maxTokens === 0) {
    // Pre-warm (§2.2): the cache is written, nothing is generated.
    return finish(0);
  }

  const forced = isObj(body.tool_choice) && (body.tool_choice.type === "any" || body.tool_choice.type === "tool");
  // Tool results are answered in text, unless tool_choice forces another call: the API's answer then is a tool call (§1.10).
  const tool = directives.answer === "refusal" ? undefined : turn.toolResults.length > 0 && !forced ? undefined : chooseTool(body, facts.text);

  // Thinking: skipped for refusals, for a forced tool call (§1.10: "the response starts with the tool call"),
  // and by adaptive thinking at low effort on a trivially short prompt that it answers in text (§1.3): a turn
  // that calls a tool keeps its thinking block, which the tool loop's continuation must send back (§1.9).
  const trivial = facts.text.length < 40 && facts.topic === "general";
  const skip = directives.answer === "refusal" || (tool !== undefined && forced) || (thinking.type === "adaptive" && effort === "low" && trivial && tool === undefined);
  const thinks = thinking.on && !skip;
  const budget = thinking.type === "enabled" ? ((body.thinking as Obj).budget_tokens as number) : EFFORT_EQUIVALENT[effort];
  // Thinking counts toward max_tokens: a budget stays under it, adaptive thinking leaves a quarter for the answer.
  const cap = Math.min(maxTokens, thinking.type === "enabled" ? budget : Math.max(1, Math.floor(maxTokens * 0.75)));
  // A calibration prompt is solved or not by how much it may think (calibration.ts).
  const calibrated =
    directives.difficulty === undefined ? null : calibrationAnswer({ text: facts.text, difficulty: directives.difficulty, line: entry.line, budget: thinks ? budget : 0, cap });
  if (thinks) {
    const raw = calibrated ? Math.max(1, calibrated.thinkingTokens) : Math.min(cap, rawThinkingTokens(budget, facts, jitter));
    // Omitted thinking is never shown, so its text is never built; only its tokens are billed.
    const text = thinkingDisplay === "summarized" ? cutToTokens(thinkingText(facts, summaryTokens(raw) * CHARS_PER_TOKEN, rng), raw) : "";
    addThinking(text, Math.max(raw, estimateTokens(text)));
  } else if (thinking.type === "between_tools" && turn.toolResults.length > 0) {
    // between_tools returns the short progress note written between tool calls as a thinking block (§1.4).
    const name = toolUseName(messages, String(turn.toolResults[0]!.tool_use_id));
    const note = progressUpdate(name, facts, rng);
    addThinking(note, estimateTokens(note));
  }
  outputTokens = thinkingTokens;
  const room = maxTokens - thinkingTokens;

  if (tool) {
    if (!forced) {
      const preface = toolPreface(String(tool.name), rng);
      content.push(textBlock(preface));
      outputTokens += estimateTokens(preface);
    }
    for (const t of parallelCalls(body, tool, directives.parallel)) {
      const input = sampleInput(t.input_schema, facts, rng);
      content.push({ type: "tool_use", id: `toolu_01${uniqueIds.base62(22)}`, name: String(t.name), input, caller: { type: "direct" } });
      outputTokens += estimateTokens(String(t.name)) + estimateTokens(JSON.stringify(input));
    }
    stopReason = "tool_use";
    return finish(outputTokens);
  }

  // Server tools run before the answer's text; the simulator does not search, it only bills as if it had.
  if (directives.answer !== "refusal") used = serverTools(body, facts.text, () => uniqueIds.base62(22));
  content.push(...used.blocks);
  for (const b of used.blocks) if (b.type === "server_tool_use") outputTokens += estimateTokens(JSON.stringify(b.input));

  const schema = outputSchema(body);
  let text: string;
  switch (directives.answer) {
    case "refusal":
      text = refusalText();
      stopReason = "refusal";
      stopDetails = { type: "refusal", category: "general_harms", explanation: "The request was declined by the simulator's [[sim:answer=refusal]] directive." };
      break;
    case "hedging":
      text = hedgingAnswer(facts, answerOpts, rng);
      break;
    case "json":
      text = jsonAnswer(facts, answerOpts, rng);
      break;
    case "invalid_json":
      text = invalidJsonAnswer(facts, rng);
      break;
    default:
      if (calibrated) {
        text = calibrated.answer;
      } else if (typeof body.system === "string" && body.system.startsWith(ROUTER_CLASSIFIER_PREFIX)) {
        // thinkgate's own LLM classifier stage asks for a strict JSON verdict.
        text = JSON.stringify({ reasoning: facts.topic !== "general", confidence: facts.topic !== "general" ? 0.85 : 0.7 });
      } else if (schema) {
        // Structured outputs (§1.5): the answer is a JSON document the schema accepts.
        text = JSON.stringify(sampleInput(schema, facts, rng));
      } else if (turn.toolResults.length > 0) {
        const first = turn.toolResults[0]!;
        text = toolResultAnswer(toolUseName(messages, String(first.tool_use_id)), resultText(first.content), facts, answerOpts, rng);
      } else {
        text = answerText(facts, answerOpts, rng);
      }
  }

  if (directives.answer === "truncated") {
    // Stops mid-sentence as a max_tokens stop does; output_tokens counts only what was generated.
    text = text.slice(0, Math.max(1, Math.floor(text.length * 0.55)));
    stopReason = "max_tokens";
  } else if (stopReason === "end_turn" && Array.isArray(body.stop_sequences)) {
    let at = -1;
    for (const s of body.stop_sequences as string[]) {
      const i = s ? text.indexOf(s) : -1;
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
        stopSequence = s;
      }
    }
    if (stopSequence !== null) {
      text = text.slice(0, at);
      stopReason = "stop_sequence";
    }
  }

  if (estimateTokens(text) > room) {
    // Out of room: the answer is cut where max_tokens runs out, and output_tokens equals max_tokens.
    text = cutToTokens(text, room);
    stopReason = "max_tokens";
    stopSequence = null;
  }
  if (text) content.push(textBlock(text));
  // The API bills at least one token even for an empty answer.
  return finish(Math.max(1, outputTokens + estimateTokens(text)));

  function finish(output: number): SimOutcome {
    const usage: Usage = {
      input_tokens: cache.input,
      cache_creation_input_tokens: cache.write5m + cache.write1h,
      cache_read_input_tokens: cache.read,
      cache_creation: { ephemeral_5m_input_tokens: cache.write5m, ephemeral_1h_input_tokens: cache.write1h },
      output_tokens: output,
      output_tokens_details: { thinking_tokens: thinkingTokens },
      server_tool_use: used.search || used.fetch ? { web_search_requests: used.search, web_fetch_requests: used.fetch } : null,
      service_tier: "standard",
      inference_geo: typeof body.inference_geo === "string" ? body.inference_geo : "global",
      speed: body.speed === "fast" ? "fast" : "standard",
    };
    const message: Message = {
      id: messageId,
      type: "message",
      role: "assistant",
      model: body.model as string,
      content,
      container: null,
      diagnostics: null,
      stop_reason: maxTokens === 0 ? "max_tokens" : stopReason,
      stop_sequence: stopSequence,
      stop_details: stopDetails,
      usage,
    };
    return { message, thinkingTokens, seed };
  }
}
