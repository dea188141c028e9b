import { afterEach, describe, expect, it } from "vitest";
import { LARGE_BODY_BYTES } from "./body-limit";
import { BodyHold, heldBodyBytes } from "./body-budget";

describe("BodyHold", () => {
  const holds: BodyHold[] = [];
  const hold = (budget: number) => {
    const h = new BodyHold(budget);
    holds.push(h);
    return h;
  };
  afterEach(() => holds.splice(0).forEach((h) => h.release()));

  it("counts only large bodies, against one budget for the process, until released", () => {
    const budget = 10 * LARGE_BODY_BYTES;
    const a = hold(budget);
    const b = hold(budget);
    expect(a.grow(LARGE_BODY_BYTES)).toBe(true);
    expect(heldBodyBytes()).toBe(0);
    expect(a.grow(6 * LARGE_BODY_BYTES)).toBe(true);
    expect(b.grow(5 * LARGE_BODY_BYTES)).toBe(false);
    expect(b.grow(4 * LARGE_BODY_BYTES)).toBe(true);
    expect(heldBodyBytes()).toBe(10 * LARGE_BODY_BYTES);
    // A body that grows as it arrives takes only what it adds.
    expect(b.grow(4 * LARGE_BODY_BYTES)).toBe(true);
    expect(b.grow(4 * LARGE_BODY_BYTES + 1)).toBe(false);
    a.release();
    expect(heldBodyBytes()).toBe(4 * LARGE_BODY_BYTES);
    expect(b.grow(9 * LARGE_BODY_BYTES)).toBe(true);
    b.release();
    b.release();
    expect(heldBodyBytes()).toBe(0);
  });
});
