import { describe, expect, it } from "vitest";
import { daySegments } from "./segments";

describe("daySegments", () => {
  it("cuts a range of hours at UTC midnights", () => {
    // Day 10 from 20:00 to day 12, 05:00.
    expect(daySegments(10 * 24 + 20, 12 * 24 + 5)).toEqual([
      { fromHour: 260, toHour: 264 },
      { fromHour: 264, toHour: 288 },
      { fromHour: 288, toHour: 293 },
    ]);
  });

  it("keeps a range inside one day whole, and an empty range empty", () => {
    expect(daySegments(265, 270)).toEqual([{ fromHour: 265, toHour: 270 }]);
    expect(daySegments(270, 270)).toEqual([]);
  });
});
