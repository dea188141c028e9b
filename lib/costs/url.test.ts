import { describe, expect, it } from "vitest";
import { costControlsToApiQuery, costControlsToSearch, readCostControls } from "./url";

describe("cost dashboard URL", () => {
  it("defaults to the last 30 days by route, the granularity left to the server (hourly on a first day)", () => {
    expect(readCostControls(new URLSearchParams(""))).toEqual({ range: "30d", granularity: "auto", groupBy: "route" });
    expect(readCostControls(new URLSearchParams("range=7d")).granularity).toBe("auto");
  });

  it("keeps the one-off traffic choice of the projection", () => {
    const c = readCostControls(new URLSearchParams("range=7d&oneOff=1"));
    expect(c.oneOff).toBe(true);
    expect(readCostControls(new URLSearchParams(costControlsToSearch(c)))).toEqual(c);
    expect(costControlsToApiQuery(c, 0)).toMatchObject({ oneOff: "true", granularity: "auto" });
  });

  it("round-trips the controls and ignores junk", () => {
    const c = readCostControls(new URLSearchParams("range=custom&from=2026-11-01&to=2026-11-07&granularity=week&groupBy=model"));
    expect(c).toEqual({ range: "custom", from: "2026-11-01", to: "2026-11-07", granularity: "week", groupBy: "model" });
    expect(readCostControls(new URLSearchParams(costControlsToSearch(c)))).toEqual(c);
    expect(readCostControls(new URLSearchParams("range=custom&from=yesterday&granularity=month&groupBy=x"))).toEqual({ range: "custom", granularity: "day", groupBy: "route" });
  });

  it("picks a granularity that suits the preset", () => {
    expect(readCostControls(new URLSearchParams("range=24h")).granularity).toBe("hour");
    expect(readCostControls(new URLSearchParams("range=90d")).granularity).toBe("week");
  });

  it("makes a custom range include its last day", () => {
    const q = costControlsToApiQuery({ range: "custom", from: "2026-11-01", to: "2026-11-07", granularity: "day", groupBy: "tier" }, 0);
    expect(q).toEqual({ granularity: "day", groupBy: "tier", from: "2026-11-01", to: "2026-11-08" });
  });

  it("ends a preset now", () => {
    const now = Date.parse("2026-11-25T12:00:00Z");
    expect(costControlsToApiQuery({ range: "7d", granularity: "day", groupBy: "route" }, now)).toMatchObject({
      from: "2026-11-18T12:00:00.000Z",
      to: "2026-11-25T12:00:00.000Z",
    });
  });
});
