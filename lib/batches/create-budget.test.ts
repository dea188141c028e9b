import { describe, expect, it } from "vitest";
import { AppError } from "../api/errors";
import { WorkBudget, bodyCost, createCost } from "./create-budget";

const settled = async <T>(p: Promise<T>) => {
  let state: "pending" | "resolved" | "rejected" = "pending";
  p.then(() => (state = "resolved"), () => (state = "rejected"));
  await new Promise((r) => setTimeout(r, 0));
  return state;
};

describe("WorkBudget (batch creates)", () => {
  it("lets creates that fit run together and makes the next wait, in arrival order, until enough is given back", async () => {
    const b = new WorkBudget(100);
    const r1 = await b.take(60);
    const second = b.take(60);
    const third = b.take(10); // fits, but arrived after a waiter: waits its turn
    expect(await settled(second)).toBe("pending");
    expect(await settled(third)).toBe("pending");
    r1();
    expect(await settled(second)).toBe("resolved");
    expect(await settled(third)).toBe("resolved");
    (await second)();
    (await third)();
    expect(await settled(b.take(100))).toBe("resolved");
  });

  it("runs a create larger than the whole budget alone", async () => {
    const b = new WorkBudget(100);
    const big = await b.take(1_000);
    const small = b.take(1);
    expect(await settled(small)).toBe("pending");
    big();
    expect(await settled(small)).toBe("resolved");
  });

  it("answers a create that waited too long with a 529 overloaded_error and retry-after, and lets the next one in", async () => {
    const b = new WorkBudget(100);
    const held = await b.take(100);
    const err = await b.take(50, 20).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).type).toBe("overloaded_error");
    expect((err as AppError).status).toBe(529);
    const after = b.take(50);
    held();
    expect(await settled(after)).toBe("resolved");
  });

  it("drops a waiter whose client left, and a release given twice counts once", async () => {
    const b = new WorkBudget(100);
    const held = await b.take(100);
    const ac = new AbortController();
    const left = b.take(50, 10_000, ac.signal);
    ac.abort(new Error("client gone"));
    await expect(left).rejects.toThrow("client gone");
    held();
    held();
    const gone = new AbortController();
    gone.abort(new Error("already gone"));
    await expect(b.take(1, 10_000, gone.signal)).rejects.toThrow("already gone");
    const a = await b.take(100);
    expect(await settled(b.take(1))).toBe("pending");
    a();
  });

  it("estimates a 100,000-item create at a few hundred megabytes, and a body by the items its bytes can hold", () => {
    expect(createCost(100_000, 12_600_000) / 2 ** 20).toBeGreaterThan(250);
    expect(bodyCost(12_600_000)).toBeGreaterThanOrEqual(createCost(100_000, 12_600_000));
    expect(bodyCost(2_000)).toBeLessThan(1_000_000);
  });
});
