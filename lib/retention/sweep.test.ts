import { describe, expect, it } from "vitest";
import { BATCH_DAYS, batchDays, pinDays } from "./sweep";

describe("pinDays", () => {
  it("keeps pins, which hold thinking text, no longer than the records' text", () => {
    expect(pinDays({ pinDays: 30, recordDays: 0, textDays: 0 })).toBe(30);
    expect(pinDays({ pinDays: 30, recordDays: 0, textDays: 7 })).toBe(7);
    expect(pinDays({ pinDays: 5, recordDays: 0, textDays: 7 })).toBe(5);
    // Pins kept forever, text not: the text's bound applies.
    expect(pinDays({ pinDays: 0, recordDays: 400, textDays: 14 })).toBe(14);
    expect(pinDays({ pinDays: 0, recordDays: 400, textDays: 0 })).toBe(0);
  });
});

describe("batchDays", () => {
  it("forgets a batch a day after the API drops its results, sooner when the records' text goes sooner", () => {
    expect(batchDays({ pinDays: 30, recordDays: 0, textDays: 0 })).toBe(BATCH_DAYS);
    expect(batchDays({ pinDays: 30, recordDays: 0, textDays: 7 })).toBe(7);
    expect(batchDays({ pinDays: 30, recordDays: 0, textDays: 90 })).toBe(BATCH_DAYS);
  });
});
