/**
 * A database read that requests wait on (a gateway key's row, a browser
 * session's), bounded in time and shared between the requests that want it.
 *
 * A database that stops answering without closing its connections (a hung
 * server, a network path that drops packets, a proxy whose backend is gone)
 * fails no query: each one waits for good, and every request behind it with
 * it. So a request waits at most `waitMs` for the answer. Then it goes on with
 * the caller's last answer for that key, when the caller has one it may still
 * trust (`stale`), or gets a 503 `api_error` with retry-after: the same answer
 * for every such wait, on the gateway's path and the management API's.
 *
 * Requests for one key share one query (single flight) rather than each
 * taking a pool connection while the database does not answer; a query that
 * outlives its wait keeps running, and whatever `load` does with its answer
 * (refreshing a cache) still happens when it comes.
 */
import { AppError } from "../api/errors";

export class LookupTimeout extends Error {}

/** The error a request gets when the database did not answer within its wait; `advice` ends its message, `headers` are added to retry-after. */
export function notAnswering(message: string, advice = "try again shortly", headers: Record<string, string> = {}): AppError {
  return new AppError("api_error", `${message}; ${advice}`, { status: 503, headers: { "retry-after": "5", ...headers } });
}

/** Waits at most `ms` for `pending`; past it rejects with a LookupTimeout naming `what`. */
export async function within<T>(pending: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      pending,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new LookupTimeout(`the database did not answer ${what} within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** `within`, with the wait's end as the 503 a request gets (notAnswering). */
export function answeredWithin<T>(pending: Promise<T>, ms: number, what: string): Promise<T> {
  return within(pending, ms, what).catch((err: unknown) => {
    throw err instanceof LookupTimeout ? notAnswering(err.message) : err;
  });
}

/** A duration setting in milliseconds: a positive number, else the default. */
export function waitSetting(raw: string | undefined, fallback: number): number {
  const v = Number(raw ?? fallback);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

export interface BoundedLookupOptions<K, V> {
  /** What is looked up, for the error: "a key lookup". */
  what: string;
  /** How long a request waits. */
  waitMs: number;
  load: (key: K) => Promise<V>;
  /**
   * The answer to go on with when the database failed or did not answer in
   * time, or undefined for none (then a timeout is a 503 and an error is
   * passed on as it is).
   */
  stale?: (key: K) => V | undefined;
}

export interface BoundedLookup<K, V> {
  get(key: K): Promise<V>;
}

export function boundedLookup<K, V>(opts: BoundedLookupOptions<K, V>): BoundedLookup<K, V> {
  const inFlight = new Map<K, Promise<V>>();
  const shared = (key: K): Promise<V> => {
    let pending = inFlight.get(key);
    if (!pending) {
      pending = opts.load(key).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  };
  return {
    async get(key) {
      try {
        return await within(shared(key), opts.waitMs, opts.what);
      } catch (err) {
        const stale = opts.stale?.(key);
        if (stale !== undefined) return stale;
        if (err instanceof LookupTimeout) throw notAnswering(err.message);
        throw err;
      }
    },
  };
}

/**
 * A lookup key that carries the cache's generation before the id: a request
 * that comes after a change (which bumps the generation) does not join a
 * read begun before it, which may have seen the old row.
 */
export type GenerationKey = `${number}:${string}`;

/** The generation and the id of a GenerationKey. */
export function splitGenerationKey(key: GenerationKey): [number, string] {
  const at = key.indexOf(":");
  return [Number(key.slice(0, at)), key.slice(at + 1)];
}
