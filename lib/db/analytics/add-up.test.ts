import { describe, expect, it } from "vitest";
import { addUpDayGroups, addUpStandardCells } from "./add-up";

describe("adding up the groups of several slices of an id range", () => {
  it("sums each group's counts and costs across slices and keeps the others apart", () => {
    const cell = { band: 1, task: "", app: "web", model: "claude-sonnet-4-6", n: 2, input: 10, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 5, output: 7, cost: 0.5, before: 0.01 };
    const rows = addUpStandardCells([cell, { ...cell, n: 3, input: 1, output: 1, cost: 0.25 }, { ...cell, app: "cli" }]);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.app === "web")).toEqual({ ...cell, n: 5, input: 11, cacheRead: 10, output: 8, cost: 0.75, before: 0.02 });
    expect(rows.find((r) => r.app === "cli")).toEqual({ ...cell, app: "cli" });
  });

  it("keeps the greatest label of a group, as max() does in one statement", () => {
    const g = { day: 0, key: "r1", label: "Reasoning", via: "messages", requests: 1, priced: 1, unpriced: 0, cost: 2 };
    const rows = addUpDayGroups([g, { ...g, label: "Reasoning v2", requests: 4, cost: 1 }, { ...g, day: 1 }]);
    expect(rows).toEqual([{ ...g, label: "Reasoning v2", requests: 5, priced: 2, cost: 3 }, { ...g, day: 1 }]);
  });
});
