import { describe, expect, it } from "vitest";
import { escalationView, hopsWithoutAnswers } from "./hops";

describe("escalationView", () => {
  it("lists the rejected answers with their reasons and flags a served answer that failed its validators", () => {
    const v = escalationView([
      { kind: "classifier", model: "claude-haiku-4-5" },
      { kind: "answer", model: "claude-sonnet-4-6", routeId: "standard", escalated: true, reasons: ["the answer is not valid JSON"], answer: "{oops" },
      { kind: "answer", model: "claude-opus-4-7", routeId: "reasoning", validatorFailed: ["the answer is not valid JSON"] },
    ]);
    expect(v.rejected).toEqual([{ model: "claude-sonnet-4-6", routeId: "standard", answer: "{oops", reasons: ["the answer is not valid JSON"] }]);
    expect(v.validatorFailed).toEqual(["the answer is not valid JSON"]);
  });

  it("reads old and odd shapes without throwing", () => {
    expect(escalationView(null)).toEqual({ rejected: [], validatorFailed: null });
    expect(escalationView([{ kind: "answer", escalated: true, reasons: [1, "x"] }, null, { kind: "answer" }])).toEqual({
      rejected: [{ model: "unknown", routeId: null, answer: null, reasons: ["x"] }],
      validatorFailed: null,
    });
  });
});

describe("hopsWithoutAnswers", () => {
  it("takes the rejected answers' text out and keeps everything else", () => {
    const hops = [
      { kind: "answer", model: "claude-sonnet-4-6", routeId: "standard", escalated: true, reasons: ["the answer hedges too much"], answer: "Perhaps the card 4111 is fine", costUsd: 0.002 },
      { kind: "answer", model: "claude-opus-4-7", routeId: "reasoning", costUsd: 0.05 },
    ];
    const out = hopsWithoutAnswers(JSON.stringify(hops))!;
    expect(out).not.toContain("4111");
    const view = escalationView(JSON.parse(out));
    expect(view.rejected).toEqual([{ model: "claude-sonnet-4-6", routeId: "standard", answer: null, reasons: ["the answer hedges too much"] }]);
    expect(JSON.parse(out)[1]).toEqual(hops[1]);
  });

  it("leaves hops without answers, and damaged columns, alone", () => {
    expect(hopsWithoutAnswers("[]")).toBeNull();
    expect(hopsWithoutAnswers(JSON.stringify([{ kind: "fallback", model: "m" }]))).toBeNull();
    expect(hopsWithoutAnswers('{"answer": "x"')).toBeNull();
    expect(hopsWithoutAnswers('{"answer": "x"}')).toBeNull();
  });
});
