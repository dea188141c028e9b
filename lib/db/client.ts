/**
 * The Prisma client for DATABASE_URL, one per process. Only repositories
 * (lib/db/*.repo.ts) import this file.
 *
 * Both generated clients come from the same model, so they share one type;
 * the PostgreSQL one is used through the SQLite one's type.
 */
import path from "node:path";
import { logger } from "../observability/logger";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client.ts";
import { databaseUrl, providerOf, sqlitePath, type DbProvider } from "./provider";
import { BUSY_TIMEOUT_MS, waitingWhenBusy } from "./sqlite-busy";
import { releasingFailedEnds } from "./transaction-ends";

export type Db = SqliteClient;

interface DbHandle {
  url: string;
  provider: DbProvider;
  client: Db;
}

const globalForDb = globalThis as unknown as { __thinkgateDb?: DbHandle };

function create(url: string): DbHandle {
  const provider = providerOf(url);
  if (provider === "sqlite") {
    // Imported lazily so a PostgreSQL deployment never loads the native SQLite module.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PrismaBetterSQLite3 } = require("@prisma/adapter-better-sqlite3") as typeof import("@prisma/adapter-better-sqlite3");
    // better-sqlite3 waits for a locked file synchronously, holding the event
    // loop: its wait is kept to a few milliseconds, and a statement refused
    // for a busy file waits for it between other requests (sqlite-busy.ts).
    const adapter = waitingWhenBusy(new PrismaBetterSQLite3({ url: path.resolve(sqlitePath(url)), timeout: BUSY_TIMEOUT_MS }));
    return { url, provider, client: new SqliteClient({ adapter }) };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PrismaPg } = require("@prisma/adapter-pg") as typeof import("@prisma/adapter-pg");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PrismaClient: PgClient } = require("./generated/postgres/client.ts") as typeof import("./generated/postgres/client.ts");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Pool } = require("pg") as typeof import("pg");
  const pool = new Pool({ connectionString: url, max: Number(process.env.THINKGATE_PG_POOL ?? 10) });
  // The pool listens for errors only on its idle clients. A client it hands
  // out through a promise (Prisma's transactions) has no listener until the
  // taker's code runs, after the data that completed its connection has been
  // read; a backend terminated as it connected (the server restarting) sends
  // its error in that same read, and an 'error' with no listener ended the
  // process. Every client listens from its connection on; the error still
  // fails whatever query it was running, and the pool drops the client.
  pool.on("connect", (client) => client.on("error", (err) => logger.warn({ err: err.message }, "database connection lost")));
  const adapter = releasingFailedEnds(new PrismaPg(pool, { disposeExternalPool: true }));
  return { url, provider, client: new PgClient({ adapter }) as unknown as Db };
}

/** The process's database handle; created on first use. */
export function db(): DbHandle {
  const url = databaseUrl();
  let handle = globalForDb.__thinkgateDb;
  if (!handle || handle.url !== url) {
    handle = create(url);
    globalForDb.__thinkgateDb = handle;
  }
  return handle;
}

export async function disconnectDb(): Promise<void> {
  const handle = globalForDb.__thinkgateDb;
  globalForDb.__thinkgateDb = undefined;
  await handle?.client.$disconnect();
}
