/** POST /api/v1/route — the router's decision for a Messages request, without calling upstream. */
import type { ApiRequest, ApiResponse } from "../api/http";
import { json } from "../api/http";
import { newRequestId } from "../api/ids";
import { errorResponse } from "../api/error-response";
import { requirePrincipal } from "../api/wrap";
import { routingConfig } from "../routing/config";
import { toRoutable } from "../routing/request";
import { applyDecision } from "./apply";
import { parseMessagesBody } from "./body";
import { pinStore } from "./pins";
import { routeDecision } from "./messages";

export async function handleRoute(req: ApiRequest): Promise<ApiResponse> {
  const requestId = newRequestId();
  try {
    // A question about routing, not a change: a session taken on its last answer may ask it.
    const principal = await requirePrincipal(req, "gateway", false);
    const body = await parseMessagesBody((await req.json()).value, req.headers);
    // The same conversation keys and client-thinking policy as the gateway, so the answer is the gateway's decision.
    const routable = await toRoutable(body, req.headers, { scope: principal.keyId || "", apps: principal.apps });
    const { snapshot } = await routingConfig();
    const decision = await routeDecision(body, routable, principal, snapshot, pinStore);
    const applied = applyDecision(body, decision);
    return json(
      200,
      {
        tier: decision.tier,
        stage: decision.stage,
        reason: decision.reason,
        route: {
          id: decision.route?.id ?? (decision.pinned ? "pinned" : "passthrough"),
          name: decision.route?.name ?? (decision.pinned ? "conversation pin" : "the client's own configuration"),
          model: applied.model,
          thinking: applied.thinking ?? null,
          ...(applied.effort ? { effort: applied.effort } : {}),
        },
        ...(decision.ruleId ? { ruleId: decision.ruleId } : {}),
        ...(decision.score !== undefined ? { score: decision.score } : {}),
        ...(decision.threshold !== undefined ? { threshold: decision.threshold } : {}),
        maxTokens: applied.body.max_tokens,
        adjustments: applied.adjustments,
      },
      { "thinkgate-request-id": requestId },
    );
  } catch (err) {
    return errorResponse(err, requestId);
  }
}
