/**
 * SQLite: a statement on the main thread that finds the file locked waits for
 * it without holding the event loop.
 *
 * better-sqlite3 waits for a lock synchronously (its busy timeout), and every
 * request waits with it. The lock is the whole file's: the record thread's
 * transactions (lib/db/record-writer.ts), another process, a backup. With a
 * busy timeout of a second, a rule saved while a backlog of records was
 * written held the gateway, and on a slow machine failed with "Operation has
 * timed out" (a 500). So the main connection's busy timeout is a few
 * milliseconds, and a statement refused for a busy file is run again after a
 * pause in which other requests are served, until WAIT_MS have passed.
 *
 * A statement refused with SQLITE_BUSY changed nothing, so running it again is
 * safe. A statement inside a transaction is not: the transaction's view of
 * the file may be gone. So a transaction's statements wait synchronously, up
 * to TRANSACTION_BUSY_TIMEOUT_MS, and the transaction fails past it.
 */
import type { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

type Factory = PrismaBetterSQLite3;
type Adapter = Awaited<ReturnType<Factory["connect"]>>;

/**
 * The synchronous wait better-sqlite3 may do on the main thread, within a
 * turn's budget (TURN_BUDGET_MS). Preparing a statement can wait too (every
 * query is prepared afresh): at 10 ms, one prepare held the backlog case's
 * worst poll for 14 ms beside a 21 ms garbage collection.
 */
export const BUSY_TIMEOUT_MS = 5;
/** The synchronous wait inside a transaction (Prisma's $transaction, pins' batches, a rule set's import). */
const TRANSACTION_BUSY_TIMEOUT_MS = 1_000;
/** How long a statement keeps trying: as long as the synchronous wait used to be, and more. */
const WAIT_MS = 5_000;
/** Pauses between tries: short first (the record thread's transactions take ~8 ms), then longer. */
const PAUSES_MS = [2, 5, 10, 20, 40];

/** SQLITE_BUSY as the adapter reports it (convertDriverError: "SocketTimeout"). */
export function isBusy(err: unknown): boolean {
  const e = err as { name?: unknown; cause?: { kind?: unknown } } | null;
  return e?.name === "DriverAdapterError" && e.cause?.kind === "SocketTimeout";
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `statement` until it is not refused for a busy file, or WAIT_MS have passed (then its error). */
export async function whenNotBusy<T>(statement: () => Promise<T>, waitMs = WAIT_MS): Promise<T> {
  const deadline = performance.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await statement();
    } catch (err) {
      if (!isBusy(err) || performance.now() >= deadline) throw err;
      await sleep(PAUSES_MS[Math.min(attempt, PAUSES_MS.length - 1)]!);
    }
  }
}

type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;

/** better-sqlite3's connection, which the adapter keeps as `client`. */
const busyTimeout = (adapter: Adapter, ms: number) => (adapter as unknown as { client: { pragma(p: string): unknown } }).client.pragma(`busy_timeout = ${ms}`);

/** Binds the target's own methods: the adapter keeps private fields, so they must run on it, not on a proxy. */
function delegate<T extends object>(target: T, prop: string | symbol): unknown {
  const value = Reflect.get(target, prop, target) as unknown;
  return typeof value === "function" ? value.bind(target) : value;
}

/** The adapter factory, its connections' statements outside transactions run through whenNotBusy. */
export function waitingWhenBusy(factory: Factory): Factory {
  const inTransaction = (adapter: Adapter, tx: Transaction): Transaction => {
    busyTimeout(adapter, TRANSACTION_BUSY_TIMEOUT_MS);
    const ending = (end: () => Promise<void>) => async () => {
      try {
        await end();
      } finally {
        busyTimeout(adapter, BUSY_TIMEOUT_MS);
      }
    };
    return new Proxy(tx, {
      get(target, prop) {
        if (prop === "commit") return ending(() => target.commit());
        if (prop === "rollback") return ending(() => target.rollback());
        return delegate(target, prop);
      },
    });
  };
  const wrap = (adapter: Adapter): Adapter =>
    new Proxy(adapter, {
      get(target, prop) {
        if (prop === "queryRaw") return (q: Parameters<Adapter["queryRaw"]>[0]) => whenNotBusy(() => target.queryRaw(q));
        if (prop === "executeRaw") return (q: Parameters<Adapter["executeRaw"]>[0]) => whenNotBusy(() => target.executeRaw(q));
        if (prop === "startTransaction") return async (level?: Parameters<Adapter["startTransaction"]>[0]) => inTransaction(target, await target.startTransaction(level));
        return delegate(target, prop);
      },
    });
  return new Proxy(factory, {
    get(target, prop) {
      if (prop === "connect") return async () => wrap(await target.connect());
      return delegate(target, prop);
    },
  });
}
