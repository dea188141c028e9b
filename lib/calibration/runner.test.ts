import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { sleep } from "./runner";

describe("the runner's wait", () => {
  it("leaves no abort listener on the runner's signal once a wait has ended, by its timer or by the abort", async () => {
    const stopper = new AbortController();
    for (let i = 0; i < 20; i++) await sleep(1, stopper.signal);
    expect(getEventListeners(stopper.signal, "abort")).toHaveLength(0);
    const long = sleep(60_000, stopper.signal);
    expect(getEventListeners(stopper.signal, "abort")).toHaveLength(1);
    stopper.abort();
    await long;
    expect(getEventListeners(stopper.signal, "abort")).toHaveLength(0);
  });
});
