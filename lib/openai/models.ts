/**
 * `GET /api/v1/models` for OpenAI clients. The path is the same for both
 * SDKs (the Anthropic SDK's baseURL is `<host>/api`, the OpenAI SDK's
 * `<host>/api/v1`), so the caller is told apart by `anthropic-version`: every
 * Anthropic client sends it and the API refuses a request without it, while
 * OpenAI clients never send it. They get OpenAI's list shape
 * ({object:"list", data:[{id, object:"model", created, owned_by}]}), unpaged,
 * and errors in OpenAI's shape.
 */
import { AppError } from "../api/errors";
import type { ApiRequest, ApiResponse } from "../api/http";
import { forwardedHeaders, upstream } from "../gateway/upstream";
import { logger } from "../observability/logger";
import { chatError, toChatError } from "./errors";
import { fromAppError } from "./response";

export function isOpenAIClient(headers: Record<string, string | undefined>): boolean {
  return !headers["anthropic-version"];
}

interface AnthropicModel {
  id: string;
  created_at: string;
}

const toOpenAI = (m: AnthropicModel) => ({ id: m.id, object: "model", created: Math.floor(Date.parse(m.created_at) / 1000), owned_by: "anthropic" });

/** The upstream's list (all pages) or one model, reshaped. Authentication is the caller's. */
export async function openAIModels(req: ApiRequest, requestId: string): Promise<ApiResponse> {
  const headers = forwardedHeaders(req.headers);
  try {
    const client = upstream();
    let body: unknown;
    if (req.params.id) {
      body = toOpenAI((await client.models.retrieve(req.params.id, {}, { headers, signal: req.signal })) as AnthropicModel);
    } else {
      const data = [];
      for await (const m of client.models.list({ limit: 1000 }, { headers, signal: req.signal })) data.push(toOpenAI(m as AnthropicModel));
      body = { object: "list", data };
    }
    return { status: 200, headers: { "content-type": "application/json", "thinkgate-request-id": requestId }, body: JSON.stringify(body) };
  } catch (err) {
    return openAIModelsError(err);
  }
}

/** Any failure of the model endpoints, for an OpenAI client. */
export function openAIModelsError(err: unknown): ApiResponse {
  if (err instanceof AppError) return fromAppError(err);
  const status = (err as { status?: unknown }).status;
  if (typeof status === "number") {
    const e = (err as { error?: { error?: { type?: string; message?: string } } }).error?.error;
    return chatError(status, toChatError(status, e?.type, e?.message ?? `upstream error ${status}`));
  }
  logger.error({ err }, "models: could not list the upstream's models");
  return chatError(502, toChatError(502, "api_error", "could not reach the upstream API"));
}
