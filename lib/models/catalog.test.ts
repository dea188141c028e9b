import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { allModelIds, allModels, modelInfo, sameModel, toModelInfo, type Effort } from "./catalog";

/** The ids of SDK 1.14's `Model` union, read from the installed SDK so a new SDK model fails this test. */
function sdkModelIds(): string[] {
  const main = createRequire(import.meta.url).resolve("@anthropic-ai/sdk");
  const path = join(dirname(main), "resources/messages/messages.d.ts");
  const src = readFileSync(path, "utf8");
  const decl = src.match(/export type Model = ([^;]+);/)?.[1] ?? "";
  return [...decl.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

describe("catalog", () => {
  it("has an entry for every model id of the SDK's Model type, and nothing else", () => {
    const ids = sdkModelIds();
    expect(ids.length).toBe(22);
    for (const id of ids) expect(modelInfo(id), id).toBeDefined();
    expect(new Set(allModelIds())).toEqual(new Set(ids));
  });

  it("resolves dated ids and their aliases to the same entry", () => {
    expect(modelInfo("claude-sonnet-4-5")).toBe(modelInfo("claude-sonnet-4-5-20250929"));
    expect(modelInfo("claude-haiku-4-5")).toBe(modelInfo("claude-haiku-4-5-20251001"));
    expect(modelInfo("claude-opus-4-5")).toBe(modelInfo("claude-opus-4-5-20251101"));
    expect(allModels()).toHaveLength(19);
    expect(modelInfo("claude-nonexistent")).toBeUndefined();
  });

  // Reference §1.6, restated independently of catalog.ts: accepted types, behaviour when omitted, default effort.
  const TABLE: [string, string[], "on" | "off", Effort | null][] = [
    ["claude-fable-5-2", ["adaptive"], "on", "high"],
    ["claude-mythos-5-2", ["adaptive"], "on", "high"],
    ["claude-fable-5-1", ["adaptive"], "on", "high"],
    ["claude-mythos-5-1", ["adaptive"], "on", "high"],
    ["claude-fable-5", ["adaptive"], "on", "high"],
    ["claude-mythos-5", ["adaptive"], "on", "high"],
    ["claude-mythos-preview", ["adaptive", "enabled"], "on", "high"],
    ["claude-opus-5-5", ["adaptive"], "on", "medium"],
    ["claude-opus-5", ["adaptive", "disabled"], "on", "high"],
    ["claude-opus-4-8", ["adaptive", "disabled"], "off", "high"],
    ["claude-opus-4-7", ["adaptive", "disabled"], "off", "high"],
    ["claude-sonnet-5-5", ["adaptive", "between_tools"], "on", "high"],
    ["claude-sonnet-5", ["adaptive", "disabled"], "on", "high"],
    ["claude-haiku-5-5", ["adaptive", "disabled"], "on", "medium"],
    ["claude-opus-4-6", ["adaptive", "enabled", "disabled"], "off", "high"],
    ["claude-sonnet-4-6", ["adaptive", "enabled", "disabled"], "off", "high"],
    ["claude-opus-4-5", ["enabled", "disabled"], "off", "high"],
    ["claude-haiku-4-5", ["enabled", "disabled"], "off", null],
    ["claude-sonnet-4-5", ["enabled", "disabled"], "off", null],
  ];
  it.each(TABLE)("%s accepts %j, thinking %s when omitted, default effort %s (§1.6)", (id, accepted, omitted, effort) => {
    const e = modelInfo(id)!;
    const types = e.capabilities.thinking.types;
    const supported = (["adaptive", "enabled", "disabled", "between_tools"] as const).filter((t) => types[t].supported);
    expect(supported).toEqual(accepted);
    expect(e.thinkingWhenOmitted).toBe(omitted);
    expect(e.defaultEffort).toBe(effort);
  });

  it("encodes the combination rules of §1.4, §1.6 and §1.10", () => {
    expect(modelInfo("claude-opus-5")!.rules.disabledMaxEffort).toBe("high");
    expect(modelInfo("claude-haiku-5-5")!.rules.disabledMaxEffort).toBe("high");
    expect(modelInfo("claude-sonnet-5-5")!.rules.betweenToolsMaxEffort).toBe("high");
    const forced = allModels().filter((e) => e.rules.rejectsForcedToolChoiceWithThinking).map((e) => e.id);
    expect(forced.sort()).toEqual(["claude-fable-5-1", "claude-mythos-5-1", "claude-opus-5-5", "claude-sonnet-5-5"]);
  });

  it("defaults display to omitted on Opus 4.7 and later, summarized before (§1.3)", () => {
    for (const id of ["claude-opus-4-7", "claude-opus-4-8", "claude-mythos-preview", "claude-fable-5", "claude-opus-5-5", "claude-sonnet-5", "claude-haiku-5-5"]) {
      expect(modelInfo(id)!.displayDefault, id).toBe("omitted");
    }
    for (const id of ["claude-opus-4-6", "claude-sonnet-4-6", "claude-sonnet-4-5", "claude-opus-4-5", "claude-haiku-4-5"]) {
      expect(modelInfo(id)!.displayDefault, id).toBe("summarized");
    }
  });

  it("knows effort levels per §1.5: no effort on Sonnet/Haiku 4.5, no xhigh on Opus 4.6 or Mythos Preview", () => {
    expect(modelInfo("claude-sonnet-4-5")!.capabilities.effort.supported).toBe(false);
    expect(modelInfo("claude-haiku-4-5")!.capabilities.effort.supported).toBe(false);
    expect(modelInfo("claude-opus-4-6")!.capabilities.effort.xhigh?.supported).toBe(false);
    expect(modelInfo("claude-opus-4-6")!.capabilities.effort.max.supported).toBe(true);
    expect(modelInfo("claude-mythos-preview")!.capabilities.effort.xhigh?.supported).toBe(false);
    expect(modelInfo("claude-opus-4-5")!.capabilities.effort.max.supported).toBe(false);
    expect(modelInfo("claude-opus-5")!.capabilities.effort.xhigh?.supported).toBe(true);
  });

  it("renders the SDK ModelInfo shape with §4.1 limits", () => {
    const info = toModelInfo(modelInfo("claude-sonnet-4-5")!);
    expect(info).toMatchObject({ type: "model", id: "claude-sonnet-4-5-20250929", max_input_tokens: 200_000, max_tokens: 64_000, lifecycle: "deprecated" });
    expect(toModelInfo(modelInfo("claude-sonnet-5-5")!)).toMatchObject({ max_input_tokens: 1_000_000, max_tokens: 128_000, created_at: "2026-09-28T00:00:00Z" });
  });
});

describe("sameModel", () => {
  it("matches an alias with its dated id, either way round", () => {
    expect(sameModel("claude-haiku-4-5", "claude-haiku-4-5-20251001")).toBe(true);
    expect(sameModel("claude-haiku-4-5-20251001", "claude-haiku-4-5")).toBe(true);
    expect(sameModel("claude-sonnet-4-6", "claude-sonnet-4-6")).toBe(true);
  });

  it("keeps different models, and unknown ids, apart", () => {
    expect(sameModel("claude-haiku-4-5", "claude-sonnet-4-5")).toBe(false);
    expect(sameModel("my-proxy-model", "my-proxy-model")).toBe(true);
    expect(sameModel("my-proxy-model", "claude-haiku-4-5")).toBe(false);
  });
});
