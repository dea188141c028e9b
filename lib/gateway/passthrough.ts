/**
 * count_tokens and the model list, passed through to the upstream unchanged;
 * the model list answers OpenAI clients in OpenAI's shape (lib/openai/models.ts).
 */
import { APIError } from "@anthropic-ai/sdk";
import { apiErrorIn, AppError, errorBody, errorTypeForStatus } from "../api/errors";
import type { ApiRequest, ApiResponse } from "../api/http";
import { newRequestId } from "../api/ids";
import { errorResponse } from "../api/error-response";
import { requirePrincipal } from "../api/wrap";
import { asJsonObject } from "../api/json-body";
import { checkFileReferences } from "../files/references";
import { validateGatewayHeaders } from "./body";
import { forwardedHeaders, upstream } from "./upstream";
import { upstreamPayload } from "./upstream-body";
import { isOpenAIClient, openAIModels, openAIModelsError } from "../openai/models";
import { openAIRoute } from "../openai/response";

async function relay(requestId: string, call: () => Promise<Response>): Promise<ApiResponse> {
  try {
    const res = await call();
    return {
      status: res.status,
      headers: { "content-type": "application/json", "request-id": res.headers.get("request-id") ?? requestId, "thinkgate-request-id": requestId },
      body: await res.text(),
    };
  } catch (err) {
    return relayFailure(err, requestId);
  }
}

/** A failed upstream call in the API's error shape: the upstream's own status and error, or a 502 when it could not be reached. */
export function relayFailure(err: unknown, requestId: string): ApiResponse {
  if (err instanceof APIError && err.status !== undefined) {
    // Relayed as it came when it is in the API's shape (its `details`, which the SDK reads an error_code from, included); otherwise in that shape, with the status's type.
    const e = apiErrorIn(err.error);
    const headers: Record<string, string> = { "content-type": "application/json", "request-id": requestId };
    for (const h of ["retry-after", "retry-after-ms", "x-should-retry"]) {
      const v = err.headers?.get(h);
      if (v) headers[h] = v;
    }
    return {
      status: err.status,
      headers,
      body: e ? JSON.stringify({ ...(err.error as object), request_id: requestId }) : errorBody(errorTypeForStatus(err.status), err.message, requestId),
    };
  }
  if (err instanceof APIError) return errorResponse(new AppError("api_error", `could not reach the upstream API: ${err.message}`, { status: 502 }), requestId);
  return errorResponse(err, requestId);
}

export async function handleCountTokens(req: ApiRequest): Promise<ApiResponse> {
  const requestId = newRequestId();
  try {
    // A question (how many tokens?), not a change: a session taken on its last answer may ask it.
    const principal = await requirePrincipal(req, "gateway", false);
    validateGatewayHeaders(req.headers);
    const { value, size } = await req.json();
    const body = asJsonObject(value);
    if (Array.isArray(body.messages)) await checkFileReferences(body.messages, principal);
    const payload = await upstreamPayload(body, size, forwardedHeaders(req.headers));
    return relay(requestId, () => upstream().post("/v1/messages/count_tokens", { ...payload, signal: req.signal }).asResponse());
  } catch (err) {
    return errorResponse(err, requestId);
  }
}

/** A model id as the API writes them; anything else ("..", "a/b") is no model and never becomes part of the upstream's path. */
const MODEL_ID = /^(?!\.{1,2}$)[A-Za-z0-9._:@-]{1,128}$/;

export function handleModels(req: ApiRequest): Promise<ApiResponse> {
  return isOpenAIClient(req.headers) ? openAIClientModels(req) : models(req, newRequestId());
}

/** An OpenAI client's answers are those of the OpenAI-compatible routes, in shape and headers. */
const openAIClientModels = openAIRoute(models);

async function models(req: ApiRequest, requestId: string): Promise<ApiResponse> {
  try {
    await requirePrincipal(req, "gateway");
    if (req.params.id !== undefined && !MODEL_ID.test(req.params.id)) {
      throw new AppError("not_found_error", `"${req.params.id.slice(0, 128)}" is not a model id`);
    }
    if (isOpenAIClient(req.headers)) return await openAIModels(req, requestId);
    const query = Object.fromEntries(req.query);
    const path = req.params.id ? `/v1/models/${encodeURIComponent(req.params.id)}` : "/v1/models";
    return relay(requestId, () => upstream().get(path, { query, headers: forwardedHeaders(req.headers), signal: req.signal }).asResponse());
  } catch (err) {
    if (isOpenAIClient(req.headers)) return openAIModelsError(err);
    return errorResponse(err, requestId);
  }
}
