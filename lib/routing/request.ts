/** Reduces a Messages API request body to the facts the router looks at. */
import crypto from "node:crypto";
import type { Effort, RoutableRequest } from "./types";

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
 * The conversation's identity: its fixed prefix. The API binds thinking blocks
 * to system, tools and the earlier messages, so those are what must not change
 * between turns, and the first message tells conversations apart.
 */
export function conversationKey(body: MessagesBody): string {
  const prefix = JSON.stringify([body.system ?? null, body.tools ?? null, body.messages[0] ?? null]);
  return crypto.createHash("sha256").update(prefix).digest("base64url");
}

const TIERS = new Set(["reasoning", "standard", "auto"]);
const BUDGET_TIERS = new Set(["simple", "complex", "maximum"]);

export function toRoutable(body: MessagesBody, headers: Record<string, string | undefined>): RoutableRequest {
  const messages = body.messages;
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
  const pendingToolResult = !!lastUser && messages[messages.length - 1] === lastUser && hasBlock(lastUser.content, ["tool_result"]);
  const override = headers["thinkgate-tier"]?.trim().toLowerCase();
  const budget = headers["thinkgate-budget-tier"]?.trim().toLowerCase();
  return {
    model: body.model,
    prompt: lastUser ? contentText(lastUser.content) : "",
    system: contentText(body.system),
    hasTools: Array.isArray(body.tools) && body.tools.length > 0,
    hasThinkingBlocks,
    pendingToolResult,
    conversationKey: conversationKey(body),
    thinking: body.thinking,
    effort: body.output_config?.effort,
    tierOverride: override && TIERS.has(override) ? (override as RoutableRequest["tierOverride"]) : undefined,
    budgetTier: BUDGET_TIERS.has(budget ?? "") ? (budget as RoutableRequest["budgetTier"]) : undefined,
    app: headers["thinkgate-app"]?.trim() || undefined,
    task: headers["thinkgate-task"]?.trim() || undefined,
  };
}
