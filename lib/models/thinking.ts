/**
 * Translates a route's thinking intent into the fields a given model accepts
 * (reference §1: a wrong `thinking.type`, budget or effort is a 400 upstream).
 * Pure: the caller resolves capabilities first (capabilities.ts).
 */
import type { ResolvedCapabilities } from "./capabilities";
import { EFFORTS, effortRank, isForcedToolChoice, type Effort } from "./catalog";

export type { Effort } from "./catalog";
export type BudgetTier = "simple" | "complex" | "maximum";
/** "updates" (beta): only the progress updates between tool calls carry text (reference §1.3). */
export type ThinkingDisplay = "summarized" | "omitted" | "updates";

export type ThinkingIntent =
  | { thinking: "off" }
  | { thinking: "on"; budgetTier?: BudgetTier; budgetTokens?: number; effort?: Effort; display: ThinkingDisplay };

export interface ThinkingPlan {
  /** The `thinking` body field to send, or undefined to omit it. */
  thinking?: Record<string, unknown>;
  /** `output_config.effort` to send, or undefined to leave untouched. */
  effort?: Effort;
  /** `max_tokens` to send. */
  maxTokens: number;
  /**
   * Set only when the model rejects the request's forced tool_choice together
   * with thinking it cannot turn off (Opus 5.5, Fable/Mythos 5.1): send this
   * tool_choice instead, or the request is a certain 400.
   */
  toolChoice?: { type: "auto" };
  /** True when the model is unknown: keep the client's own thinking and effort fields as they are. */
  passthrough?: boolean;
  /** Human-readable notes of what was changed and why. */
  adjustments: string[];
}

/**
 * Thinking budgets per tier: the middle of the architecture's calibration bands
 * (simple 2–4k, complex 8–16k, maximum 16–32k), in multiples of 1,024.
 */
export const TIER_BUDGETS: Record<BudgetTier, number> = { simple: 3_072, complex: 12_288, maximum: 24_576 };

/** Budgets for an effort on models that only take a budget (the 4.5 family); aligned with the tiers. */
export const EFFORT_BUDGETS: Record<Effort, number> = { low: 2_048, medium: 3_072, high: 12_288, xhigh: 24_576, max: 32_768 };

/** The API's minimum `budget_tokens` (§1.2). */
export const MIN_BUDGET = 1_024;

/** Room kept for the answer on top of the thinking budget when max_tokens has to grow. */
export const ANSWER_ROOM = 4_096;

/**
 * Budget → effort on adaptive-only models, so the tiers land on
 * simple → medium, complex → high, maximum → xhigh. Medium rather than low for
 * "simple": at low effort adaptive thinking may skip thinking altogether (§1.3),
 * which would defeat a route that asked for it.
 */
export function effortForBudget(budget: number): Effort {
  if (budget < TIER_BUDGETS.simple) return "low";
  if (budget < TIER_BUDGETS.complex) return "medium";
  if (budget < TIER_BUDGETS.maximum) return "high";
  if (budget < EFFORT_BUDGETS.max) return "xhigh";
  return "max";
}

/**
 * Which level to use when the wanted one is unsupported: the nearest lower
 * level first (cheaper, never surprising), then higher. `xhigh` tries `max`
 * before going down, so a "maximum" route still gets the deepest thinking a
 * model without xhigh offers (Opus 4.6, Sonnet 4.6, Mythos Preview).
 */
function fallbackOrder(wanted: Effort): Effort[] {
  const i = effortRank(wanted);
  const lower = EFFORTS.slice(0, i).reverse();
  const higher = EFFORTS.slice(i + 1);
  return wanted === "xhigh" ? [wanted, "max", ...lower] : [wanted, ...lower, ...higher];
}

function supportedEffort(caps: ResolvedCapabilities, wanted: Effort): Effort | undefined {
  const effort = caps.capabilities?.effort;
  if (!effort?.supported) return undefined;
  return fallbackOrder(wanted).find((e) => effort[e]?.supported);
}

function lowestEffort(caps: ResolvedCapabilities): Effort | undefined {
  const effort = caps.capabilities?.effort;
  if (!effort?.supported) return undefined;
  return EFFORTS.find((e) => effort[e]?.supported);
}

/** The effort to pin with thinking off where the model caps it (Opus 5, Haiku 5.5, Sonnet 5.5). */
function cappedEffort(caps: ResolvedCapabilities, cap: Effort): Effort {
  const d = caps.defaultEffort ?? cap;
  return effortRank(d) <= effortRank(cap) ? d : cap;
}

interface Args {
  model: string;
  caps: ResolvedCapabilities;
  intent: ThinkingIntent;
  maxTokens: number;
  toolChoice?: { type: string };
  /**
   * Thinking the client did not ask for (and will not see): the client's own
   * max_tokens, which is its room for the answer; max_tokens then holds the
   * whole thinking allowance on top of it, not a fixed answer room.
   */
  answerTokens?: number;
  /** The request ends with an assistant prefill (lib/routing/request.ts endsWithPrefill): thinking on is a 400 with it. */
  prefill?: boolean;
}

export function planThinking(args: Args): ThinkingPlan {
  const { model, caps } = args;
  if (!caps.capabilities) {
    return { maxTokens: args.maxTokens, passthrough: true, adjustments: [`${model}: capabilities unknown, so the client's thinking configuration is passed through unchanged`] };
  }
  const plan: ThinkingPlan = { maxTokens: args.maxTokens, adjustments: [] };
  const modelMax = caps.maxOutputTokens;
  if (modelMax !== null && plan.maxTokens > modelMax) {
    plan.adjustments.push(`max_tokens lowered from ${plan.maxTokens} to ${modelMax}, the maximum output of ${model}`);
    plan.maxTokens = modelMax;
  }
  if (args.intent.thinking === "on") return planOn(args, args.intent, plan);
  return planOff(args, plan);
}

function canTurnOff(caps: ResolvedCapabilities): boolean {
  const types = caps.capabilities!.thinking.types;
  return types.disabled.supported || types.between_tools.supported;
}

/**
 * Whether a model answers a forced tool_choice as a forced one: not where it
 * refuses one with thinking and cannot turn thinking off (Opus 5.5,
 * Fable/Mythos 5.1), where the choice must become "auto" and the tool call
 * may not come. Unknown capabilities: yes (the request goes as sent).
 */
export function takesForcedToolChoice(caps: ResolvedCapabilities): boolean {
  return !caps.capabilities || canTurnOff(caps) || !caps.rules.rejectsForcedToolChoiceWithThinking;
}

function planOn(args: Args, intent: Extract<ThinkingIntent, { thinking: "on" }>, plan: ThinkingPlan): ThinkingPlan {
  const { model, caps, toolChoice } = args;
  const types = caps.capabilities!.thinking.types;
  const mode = types.adaptive.supported ? "adaptive" : types.enabled.supported ? "enabled" : null;
  if (!mode) {
    plan.adjustments.push(`${model} does not support thinking; thinking left off`);
    return planOff(args, plan);
  }

  // A prefill is continued as it stands: the API refuses one that does not open with thinking while thinking is on (§1.10).
  if (args.prefill && canTurnOff(caps)) {
    plan.adjustments.push(`thinking left off: the request ends with an assistant prefill, which ${model} refuses with thinking on`);
    return planOff(args, plan);
  }

  // Manual thinking never allows a forced tool_choice; some models reject it with adaptive too (§1.10).
  // Where adaptive thinking takes it, the API skips thinking for the forced call, so its answer has no thinking
  // block, and the tool loop's continuation (same configuration, tool_choice auto) would be refused for lacking one:
  // thinking goes off for the forced call and its loop, which loses no thinking.
  if (isForcedToolChoice(toolChoice)) {
    const rejects = mode === "enabled" || caps.rules.rejectsForcedToolChoiceWithThinking;
    if (canTurnOff(caps)) {
      plan.adjustments.push(`thinking turned off: ${model} ${rejects ? "rejects" : "skips thinking for"} tool_choice "${toolChoice!.type}" with thinking on`);
      return planOff(args, plan);
    }
    if (rejects) {
      plan.toolChoice = { type: "auto" };
      plan.adjustments.push(`tool_choice "${toolChoice!.type}" replaced by "auto": ${model} rejects a forced tool_choice with thinking, and its thinking cannot be turned off`);
    }
  }

  const asked = intent.budgetTokens ?? (intent.budgetTier ? TIER_BUDGETS[intent.budgetTier] : undefined);

  if (mode === "adaptive") {
    // An explicit effort wins; otherwise a budget or tier maps to effort; otherwise the model's default.
    const wanted = intent.effort ?? (asked !== undefined ? effortForBudget(asked) : undefined);
    if (wanted) {
      const effort = supportedEffort(caps, wanted);
      if (effort === undefined) plan.adjustments.push(`${model} takes no effort setting; effort ${wanted} dropped`);
      else if (effort !== wanted) plan.adjustments.push(`effort ${wanted} is not supported by ${model}; using ${effort}`);
      plan.effort = effort;
    }
    // Thinking counts toward max_tokens: leave the room the equivalent budget would need.
    const effective = plan.effort ?? caps.defaultEffort;
    const room = asked ?? (effective ? EFFORT_BUDGETS[effective] : TIER_BUDGETS.complex);
    ensureRoom(plan, room, caps.maxOutputTokens, "thinking allowance", args.answerTokens);
    plan.thinking = { type: "adaptive", display: intent.display };
    return plan;
  }

  // Manual mode (the 4.5 family, or a model without adaptive): a budget is required.
  let budget = asked ?? EFFORT_BUDGETS[intent.effort ?? caps.defaultEffort ?? "high"];
  if (budget < MIN_BUDGET) {
    plan.adjustments.push(`budget_tokens raised from ${budget} to ${MIN_BUDGET}, the API's minimum`);
    budget = MIN_BUDGET;
  }
  budget = ensureRoom(plan, budget, caps.maxOutputTokens, "thinking budget", args.answerTokens);
  if (intent.effort) {
    const effort = supportedEffort(caps, intent.effort);
    if (effort !== undefined && effort !== intent.effort) plan.adjustments.push(`effort ${intent.effort} is not supported by ${model}; using ${effort}`);
    plan.effort = effort;
  }
  plan.thinking = { type: "enabled", budget_tokens: budget, display: intent.display };
  return plan;
}

/**
 * Makes max_tokens hold the thinking budget (or, for adaptive thinking, the
 * budget its effort stands for) plus ANSWER_ROOM, within the model's maximum
 * output; shrinks the budget when even that cannot fit. Returns the budget to
 * send (always < max_tokens, as the API requires).
 */
function ensureRoom(plan: ThinkingPlan, budget: number, modelMax: number | null, label: string, answerTokens?: number): number {
  let b = budget;
  const answerRoom = answerTokens ?? ANSWER_ROOM;
  const wanted = b + answerRoom;
  if (modelMax !== null && wanted > modelMax) {
    const shrunk = Math.max(MIN_BUDGET, modelMax - answerRoom);
    if (shrunk < b) {
      plan.adjustments.push(`${label} lowered from ${b} to ${shrunk} to leave answer room within the ${modelMax}-token maximum output`);
      b = shrunk;
    }
  }
  if (plan.maxTokens < b + answerRoom) {
    const target = modelMax !== null ? Math.min(b + answerRoom, modelMax) : b + answerRoom;
    if (target > plan.maxTokens) {
      plan.adjustments.push(
        answerTokens === undefined
          ? `max_tokens raised from ${plan.maxTokens} to ${target} to fit a ${b}-token ${label}`
          : `max_tokens raised from ${plan.maxTokens} to ${target}: the client's ${answerTokens} for the answer plus a ${b}-token ${label} it did not ask for`,
      );
      plan.maxTokens = target;
    }
  }
  return b;
}

function planOff(args: Args, plan: ThinkingPlan): ThinkingPlan {
  const { model, caps, toolChoice } = args;
  const types = caps.capabilities!.thinking.types;
  if (types.disabled.supported) {
    plan.thinking = { type: "disabled" };
    const cap = caps.rules.disabledMaxEffort;
    if (cap) pinEffort(plan, caps, cap, `${model} accepts thinking "disabled" only at effort ${cap} or lower`);
    return plan;
  }
  if (types.between_tools.supported) {
    // Sonnet 5.5: `disabled` is a 400 there; between_tools is its "off" (§1.4).
    plan.thinking = { type: "between_tools" };
    plan.adjustments.push(`thinking off is "between_tools" on ${model}, which rejects "disabled"`);
    const cap = caps.rules.betweenToolsMaxEffort;
    if (cap) pinEffort(plan, caps, cap, `${model} accepts "between_tools" only at effort ${cap} or lower`);
    return plan;
  }
  if (types.adaptive.supported) {
    // Opus 5.5, Fable/Mythos 5.x, Mythos Preview think always: the least thinking is adaptive at the lowest effort.
    plan.thinking = { type: "adaptive" };
    plan.effort = lowestEffort(caps);
    plan.adjustments.push(`thinking cannot be turned off on ${model}; using adaptive thinking${plan.effort ? ` at effort ${plan.effort}` : ""}`);
    if (isForcedToolChoice(toolChoice) && caps.rules.rejectsForcedToolChoiceWithThinking && !plan.toolChoice) {
      plan.toolChoice = { type: "auto" };
      plan.adjustments.push(`tool_choice "${toolChoice!.type}" replaced by "auto": ${model} rejects a forced tool_choice with thinking, and its thinking cannot be turned off`);
    }
    return plan;
  }
  // A model that accepts neither: leave the field out and let the model's default apply.
  plan.adjustments.push(`${model} accepts no way to turn thinking off; thinking field omitted`);
  return plan;
}

function pinEffort(plan: ThinkingPlan, caps: ResolvedCapabilities, cap: Effort, why: string): void {
  plan.effort = cappedEffort(caps, cap);
  plan.adjustments.push(`effort set to ${plan.effort}: ${why}`);
}
