/**
 * The process logger: one JSON object per line on stdout (pipe it through
 * pino-pretty to read it in a terminal). LOG_LEVEL sets the level (trace,
 * debug, info, warn, error, fatal, silent; default info, "silent" under
 * NODE_ENV=test).
 *
 * Lines are written asynchronously: a log call appends to a buffer and
 * returns; the buffer goes to stdout in one write while the previous write is
 * in flight, so a burst of requests costs a few writes and a slow stdout never
 * blocks the request path. What is still buffered is written when the process
 * exits (pino flushes on exit) or by flushLogs() on shutdown.
 */
import pino from "pino";
import { scrubSecrets } from "./secrets";

const destination = pino.destination({ dest: 1, sync: false });

const level = process.env.LOG_LEVEL?.trim() || (process.env.NODE_ENV === "test" ? "silent" : "info");

/** Strings anywhere in a serialized error, scrubbed (bounded depth: an error's fields are shallow). */
function scrubbed(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubSecrets(value);
  if (value === null || typeof value !== "object" || depth > 4) return value;
  if (Array.isArray(value)) return value.map((v) => scrubbed(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubbed(v, depth + 1);
  return out;
}

/**
 * An error's message, stack and fields may quote what someone else said (an
 * upstream's error body, in the SDK's errors): the `err` of every line is
 * scrubbed of secrets (lib/observability/secrets.ts), which the path-based
 * redaction below cannot see inside a string.
 */
export function serializeErr(err: unknown): unknown {
  return scrubbed(err instanceof Error ? pino.stdSerializers.err(err) : err);
}

export const logger = pino(
  {
    level,
    base: undefined,
    serializers: { err: serializeErr },
    // Never log secrets, wherever they appear in a logged object.
    redact: {
      paths: [
        "apiKey",
        "*.apiKey",
        "upstreamApiKey",
        "*.upstreamApiKey",
        "password",
        "*.password",
        "*.authorization",
        "*['x-api-key']",
        "*.cookie",
        "*['set-cookie']",
        "headers.authorization",
        "headers['x-api-key']",
        "headers.cookie",
        "*.headers.authorization",
        "*.headers['x-api-key']",
        "*.headers.cookie",
      ],
      censor: "[redacted]",
    },
  },
  destination,
);

/**
 * The access log: one line per gateway request (lib/telemetry/observe.ts),
 * same level and output as `logger`. Its fields are built from known values
 * (ids, labels, counts; never headers or bodies), so it skips redaction, the
 * costliest part of a log call, on the one line every request writes.
 */
export const accessLog = pino({ level, base: undefined }, destination);

/** Writes what is buffered, synchronously (at shutdown, before the process exits). */
export function flushLogs(): void {
  try {
    destination.flushSync();
  } catch {
    // Not open yet or already closed: nothing buffered to lose.
  }
}
