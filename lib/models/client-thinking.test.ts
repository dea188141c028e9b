import { describe, expect, it } from "vitest";
import { builtinCapabilities } from "./capabilities";
import { capThinking, explicitThinking, invalidClientThinking, thinkingPolicySchema } from "./client-thinking";

const caps = builtinCapabilities;

describe("a client's own thinking configuration", () => {
  it("is explicit when it sends thinking or an effort", () => {
    expect(explicitThinking({ max_tokens: 10 })).toBe(false);
    expect(explicitThinking({ max_tokens: 10, thinking: { type: "disabled" } })).toBe(true);
    expect(explicitThinking({ max_tokens: 10, output_config: { effort: "low" } })).toBe(true);
    expect(explicitThinking({ max_tokens: 10, output_config: { effort: null } })).toBe(false);
  });

  it("is refused with the API's message where the model would refuse it", () => {
    expect(invalidClientThinking({ max_tokens: 4000, thinking: { type: "enabled", budget_tokens: 2048 } }, caps("claude-opus-4-7"), [])).toMatch(/^"thinking.type.enabled" is not supported for this model\. Use "thinking.type.adaptive"/);
    expect(invalidClientThinking({ max_tokens: 4000, thinking: { type: "adaptive" } }, caps("claude-sonnet-4-5"), [])).toMatch(/^"thinking.type.adaptive" is not supported/);
    expect(invalidClientThinking({ max_tokens: 2000, thinking: { type: "enabled", budget_tokens: 2000 } }, caps("claude-sonnet-4-5"), [])).toMatch(/^`max_tokens` must be greater/);
    expect(invalidClientThinking({ max_tokens: 4000, thinking: { type: "enabled", budget_tokens: 512 } }, caps("claude-sonnet-4-5"), [])).toMatch(/greater than or equal to 1024/);
    expect(invalidClientThinking({ max_tokens: 4000, thinking: { type: "disabled" } }, caps("claude-sonnet-5-5"), [])).toMatch(/Use "thinking.type.between_tools"/);
    expect(invalidClientThinking({ max_tokens: 4000, output_config: { effort: "xhigh" } }, caps("claude-sonnet-4-6"), [])).toMatch(/^"output_config.effort.xhigh" is not supported/);
  });

  it("is accepted where the model takes it, including a budget over max_tokens with interleaved thinking and tools", () => {
    expect(invalidClientThinking({ max_tokens: 4000, thinking: { type: "adaptive" }, output_config: { effort: "high" } }, caps("claude-opus-4-7"), [])).toBeNull();
    expect(invalidClientThinking({ max_tokens: 2000, tools: [{}], thinking: { type: "enabled", budget_tokens: 8000 } }, caps("claude-sonnet-4-5"), ["interleaved-thinking-2025-05-14"])).toBeNull();
    expect(invalidClientThinking({ max_tokens: 10, thinking: { type: "enabled", budget_tokens: 1 } }, caps("no-such-model"), [])).toBeNull();
  });
});

describe("the cap", () => {
  it("lowers an effort, a budget, and the model's default effort of adaptive thinking", () => {
    expect(capThinking({ type: "adaptive" }, "max", "medium", caps("claude-opus-4-7"))).toMatchObject({ effort: "medium" });
    expect(capThinking({ type: "adaptive" }, undefined, "low", caps("claude-opus-4-7"))!.adjustments[0]).toMatch(/effort high \(the model's default\) capped to low/);
    expect(capThinking({ type: "enabled", budget_tokens: 16000 }, undefined, "medium", caps("claude-sonnet-4-5"))).toMatchObject({ thinking: { type: "enabled", budget_tokens: 3072 } });
    expect(capThinking({ type: "adaptive" }, "low", "medium", caps("claude-opus-4-7"))).toBeNull();
    expect(capThinking({ type: "disabled" }, undefined, "low", caps("claude-sonnet-4-6"))).toBeNull();
  });

  it("is required with policy cap and refused with the others", () => {
    expect(thinkingPolicySchema.safeParse({ policy: "cap" }).success).toBe(false);
    expect(thinkingPolicySchema.safeParse({ policy: "honour", cap: "low" }).success).toBe(false);
    expect(thinkingPolicySchema.parse({ policy: "decide" })).toEqual({ policy: "decide", cap: null });
  });
});
