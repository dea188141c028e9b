/**
 * What thinkgate does with a thinking configuration the client sent itself
 * (`thinking`, `output_config.effort`), per key and per app:
 *
 *   - `honour` (the default): kept as sent; thinkgate decides only when the
 *     request leaves thinking open. A drop-in never silently removes or
 *     replaces what a client explicitly asked for.
 *   - `decide`: thinkgate's decision replaces it, up or down (for clients that
 *     always send thinking, like Claude Code, where "auto think" is the point).
 *   - `cap`: kept, like honour, but never above a maximum effort (or the
 *     budget that effort stands for on budget models); thinkgate's own
 *     decisions are capped too.
 *
 * A configuration that is forwarded as the client sent it is checked first
 * against what the model accepts, and refused with the API's own 400: it is
 * never silently replaced by something that would work.
 */
import { z } from "zod";
import type { ResolvedCapabilities } from "./capabilities";
import { EFFORTS, effortRank, type Effort } from "./catalog";
import { EFFORT_BUDGETS, MIN_BUDGET } from "./thinking";

export const THINKING_POLICIES = ["honour", "decide", "cap"] as const;
export type ThinkingPolicyName = (typeof THINKING_POLICIES)[number];

export interface ThinkingPolicy {
  policy: ThinkingPolicyName;
  /** With `cap`: the highest effort. */
  cap: Effort | null;
}

export const DEFAULT_THINKING_POLICY: ThinkingPolicy = { policy: "honour", cap: null };

export function isThinkingPolicy(v: unknown): v is ThinkingPolicyName {
  return typeof v === "string" && (THINKING_POLICIES as readonly string[]).includes(v);
}

export function isEffort(v: unknown): v is Effort {
  return typeof v === "string" && (EFFORTS as readonly string[]).includes(v);
}

/** The policy as the settings APIs and the configuration file take it. */
export const thinkingPolicySchema = z
  .object({
    policy: z.enum(THINKING_POLICIES, { message: 'policy is "honour", "decide" or "cap"' }),
    cap: z.enum(EFFORTS, { message: "cap is an effort: low, medium, high, xhigh or max" }).nullable().default(null),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.policy === "cap" && !p.cap) ctx.addIssue({ code: "custom", path: ["cap"], message: "policy cap needs a cap (an effort: low, medium, high, xhigh or max)" });
    if (p.policy !== "cap" && p.cap) ctx.addIssue({ code: "custom", path: ["cap"], message: `a cap applies only with policy cap (this one is ${p.policy})` });
  });

export const toThinkingColumns = (p: ThinkingPolicy | null) => ({ thinkingPolicy: p?.policy ?? null, thinkingCap: p?.cap ?? null });

/** A stored pair of columns as a policy; anything unreadable is the default. */
export function toThinkingPolicy(policy: string | null | undefined, cap: string | null | undefined): ThinkingPolicy | null {
  if (!isThinkingPolicy(policy)) return null;
  return { policy, cap: policy === "cap" && isEffort(cap) ? cap : null };
}

/** What happened to the client's thinking, for the `thinkgate-client-thinking` header and the record. */
export type ClientThinkingOutcome = "absent" | "kept" | "capped" | "replaced" | "pinned";

interface Body {
  max_tokens: number;
  thinking?: Record<string, unknown>;
  output_config?: { effort?: unknown; [k: string]: unknown };
  tools?: unknown[];
}

/** The client said how to think: a `thinking` field or an effort. */
export function explicitThinking(body: Body): boolean {
  return body.thinking !== undefined || (body.output_config?.effort !== undefined && body.output_config.effort !== null);
}

const INTERLEAVED_BETA = "interleaved-thinking-2025-05-14";

/**
 * The API's 400 message for a client thinking configuration `model` would
 * reject (reference §1.2–1.6), or null when it is acceptable or the model's
 * capabilities are unknown (the upstream then answers for itself).
 */
export function invalidClientThinking(body: Body, caps: ResolvedCapabilities, betas: string[]): string | null {
  const c = caps.capabilities;
  if (!c) return null;
  const t = body.thinking;
  if (t) {
    const type = t.type as "enabled" | "disabled" | "adaptive" | "between_tools";
    const types = c.thinking.types;
    if (!types[type]?.supported) {
      const head = `"thinking.type.${type}" is not supported for this model.`;
      if (type === "enabled" && types.adaptive.supported) return `${head} Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.`;
      if (type === "adaptive" && types.enabled.supported) return `${head} Use "thinking.type.enabled" with "budget_tokens".`;
      if (type === "disabled" && types.between_tools.supported) return `${head} Use "thinking.type.between_tools" to turn thinking off.`;
      return head;
    }
    if (type === "enabled") {
      const budget = t.budget_tokens;
      if (budget === undefined) return "thinking.enabled.budget_tokens: Field required";
      if (typeof budget !== "number" || budget < MIN_BUDGET) return `thinking.enabled.budget_tokens: Input should be greater than or equal to ${MIN_BUDGET}`;
      const interleaved = betas.includes(INTERLEAVED_BETA) && Array.isArray(body.tools) && body.tools.length > 0;
      if (!interleaved && budget >= body.max_tokens) {
        return "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size";
      }
    }
  }
  const effort = body.output_config?.effort;
  if (effort !== undefined && effort !== null) {
    if (!isEffort(effort)) return "output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'";
    if (!c.effort.supported) return `"output_config.effort" is not supported for this model.`;
    if (!c.effort[effort]?.supported) {
      return `"output_config.effort.${effort}" is not supported for this model. Supported values: ${EFFORTS.filter((e) => c.effort[e]?.supported).join(", ")}.`;
    }
  }
  return null;
}

export interface Capped {
  thinking?: Record<string, unknown>;
  effort?: Effort;
  adjustments: string[];
}

/**
 * Lowers a thinking configuration to the cap: an effort above it becomes the
 * cap (or the highest level the model takes below it); a budget above the
 * cap's equivalent becomes that budget; adaptive thinking without an effort,
 * on a model whose default effort is above the cap, gets the cap as effort.
 * Returns null when nothing had to change.
 */
export function capThinking(thinking: Record<string, unknown> | undefined, effort: Effort | undefined, cap: Effort, caps: ResolvedCapabilities): Capped | null {
  const adjustments: string[] = [];
  let outThinking = thinking;
  let outEffort = effort;
  const levels = caps.capabilities?.effort;
  const allowedAtOrBelow = (e: Effort) => [...EFFORTS].reverse().find((x) => effortRank(x) <= effortRank(e) && (!levels?.supported || levels[x]?.supported));
  const on = thinking?.type === "adaptive" || thinking?.type === "enabled";
  const current = effort ?? (on && levels?.supported ? caps.defaultEffort ?? undefined : undefined);
  if (current && effortRank(current) > effortRank(cap)) {
    const to = allowedAtOrBelow(cap);
    if (to) {
      outEffort = to;
      adjustments.push(`effort ${current}${effort ? "" : " (the model's default)"} capped to ${to} (client-thinking policy cap ${cap})`);
    }
  }
  if (thinking?.type === "enabled" && typeof thinking.budget_tokens === "number") {
    const max = Math.max(MIN_BUDGET, EFFORT_BUDGETS[cap]);
    if (thinking.budget_tokens > max) {
      outThinking = { ...thinking, budget_tokens: max };
      adjustments.push(`budget_tokens ${thinking.budget_tokens} capped to ${max} (client-thinking policy cap ${cap})`);
    }
  }
  return adjustments.length ? { thinking: outThinking, effort: outEffort, adjustments } : null;
}
