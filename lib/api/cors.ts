/**
 * Cross-origin access to the model API (/api/v1/...), for the SDKs run in a
 * browser (the Anthropic SDK with `dangerouslyAllowBrowser`, which the API
 * itself serves across origins). A browser first asks with a preflight
 * (OPTIONS), then reads the answer only if it names the page's origin.
 *
 * Any origin may call: a gateway key in a header is what authenticates, and a
 * browser never sends one on its own. Credentials are never allowed
 * (no Access-Control-Allow-Credentials), so a signed-in admin's session
 * cookie cannot be used from another site. The web app's own API (/api/...
 * outside /v1) stays same-origin only.
 */
import type { IncomingHttpHeaders } from "node:http";

const MODEL_API = /^\/api\/v1\//;

/** Headers every answer to a cross-origin call of the model API carries; null when the call is not one. */
export function corsHeaders(path: string, headers: IncomingHttpHeaders): Record<string, string> | null {
  const origin = headers.origin;
  if (!origin || !MODEL_API.test(path)) return null;
  // "*" exposes every response header to the page when no credentials are sent: request-id, retry-after, thinkgate-*.
  return { "access-control-allow-origin": origin, "access-control-expose-headers": "*", vary: "Origin" };
}

/** The answer to a browser's preflight of a model API call, or null when the request is not one. */
export function preflightHeaders(method: string | undefined, path: string, headers: IncomingHttpHeaders): Record<string, string> | null {
  const cors = corsHeaders(path, headers);
  if (method !== "OPTIONS" || !cors || !headers["access-control-request-method"]) return null;
  return {
    ...cors,
    "access-control-allow-methods": "GET, HEAD, POST",
    // Echoed, not "*": a wildcard never covers Authorization, which SDK 1.x sends the key in.
    "access-control-allow-headers": headers["access-control-request-headers"] ?? "",
    "access-control-max-age": "600",
    vary: "Origin, Access-Control-Request-Headers",
  };
}
