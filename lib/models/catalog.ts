/**
 * The built-in model table: what each model of SDK 1.14's `Model` type accepts.
 *
 * It is the fallback when `GET /v1/models/{id}` cannot be reached (and the
 * source of truth of the offline simulator), so it mirrors the API's own
 * `ModelCapabilities` shape, plus the few facts that shape lacks: what happens
 * when `thinking` is omitted, the default `display`, the default effort, and the
 * rejection rules that depend on a combination of fields.
 *
 * Thinking facts encode docs/reference/anthropic-api.md §1.6 (table "Thinking
 * support, defaults, and rejected configurations by model"), with §1.3
 * (display defaults), §1.4 (between_tools), §1.5 (effort levels) and §1.10
 * (forced tool_choice, sampling, prefill). Dates, context and output limits come
 * from §4.1. Facts the reference marks as unverified are flagged where set.
 */
import type { ModelCapabilities, ModelInfo, ModelLine } from "@anthropic-ai/sdk/resources/models";

export const EFFORTS = ["low", "medium", "high", "xhigh", "max"] as const;
export type Effort = (typeof EFFORTS)[number];

/** Position of an effort level, for "at most high" comparisons. */
export function effortRank(effort: Effort): number {
  return EFFORTS.indexOf(effort);
}

export interface ThinkingRules {
  /** `disabled` is accepted only at an effective effort ≤ this (Opus 5, Haiku 5.5: §1.6). */
  disabledMaxEffort?: Effort;
  /** `between_tools` is accepted only at an effective effort ≤ this (Sonnet 5.5: §1.4). */
  betweenToolsMaxEffort?: Effort;
  /**
   * A forced `tool_choice` (`any` or `tool`) is a 400 while thinking is on, even
   * adaptive (Opus 5.5, Sonnet 5.5, Fable 5.1, Mythos 5.1: §1.10). Manual
   * `enabled` thinking rejects forced tool_choice on every model; that rule is
   * universal, so it is not a per-model flag.
   */
  rejectsForcedToolChoiceWithThinking: boolean;
}

/** Manual `enabled` thinking allows only these tool_choice types, on every model (§1.10). */
export const TOOL_CHOICES_ALLOWED_WITH_ENABLED: readonly string[] = ["auto", "none"];

/** `any` and `tool` make the model call a tool; the rules above call that "forced". */
export function isForcedToolChoice(toolChoice: { type: string } | undefined): boolean {
  return toolChoice !== undefined && (toolChoice.type === "any" || toolChoice.type === "tool");
}

export interface CatalogEntry {
  /** The canonical id `GET /v1/models` reports (the dated id where one exists). */
  id: string;
  /** Other ids that resolve to this entry (the undated alias of a dated model). */
  aliases: string[];
  displayName: string;
  line: ModelLine;
  /** RFC 3339. */
  createdAt: string;
  lifecycle: "active" | "deprecated";
  /** RFC 3339 or null; the SDK's deprecation list gives retirement dates only. */
  retiresAt: string | null;
  contextWindow: number;
  maxOutputTokens: number;
  capabilities: ModelCapabilities;
  /** What the model does when the request omits `thinking`. */
  thinkingWhenOmitted: "on" | "off";
  /** `thinking.display` when the request does not send it (§1.3). */
  displayDefault: "summarized" | "omitted";
  /** `output_config.effort` when not sent; null when the model takes no effort. */
  defaultEffort: Effort | null;
  rules: ThinkingRules;
  /** Claude Sonnet 5 / Opus 4.7 and later reject non-default sampling values even on 2023-06-01 (§1.10). */
  defaultSamplingOnly: boolean;
  /** The 5.5 models removed assistant prefill (§1.10, third-party source). */
  prefill: boolean;
}

type ThinkingType = "adaptive" | "enabled" | "disabled" | "between_tools";

const yes = { supported: true } as const;
const no = { supported: false } as const;

/**
 * Builds the SDK capability object. Only thinking and effort are sourced from
 * the reference; the other capabilities (batch, citations, tools, ...) are set
 * to "supported" because every model in this table has them on the public
 * model pages and the gateway never routes on them.
 */
function caps(thinking: ThinkingType[], efforts: Effort[], opts: { compaction?: boolean } = {}): ModelCapabilities {
  const has = (e: Effort) => (efforts.includes(e) ? yes : no);
  return {
    batch: yes,
    citations: yes,
    code_execution: yes,
    context_management: {
      supported: true,
      clear_thinking_20251015: yes,
      clear_tool_uses_20250919: yes,
      compact_20260112: opts.compaction === false ? no : yes,
    },
    effort: {
      supported: efforts.length > 0,
      low: has("low"),
      medium: has("medium"),
      high: has("high"),
      xhigh: has("xhigh"),
      max: has("max"),
    },
    image_input: yes,
    pdf_input: yes,
    server_tools: { supported: true, code_execution: yes, web_search: yes },
    structured_outputs: yes,
    thinking: {
      supported: true,
      types: {
        adaptive: thinking.includes("adaptive") ? yes : no,
        enabled: thinking.includes("enabled") ? yes : no,
        disabled: thinking.includes("disabled") ? yes : no,
        between_tools: thinking.includes("between_tools") ? yes : no,
      },
    },
  };
}

const ALL_EFFORTS: Effort[] = ["low", "medium", "high", "xhigh", "max"];
const NO_XHIGH: Effort[] = ["low", "medium", "high", "max"];
const NO_RULES: ThinkingRules = { rejectsForcedToolChoiceWithThinking: false };
const M = 1_000_000;
const K128 = 128_000;

interface Base {
  line: ModelLine;
  createdAt: string;
  contextWindow: number;
  maxOutputTokens: number;
  lifecycle?: "deprecated";
  retiresAt?: string;
}

function entry(id: string, displayName: string, base: Base, rest: Omit<CatalogEntry, "id" | "aliases" | "displayName" | "line" | "createdAt" | "lifecycle" | "retiresAt" | "contextWindow" | "maxOutputTokens">, aliases: string[] = []): CatalogEntry {
  return {
    id,
    aliases,
    displayName,
    line: base.line,
    createdAt: base.createdAt,
    lifecycle: base.lifecycle ?? "active",
    retiresAt: base.retiresAt ?? null,
    contextWindow: base.contextWindow,
    maxOutputTokens: base.maxOutputTokens,
    ...rest,
  };
}

/** Fable/Mythos 5.x and Opus 5.5 cannot turn thinking off at all (§1.6: "always on"). */
const alwaysOnAdaptive = (forcedToolChoiceRejected: boolean, defaultEffort: Effort = "high") => ({
  capabilities: caps(["adaptive"], ALL_EFFORTS),
  thinkingWhenOmitted: "on" as const,
  displayDefault: "omitted" as const,
  defaultEffort,
  rules: { rejectsForcedToolChoiceWithThinking: forcedToolChoiceRejected },
  defaultSamplingOnly: true,
  prefill: true,
});

const date = (d: string) => `${d}T00:00:00Z`;
const UNKNOWN_DATE = date("1970-01-01");

// In the order of SDK 1.14's `Model` union (newest first, roughly), which is
// also the order `GET /v1/models` lists them in.
const ENTRIES: CatalogEntry[] = [
  // §1.6: rejected values "by analogy with 5.1" (not seen verbatim); forced
  // tool_choice is documented as a 400 for 5.1 only, so 5.2 keeps it allowed.
  // xhigh/max on 5.1 and 5.2 are assumed from Fable 5 (the effort page predates them).
  entry("claude-fable-5-2", "Claude Fable 5.2", { line: "fable", createdAt: date("2026-11-09"), contextWindow: M, maxOutputTokens: K128 }, alwaysOnAdaptive(false)),
  entry("claude-mythos-5-2", "Claude Mythos 5.2", { line: "mythos", createdAt: date("2026-11-09"), contextWindow: M, maxOutputTokens: K128 }, alwaysOnAdaptive(false)),
  entry("claude-haiku-5-5", "Claude Haiku 5.5", { line: "haiku", createdAt: date("2026-10-07"), contextWindow: M, maxOutputTokens: K128 }, {
    // `enabled` rejected is presumed by the 4.7+ rule (§1.6); disabled only at effort ≤ high.
    capabilities: caps(["adaptive", "disabled"], ALL_EFFORTS),
    thinkingWhenOmitted: "on",
    displayDefault: "omitted",
    defaultEffort: "medium",
    rules: { disabledMaxEffort: "high", rejectsForcedToolChoiceWithThinking: false },
    defaultSamplingOnly: true,
    prefill: false,
  }),
  entry("claude-sonnet-5-5", "Claude Sonnet 5.5", { line: "sonnet", createdAt: date("2026-09-28"), contextWindow: M, maxOutputTokens: K128 }, {
    // between_tools replaces disabled, and only at effort ≤ high (§1.4).
    capabilities: caps(["adaptive", "between_tools"], ALL_EFFORTS),
    thinkingWhenOmitted: "on",
    displayDefault: "omitted",
    defaultEffort: "high",
    rules: { betweenToolsMaxEffort: "high", rejectsForcedToolChoiceWithThinking: true },
    defaultSamplingOnly: true,
    prefill: false,
  }),
  // Fable/Mythos 5.1 launch dates are in neither the reference nor the SDK
  // changelog; the API's convention for an unknown release date is the epoch.
  entry("claude-fable-5-1", "Claude Fable 5.1", { line: "fable", createdAt: UNKNOWN_DATE, contextWindow: M, maxOutputTokens: K128 }, alwaysOnAdaptive(true)),
  entry("claude-opus-5-5", "Claude Opus 5.5", { line: "opus", createdAt: date("2026-09-22"), contextWindow: M, maxOutputTokens: K128 }, {
    ...alwaysOnAdaptive(true, "medium"),
    prefill: false,
  }),
  entry("claude-mythos-5-1", "Claude Mythos 5.1", { line: "mythos", createdAt: UNKNOWN_DATE, contextWindow: M, maxOutputTokens: K128 }, alwaysOnAdaptive(true)),
  entry("claude-sonnet-5", "Claude Sonnet 5", { line: "sonnet", createdAt: date("2026-06-30"), contextWindow: M, maxOutputTokens: K128 }, {
    capabilities: caps(["adaptive", "disabled"], ALL_EFFORTS),
    thinkingWhenOmitted: "on",
    displayDefault: "omitted",
    defaultEffort: "high",
    rules: NO_RULES,
    defaultSamplingOnly: true,
    prefill: true,
  }),
  entry("claude-fable-5", "Claude Fable 5", { line: "fable", createdAt: date("2026-06-09"), contextWindow: M, maxOutputTokens: K128 }, alwaysOnAdaptive(false)),
  entry("claude-mythos-5", "Claude Mythos 5", { line: "mythos", createdAt: date("2026-06-09"), contextWindow: M, maxOutputTokens: K128 }, alwaysOnAdaptive(false)),
  entry("claude-opus-5", "Claude Opus 5", { line: "opus", createdAt: date("2026-07-24"), contextWindow: M, maxOutputTokens: K128 }, {
    // §1.6 footnote 2: disabled together with xhigh/max is a 400.
    capabilities: caps(["adaptive", "disabled"], ALL_EFFORTS),
    thinkingWhenOmitted: "on",
    displayDefault: "omitted",
    defaultEffort: "high",
    rules: { disabledMaxEffort: "high", rejectsForcedToolChoiceWithThinking: false },
    defaultSamplingOnly: true,
    prefill: true,
  }),
  // Opus 4.6–4.8 limits were not checked (§4.1); 1M / 128K assumed like Sonnet 4.6.
  entry("claude-opus-4-8", "Claude Opus 4.8", { line: "opus", createdAt: date("2026-05-28"), contextWindow: M, maxOutputTokens: K128 }, {
    capabilities: caps(["adaptive", "disabled"], ALL_EFFORTS),
    thinkingWhenOmitted: "off",
    displayDefault: "omitted",
    defaultEffort: "high",
    rules: NO_RULES,
    defaultSamplingOnly: true,
    prefill: true,
  }),
  entry("claude-opus-4-7", "Claude Opus 4.7", { line: "opus", createdAt: date("2026-04-16"), contextWindow: M, maxOutputTokens: K128 }, {
    capabilities: caps(["adaptive", "disabled"], ALL_EFFORTS),
    thinkingWhenOmitted: "off",
    displayDefault: "omitted",
    defaultEffort: "high",
    rules: NO_RULES,
    defaultSamplingOnly: true,
    prefill: true,
  }),
  // Mythos Preview: adaptive and enabled, thinking always on, no xhigh (§1.5). Limits assumed.
  entry("claude-mythos-preview", "Claude Mythos Preview", { line: "mythos", createdAt: date("2026-04-07"), contextWindow: M, maxOutputTokens: K128, lifecycle: "deprecated", retiresAt: date("2026-06-30") }, {
    capabilities: caps(["adaptive", "enabled"], NO_XHIGH),
    thinkingWhenOmitted: "on",
    displayDefault: "omitted",
    defaultEffort: "high",
    rules: NO_RULES,
    defaultSamplingOnly: true,
    prefill: true,
  }),
  entry("claude-opus-4-6", "Claude Opus 4.6", { line: "opus", createdAt: date("2026-02-05"), contextWindow: M, maxOutputTokens: K128 }, {
    // `enabled` still works but is deprecated (the SDK warns).
    capabilities: caps(["adaptive", "enabled", "disabled"], NO_XHIGH),
    thinkingWhenOmitted: "off",
    displayDefault: "summarized",
    defaultEffort: "high",
    rules: NO_RULES,
    defaultSamplingOnly: false,
    prefill: true,
  }),
  entry("claude-sonnet-4-6", "Claude Sonnet 4.6", { line: "sonnet", createdAt: date("2026-02-17"), contextWindow: M, maxOutputTokens: K128 }, {
    capabilities: caps(["adaptive", "enabled", "disabled"], NO_XHIGH),
    thinkingWhenOmitted: "off",
    displayDefault: "summarized",
    defaultEffort: "high",
    rules: NO_RULES,
    defaultSamplingOnly: false,
    prefill: true,
  }),
  // The 4.5 family: manual `enabled` only; created dates are the dated ids' dates.
  entry("claude-haiku-4-5-20251001", "Claude Haiku 4.5", { line: "haiku", createdAt: date("2025-10-01"), contextWindow: 200_000, maxOutputTokens: 64_000 }, {
    capabilities: caps(["enabled", "disabled"], [], { compaction: false }),
    thinkingWhenOmitted: "off",
    displayDefault: "summarized",
    defaultEffort: null,
    rules: NO_RULES,
    defaultSamplingOnly: false,
    prefill: true,
  }, ["claude-haiku-4-5"]),
  // Opus 4.5 takes effort low/medium/high but not max or xhigh (§1.5). Limits not in the reference: 200K / 64K.
  entry("claude-opus-4-5-20251101", "Claude Opus 4.5", { line: "opus", createdAt: date("2025-11-01"), contextWindow: 200_000, maxOutputTokens: 64_000, lifecycle: "deprecated", retiresAt: date("2027-01-22") }, {
    capabilities: caps(["enabled", "disabled"], ["low", "medium", "high"], { compaction: false }),
    thinkingWhenOmitted: "off",
    displayDefault: "summarized",
    defaultEffort: "high",
    rules: NO_RULES,
    defaultSamplingOnly: false,
    prefill: true,
  }, ["claude-opus-4-5"]),
  entry("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", { line: "sonnet", createdAt: date("2025-09-29"), contextWindow: 200_000, maxOutputTokens: 64_000, lifecycle: "deprecated", retiresAt: date("2026-11-30") }, {
    capabilities: caps(["enabled", "disabled"], [], { compaction: false }),
    thinkingWhenOmitted: "off",
    displayDefault: "summarized",
    defaultEffort: null,
    rules: NO_RULES,
    defaultSamplingOnly: false,
    prefill: true,
  }, ["claude-sonnet-4-5"]),
];

const BY_ID = new Map<string, CatalogEntry>();
for (const e of ENTRIES) {
  BY_ID.set(e.id, e);
  for (const alias of e.aliases) BY_ID.set(alias, e);
}

/** The entry for a model id or alias, or undefined for a model this table does not know. */
export function modelInfo(id: string): CatalogEntry | undefined {
  return BY_ID.get(id);
}

/**
 * Whether two model ids name the same model: equal, or an alias and its dated
 * id (claude-haiku-4-5 and claude-haiku-4-5-20251001). Ids the table does not
 * know are compared as they are.
 */
export function sameModel(a: string, b: string): boolean {
  return a === b || (modelInfo(a)?.id ?? a) === (modelInfo(b)?.id ?? b);
}

/**
 * Models whose thinking blocks are bound to the model that reads them and to
 * the conversation's prefix ("preserved thinking", reference §1.9: Fable and
 * Mythos 5.1 and later, the 5.5 models). A conversation on one of them keeps
 * its model and thinking configuration from turn to turn: another model drops
 * its blocks, and the blocks are its reasoning so far.
 */
const BINDS_THINKING = new Set(["claude-fable-5-1", "claude-mythos-5-1", "claude-fable-5-2", "claude-mythos-5-2", "claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5"]);

/** Whether `model` refuses a forced tool_choice while it thinks (ThinkingRules); false for a model the catalog does not know. */
export function refusesForcedToolWithThinking(model: string): boolean {
  return modelInfo(model)?.rules.rejectsForcedToolChoiceWithThinking ?? false;
}

export function bindsThinking(model: string): boolean {
  const e = modelInfo(model);
  return !!e && BINDS_THINKING.has(e.id);
}

/**
 * True when `requested` is a newer model of the same line than `target`
 * (claude-opus-4-8 against claude-opus-4-7): a route naming the older one
 * would be a silent downgrade. Unknown models and other lines compare as false.
 */
export function newerOfSameLine(requested: string, target: string): boolean {
  const r = modelInfo(requested);
  const t = modelInfo(target);
  if (!r || !t || r.id === t.id || r.line !== t.line) return false;
  const rank = (e: CatalogEntry) => ENTRIES.length - ENTRIES.indexOf(e);
  return rank(r) > rank(t);
}

/** Every entry once (aliases resolve to their entry), newest first. */
export function allModels(): readonly CatalogEntry[] {
  return ENTRIES;
}

/** Every id the table answers to: canonical ids and aliases. */
export function allModelIds(): string[] {
  return [...BY_ID.keys()];
}

/** The entry as `GET /v1/models/{id}` reports it (SDK `ModelInfo`). */
export function toModelInfo(e: CatalogEntry): ModelInfo {
  return {
    type: "model",
    id: e.id,
    display_name: e.displayName,
    created_at: e.createdAt,
    // The reference gives no deprecation dates, only retirement dates.
    deprecated_at: null,
    lifecycle: e.lifecycle,
    line: e.line,
    max_input_tokens: e.contextWindow,
    max_tokens: e.maxOutputTokens,
    retires_at: e.retiresAt,
    capabilities: e.capabilities,
  };
}
