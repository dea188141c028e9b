import { describe, expect, it } from "vitest";
import { configKey, configProblem, modelThinking, parseConfigList, validateGrid } from "./grid";
import { parseJsonl } from "./sets";

describe("configuration grid", () => {
  it("knows which models take budgets and which take effort levels", () => {
    expect(modelThinking("claude-haiku-4-5")).toMatchObject({ control: "budget", off: true });
    expect(modelThinking("claude-sonnet-5")).toMatchObject({ control: "effort", off: true });
    expect(modelThinking("claude-opus-5-5")).toMatchObject({ control: "effort", off: false });
  });

  it("rejects a budget on an adaptive-only model, effort on a budget model, and off where thinking cannot be off", () => {
    expect(configProblem({ model: "claude-opus-5-5", thinking: "budget", budgetTokens: 4096 })).toMatch(/thinks adaptively.*effort levels/);
    expect(configProblem({ model: "claude-haiku-4-5", thinking: "effort", effort: "high" })).toMatch(/takes thinking budgets/);
    expect(configProblem({ model: "claude-opus-5-5", thinking: "off" })).toMatch(/cannot turn thinking off/);
    expect(configProblem({ model: "claude-haiku-4-5", thinking: "budget", budgetTokens: 512 })).toMatch(/minimum of 1024/);
    expect(configProblem({ model: "claude-sonnet-4-6", thinking: "effort", effort: "xhigh" })).toMatch(/does not take effort xhigh/);
    expect(configProblem({ model: "gpt-9", thinking: "off" })).toMatch(/unknown model/);
    expect(configProblem({ model: "claude-haiku-4-5", thinking: "budget", budgetTokens: 32000 })).toBeNull();
  });

  it("validates a whole grid and lists every problem", () => {
    expect(() => validateGrid([{ model: "claude-haiku-4-5", thinking: "off" }, { model: "claude-haiku-4-5", thinking: "off" }, { model: "claude-opus-5-5", thinking: "budget", budgetTokens: 2048 }])).toThrow(
      /claude-haiku-4-5:off: listed twice; claude-opus-5-5:2048: claude-opus-5-5 thinks adaptively/,
    );
    expect(() => validateGrid([])).toThrow(/at least one configuration/);
  });

  it("parses the CLI's short form", () => {
    const list = parseConfigList("standard,claude-haiku-4-5:1024,claude-sonnet-5:effort=high", "claude-haiku-4-5");
    expect(list.map(configKey)).toEqual(["claude-haiku-4-5:off", "claude-haiku-4-5:1024", "claude-sonnet-5:effort=high"]);
    expect(() => parseConfigList("claude-haiku-4-5:lots")).toThrow(/expected MODEL:off/);
    expect(() => parseConfigList("standard")).toThrow(/needs a model/);
  });
});

describe("set parsing", () => {
  it("reads JSONL items and reports every bad line", () => {
    const items = parseJsonl('{"prompt":"2+2?","expected":4,"category":"math","id":"q1"}\n\n{"prompt":"Capital of France?","expected":"Paris"}\n');
    expect(items).toEqual([
      { prompt: "2+2?", expected: "4", category: "math", id: "q1" },
      { prompt: "Capital of France?", expected: "Paris" },
    ]);
    expect(() => parseJsonl('{"prompt":"a"}\nnope\n{"prompt":"b","expected":"c","extra":1}')).toThrow(/3 bad line\(s\): line 1: expected.*; line 2: not JSON; line 3: item: /);
    expect(() => parseJsonl('{"prompt":"a","expected":"1","id":"x"}\n{"prompt":"b","expected":"2","id":"x"}')).toThrow(/appears twice/);
    expect(() => parseJsonl("\n")).toThrow(/no items/);
  });

  it("refuses a file of more items than a set holds before parsing any line, however many bad lines it has", () => {
    const ok = '{"prompt":"p","expected":"1"}';
    // 20 MB of "{}" lines (an editor's upload) built a report line for each of them and ran the server out of heap.
    const t0 = performance.now();
    expect(() => parseJsonl("{}\n".repeat(1_000_000))).toThrow(/more than 2000 items; at most 2000$/);
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(parseJsonl(Array(2000).fill(ok).join("\n\u00a0\n"))).toHaveLength(2000);
    expect(() => parseJsonl(Array(2001).fill(ok).join("\n"))).toThrow(/more than 2000 items/);
  });
});
