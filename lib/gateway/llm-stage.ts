/** The router's LLM classifier stage, calling the upstream through the SDK like any request. */
import type { Message } from "@anthropic-ai/sdk/resources/messages";
import { planThinking } from "../models/thinking";
import { createLlmClassifier } from "../routing/llm-classifier";
import type { LlmStage } from "../routing/pipeline";
import { capabilities } from "./capabilities";
import { upstream } from "./upstream";

const classify = createLlmClassifier(async ({ model, system, prompt, signal }) => {
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
  const msg = (await upstream().post("/v1/messages", { body, signal })) as Message;
  const text = msg.content.map((b) => (b.type === "text" ? b.text : "")).join("");
  return { text, usage: msg.usage as never };
});

export const llmStage: LlmStage = (prompt, config) => classify(prompt, config);
