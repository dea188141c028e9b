/**
 * What a playground run sends: an ordinary Messages request with routing
 * headers, built the same way for the decision preview (POST /api/v1/route,
 * from the browser) and for the runs (POST /api/playground/run, which hands it
 * to the gateway's own handler). Pure, so both sides agree.
 */

export type PlaygroundTier = "standard" | "reasoning";

export interface PlaygroundInput {
  prompt: string;
  system?: string;
  app?: string;
  task?: string;
}

/** The model a client would ask for; the chosen route may serve another. */
export const PLAYGROUND_MODEL = "claude-sonnet-4-6";
/** Room for an answer; a reasoning route raises it to fit its thinking budget. */
export const PLAYGROUND_MAX_TOKENS = 2048;

export function playgroundMessagesBody(input: PlaygroundInput, stream: boolean) {
  return {
    model: PLAYGROUND_MODEL,
    max_tokens: PLAYGROUND_MAX_TOKENS,
    ...(input.system?.trim() ? { system: input.system } : {}),
    messages: [{ role: "user" as const, content: input.prompt }],
    ...(stream ? { stream: true } : {}),
  };
}

/** The routing headers: app and task as the caller's app would send them; a tier to force one side. */
export function playgroundHeaders(input: PlaygroundInput, tier?: PlaygroundTier): Record<string, string> {
  const h: Record<string, string> = {};
  if (input.app?.trim()) h["thinkgate-app"] = input.app.trim();
  if (input.task?.trim()) h["thinkgate-task"] = input.task.trim();
  if (tier) h["thinkgate-tier"] = tier;
  return h;
}
