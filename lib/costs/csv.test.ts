import { describe, expect, it } from "vitest";
import { csvCell, summaryToCsv } from "./csv";
import type { CostSummary } from "./types";

describe("csvCell", () => {
  it("quotes commas, quotes and newlines", () => {
    expect(csvCell('Deep, "careful" route')).toBe('"Deep, ""careful"" route"');
    expect(csvCell("a\nb")).toBe('"a\nb"');
    expect(csvCell(0.1)).toBe("0.1");
  });

  it("keeps a formula in a name as text", () => {
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("@cmd")).toBe("'@cmd");
  });

  it("keeps a formula after a semicolon or a tab as text: Excel splits on \";\" where that is the list separator", () => {
    // Opened where ";" separates fields, "x;=cmd|' /C calc'!A0;y" was three cells, the middle one a formula (DDE).
    const cell = csvCell("x;=cmd|' /C calc'!A0;y");
    for (const field of cell.split(/[;\t]/)) expect(field, cell).not.toMatch(/^[=+\-@]/);
    expect(csvCell("a;+1;-1;@b\t=c")).toBe("a;'+1;'-1;'@b\t'=c");
    expect(csvCell("Deep; careful")).toBe("Deep; careful");
  });
});

describe("summaryToCsv", () => {
  it("writes one row per bucket and group with micro-dollar amounts", () => {
    const point = {
      bucket: "2026-11-25T00:00:00.000Z", key: "standard", label: "Standard", requests: 3, reasoning: 0, errors: 0, escalated: 0, priced: 3, unpriced: 0,
      costInput: 0.1, costCache: 0, costOutput: 0.2, costThinking: 0, costServerTools: 0, costTotal: 0.30000000000000004,
      counterfactualCount: 0, counterfactualCost: 0, counterfactualActual: 0, inputTokens: 10, cacheTokens: 0, outputTokens: 20, thinkingTokens: 0, latencyMs: 5, avgCostPerRequest: 0.1,
    };
    const csv = summaryToCsv({ range: { groupBy: "route" }, series: [point] } as unknown as CostSummary);
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toMatch(/^bucket_start_utc,group_by,key,label,requests,/);
    expect(lines[1]).toBe("2026-11-25T00:00:00.000Z,route,standard,Standard,3,0,3,0,0,0.1,0,0.2,0,0,0.3,10,0,20,0");
  });
});
