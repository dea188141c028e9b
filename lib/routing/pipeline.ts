/**
 * The router: a pipeline of stages, the first decisive stage wins.
 *   pinned (a tool loop; a conversation bound to its model) → override →
 *   client (its own thinking, where the policy honours it) → background →
 *   context → rules → classifier → default
 * It is a pure function of the request and a configuration snapshot (plus a
 * pin lookup for conversations that must not switch), so /api/v1/route, the
 * gateway, what-if replay and the router's evaluation all call the same code.
 */
import { firstMatch, describeRule, type CompiledRule } from "./rules";
import type { EscalationPolicy } from "./escalation";
import type { LimitPolicy } from "../limits/policy";
import type { ThinkingPolicy } from "../models/client-thinking";
import type { LlmClassifierConfig, LlmOutcome } from "./llm-classifier";
import { bindsThinking, refusesForcedToolWithThinking } from "../models/catalog";
import type { BudgetTier, Decision, LlmStageResult, PinnedConfig, RoutableRequest, RouteConfig, Tier } from "./types";

export interface AppContext {
  name: string;
  tier: "reasoning" | "standard" | "auto";
  routeId: string | null;
  /** The app's rpm and daily budget (lib/limits), when it has any. */
  limits?: LimitPolicy | null;
  /** The app's client-thinking policy; absent: the key's. */
  thinking?: ThinkingPolicy | null;
}

export interface ClassifierResult {
  tier: Tier;
  score: number;
  threshold: number;
  reason: string;
  difficulty?: BudgetTier;
  /** The score sits close enough to the threshold that the answer should be checked. */
  ambiguous?: boolean;
}

export interface RoutingSnapshot {
  routes: Map<string, RouteConfig>;
  rules: CompiledRule[];
  apps: Map<string, AppContext>;
  /** The route each tier falls back to. */
  tierRoutes: Record<Tier, string>;
  /** The route of the default stage. */
  defaultRouteId: string;
  /** Optional: scores prompts no rule covers. */
  classify?: (req: RoutableRequest) => ClassifierResult;
  /** The LLM stage for the ambiguous band, when enabled. */
  llmClassifier?: LlmClassifierConfig;
  /** Escalation for ambiguous classifier decisions. */
  escalation?: { enabled: boolean; policy: EscalationPolicy };
}

/** Asks the LLM classifier; provided by the gateway, which owns the upstream client. */
export type LlmStage = (prompt: string, config: LlmClassifierConfig) => Promise<LlmOutcome>;

export interface PinLookup {
  get(conversationKey: string): Promise<PinnedConfig | undefined> | PinnedConfig | undefined;
}

export class RoutingConfigError extends Error {}

function route(snapshot: RoutingSnapshot, id: string): RouteConfig {
  const r = snapshot.routes.get(id);
  if (!r) throw new RoutingConfigError(`route "${id}" does not exist; fix the routing configuration`);
  return r;
}

function tierRoute(snapshot: RoutingSnapshot, tier: Tier): RouteConfig {
  return route(snapshot, snapshot.tierRoutes[tier]);
}

/** Pin keys: a turn (its tool loop keeps one configuration) and a conversation (its first configuration). */
export const turnPinKey = (turnKey: string) => `t:${turnKey}`;
export const conversationPinKey = (conversationKey: string) => `c:${conversationKey}`;
/**
 * A call that asked for a tool: the continuation answering it is of the same
 * session. Keyed by the caller and the tool_use id alone (unique per answer,
 * so two sessions of one caller that open with the same words stay apart),
 * not by the turn key, which holds the requested model: a continuation that
 * names another model is still the same call's turn.
 */
export const toolUsePinKey = (scope: string, toolUseId: string) => `u:${scope}:${toolUseId}`;
/** The configuration an answer in a server-held thread was served with, by the answer's id (what a continuation names). */
export const threadPinKey = (messageId: string) => `m:${messageId}`;
/** An agent client's session that was compacted: its `threadKey` is the thread the conversation after the compaction goes on (ConversationShape.sessionKey). */
export const sessionPinKey = (sessionKey: string) => `s:${sessionKey}`;

/** A thinking configuration that thinks before answering (between_tools thinks only after tool results). */
const thinkingOn = (t: { type?: unknown } | undefined): boolean => !!t && t.type !== "disabled" && t.type !== "between_tools";

function pinnedDecision(pin: PinnedConfig, snapshot: RoutingSnapshot, reason: string): Decision {
  const r = pin.routeId ? snapshot.routes.get(pin.routeId) ?? null : null;
  const tier: Tier = r?.tier ?? (thinkingOn(pin.thinking) ? "reasoning" : "standard");
  return { tier, stage: "pinned", reason, route: r, pinned: pin };
}

export async function decide(req: RoutableRequest, snapshot: RoutingSnapshot, pins: PinLookup, llm?: LlmStage): Promise<Decision> {
  const d = await decideStage(req, snapshot, pins, llm);
  // Agent clients keep the model they asked for; routes change only their thinking and effort.
  if (req.agentClient && d.route && !d.pinned) d.keepModel = true;
  return d;
}

/**
 * A conversation thinkgate has no configuration for, which must not be
 * routed anew (its thinking is bound to the model it started on): it goes
 * upstream as the client sent it, its tier read from the client's thinking.
 */
function forwardedAsSent(req: RoutableRequest, why: string): Decision {
  return { tier: thinkingOn(req.thinking) ? "reasoning" : "standard", stage: "pinned", reason: `${why}; forwarded as sent`, route: null };
}

async function decideStage(req: RoutableRequest, snapshot: RoutingSnapshot, pins: PinLookup, llm?: LlmStage): Promise<Decision> {
  // A prompt-cache pre-warm (max_tokens 0) generates nothing: it goes as sent.
  // A route would raise max_tokens to fit thinking and turn it into a full
  // call (an Opus reasoning answer nobody reads), and would warm the cache of
  // a model the client did not name.
  if (req.prewarm) {
    return { tier: "standard", stage: "client", reason: "max_tokens 0: a prompt-cache pre-warm, which generates nothing; forwarded as sent", route: null };
  }

  // 0. A server-held thread's continuation sends only the new turn: the API
  // holds the rest, with thinking blocks bound to the model that wrote them.
  // It gets the configuration of the answer it continues, as a tool loop does.
  if (req.thread?.continues) {
    const pin = await pins.get(threadPinKey(req.thread.continues));
    if (pin) return pinnedDecision(pin, snapshot, `continues a server-held thread; kept on the configuration of the answer it resumes (${pin.model})`);
    return forwardedAsSent(req, "continues a server-held thread thinkgate did not start (or whose pin has expired)");
  }

  // 1. A tool_result continuation is the same assistant turn (reference §1.7):
  // it gets the model and thinking of the turn's first call, whatever the
  // client echoes back, and nothing (not even a forced tier) switches it.
  if (req.pendingToolResult) {
    const asked = req.answersToolUse?.[0];
    const callPin = asked ? await pins.get(toolUsePinKey(req.scope ?? "", asked)) : undefined;
    const pin = callPin || (await pins.get(turnPinKey(req.turnKey)));
    // Or it resumes an answer whose final assistant turn opens with its thinking (after a pause_turn, or cut off):
    // turning thinking off for it would be the API's 400 ("…an `assistant` message in the final position cannot contain `thinking`").
    const what = req.answersToolUse?.length ? "a tool loop" : "an answer that opened with thinking";
    // Tool calls thinkgate never answered (a history the client wrote, or ids it rewrote) whose turn has no thinking block:
    // the turn key's pin is another session's, and its thinking on would be the API's certain 400 ("…must start with a thinking block").
    if (pin && !callPin && req.answersToolUse?.length && !req.turnOpensWithThinking && thinkingOn(pin.thinking)) {
      return forwardedAsSent(req, "continues a tool loop whose tool calls thinkgate did not answer and whose assistant turn has no thinking block");
    }
    if (pin) return pinnedDecision(pin, snapshot, `continues ${what}; kept on the configuration of the turn's first call (${pin.model})`);
    return forwardedAsSent(req, `continues ${what} that started outside thinkgate`);
  }

  // 2. A new user turn is decided anew, except where the API binds the
  // conversation's thinking blocks to its model and prefix (preserved
  // thinking, reference §1.9): such a conversation keeps its configuration.
  if (req.hasThinkingBlocks) {
    // The session's own first configuration; a session forked from another (no pin of its own yet) has the conversation's.
    const pin = (req.sessionConversationKey && (await pins.get(conversationPinKey(req.sessionConversationKey)))) || (await pins.get(conversationPinKey(req.conversationKey)));
    // Except a forced tool call the configuration refuses (thinking on a model that takes no forced tool_choice with it):
    // kept, it is the API's certain 400; decided anew, it goes where the choice is taken, and a model that cannot read
    // the conversation's blocks drops them without an error (reference §1.9).
    const refused = req.forcesTool && pin && thinkingOn(pin.thinking) && refusesForcedToolWithThinking(pin.model);
    if (pin && bindsThinking(pin.model) && !refused) {
      return pinnedDecision(pin, snapshot, `conversation carries thinking blocks bound to ${pin.model}; kept on the configuration it started with`);
    }
    if (!pin && bindsThinking(req.model)) {
      return forwardedAsSent(req, `conversation carries thinking blocks bound to ${req.model} and started outside thinkgate`);
    }
  }

  // 3. Override: the caller forces a tier.
  if (req.tierOverride === "reasoning" || req.tierOverride === "standard") {
    const r = tierRoute(snapshot, req.tierOverride);
    const d: Decision = { tier: r.tier, stage: "override", reason: `thinkgate-tier: ${req.tierOverride}`, route: r };
    // The caller may also say how much to think, as the classifier's difficulty does.
    if (r.tier === "reasoning" && req.budgetTier) {
      d.budgetTier = req.budgetTier;
      d.reason += `, thinkgate-budget-tier: ${req.budgetTier}`;
    }
    return d;
  }

  // 4. The client said how to think, and its key's or app's policy honours
  // that (honour, cap): its own configuration goes upstream as sent.
  if (req.honourClientThinking) {
    const t = req.thinking?.type;
    const on = t === "adaptive" || t === "enabled" || (t === undefined && !!req.effort);
    return { tier: on ? "reasoning" : "standard", stage: "client", reason: "the client's own thinking configuration, kept (client-thinking policy)", route: null };
  }

  // 5. Background calls of agent clients (titles, topic checks, summaries,
  // the compaction of a session): standard, and no classifier call is spent
  // on them.
  if (req.background) {
    const r = tierRoute(snapshot, "standard");
    return { tier: r.tier, stage: "background", reason: "background call of an agent client (no tools, or a compaction of its session): standard", route: r };
  }

  // 6. Context: the application says so.
  if (req.app) {
    const app = snapshot.apps.get(req.app.toLowerCase());
    if (app && app.tier !== "auto") {
      const r = app.routeId ? route(snapshot, app.routeId) : tierRoute(snapshot, app.tier);
      return { tier: r.tier, stage: "context", reason: `app "${app.name}" always uses ${app.tier}`, route: r };
    }
  }

  // 7. Rules, in order.
  const hit = await firstMatch(snapshot.rules, req);
  if (hit) {
    const r = route(snapshot, hit.rule.then.routeId);
    const d: Decision = { tier: r.tier, stage: "rule", reason: describeRule(hit.rule), route: r, ruleId: hit.rule.id };
    if (hit.rule.escalate && r.tier === "standard") {
      const toRouteId = hit.rule.escalate.toRouteId ?? snapshot.tierRoutes.reasoning;
      route(snapshot, toRouteId); // fail loudly on a missing target, as for the rule's own route
      d.escalation = { policy: hit.rule.escalate, toRouteId };
    }
    return d;
  }

  // 8. Classifier, for prompts no rule covers.
  if (snapshot.classify) {
    const c = snapshot.classify(req);
    let tier = c.tier;
    let reason = c.reason;
    let llmResult: LlmStageResult | undefined;
    if (c.ambiguous && llm && snapshot.llmClassifier?.enabled) {
      const out = await llm(req.prompt, snapshot.llmClassifier);
      const model = snapshot.llmClassifier.model;
      if (out.ok) {
        tier = out.verdict.reasoning ? "reasoning" : "standard";
        reason += `; ambiguous, so ${model} was asked: ${tier} (confidence ${out.verdict.confidence.toFixed(2)}${out.verdict.cached ? ", cached" : ""})`;
        llmResult = { model, ok: true, reasoning: out.verdict.reasoning, confidence: out.verdict.confidence, cached: out.verdict.cached, usage: out.verdict.usage };
      } else {
        reason += `; ambiguous, LLM stage fell back to the local score: ${out.reason}`;
        llmResult = { model, ok: false, reason: out.reason, usage: out.usage, ...(out.failure ? { failure: out.failure } : {}) };
      }
    }
    const r = tierRoute(snapshot, tier);
    const d: Decision = { tier: r.tier, stage: "classifier", reason, route: r, score: c.score, threshold: c.threshold };
    if (r.tier === "reasoning" && c.difficulty) d.budgetTier = c.difficulty;
    if (llmResult) d.llm = llmResult;
    if (c.ambiguous && r.tier === "standard" && snapshot.escalation?.enabled) {
      // The policy's own target, as a rule's is (it was stored and exported, and never used).
      const toRouteId = snapshot.escalation.policy.toRouteId ?? snapshot.tierRoutes.reasoning;
      route(snapshot, toRouteId);
      d.escalation = { policy: snapshot.escalation.policy, toRouteId };
    }
    return d;
  }

  // 9. Default.
  const r = route(snapshot, snapshot.defaultRouteId);
  return { tier: r.tier, stage: "default", reason: "no override, context or rule applied", route: r };
}
