/**
 * A transaction whose COMMIT or ROLLBACK fails still gives its connection back.
 *
 * Prisma (6.19) ends a transaction by running COMMIT or ROLLBACK through the
 * transaction and only then calling its commit()/rollback(), which is what
 * releases the connection: PostgreSQL's pooled client goes back to the pool,
 * SQLite's adapter unlocks its one connection for the next transaction. When
 * that statement fails, the release is never called. On PostgreSQL a
 * connection ended under a transaction (the server restarted, a backend
 * terminated, a network cut) fails its ROLLBACK too: each one kept a pool slot
 * for good, and once the pool's slots were gone every query waited forever,
 * with the gateway answering nothing that needed the database.
 * (SQLite's adapter releases its lock the same way, but there a failed
 * statement leaves the transaction open and its ROLLBACK succeeds: only the
 * PostgreSQL adapter is wrapped, lib/db/client.ts.)
 *
 * So a failed end releases the connection itself: after a failed COMMIT a
 * ROLLBACK is tried first (a connection still open must not go back inside a
 * transaction), then rollback() releases it. A PostgreSQL client that lost its
 * connection is not queryable, and the pool drops it rather than reuse it.
 */
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";

const ENDS = new Set(["COMMIT", "ROLLBACK"]);
const ROLLBACK: SqlQuery = { sql: "ROLLBACK", args: [], argTypes: [] };

/** Binds the target's own methods: adapters keep private fields, so they must run on the target, not on a proxy. */
function delegate<T extends object>(target: T, prop: string | symbol): unknown {
  const value = Reflect.get(target, prop, target) as unknown;
  return typeof value === "function" ? value.bind(target) : value;
}

function releasingOnFailedEnd(tx: Transaction): Transaction {
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await tx.rollback();
  };
  return new Proxy(tx, {
    get(target, prop) {
      if (prop === "executeRaw") {
        return async (q: SqlQuery) => {
          if (!ENDS.has(q.sql.trim().toUpperCase())) return target.executeRaw(q);
          try {
            return await target.executeRaw(q);
          } catch (err) {
            if (q.sql.trim().toUpperCase() === "COMMIT") await target.executeRaw(ROLLBACK).catch(() => undefined);
            await release().catch(() => undefined);
            throw err;
          }
        };
      }
      // Released already (a failed end): a second release would throw (pg's pool refuses a double release).
      if (prop === "commit" || prop === "rollback") return async () => (released ? undefined : ((released = true), target[prop]()));
      return delegate(target, prop);
    },
  });
}

/** The adapter factory, its transactions releasing their connection when their COMMIT or ROLLBACK fails. */
export function releasingFailedEnds<F extends SqlDriverAdapterFactory>(factory: F): F {
  const wrap = (adapter: SqlDriverAdapter): SqlDriverAdapter =>
    new Proxy(adapter, {
      get(target, prop) {
        if (prop === "startTransaction") return async (level?: Parameters<SqlDriverAdapter["startTransaction"]>[0]) => releasingOnFailedEnd(await target.startTransaction(level));
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
