/** Reduces a Messages API request body to the facts the router looks at. */
import { agentClient, compactionRequest, conversationShape, finalAssistantOpening, userWords } from "./conversation";
import type { Effort, RoutableRequest } from "./types";
import { APP_HEADER, requestApp, type KeyApps } from "../keys/apps";
import { isForcedToolChoice } from "../models/catalog";

type Block = { type?: unknown; text?: unknown; content?: unknown };
type Message = { role?: unknown; content?: unknown };

export interface MessagesBody {
  model: string;
  max_tokens: number;
  messages: Message[];
  system?: unknown;
  tools?: unknown[];
  thinking?: Record<string, unknown>;
  output_config?: { effort?: Effort; [k: string]: unknown };
  stream?: boolean;
  [k: string]: unknown;
}

/** Plain text of a message's content (string, or the text of its text blocks). */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let out = "";
  for (const b of content as Block[]) {
    if (b && b.type === "text" && typeof b.text === "string") out += (out ? "\n" : "") + b.text;
  }
  return out;
}

function hasBlock(content: unknown, types: string[]): boolean {
  return Array.isArray(content) && (content as Block[]).some((b) => b && typeof b.type === "string" && types.includes(b.type));
}

/**
 * The request ends with an assistant prefill: a final assistant turn with
 * content that does not open with a thinking block (the answer's start, which
 * the model continues). The API refuses one while thinking is on (reference
 * §1.10).
 */
export function endsWithPrefill(messages: readonly Message[]): boolean {
  return finalAssistantOpening(messages) === "other";
}

const TIERS = new Set(["reasoning", "standard", "auto"]);
const BUDGET_TIERS = new Set(["simple", "complex", "maximum"]);

export interface RoutableOptions {
  /** Whose conversation this is (the caller's key id): identical conversations of different callers never share a pin. */
  scope?: string;
  /** The apps the caller's key is bound to (lib/keys/apps.ts): a thinkgate-app outside them is a 403. */
  apps?: KeyApps;
}

/** The request's place in a server-held thread (the beta `thread` parameter), if it has one. */
function threadOf(t: unknown): Pick<RoutableRequest, "thread"> {
  if (typeof t !== "object" || t === null) return {};
  const { type, previous_message_id: previous } = t as { type?: unknown; previous_message_id?: unknown };
  if (type === "create") return { thread: { continues: null } };
  if (type === "continue" && typeof previous === "string") return { thread: { continues: previous } };
  return {};
}

/** The router's view of a request. Async because a long conversation's messages are read in turns (conversationShape). */
export async function toRoutable(body: MessagesBody, headers: Record<string, string | undefined>, opts: RoutableOptions = {}): Promise<RoutableRequest> {
  // First: a key's request for an app it may not use is refused before any work on its body.
  const app = requestApp(headers[APP_HEADER]?.trim() || undefined, opts.apps);
  const messages = body.messages;
  const shape = await conversationShape(body, opts.scope);
  let lastUser: Message | undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === "user") {
      lastUser = messages[i];
      break;
    }
  }
  const hasThinkingBlocks = messages.some(
    (m) => m?.role === "assistant" && hasBlock(m.content, ["thinking", "redacted_thinking"]),
  );
  const override = headers["thinkgate-tier"]?.trim().toLowerCase();
  const budget = headers["thinkgate-budget-tier"]?.trim().toLowerCase();
  const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
  const agent = agentClient(headers);
  const compaction = agent && compactionRequest(messages);
  return {
    model: body.model,
    // The user's own words of the turn; a conversation that opened with tool results has none, so its last user text stands in.
    prompt: shape.userText || (lastUser ? userWords(contentText(lastUser.content)) : ""),
    system: userWords(contentText(body.system)),
    hasTools,
    hasThinkingBlocks,
    ...(isForcedToolChoice(body.tool_choice as { type: string } | undefined) ? { forcesTool: true } : {}),
    pendingToolResult: shape.continuation,
    conversationKey: shape.conversationKey,
    ...(shape.sessionConversationKey ? { sessionConversationKey: shape.sessionConversationKey } : {}),
    threadKey: shape.threadKey,
    turnKey: shape.turnKey,
    answersToolUse: shape.answersToolUse,
    turnOpensWithThinking: shape.turnOpensWithThinking,
    ...(opts.scope !== undefined ? { scope: opts.scope } : {}),
    ...threadOf(body.thread),
    // A call without tools, or a compaction of the session (which keeps its tools): a title, a summary.
    background: agent && !shape.continuation && (!hasTools || compaction),
    ...(compaction ? { compaction } : {}),
    ...(agent && shape.sessionKey ? { sessionKey: shape.sessionKey } : {}),
    ...(agent && shape.resumesCompaction ? { resumesCompaction: true } : {}),
    ...(body.max_tokens === 0 ? { prewarm: true } : {}),
    agentClient: agent,
    client: headers["user-agent"]?.slice(0, 200) || undefined,
    thinking: body.thinking,
    effort: body.output_config?.effort,
    tierOverride: override && TIERS.has(override) ? (override as RoutableRequest["tierOverride"]) : undefined,
    budgetTier: BUDGET_TIERS.has(budget ?? "") ? (budget as RoutableRequest["budgetTier"]) : undefined,
    app,
    task: headers["thinkgate-task"]?.trim() || undefined,
  };
}
