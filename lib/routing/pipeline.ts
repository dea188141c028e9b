/**
 * The router: a pipeline of stages, the first decisive stage wins.
 *   override → pinned → context → rules → classifier → default
 * It is a pure function of the request and a configuration snapshot (plus a
 * pin lookup for conversations that must not switch), so /api/v1/route, the
 * gateway, what-if replay and the router's evaluation all call the same code.
 */
import { firstMatch, describeRule, type CompiledRule } from "./rules";
import type { EscalationPolicy } from "./escalation";
import type { LimitPolicy } from "../limits/policy";
import type { LlmClassifierConfig, LlmOutcome } from "./llm-classifier";
import type { BudgetTier, Decision, LlmStageResult, PinnedConfig, RoutableRequest, RouteConfig, Tier } from "./types";

export interface AppContext {
  name: string;
  tier: "reasoning" | "standard" | "auto";
  routeId: string | null;
  /** The app's rpm and daily budget (lib/limits), when it has any. */
  limits?: LimitPolicy | null;
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

export async function decide(req: RoutableRequest, snapshot: RoutingSnapshot, pins: PinLookup, llm?: LlmStage): Promise<Decision> {
  // 1. Override: the caller forces a tier.
  if (req.tierOverride === "reasoning" || req.tierOverride === "standard") {
    // A forced tier still cannot switch a conversation that carries thinking blocks.
    if (!(req.hasThinkingBlocks || req.pendingToolResult)) {
      const r = tierRoute(snapshot, req.tierOverride);
      const d: Decision = { tier: r.tier, stage: "override", reason: `thinkgate-tier: ${req.tierOverride}`, route: r };
      // The caller may also say how much to think, as the classifier's difficulty does.
      if (r.tier === "reasoning" && req.budgetTier) {
        d.budgetTier = req.budgetTier;
        d.reason += `, thinkgate-budget-tier: ${req.budgetTier}`;
      }
      return d;
    }
  }

  // 2. Conversation pin: never switch model or thinking inside a tool loop or
  // a conversation that carries thinking blocks; a switch drops or invalidates them.
  if (req.hasThinkingBlocks || req.pendingToolResult) {
    const why = req.pendingToolResult ? "continues a tool loop" : "carries thinking blocks";
    const pin = await pins.get(req.conversationKey);
    if (pin) {
      const r = pin.routeId ? snapshot.routes.get(pin.routeId) ?? null : null;
      const tier: Tier = r?.tier ?? (pin.thinking && pin.thinking.type !== "disabled" ? "reasoning" : "standard");
      return { tier, stage: "pinned", reason: `conversation ${why}; kept on the configuration it started with`, route: r, pinned: pin };
    }
    const thinkingOn = !!req.thinking && req.thinking.type !== "disabled" && req.thinking.type !== "between_tools";
    return {
      tier: thinkingOn ? "reasoning" : "standard",
      stage: "pinned",
      reason: `conversation ${why} and started outside thinkgate; forwarded as sent`,
      route: null,
    };
  }

  // 3. Context: the application says so.
  if (req.app) {
    const app = snapshot.apps.get(req.app.toLowerCase());
    if (app && app.tier !== "auto") {
      const r = app.routeId ? route(snapshot, app.routeId) : tierRoute(snapshot, app.tier);
      return { tier: r.tier, stage: "context", reason: `app "${app.name}" always uses ${app.tier}`, route: r };
    }
  }

  // 4. Rules, in order.
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

  // 5. Classifier, for prompts no rule covers.
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
        llmResult = { model, ok: false, reason: out.reason, usage: out.usage };
      }
    }
    const r = tierRoute(snapshot, tier);
    const d: Decision = { tier: r.tier, stage: "classifier", reason, route: r, score: c.score, threshold: c.threshold };
    if (r.tier === "reasoning" && c.difficulty) d.budgetTier = c.difficulty;
    if (llmResult) d.llm = llmResult;
    if (c.ambiguous && r.tier === "standard" && snapshot.escalation?.enabled) {
      d.escalation = { policy: snapshot.escalation.policy, toRouteId: snapshot.tierRoutes.reasoning };
    }
    return d;
  }

  // 6. Default.
  const r = route(snapshot, snapshot.defaultRouteId);
  return { tier: r.tier, stage: "default", reason: "no override, context or rule applied", route: r };
}
