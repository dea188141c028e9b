/**
 * What the process runs as, read once from the environment. The upstream is
 * the Anthropic API when ANTHROPIC_API_KEY is set, the built-in simulator
 * otherwise; ANTHROPIC_BASE_URL points the gateway anywhere else.
 */
import { databaseUrl, providerOf, type DbProvider } from "../db/provider";

export type Mode = "simulator" | "anthropic";

export interface RuntimeEnv {
  host: string;
  port: number;
  mode: Mode;
  upstreamBaseUrl: string;
  upstreamApiKey: string;
  db: DbProvider;
  /** Largest accepted request body, in bytes (the API's own limit is 32 MB). */
  maxBodyBytes: number;
  version: string;
}

/** A base URL must be http(s) and carry no credentials, query or fragment. */
export function validateBaseUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} is not a URL: ${value}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`${name} must be http:// or https://`);
  if (url.username || url.password) throw new Error(`${name} must not carry credentials`);
  if (url.search || url.hash) throw new Error(`${name} must not have a query or fragment`);
  return value.replace(/\/+$/, "");
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): RuntimeEnv {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const host = env.HOST?.trim() || "127.0.0.1";
  const apiKey = env.ANTHROPIC_API_KEY?.trim() ?? "";
  const mode: Mode = apiKey ? "anthropic" : "simulator";
  const selfHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const defaultUpstream = mode === "anthropic" ? "https://api.anthropic.com" : `http://${selfHost.includes(":") ? `[${selfHost}]` : selfHost}:${port}/api/simulator`;
  return {
    host,
    port,
    mode,
    upstreamBaseUrl: validateBaseUrl(env.ANTHROPIC_BASE_URL?.trim() || defaultUpstream, "ANTHROPIC_BASE_URL"),
    // The simulator accepts any key; it still requires one, like the API.
    upstreamApiKey: apiKey || "simulator",
    db: providerOf(databaseUrl(env)),
    maxBodyBytes: Number(env.THINKGATE_MAX_BODY_BYTES ?? 32 * 1024 * 1024),
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
