/** The router's LLM classifier stage, calling the upstream through the SDK like any request. */
import type { Message } from "@anthropic-ai/sdk/resources/messages";
import { planThinking } from "../models/thinking";
import { priceFor } from "../pricing/service";
import { createLlmClassifier } from "../routing/llm-classifier";
import type { LlmStage } from "../routing/pipeline";
import type { LlmStageResult } from "../routing/types";
import { traceClassifierCall } from "../telemetry/tracing";
import { capabilities } from "./capabilities";
import type { Attempt } from "./messages";
import { recordDispatched, type Hop } from "./record";
import { usageOf } from "./stream-observer";
import { upstream } from "./upstream";

const classify = createLlmClassifier<Attempt>(async ({ model, system, prompt, signal, context: a }) => {
  // Thinking off where the model allows it: the verdict is a few tokens of JSON.
  const plan = planThinking({ model, caps: capabilities().peek(model), intent: { thinking: "off" }, maxTokens: 64 });
  const body = {
    model,
    max_tokens: plan.maxTokens,
    system,
    messages: [{ role: "user", content: prompt }],
    ...(plan.thinking ? { thinking: plan.thinking } : {}),
    ...(plan.effort ? { output_config: { effort: plan.effort } } : {}),
  };
  // The call may be billed: a process killed during it still leaves the request's record (its cost unknown).
  if (a) recordDispatched(a, { model });
  // Cancelled at the classifier's timeout, and like the answer's call when the client leaves or the shutdown cuts the request off.
  const cancel = a?.signal ? AbortSignal.any([signal, a.signal]) : signal;
  // A traced request's classifier call is a span of its own, its traceparent sent with it.
  const call = a?.trace ? traceClassifierCall(a.trace, model) : null;
  try {
    const msg = (await upstream().post("/v1/messages", { body, signal: cancel, ...(call ? { headers: { traceparent: call.traceparent } } : {}) })) as Message;
    const text = msg.content.map((b) => (b.type === "text" ? b.text : "")).join("");
    // Bounded as an answer's usage is (usageOf): the call is a hop of the record, and a usage nested deeper than
    // JSON.stringify goes made the record's journal line throw, and the request a 500 without a record.
    return { text, usage: usageOf(msg.usage) };
  } catch (err) {
    call?.failed((err as Error).name === "AbortError" ? "timeout" : "upstream call failed");
    throw err;
  } finally {
    call?.end();
  }
});

/**
 * The LLM stage for one request: its call goes with the request's signal and
 * trace, and is journaled (recordDispatched). Under a daily USD budget
 * (`budget` names it, admission.ts usdBudget) a classifier model without a
 * price is not called: its cost could not be counted, and a budget never
 * counts an unknown cost as $0. The request is not refused for it (the
 * classifier is the operator's choice, not the caller's): the local score
 * decides, and the decision's reason says why.
 */
export function llmStage(a: Attempt, budget: string | null): LlmStage {
  return (prompt, config) => {
    const unpaid =
      budget && !priceFor(config.model, a.createdAt)
        ? `${config.model} has no price in the price table, so its call could not be counted against the daily budget of ${budget}: not asked (add a price for ${config.model} to use it under a budget)`
        : undefined;
    return classify(prompt, config, a, unpaid);
  };
}

/**
 * The LLM classifier's call as the request's first hop: with its usage when it
 * answered; with how it failed when it was sent and no answer came (timed
 * out, an error), so the trace shows a call the upstream may have billed,
 * counted as not billed like a retried call that failed; none when no call
 * was made (a cached verdict, a model without a price under a budget).
 */
export function classifierHop(llm: LlmStageResult | undefined): Hop[] {
  if (!llm) return [];
  if (llm.usage) return [{ kind: "classifier", routeId: null, model: llm.model, usage: llm.usage }];
  if (llm.failure) return [{ kind: "classifier", routeId: null, model: llm.model, usage: null, status: llm.failure.status, errorType: llm.failure.errorType }];
  return [];
}
