/**
 * Change notices between instances. Every write that makes this instance
 * drop a cache (routing snapshot, the router's model, prices, key lookups, users, sessions, trace settings) also
 * announces it; every other instance drops the same cache at once.
 *
 * With Redis: the announcement bumps a version counter and publishes the
 * topic on a channel (one Lua call, so the two never disagree). Each instance
 * subscribes to the channel, and also reads the counter once per
 * THINKGATE_CHANGE_CHECK_MS (default 1 s): a notice lost to a dropped
 * connection still converges within a second, by reloading everything.
 * Without Redis the process is alone and an announcement has no one to tell.
 */
import crypto from "node:crypto";
import type Redis from "ioredis";
import { logger } from "../observability/logger";
import { closeClient, connect, type RedisSettings } from "./redis";

export type ChangeTopic = "routing" | "router" | "prices" | "keys" | "users" | "sessions" | "traces";
export const CHANGE_TOPICS: ChangeTopic[] = ["routing", "router", "prices", "keys", "users", "sessions", "traces"];

type Reload = () => unknown;

const ANNOUNCE = `
local v = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], ARGV[2] .. ' ' .. ARGV[3] .. ' ' .. v)
return v`;

interface BusState {
  handlers: Map<ChangeTopic, Reload[]>;
  instance: string;
  redis: { client: Redis; sub: Redis; settings: RedisSettings; timer: NodeJS.Timeout } | null;
  /** The counter value whose changes this instance has applied. */
  seen: number | null;
  /** An announcement Redis did not take (it was down): the next check bumps the version, so every instance reloads everything. */
  unsent: boolean;
}

const g = globalThis as unknown as { __thinkgateBus?: BusState };
const s = (g.__thinkgateBus ??= { handlers: new Map(), instance: crypto.randomBytes(6).toString("hex"), redis: null, seen: null, unsent: false });

/** What this instance reloads when a topic changes (registered once at start). */
export function onChange(topic: ChangeTopic, reload: Reload): void {
  const list = s.handlers.get(topic) ?? [];
  list.push(reload);
  s.handlers.set(topic, list);
}

function apply(topics: ChangeTopic[], why: string): void {
  for (const topic of topics) {
    for (const reload of s.handlers.get(topic) ?? []) {
      try {
        const r = reload();
        if (r instanceof Promise) r.catch((err: Error) => logger.warn({ err: err.message, topic }, "could not reload after a change"));
      } catch (err) {
        logger.warn({ err: (err as Error).message, topic }, "could not reload after a change");
      }
    }
  }
  logger.debug({ topics, why }, "reloaded after a change on another instance");
}

const channel = (r: RedisSettings) => `${r.prefix}changes`;
const versionKey = (r: RedisSettings) => `${r.prefix}config-version`;

/**
 * Tells the other instances that `topic` changed. The caller has already
 * reloaded its own cache; this never throws and never delays the caller's
 * response by more than the one Redis call.
 */
export async function announceChange(topic: ChangeTopic): Promise<void> {
  const r = s.redis;
  if (!r) return;
  try {
    const v = Number(await r.client.eval(ANNOUNCE, 1, versionKey(r.settings), channel(r.settings), topic, s.instance));
    // Our own bump needs no reload; anything in between is caught by the check.
    if (s.seen === v - 1) s.seen = v;
  } catch (err) {
    s.unsent = true;
    logger.warn({ err: (err as Error).message, topic }, "could not announce a change to the other instances; retrying with the next check");
  }
}

async function check(): Promise<void> {
  const r = s.redis;
  if (!r) return;
  try {
    if (s.unsent) {
      await r.client.incr(versionKey(r.settings));
      s.unsent = false;
    }
    const raw = await r.client.get(versionKey(r.settings));
    const v = Number(raw ?? 0);
    if (s.seen === null) s.seen = v;
    else if (v !== s.seen) {
      s.seen = v;
      apply(CHANGE_TOPICS, "version check");
    }
  } catch {
    // Redis is down: the connection's own log line says so; the next check retries.
  }
}

/** How long the start waits for the change notices' subscription. */
const SUBSCRIBE_WAIT_MS = 5_000;

/** Subscribes to the other instances' changes. Without Redis, nothing to do. */
export async function startChangeBus(settings: RedisSettings | null, client: Redis | null): Promise<void> {
  if (!settings || !client || s.redis) return;
  const sub = connect(settings.url, "thinkgate-changes", { subscriber: true });
  sub.on("message", (ch: string, message: string) => {
    if (ch !== channel(settings)) return;
    const [topic, from, version] = message.split(" ");
    if (from === s.instance || !CHANGE_TOPICS.includes(topic as ChangeTopic)) return;
    apply([topic as ChangeTopic], "notice");
    const v = Number(version);
    if (s.seen !== null && v === s.seen + 1) s.seen = v;
  });
  // Waited for a few seconds at most: a Redis that accepts connections and never answers would
  // hold the start forever. The subscription completes when Redis answers; the version check covers the gap.
  const subscribed = sub.subscribe(channel(settings)).then(
    () => true,
    (err: Error) => (logger.warn({ err: err.message }, "could not subscribe to change notices yet; the version check covers the gap"), true),
  );
  const waited = new Promise<false>((r) => setTimeout(() => r(false), SUBSCRIBE_WAIT_MS).unref());
  if (!(await Promise.race([subscribed, waited]))) logger.warn("redis did not answer the change notices' subscription in time; the version check covers the gap until it does");
  const every = Number(process.env.THINKGATE_CHANGE_CHECK_MS ?? 1_000);
  const timer = setInterval(() => void check(), every);
  timer.unref?.();
  s.redis = { client, sub, settings, timer };
  await check();
}

export async function stopChangeBus(): Promise<void> {
  const r = s.redis;
  s.redis = null;
  if (!r) return;
  clearInterval(r.timer);
  await closeClient(r.sub);
}
