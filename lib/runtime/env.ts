/**
 * What the process runs as, read once from the environment. The upstream is
 * the Anthropic API when ANTHROPIC_API_KEY is set, the built-in simulator
 * otherwise; ANTHROPIC_BASE_URL points the gateway anywhere else.
 *
 * Secrets come from the environment or from a `.env` file next to the server
 * (git-ignored; `.env.example` lists the variables), never from the repository.
 * A bad value stops the start with a message naming the variable.
 */
import { DEFAULT_MAX_BODY_BYTES } from "../api/body-limit";
import { DEFAULT_BODY_TIMEOUT_MS, DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_UPLOAD_TIMEOUT_MS } from "../api/http-server";
import fs from "node:fs";
import path from "node:path";
import { databaseUrl, providerOf, type DbProvider } from "../db/provider";
import type { RetentionPolicy } from "../retention/sweep";

export type Mode = "simulator" | "anthropic";

export interface RuntimeEnv {
  host: string;
  port: number;
  mode: Mode;
  upstreamBaseUrl: string;
  /** No ANTHROPIC_BASE_URL in simulator mode: the upstream is the simulator this process serves (server.ts). */
  upstreamIsSelf: boolean;
  upstreamApiKey: string;
  db: DbProvider;
  /** Largest accepted request body, in bytes (the API's own limit is 32 MB). */
  maxBodyBytes: number;
  /** Time a request's line and headers may take to arrive (lib/api/http-server.ts). */
  headersTimeoutMs: number;
  /** Time a request's body may take to arrive once its headers are in; the response is not limited. */
  bodyTimeoutMs: number;
  uploadTimeoutMs: number;
  /** Days each kind of stored data is kept (lib/retention/sweep.ts); 0 keeps it forever. */
  retention: RetentionPolicy;
  /** How often the retention sweep runs. */
  retentionSweepMs: number;
  version: string;
}

/** Shortest admin key an operator may choose (THINKGATE_BOOTSTRAP_KEY); generated keys are 35 characters. */
export const MIN_SECRET_LENGTH = 20;

/**
 * Loads `.env` from `dir` when there is one. Variables already in the
 * environment win, so a deployment's real environment is never overridden by
 * a file left on disk. Returns the file loaded, if any.
 */
export function loadDotEnv(dir: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const file = path.resolve(dir, env.THINKGATE_ENV_FILE?.trim() || ".env");
  if (!fs.existsSync(file)) return null;
  try {
    process.loadEnvFile(file);
  } catch (err) {
    throw new Error(`could not read ${file}: ${(err as Error).message}`);
  }
  return file;
}

/**
 * A base URL must be absolute http(s) with a host, and carry no credentials,
 * query or fragment (credentials in a URL end up in logs and error messages;
 * the API key goes in its own variable). Messages never echo the value, which
 * may hold a secret.
 */
export function validateBaseUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} is not an absolute URL (expected e.g. https://api.anthropic.com)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`${name} must be http:// or https://, not ${url.protocol}//`);
  if (url.username || url.password) throw new Error(`${name} must not carry credentials (user:password@); put the key in ANTHROPIC_API_KEY`);
  if (!url.hostname) throw new Error(`${name} has no host`);
  if (url.search || url.hash) throw new Error(`${name} must not have a query or fragment`);
  return value.replace(/\/+$/, "");
}

/** A positive integer from the environment, or the default when unset. */
function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return n;
}

/**
 * A whole number from the environment within [min, max], or the default when
 * unset. Bounded above where a larger value would misbehave rather than fail:
 * Node fires a timer longer than 2^31-1 ms after 1 ms.
 */
function intInRange(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

/** Longest delay a Node timer takes as given. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** An API key goes into a request header verbatim: visible ASCII only (the message never echoes it). */
function validateApiKey(value: string, name: string): void {
  if (!/^[\x21-\x7e]+$/.test(value)) throw new Error(`${name} may only contain visible ASCII characters (no spaces, quotes or line breaks)`);
}

/** The samplers lib/telemetry/tracing.ts builds from OTEL_TRACES_SAMPLER (checked at start). */
const OTEL_SAMPLERS = ["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"];

/** The API's own limit for Messages bodies (32 MB), shared with the Next route handlers. */
export { DEFAULT_MAX_BODY_BYTES };

export function readEnv(env: NodeJS.ProcessEnv = process.env): RuntimeEnv {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const host = env.HOST?.trim() || "127.0.0.1";
  const apiKey = env.ANTHROPIC_API_KEY?.trim() ?? "";
  if (apiKey) validateApiKey(apiKey, "ANTHROPIC_API_KEY");
  const bootstrapKey = env.THINKGATE_BOOTSTRAP_KEY?.trim();
  if (bootstrapKey && bootstrapKey.length < MIN_SECRET_LENGTH) {
    throw new Error(`THINKGATE_BOOTSTRAP_KEY must be at least ${MIN_SECRET_LENGTH} characters long (a guessable admin key is no key)`);
  }
  // The other URLs an operator configures: checked here so a typo stops the start instead of failing every export.
  for (const name of ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]) {
    const url = env[name]?.trim();
    if (url) validateBaseUrl(url, name);
  }
  const sampler = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase();
  if (sampler && !OTEL_SAMPLERS.includes(sampler)) throw new Error(`OTEL_TRACES_SAMPLER must be one of ${OTEL_SAMPLERS.join(", ")}; got "${env.OTEL_TRACES_SAMPLER}"`);
  const mode: Mode = apiKey ? "anthropic" : "simulator";
  const selfHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const defaultUpstream = mode === "anthropic" ? "https://api.anthropic.com" : `http://${selfHost.includes(":") ? `[${selfHost}]` : selfHost}:${port}/api/simulator`;
  return {
    host,
    port,
    mode,
    upstreamBaseUrl: validateBaseUrl(env.ANTHROPIC_BASE_URL?.trim() || defaultUpstream, "ANTHROPIC_BASE_URL"),
    upstreamIsSelf: mode === "simulator" && !env.ANTHROPIC_BASE_URL?.trim(),
    // The simulator accepts any key; it still requires one, like the API.
    upstreamApiKey: apiKey || "simulator",
    db: providerOf(databaseUrl(env)),
    maxBodyBytes: positiveInt(env, "THINKGATE_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
    headersTimeoutMs: positiveInt(env, "THINKGATE_HEADERS_TIMEOUT_MS", DEFAULT_HEADERS_TIMEOUT_MS),
    bodyTimeoutMs: positiveInt(env, "THINKGATE_BODY_TIMEOUT_MS", DEFAULT_BODY_TIMEOUT_MS),
    uploadTimeoutMs: positiveInt(env, "THINKGATE_UPLOAD_TIMEOUT_MS", DEFAULT_UPLOAD_TIMEOUT_MS),
    // A hundred years at most: a cutoff further back than that is no retention, and keeps the date valid.
    retention: {
      pinDays: intInRange(env, "THINKGATE_PIN_RETENTION_DAYS", 30, 0, 36_500),
      recordDays: intInRange(env, "THINKGATE_RECORD_RETENTION_DAYS", 0, 0, 36_500),
      textDays: intInRange(env, "THINKGATE_TEXT_RETENTION_DAYS", 0, 0, 36_500),
    },
    // THINKGATE_PIN_SWEEP_MS is the name it had while pins were all the sweep deleted.
    retentionSweepMs: intInRange(env, env.THINKGATE_RETENTION_SWEEP_MS?.trim() ? "THINKGATE_RETENTION_SWEEP_MS" : "THINKGATE_PIN_SWEEP_MS", 3_600_000, 1, MAX_TIMER_MS),
    version: process.env.npm_package_version ?? "0.1.0",
  };
}

const g = globalThis as unknown as { __thinkgateEnv?: RuntimeEnv };

/** The process's runtime settings. The server sets them at start (with the port it actually bound). */
export function runtimeEnv(): RuntimeEnv {
  return (g.__thinkgateEnv ??= readEnv());
}

export function setRuntimeEnv(env: RuntimeEnv): void {
  g.__thinkgateEnv = env;
}
