/**
 * Two thinkgate processes on one database, as a production deployment runs
 * them: on PostgreSQL they share a Redis prefix (the cluster bus); on SQLite
 * (one embedded process by design) both names point to the same process, so
 * a file's single-instance cases still run there.
 */
import crypto from "node:crypto";
import Redis from "ioredis";
import { startServer, testDbKind, type TestServer } from "./server";

export const REDIS_URL = process.env.THINKGATE_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export interface Pair {
  A: TestServer;
  B: TestServer;
  /** Whether A and B are two processes (PostgreSQL + Redis). */
  two: boolean;
  /** The Redis key prefix the pair shares (used only when it is two processes). */
  prefix: string;
  stop(): Promise<void>;
}

/** Whether this run starts two processes: only on PostgreSQL. */
export const twoInstances = testDbKind() === "postgresql";

export async function startPair(): Promise<Pair> {
  const prefix = `thinkgate-test:${crypto.randomBytes(5).toString("hex")}:`;
  const env: Record<string, string> = twoInstances ? { REDIS_URL, THINKGATE_REDIS_PREFIX: prefix } : { REDIS_URL: "" };
  const A = await startServer({ env });
  const B = twoInstances ? await startServer({ databaseUrl: A.databaseUrl, env }) : A;
  return {
    A,
    B,
    two: twoInstances,
    prefix,
    async stop() {
      if (B !== A) await B.stop();
      await A.stop();
      if (!twoInstances) return;
      // The bus's keys of this pair only: other files run beside this one on the same Redis.
      const r = new Redis(REDIS_URL);
      const keys = await r.keys(`${prefix}*`);
      if (keys.length) await r.del(...keys);
      await r.quit();
    },
  };
}
