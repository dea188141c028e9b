/**
 * A transaction whose COMMIT or ROLLBACK fails releases its connection once
 * (Prisma releases it only after the statement succeeded).
 */
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";
import { describe, expect, it } from "vitest";
import { releasingFailedEnds } from "./transaction-ends";

const q = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });

function fakeFactory(failing: Set<string>) {
  const log: string[] = [];
  const tx = {
    async executeRaw(query: SqlQuery) {
      log.push(query.sql);
      if (failing.has(query.sql)) throw new Error(`${query.sql} failed: connection ended`);
      return 0;
    },
    async commit() {
      log.push("commit()");
    },
    async rollback() {
      log.push("rollback()");
    },
  } as unknown as Transaction;
  const adapter = { startTransaction: async () => tx } as unknown as SqlDriverAdapter;
  const factory = { connect: async () => adapter } as unknown as SqlDriverAdapterFactory;
  return { factory: releasingFailedEnds(factory), log };
}

describe("releasingFailedEnds", () => {
  it("a failed ROLLBACK releases the connection, once", async () => {
    const { factory, log } = fakeFactory(new Set(["ROLLBACK"]));
    const tx = await (await factory.connect()).startTransaction();
    await expect(tx.executeRaw(q("ROLLBACK"))).rejects.toThrow(/ROLLBACK failed/);
    await tx.rollback();
    expect(log).toEqual(["ROLLBACK", "rollback()"]);
  });

  it("a failed COMMIT is rolled back and releases the connection", async () => {
    const { factory, log } = fakeFactory(new Set(["COMMIT"]));
    const tx = await (await factory.connect()).startTransaction();
    await tx.executeRaw(q("UPDATE x"));
    await expect(tx.executeRaw(q("COMMIT"))).rejects.toThrow(/COMMIT failed/);
    expect(log).toEqual(["UPDATE x", "COMMIT", "ROLLBACK", "rollback()"]);
  });

  it("leaves a transaction that ends well to Prisma's commit()", async () => {
    const { factory, log } = fakeFactory(new Set());
    const tx = await (await factory.connect()).startTransaction();
    await tx.executeRaw(q("COMMIT"));
    await tx.commit();
    expect(log).toEqual(["COMMIT", "commit()"]);
  });
});
