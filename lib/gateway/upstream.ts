/**
 * The upstream client: the official SDK, pointed at the Anthropic API or the
 * simulator. The gateway uses the SDK's request machinery (auth header, URL
 * building, error classes) through client.post(...).asResponse(), which hands
 * back the raw response so bytes can be relayed without re-encoding.
 *
 * SDK retries are off here: the client behind the gateway retries on its own,
 * and retrying twice would multiply the load on an upstream in trouble.
 */
import Anthropic from "@anthropic-ai/sdk";
import { runtimeEnv } from "../runtime/env";
import { upstreamFetch } from "./upstream-fetch";
import { traceUpstreamCall, type RequestTrace } from "../telemetry/tracing";

const g = globalThis as unknown as { __thinkgateUpstream?: { key: string; client: Anthropic } };

export function upstream(): Anthropic {
  const env = runtimeEnv();
  const key = `${env.upstreamBaseUrl}|${env.upstreamApiKey}`;
  if (g.__thinkgateUpstream?.key !== key) {
    g.__thinkgateUpstream = {
      key,
      client: new Anthropic({
        apiKey: env.upstreamApiKey,
        baseURL: env.upstreamBaseUrl,
        maxRetries: 0,
        // node:http instead of the global fetch: the SDK still builds each request (upstream-fetch.ts).
        fetch: upstreamFetch,
        // Long thinking can take many minutes; the non-streaming guard of the
        // SDK is the caller's business, not the gateway's.
        timeout: Number(process.env.THINKGATE_UPSTREAM_TIMEOUT_MS ?? 600_000),
      }),
    };
  }
  return g.__thinkgateUpstream.client;
}

/** The betas a request's `anthropic-beta` header names (comma-separated). */
export const betasOf = (headers: Record<string, string | undefined>): string[] =>
  (headers["anthropic-beta"] ?? "").split(",").map((b) => b.trim()).filter(Boolean);

/**
 * Request headers passed on upstream: the API's own (version, betas, ids), never credentials.
 * When the request is traced, each call carries its own span's traceparent
 * (lib/telemetry/tracing.ts); otherwise the client's goes on unchanged.
 */
export function forwardedHeaders(headers: Record<string, string | undefined>, trace?: RequestTrace): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (name.startsWith("anthropic-") && name !== "anthropic-dangerous-direct-browser-access") out[name] = value;
    else if (name === "traceparent" || name === "tracestate" || name === "baggage") out[name] = value;
  }
  if (trace) out.traceparent = traceUpstreamCall(trace);
  return out;
}
