/**
 * The Redis connection several instances share (REDIS_URL). Without it the
 * process runs alone: limits, budgets and change notices stay in memory.
 *
 * Every key and channel starts with THINKGATE_REDIS_PREFIX (default
 * "thinkgate:"), so deployments (and test runs) can share one Redis.
 * Commands fail fast instead of queueing while Redis is unreachable: the
 * callers decide what an unavailable Redis means (lib/limits fails open,
 * the change bus falls back to its periodic version check).
 */
import type Redis from "ioredis";
import { logger } from "../observability/logger";

export interface RedisSettings {
  url: string;
  prefix: string;
}

export function redisSettings(env: NodeJS.ProcessEnv = process.env): RedisSettings | null {
  const url = env.REDIS_URL?.trim();
  if (!url) return null;
  if (!/^rediss?:\/\//.test(url)) throw new Error(`REDIS_URL must start with redis:// or rediss://, got ${url}`);
  const prefix = env.THINKGATE_REDIS_PREFIX?.trim() || "thinkgate:";
  return { url, prefix };
}

/** Connection options for every client of the process: fail fast, reconnect forever in the background. */
export function connect(url: string, name: string, opts: { subscriber?: boolean } = {}): Redis {
  // Loaded with the first connection: ~50 ms of every start, on processes without REDIS_URL that never connect.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: RedisClient } = require("ioredis") as typeof import("ioredis");
  const client = new RedisClient(url, {
    connectionName: name,
    // A subscriber queues its SUBSCRIBE until connected (and resubscribes after a reconnect).
    enableOfflineQueue: opts.subscriber === true,
    maxRetriesPerRequest: 1,
    ...(opts.subscriber ? {} : { commandTimeout: Number(process.env.THINKGATE_REDIS_TIMEOUT_MS ?? 500) }),
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  let down = false;
  client.on("error", (err: Error) => {
    // ioredis emits an error per failed reconnect: say it once per outage.
    if (down) return;
    down = true;
    logger.warn({ err: err.message, connection: name }, "redis is unreachable; retrying in the background");
  });
  client.on("ready", () => {
    if (down) logger.info({ connection: name }, "redis is reachable again");
    down = false;
  });
  return client;
}

const g = globalThis as unknown as { __thinkgateRedis?: { client: Redis; settings: RedisSettings } | null };

/** The process's command connection, or null when REDIS_URL is not set. */
export function sharedRedis(): { client: Redis; settings: RedisSettings } | null {
  if (g.__thinkgateRedis === undefined) {
    const settings = redisSettings();
    g.__thinkgateRedis = settings ? { client: connect(settings.url, "thinkgate"), settings } : null;
  }
  return g.__thinkgateRedis;
}

/** Waits (bounded) until the connection is ready or has failed once, so the first requests after a start are limited too. */
export async function redisReady(client: Redis, timeoutMs = 5_000): Promise<boolean> {
  if (client.status === "ready") return true;
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      client.off("ready", onReady);
      client.off("error", onError);
      resolve(ok);
    };
    const onReady = () => done(true);
    const onError = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    timer.unref?.();
    client.once("ready", onReady);
    client.once("error", onError);
  });
}

/**
 * Closes a connection: QUIT when Redis answers, otherwise (not connected, or
 * no answer within `ms`) a plain disconnect, so a Redis that has gone silent
 * does not hold the shutdown.
 */
export async function closeClient(client: Redis, ms = 1_000): Promise<void> {
  if (client.status !== "ready") return client.disconnect();
  const quit = client.quit().then(
    () => true,
    () => false,
  );
  if (!(await Promise.race([quit, new Promise<false>((r) => setTimeout(() => r(false), ms).unref())]))) client.disconnect();
}

export async function closeRedis(): Promise<void> {
  const r = g.__thinkgateRedis;
  g.__thinkgateRedis = undefined;
  if (r) await closeClient(r.client);
}
