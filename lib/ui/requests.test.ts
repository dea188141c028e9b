import { describe, expect, it } from "vitest";
import { prepareRequestRow } from "./requests";
import type { RequestSummary } from "./types";

const now = new Date("2026-11-25T12:00:00Z").getTime();

function summary(over: Partial<RequestSummary> = {}): RequestSummary {
  return {
    id: "req_01",
    createdAt: new Date(now - 90_000).toISOString(),
    app: "support-bot",
    task: "faq",
    stage: "rule",
    tier: "standard",
    routeName: "fast-answers",
    requestedModel: "claude-sonnet-4-6",
    servedModel: "claude-sonnet-4-6",
    status: "ok",
    httpStatus: 200,
    latencyMs: 1240,
    inputTokens: 812,
    outputTokens: 12_400,
    thinkingTokens: 0,
    costTotal: 0.000452,
    pricingStatus: "priced",
    escalated: false,
    promptPreview: "  How do I\n reset my password? ",
    ...over,
  };
}

describe("prepareRequestRow", () => {
  it("formats every cell", () => {
    const row = prepareRequestRow(summary(), now);
    expect(row.href).toBe("/traces/req_01");
    expect(row.time).toBe("1m ago");
    expect(row.tier).toEqual({ label: "standard", tone: "standard" });
    expect(row.route).toBe("fast-answers");
    expect(row.context).toBe("support-bot · faq");
    expect(row.model).toMatchObject({ label: "claude-sonnet-4-6", changed: false });
    expect(row.tokens).toMatchObject({ input: "812", output: "12.4K", thinking: "0" });
    expect(row.cost).toMatchObject({ label: "$0.0004520", unpriced: false });
    expect(row.latency).toBe("1.24 s");
    expect(row.status).toMatchObject({ label: "ok", tone: "success" });
    expect(row.prompt).toBe("How do I reset my password?");
  });

  it("shows requested → served when the router changed the model", () => {
    const row = prepareRequestRow(summary({ tier: "reasoning", servedModel: "claude-opus-4-6" }), now);
    expect(row.model.label).toBe("claude-sonnet-4-6 → claude-opus-4-6");
    expect(row.model.changed).toBe(true);
    expect(row.tier.tone).toBe("reasoning");
  });

  it("shows an unpriced request as unpriced, never $0", () => {
    for (const over of [{ costTotal: null, pricingStatus: "unpriced" as const }, { costTotal: 0, pricingStatus: "unpriced" as const }]) {
      const row = prepareRequestRow(summary(over), now);
      expect(row.cost.label).toBe("unpriced");
      expect(row.cost.unpriced).toBe(true);
    }
  });

  it("puts the HTTP status on errors only", () => {
    expect(prepareRequestRow(summary({ status: "error", httpStatus: 529 }), now).status).toMatchObject({ label: "error 529", tone: "danger" });
    expect(prepareRequestRow(summary({ status: "partial" }), now).status).toMatchObject({ label: "partial", tone: "warning" });
  });

  it("shows a dash for a request that matched no route and no context for none", () => {
    const row = prepareRequestRow(summary({ routeName: null, app: null, task: null }), now);
    expect(row.route).toBe("—");
    expect(row.context).toBeNull();
  });
});
