/**
 * Scrubs secrets out of text thinkgate did not write itself, before a client,
 * a log line or a stored record sees it: what the upstream (or a proxy in
 * front of it) says in an error, and error messages in log lines. An upstream
 * that echoes the credential it was sent ("invalid x-api-key: sk-ant-…")
 * would otherwise hand ANTHROPIC_API_KEY to every gateway client able to
 * provoke the error.
 *
 * Removed:
 *  - the upstream credentials as configured (ANTHROPIC_API_KEY,
 *    ANTHROPIC_AUTH_TOKEN), literally, whatever they look like;
 *  - the secret formats the trace redaction knows (lib/traces/redaction.ts):
 *    API keys (sk-ant-… and others), thinkgate's own tg_ keys, Bearer tokens,
 *    JWTs, private keys, values of secret-looking names (`"x-api-key": "…"`).
 */
import { createRedactor } from "../traces/redaction";

const formats = createRedactor({
  enabled: true,
  builtins: { apiKeys: true, bearer: true, jwt: true, secrets: true, emails: false, cards: false },
  patterns: [],
});

/**
 * Values shorter than this are not searched for literally: replacing every
 * "test" in a message would garble it, and a real key is far longer (the
 * format detectors still apply).
 */
const MIN_LITERAL = 8;

/** The credentials the gateway may send upstream (the SDK client reads these; lib/gateway/upstream.ts). */
export function upstreamCredentials(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.ANTHROPIC_API_KEY, env.ANTHROPIC_AUTH_TOKEN].map((v) => v?.trim() ?? "").filter((v) => v.length >= MIN_LITERAL);
}

export function scrubSecrets(text: string, credentials: string[] = upstreamCredentials()): string {
  let out = text;
  for (const c of credentials) if (out.includes(c)) out = out.split(c).join("[redacted:upstream_credential]");
  return formats(out).text;
}
