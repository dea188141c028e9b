/** The vocabulary of routing decisions, shared by the pipeline, the gateway and the records. */

export type Tier = "reasoning" | "standard";

/** Which stage of the pipeline decided. The first decisive stage wins. */
export type Stage = "override" | "pinned" | "context" | "rule" | "classifier" | "escalation" | "default" | "background" | "client";

export type Effort = "low" | "medium" | "high" | "xhigh" | "max";
export type BudgetTier = "simple" | "complex" | "maximum";

/** A stored route: a model plus a thinking intent. model "*" keeps the model the client asked for. */
export interface RouteConfig {
  id: string;
  name: string;
  tier: Tier;
  model: string;
  thinking: "off" | "on";
  budgetTier: BudgetTier | null;
  budgetTokens: number | null;
  effort: Effort | null;
  display: "summarized" | "omitted";
  minMaxTokens: number | null;
  /** Routes the gateway tries next, in order, when this one's upstream fails (lib/gateway/dispatch.ts). */
  fallbackRouteIds?: string[];
}

/** The model and thinking configuration a conversation started with. */
export interface PinnedConfig {
  routeId: string | null;
  model: string;
  /** The `thinking` field that was sent upstream, if any. */
  thinking?: Record<string, unknown>;
  effort?: Effort;
  /**
   * The max_tokens sent when thinkgate raised the client's to make room for
   * thinking it added. A later call replays it: the client keeps sending its
   * own smaller value, which with thinking on could end the answer early.
   */
  maxTokens?: number;
  /**
   * On the pin of an answer in a server-held thread, or of a tool call: the
   * conversation it belongs to. A thread's continuation sends only its new
   * turn, and a tool loop's continuation may name another model (which the
   * conversation key includes), so neither says which conversation it
   * continues; it is recorded under this one.
   */
  conversationKey?: string;
  /** The thread (the conversation whatever the model, ConversationShape.threadKey) it is recorded in; absent on pins written before there was one. */
  threadKey?: string;
}

/** Answer on the standard route first; escalate to `toRouteId` when the answer turns out weak. */
export interface EscalationPlan {
  policy: import("./escalation").EscalationPolicy;
  toRouteId: string;
}

/** What the LLM classifier stage said, for the record (its tokens are billed to the request). */
export interface LlmStageResult {
  model: string;
  ok: boolean;
  reason?: string;
  reasoning?: boolean;
  confidence?: number;
  cached?: boolean;
  usage: import("../pricing/usage").AnthropicUsage | null;
  /** A call that was sent and failed without an answer (timed out, an error): the record lists it as a hop. */
  failure?: { status: number | null; errorType: string };
}

export interface Decision {
  tier: Tier;
  stage: Stage;
  reason: string;
  /** The route to apply; null when the request goes upstream as the client sent it (an unknown pinned conversation). */
  route: RouteConfig | null;
  /** Set when the stage is "pinned" and the conversation's first turn is known: replay its exact configuration. */
  pinned?: PinnedConfig;
  ruleId?: string;
  score?: number;
  threshold?: number;
  /** The classifier's difficulty: overrides the route's budget tier when it reasons. */
  budgetTier?: BudgetTier;
  escalation?: EscalationPlan;
  llm?: LlmStageResult;
  /** Apply the route's thinking on the requested model (agent clients: a model switch costs their prompt cache and thinking continuity). */
  keepModel?: boolean;
  /** The key's or app's client-thinking cap: whatever route applies thinks at most this much (not a pinned turn: it was capped when it started). */
  thinkingCap?: Effort;
}

/** What the router looks at: the request reduced to the facts the stages need. */
export interface RoutableRequest {
  model: string;
  /** The user's own text of the current turn (what is being asked now): no tool results, reminders or injected context. */
  prompt: string;
  system: string;
  hasTools: boolean;
  /** An assistant turn in the history carries thinking or redacted_thinking blocks. */
  hasThinkingBlocks: boolean;
  /** tool_choice forces a tool call (any, or a named tool). */
  forcesTool?: boolean;
  /** The last message carries tool results: the request continues its turn's tool loop. */
  pendingToolResult: boolean;
  /** Hash of the conversation's fixed prefix (system, tools, first user message), normalised (lib/routing/conversation.ts). */
  conversationKey: string;
  /** The same with the agent client's session id (ConversationShape.sessionConversationKey): the session's own conversation pin. */
  sessionConversationKey?: string;
  /** The same without the requested model: what the call is recorded under, so a session that switched models is one thread (lib/routing/conversation.ts). */
  threadKey: string;
  /** Hash of the conversation up to the user message that opened the current turn: the same for every call of a tool loop. */
  turnKey: string;
  /**
   * The request is part of a server-held thread (the beta `thread` parameter):
   * `continues` names the answer it resumes from. A continuation carries only
   * the new turn's messages, so it is recognised by that id, not by its keys.
   */
  thread?: { continues: string | null };
  /** On a continuation: the tool_use ids its tool results answer, which name the one call (and session) that asked for them. */
  answersToolUse?: string[];
  /**
   * On a tool loop's continuation: the assistant turn its tool results answer
   * opens with a thinking or redacted_thinking block (as sent, or as thinkgate
   * put back). With thinking on, a turn without one is the API's 400.
   */
  turnOpensWithThinking?: boolean;
  /** Whose conversation this is (the caller's key id). */
  scope?: string;
  /** A background call of an agent client (a title, a summary: no tools; or the compaction of its session): standard, no classifier. */
  background: boolean;
  /** An agent client's compaction of its session (lib/routing/conversation.ts compactionRequest). */
  compaction?: boolean;
  /** The agent client's session, when it sends a session id (ConversationShape.sessionKey): a compaction links it to its thread. */
  sessionKey?: string;
  /** The conversation opens with the summary of a compacted session (ConversationShape.resumesCompaction): recorded in that session's thread. */
  resumesCompaction?: boolean;
  /** max_tokens 0: a prompt-cache pre-warm (reference §2.2), which generates nothing. */
  prewarm?: boolean;
  /** Claude Code or an app on the Agent SDK (lib/routing/conversation.ts). */
  agentClient?: boolean;
  /** The client's user-agent, for the record and the Settings page. */
  client?: string;
  /** The client sent its own thinking or effort and its key's or app's policy keeps it (honour, cap): no route applies. */
  honourClientThinking?: boolean;
  /** The client's own thinking and effort, for pass-through. */
  thinking?: Record<string, unknown>;
  effort?: Effort;
  /** thinkgate-tier header. */
  tierOverride?: "reasoning" | "standard" | "auto";
  /** thinkgate-budget-tier header: how much a forced reasoning tier thinks (the OpenAI endpoint's reasoning_effort). */
  budgetTier?: BudgetTier;
  app?: string;
  task?: string;
}
