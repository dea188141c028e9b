/**
 * Turns a routing decision into the body sent upstream. The client's body is
 * copied shallowly, so fields thinkgate does not know are forwarded as they
 * came; only model, thinking, output_config.effort, max_tokens and (where they
 * would break the new configuration) sampling parameters change, and every
 * change is noted.
 */
import { isForcedToolChoice, modelInfo, newerOfSameLine } from "../models/catalog";
import { capThinking, isEffort } from "../models/client-thinking";
import { planThinking, takesForcedToolChoice, type ThinkingIntent } from "../models/thinking";
import type { Decision } from "../routing/types";
import { endsWithPrefill, type MessagesBody } from "../routing/request";
import { capabilities } from "./capabilities";

export interface Applied {
  body: MessagesBody;
  model: string;
  /** The thinking and effort sent upstream, for the record and the conversation pin. */
  thinking?: Record<string, unknown>;
  effort?: string;
  adjustments: string[];
}

const SAMPLING = ["temperature", "top_p", "top_k"] as const;

export function applyDecision(body: MessagesBody, decision: Decision): Applied {
  const out: MessagesBody = { ...body };
  const adjustments: string[] = [];

  if (decision.pinned) {
    // Replay the conversation's first configuration exactly.
    const pin = decision.pinned;
    out.model = pin.model;
    if (pin.thinking) out.thinking = pin.thinking;
    else delete out.thinking;
    if (pin.effort) out.output_config = { ...(body.output_config ?? {}), effort: pin.effort };
    const budget = typeof pin.thinking?.budget_tokens === "number" ? pin.thinking.budget_tokens : 0;
    if (pin.maxTokens && out.max_tokens < pin.maxTokens) {
      out.max_tokens = pin.maxTokens;
      adjustments.push(`max_tokens raised from ${body.max_tokens} to ${out.max_tokens}, as on the conversation's first call, to leave room for its thinking`);
    }
    if (budget && out.max_tokens <= budget) {
      out.max_tokens = budget + 4096;
      adjustments.push(`max_tokens raised from ${body.max_tokens} to ${out.max_tokens} to fit the conversation's ${budget}-token thinking budget`);
    }
  } else if (decision.route) {
    const route = decision.route;
    // "*" keeps the requested model; a named model never replaces a newer one of its line (opus-4-8 asked, opus-4-7 named: 4-8 stays).
    const keepNewer = route.model !== "*" && !decision.keepModel && newerOfSameLine(body.model, route.model);
    // A prefill is not moved to a model that refuses prefills (the 5.5 models).
    const prefill = endsWithPrefill(body.messages);
    const keepPrefill = route.model !== "*" && !decision.keepModel && !keepNewer && prefill && modelInfo(route.model)?.prefill === false;
    // Nor is a forced tool_choice moved to a model that could only answer it as "auto": the client's tool call
    // (often its structured output, as LangChain's withStructuredOutput asks for it) might not come.
    const toolChoice = body.tool_choice as { type: string } | undefined;
    const keepForced =
      route.model !== "*" && !decision.keepModel && !keepNewer && !keepPrefill && isForcedToolChoice(toolChoice) &&
      !takesForcedToolChoice(capabilities().peek(route.model)) && takesForcedToolChoice(capabilities().peek(body.model));
    const model = route.model === "*" || decision.keepModel || keepNewer || keepPrefill || keepForced ? body.model : route.model;
    if (keepNewer) adjustments.push(`kept ${body.model}: route "${route.id}" names ${route.model}, an older model of the same line`);
    if (keepPrefill) adjustments.push(`kept ${body.model}: the request ends with an assistant prefill, which ${route.model} (route "${route.id}") does not support`);
    if (keepForced) adjustments.push(`kept ${body.model}: the request forces tool_choice "${toolChoice!.type}", which ${route.model} (route "${route.id}") takes only as "auto" with its thinking`);
    out.model = model;
    const intent: ThinkingIntent =
      route.thinking === "off"
        ? { thinking: "off" }
        : {
            thinking: "on",
            display: keepsClientDisplay(body, model) ? "updates" : route.display,
            // The classifier's difficulty, when it decided, sets how much to think.
            ...((decision.budgetTier ?? route.budgetTier) ? { budgetTier: decision.budgetTier ?? route.budgetTier! } : {}),
            ...(route.budgetTokens ? { budgetTokens: route.budgetTokens } : {}),
            ...(route.effort ? { effort: route.effort } : {}),
          };
    const maxTokens = Math.max(body.max_tokens, route.minMaxTokens ?? 0);
    const plan = planThinking({
      model,
      caps: capabilities().peek(model),
      intent,
      maxTokens,
      toolChoice,
      prefill,
      ...(body.thinking === undefined ? { answerTokens: body.max_tokens } : {}),
    });
    // Unknown capabilities: the client's own thinking goes through untouched.
    if (!plan.passthrough) {
      if (plan.thinking) out.thinking = plan.thinking;
      else delete out.thinking;
    }
    if (plan.effort) out.output_config = { ...(body.output_config ?? {}), effort: plan.effort };
    if (plan.toolChoice) {
      // A forced tool choice with thinking that cannot be turned off is a certain 400.
      const parallel = (body.tool_choice as { disable_parallel_tool_use?: boolean } | undefined)?.disable_parallel_tool_use;
      out.tool_choice = { ...plan.toolChoice, ...(parallel !== undefined ? { disable_parallel_tool_use: parallel } : {}) };
    }
    if (maxTokens !== body.max_tokens && plan.maxTokens === maxTokens) {
      adjustments.push(`max_tokens raised from ${body.max_tokens} to ${maxTokens} (route "${route.id}" asks for at least ${route.minMaxTokens})`);
    }
    out.max_tokens = plan.maxTokens;
    adjustments.push(...plan.adjustments);
    if (model !== body.model) adjustments.push(`model ${body.model} → ${model} (route "${route.id}")`);
    if (body.thinking && JSON.stringify(body.thinking) !== JSON.stringify(out.thinking)) {
      adjustments.push(`the client's thinking ${JSON.stringify(body.thinking)} replaced by the route's`);
    }
  }

  if (decision.thinkingCap && !decision.pinned) {
    const effort = out.output_config?.effort;
    const capped = capThinking(out.thinking, isEffort(effort) ? effort : undefined, decision.thinkingCap, capabilities().peek(out.model));
    if (capped) {
      if (capped.thinking) out.thinking = capped.thinking;
      if (capped.effort) out.output_config = { ...(out.output_config ?? {}), effort: capped.effort };
      adjustments.push(...capped.adjustments);
    }
  }

  // Sampling parameters are incompatible with thinking and rejected by newer
  // models; a client on an old API version that sent them cannot know the
  // gateway changed its configuration, so they are removed, and noted.
  const thinkingOn = !!out.thinking && out.thinking.type !== "disabled" && out.thinking.type !== "between_tools";
  if (thinkingOn || out.model !== body.model) {
    for (const k of SAMPLING) {
      if (k in out) {
        delete out[k];
        adjustments.push(`${k} removed: not accepted with ${thinkingOn ? "thinking on" : `model ${out.model}`}`);
      }
    }
  }

  if (JSON.stringify(out.thinking) !== JSON.stringify(body.thinking) && !thinksUpstream(out)) withoutClearThinking(out, adjustments);

  const effort = out.output_config?.effort;
  return { body: out, model: out.model, thinking: out.thinking, effort: typeof effort === "string" ? effort : undefined, adjustments };
}

/**
 * The client's display "updates" (Claude Code's, on the 5.5 models) is what
 * its UI shows while the model works: kept when the request stays on the
 * model the client named, which the client knows to take it. The route's
 * "summarized" in its place showed the client the whole reasoning summary
 * instead; on another model, the route's display stands (not every model
 * takes "updates").
 */
function keepsClientDisplay(body: MessagesBody, model: string): boolean {
  return model === body.model && body.thinking?.display === "updates";
}

/** Whether the model will think on this body: thinking on as sent, or omitted on a model that thinks by default. */
function thinksUpstream(out: MessagesBody): boolean {
  const t = out.thinking?.type;
  if (t === undefined) return capabilities().peek(out.model).thinkingWhenOmitted === "on";
  return t !== "disabled" && t !== "between_tools";
}

/**
 * Thinking the client asked for was turned off: its context-management edits
 * that clear thinking (`clear_thinking_20251015`, which Claude Code sends on
 * every call with its adaptive thinking) go too. The API takes them only with
 * thinking on, and answers "`clear_thinking_20251015` strategy requires
 * `thinking` to be enabled or adaptive" otherwise; with no thinking there is
 * nothing for them to clear. Other edits (clearing tool results) stay.
 */
function withoutClearThinking(out: MessagesBody, adjustments: string[]): void {
  const cm = out.context_management as { edits?: unknown } | undefined;
  if (!cm || typeof cm !== "object" || !Array.isArray(cm.edits)) return;
  const clears = (e: unknown) => typeof (e as { type?: unknown })?.type === "string" && (e as { type: string }).type.startsWith("clear_thinking_");
  const removed = cm.edits.filter(clears);
  if (removed.length === 0) return;
  const edits = cm.edits.filter((e) => !clears(e));
  if (edits.length) out.context_management = { ...cm, edits };
  else delete out.context_management;
  adjustments.push(`context_management edit ${removed.map((e) => (e as { type: string }).type).join(", ")} removed: the API takes it only with thinking on`);
}
