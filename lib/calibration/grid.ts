/**
 * The configurations an experiment compares: a model with thinking off, with
 * a thinking budget, or with an effort level. Which of those a model takes is
 * what the gateway itself would send (lib/models/thinking.ts planThinking):
 * models with adaptive thinking get an effort level (a budget on them would be
 * translated to effort, so measuring budgets there would measure nothing);
 * the manual-only models (the 4.5 family) get a budget_tokens.
 */
import { z } from "zod";
import { badRequest } from "../api/errors";
import { EFFORTS, modelInfo, type Effort } from "../models/catalog";
import { MIN_BUDGET } from "../models/thinking";
import type { RouteConfig } from "../routing/types";

export type CalibrationConfig =
  | { model: string; thinking: "off" }
  | { model: string; thinking: "budget"; budgetTokens: number }
  | { model: string; thinking: "effort"; effort: Effort };

export const configSchema = z.discriminatedUnion("thinking", [
  z.object({ model: z.string().trim().min(1), thinking: z.literal("off") }).strict(),
  z.object({ model: z.string().trim().min(1), thinking: z.literal("budget"), budgetTokens: z.number().int() }).strict(),
  z.object({ model: z.string().trim().min(1), thinking: z.literal("effort"), effort: z.enum(EFFORTS) }).strict(),
]);

/** The budgets the lab offers by default (the issue's ladder). */
export const DEFAULT_BUDGETS = [1_024, 2_048, 4_096, 8_192, 16_384, 32_000] as const;

/** What a model accepts, for the grid picker and validation. */
export interface ModelThinking {
  model: string;
  displayName: string;
  /** Thinking can be turned off. */
  off: boolean;
  /** "budget": manual budget_tokens; "effort": adaptive with effort levels; "none": no thinking control. */
  control: "budget" | "effort" | "none";
  efforts: Effort[];
  maxBudget: number | null;
}

export function modelThinking(model: string): ModelThinking | null {
  const e = modelInfo(model);
  if (!e) return null;
  const t = e.capabilities.thinking.types;
  const efforts = EFFORTS.filter((x) => e.capabilities.effort[x]?.supported);
  const control = t.adaptive.supported && efforts.length > 0 ? "effort" : t.enabled.supported ? "budget" : "none";
  return {
    model: e.id,
    displayName: e.displayName,
    off: t.disabled.supported || t.between_tools.supported,
    control,
    efforts: control === "effort" ? efforts : [],
    // Thinking counts toward max_tokens, which also needs room for the answer (thinking.ts ANSWER_ROOM).
    maxBudget: control === "budget" ? e.maxOutputTokens - 4_096 : null,
  };
}

export function configKey(c: CalibrationConfig): string {
  if (c.thinking === "off") return `${c.model}:off`;
  if (c.thinking === "budget") return `${c.model}:${c.budgetTokens}`;
  return `${c.model}:effort=${c.effort}`;
}

export function configLabel(c: CalibrationConfig): string {
  if (c.thinking === "off") return `${c.model} · thinking off`;
  if (c.thinking === "budget") return `${c.model} · budget ${c.budgetTokens.toLocaleString("en-US")}`;
  return `${c.model} · effort ${c.effort}`;
}

/** Why a configuration cannot be measured, or null when it can. */
export function configProblem(c: CalibrationConfig): string | null {
  const m = modelThinking(c.model);
  if (!m) return `unknown model "${c.model}"`;
  if (c.thinking === "off") return m.off ? null : `${c.model} cannot turn thinking off; calibrate it with effort levels (${m.efforts.join(", ")})`;
  if (c.thinking === "budget") {
    if (m.control === "effort") {
      return `${c.model} thinks adaptively: thinkgate sends it an effort level, never a budget; use effort levels (${m.efforts.join(", ")})`;
    }
    if (m.control === "none") return `${c.model} takes no thinking budget`;
    if (c.budgetTokens < MIN_BUDGET) return `budget ${c.budgetTokens} is below the API's minimum of ${MIN_BUDGET}`;
    if (m.maxBudget !== null && c.budgetTokens > m.maxBudget) return `budget ${c.budgetTokens} leaves no room for the answer within ${c.model}'s maximum output (largest: ${m.maxBudget})`;
    return null;
  }
  if (m.control === "budget") return `${c.model} takes thinking budgets (budget_tokens), not effort levels`;
  if (!m.efforts.includes(c.effort)) return `${c.model} does not take effort ${c.effort} (it takes ${m.efforts.join(", ") || "none"})`;
  return null;
}

/** Parses and validates a grid: at least one configuration, no duplicates, each one measurable. A 400 listing every problem otherwise. */
export function validateGrid(raw: unknown): CalibrationConfig[] {
  const parsed = z.array(configSchema).min(1, "at least one configuration is required").max(40, "at most 40 configurations").safeParse(raw);
  if (!parsed.success) throw badRequest(`configs: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const c of parsed.data) {
    const key = configKey(c);
    if (seen.has(key)) problems.push(`${key}: listed twice`);
    seen.add(key);
    const p = configProblem(c);
    if (p) problems.push(`${key}: ${p}`);
  }
  if (problems.length) throw badRequest(`invalid configuration grid: ${problems.join("; ")}`);
  return parsed.data;
}

/**
 * The CLI's short form: "MODEL:off", "MODEL:4096", "MODEL:effort=high", and
 * "standard" for thinking off on `defaultModel`.
 */
export function parseConfigList(text: string, defaultModel?: string): CalibrationConfig[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (s === "standard") {
        if (!defaultModel) throw badRequest(`"standard" needs a model: name one with --model, or list another configuration first`);
        return { model: defaultModel, thinking: "off" } as const;
      }
      const at = s.lastIndexOf(":");
      if (at <= 0) throw badRequest(`"${s}": expected MODEL:off, MODEL:BUDGET or MODEL:effort=LEVEL`);
      const model = s.slice(0, at);
      const spec = s.slice(at + 1);
      if (spec === "off") return { model, thinking: "off" } as const;
      if (/^\d+$/.test(spec)) return { model, thinking: "budget", budgetTokens: Number(spec) } as const;
      const effort = /^effort=(\w+)$/.exec(spec)?.[1];
      if (effort && (EFFORTS as readonly string[]).includes(effort)) return { model, thinking: "effort", effort: effort as Effort } as const;
      throw badRequest(`"${s}": expected MODEL:off, MODEL:BUDGET or MODEL:effort=LEVEL (levels: ${EFFORTS.join(", ")})`);
    });
}

/** How much the configuration may think, for ordering and charts: 0 off, the budget, or the effort's budget equivalent. */
export function thinkingWeight(c: CalibrationConfig): number {
  if (c.thinking === "off") return 0;
  if (c.thinking === "budget") return c.budgetTokens;
  return (EFFORTS.indexOf(c.effort) + 1) * 1_000_000;
}

/** The route the gateway applies for one trial: the configuration exactly, outside the stored routes. */
export function trialRoute(c: CalibrationConfig, experimentId: string): RouteConfig {
  return {
    id: `calibration:${experimentId}`,
    name: configLabel(c),
    tier: c.thinking === "off" ? "standard" : "reasoning",
    model: c.model,
    thinking: c.thinking === "off" ? "off" : "on",
    budgetTier: null,
    budgetTokens: c.thinking === "budget" ? c.budgetTokens : null,
    effort: c.thinking === "effort" ? c.effort : null,
    display: "summarized",
    minMaxTokens: null,
  };
}
