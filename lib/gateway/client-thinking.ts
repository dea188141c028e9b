/**
 * The client-thinking policy on the request path (lib/models/client-thinking.ts
 * says what the policies mean): which policy applies, the 400 for a client
 * configuration forwarded as sent that the model would reject, and what the
 * `thinkgate-client-thinking` header tells the client.
 */
import { AppError } from "../api/errors";
import { DEFAULT_THINKING_POLICY, explicitThinking, invalidClientThinking, type ClientThinkingOutcome, type ThinkingPolicy } from "../models/client-thinking";
import type { RoutingSnapshot } from "../routing/pipeline";
import type { MessagesBody } from "../routing/request";
import type { Decision } from "../routing/types";
import type { Applied } from "./apply";
import { capabilities } from "./capabilities";
import { betasOf } from "./upstream";
import type { Principal } from "./keys";

/** The app's policy where it has one (the more specific scope), else the key's, else honour. */
export function thinkingPolicyFor(principal: Pick<Principal, "thinking">, app: string | undefined, snapshot: RoutingSnapshot): ThinkingPolicy {
  const appPolicy = app ? snapshot.apps.get(app.toLowerCase())?.thinking : null;
  return appPolicy ?? principal.thinking ?? DEFAULT_THINKING_POLICY;
}

/**
 * Refuses, with the API's own 400, a thinking configuration of the client's
 * that goes upstream unchanged and that the model would reject: never
 * replaced by one that works behind the client's back.
 */
export function checkForwardedThinking(body: MessagesBody, decision: Decision, applied: Applied, headers: Record<string, string | undefined>): void {
  if (!explicitThinking(body)) return;
  // Forwarded as sent (the client's stage, a conversation thinkgate did not start; a cap only lowers it), or left as it was by a route.
  const asSent = decision.route === null && !decision.pinned;
  const unchanged = applied.body.thinking === body.thinking && applied.body.output_config?.effort === body.output_config?.effort;
  if (!asSent && !unchanged) return;
  const message = invalidClientThinking({ ...body, max_tokens: applied.body.max_tokens }, capabilities().peek(applied.model), betasOf(headers));
  if (message) throw new AppError("invalid_request_error", message);
}

const same = (x: unknown, y: unknown) => JSON.stringify(x ?? null) === JSON.stringify(y ?? null);

/** What happened to the client's own thinking configuration. */
export function clientThinkingOutcome(body: MessagesBody, decision: Decision, applied: Applied): ClientThinkingOutcome {
  if (!explicitThinking(body)) return "absent";
  if (same(body.thinking, applied.body.thinking) && same(body.output_config?.effort, applied.body.output_config?.effort)) return "kept";
  if (decision.pinned) return "pinned";
  if (decision.stage === "client") return "capped";
  return "replaced";
}
